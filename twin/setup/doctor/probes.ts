/** The doctor's probes of the real machine; unit tests pass their own {@link DoctorProbes}. */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { detectDockerEngine } from '../../backends/docker/engine';
import { findCachedJvmArtifacts } from '../../backends/jvm/artifacts';
import { isMavenInstalled } from '../../backends/jvm/mavenDistribution';
import { currentHost, findChromium, findOnPath, probePythonVenv } from '../host';
import type { CacheFacts, DoctorProbes } from './types';

const execFileAsync = promisify(execFile);
/** Sizes of a folder's entries, following no symbolic links; unreadable entries count 0. */
function folderBytes(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of fs.readdirSync(target)) total += folderBytes(path.join(target, entry));
  return total;
}

/**
 * Facts about the cache at `dir`, read from the disk: whether it (or, when it does not exist
 * yet, the nearest folder above it) is writable, its size per top-level entry, and whether Maven
 * and the JVM artifacts of the current pom are there.
 */
export function inspectCache(dir: string): CacheFacts {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let writable: true | string = true;
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    writable = `${existing} is not writable`;
  }
  const parts = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .sort()
        .map((name) => ({ name, bytes: folderBytes(path.join(dir, name)) }))
    : [];
  return {
    writable,
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    parts,
    maven: isMavenInstalled(dir),
    jvmArtifacts: findCachedJvmArtifacts(dir) !== undefined,
  };
}

/** Whether something listens on host:port: binds it briefly, as the services would. */
function portFree(port: number, host: string): Promise<true | string> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE' ? 'in use' : `cannot listen: ${error.message}`));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The probes of this machine. */
export function systemProbes(): DoctorProbes {
  return {
    host: currentHost(),
    nodeVersion: process.version,
    java: async () => {
      try {
        const { stdout, stderr } = await execFileAsync('java', ['-version'], { timeout: 30_000 });
        return { output: `${stderr}${stdout}` };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return { error: code === 'ENOENT' ? '`java` was not found on PATH' : `\`java -version\` failed: ${(error as Error).message}` };
      }
    },
    port: portFree,
    cache: inspectCache,
    which: (command) => findOnPath(command),
    docker: () => detectDockerEngine(),
    chromium: () => findChromium(),
    pythonVenv: () => probePythonVenv(),
    reachable: async (url) => {
      try {
        const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
        return response.ok ? undefined : `answered ${response.status} ${response.statusText}`;
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        return cause instanceof Error ? cause.message : (error as Error).message;
      }
    },
  };
}
