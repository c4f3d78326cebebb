/**
 * Files tests leave for people to look at (screenshots, fuzzing reports), in `test-artifacts/`,
 * which git ignores and CI can upload.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';

/** The folder of all artifacts, at the project root. */
export const ARTIFACTS_DIR = path.join(__dirname, '..', '..', 'test-artifacts');

/** The path of an artifact, creating the artifacts folder. */
export function artifactPath(name: string): string {
  fs.mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return path.join(ARTIFACTS_DIR, name);
}
