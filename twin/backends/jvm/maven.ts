/**
 * Runs the pinned Apache Maven on the twin's pom, one profile at a time, with its downloads summed
 * into progress lines and its full output in a log file.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { tailText } from './jvmProcess';

/** Maven 3.8's console library emits colour resets even in batch mode; they do not belong in logs. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/**
 * Parses one Maven batch-mode line "Downloaded from <repo>: <url> (<size> <unit> at ...)" into
 * bytes, or undefined for any other line.
 *
 * Why: Maven's per-file lines are too noisy to show, so they are summed into one progress line.
 */
export function parseMavenDownloadBytes(line: string): number | undefined {
  const match = /Downloaded from [^:]+: \S+ \((\d+(?:\.\d+)?) (B|kB|MB|GB)/.exec(line);
  if (!match?.[1] || !match[2]) return undefined;
  const units: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };
  return Number(match[1]) * (units[match[2]] ?? 1);
}

export interface MavenRun {
  /** The `bin/mvn` to run: the pinned distribution in the cache, never one from PATH. */
  mvn: string;
  pom: string;
  repo: string;
  profile: string;
  outDir: string;
  goals: string[];
  log: fs.WriteStream;
  logFile: string;
  onProgress?: (message: string) => void;
}

/** The exact Maven command line for one profile; exported for tests and for the docs. */
export function mavenArgs(run: Pick<MavenRun, 'pom' | 'repo' | 'profile' | 'outDir' | 'goals'>): string[] {
  return [
    '-B',
    '-Dstyle.color=never',
    '-f',
    run.pom,
    `-Dmaven.repo.local=${run.repo}`,
    '-P',
    run.profile,
    `-Dpulse.outDir=${run.outDir}`,
    ...run.goals,
  ];
}

export function runMaven(run: MavenRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.mvn, mavenArgs(run), { stdio: ['ignore', 'pipe', 'pipe'] });
    let files = 0;
    let bytes = 0;
    let lastReport = Date.now();
    let recent = '';
    let partialLine = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8').replace(ANSI_ESCAPE, '');
      run.log.write(text);
      recent = tailText(recent + text, 40);
      const lines = (partialLine + text).split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) {
        const size = parseMavenDownloadBytes(line);
        if (size === undefined) continue;
        files += 1;
        bytes += size;
      }
      if (files > 0 && Date.now() - lastReport >= 2_000) {
        lastReport = Date.now();
        run.onProgress?.(`Maven (${run.profile}): downloaded ${files} files, ${(bytes / 1e6).toFixed(1)} MB so far`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`Maven (${run.mvn}) could not be started: ${error.message}; delete ${path.dirname(path.dirname(run.mvn))} to download it again`));
    });
    child.once('close', (code) => {
      if (code === 0) {
        if (files > 0) run.onProgress?.(`Maven (${run.profile}): downloaded ${files} files, ${(bytes / 1e6).toFixed(1)} MB`);
        resolve();
        return;
      }
      reject(
        new Error(
          `Maven failed (exit code ${code}) resolving the ${run.profile} artifacts of ${run.pom}; ` +
            `check access to Maven Central and ${run.repo}. Full output: ${run.logFile}. Last lines:\n${recent}`,
        ),
      );
    });
  });
}

/** The entries of a classpath file Maven wrote (`dependency:build-classpath`). */
export function readClasspathFile(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split(path.delimiter)
    .filter((entry) => entry !== '');
}
