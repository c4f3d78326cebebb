/**
 * What a previous twin may have left behind, found and cleared before a JVM service starts: its
 * JVM still shutting down (found through the pid file each service keeps) and, after a SIGKILL,
 * the temporary directories it could not delete.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { PARENT_WATCH_CLASS } from './java';

/** How often a wait looks again. */
const POLL_INTERVAL_MS = 250;

/** How long a start waits for a JVM that a killed twin left shutting down. */
const PREVIOUS_JVM_GRACE_MS = 20_000;

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Whether `pid` is one of the twin's JVMs: on Linux its command line names the parent watch; where
 * `/proc` is missing the pid file's word is taken.
 */
function isTwinJvm(pid: number): boolean {
  try {
    return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(PARENT_WATCH_CLASS);
  } catch {
    return !fs.existsSync('/proc') && isAlive(pid);
  }
}

export function writePidFile(file: string, pid: number): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${pid}\n`);
}

export function removePidFile(file: string, pid: number | undefined): void {
  try {
    if (pid === undefined || Number(fs.readFileSync(file, 'utf8').trim()) === pid) fs.rmSync(file, { force: true });
  } catch {
    // Already gone.
  }
}

/**
 * Waits for the JVM named in `pidFile`, if it still runs: a twin killed a moment ago leaves its
 * JVMs shutting down (their parent watch saw it go), still holding their port and the data dir's
 * locks for a few seconds. After the grace period the JVM is killed.
 */
export async function waitForPreviousJvm(pidFile: string, name: string, onProgress?: (message: string) => void): Promise<void> {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0 || !isTwinJvm(pid)) {
    fs.rmSync(pidFile, { force: true });
    return;
  }
  onProgress?.(`waiting for the ${name} of a previous twin (pid ${pid}) to finish shutting down`);
  const deadline = Date.now() + PREVIOUS_JVM_GRACE_MS;
  while (isAlive(pid) && Date.now() < deadline) await delay(POLL_INTERVAL_MS);
  if (isAlive(pid)) {
    onProgress?.(`the ${name} of a previous twin (pid ${pid}) did not stop within ${PREVIOUS_JVM_GRACE_MS / 1000} s; killing it`);
    process.kill(pid, 'SIGKILL');
    while (isAlive(pid)) await delay(POLL_INTERVAL_MS);
  }
  fs.rmSync(pidFile, { force: true });
}

/**
 * Where the pid of a service's JVM is kept: in its data dir when it has one (a restart may use
 * other ports, but the same directory and its locks), else under the cache by port.
 */
export function pidFileOf(service: string, port: number, dataDir: string | undefined, cacheDir: string): string {
  return dataDir === undefined ? path.join(cacheDir, 'run', `${service}-${port}.pid`) : path.join(dataDir, `${service}.pid`);
}

/** Prefix of the temporary directories of a service started without a data dir, with the owner's pid. */
export function temporaryDirPrefix(service: string): string {
  return path.join(os.tmpdir(), `pulse-${service}-${process.pid}-`);
}

/**
 * Deletes the temporary directories of services whose twin is gone: a twin killed by SIGKILL
 * cannot delete its own. A directory's owner is the pid in its name.
 */
export function removeAbandonedTemporaryDirs(service: string): void {
  const pattern = new RegExp(`^pulse-${service}-(\\d+)-`);
  let names: string[];
  try {
    names = fs.readdirSync(os.tmpdir());
  } catch {
    return;
  }
  for (const name of names) {
    const owner = pattern.exec(name)?.[1];
    if (owner === undefined || isAlive(Number(owner))) continue;
    fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
  }
}
