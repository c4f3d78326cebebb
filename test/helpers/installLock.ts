/**
 * A lock between processes for one-time installs (apt packages, the Python tools' venv), so that
 * parallel jest workers that need the same thing install it once instead of racing apt's own
 * lock or deleting each other's half-made venv.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const POLL_MS = 500;
/** Installs from PyPI or apt on a slow network take minutes; longer means something is stuck. */
const DEFAULT_WAIT_MS = 15 * 60_000;
const OWNER_FILE = 'pid';

/**
 * Runs `work` while holding the lock directory `lock` (mkdir is atomic on every file system).
 * A lock left by a process that no longer runs (a test run stopped with Ctrl-C) is taken over.
 *
 * @returns what `work` returns
 * @throws Error naming the lock and its holder when it stays held for `waitMs`, and whatever `work` throws
 */
export async function withInstallLock<T>(lock: string, work: () => Promise<T>, waitMs: number = DEFAULT_WAIT_MS): Promise<T> {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + waitMs;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, OWNER_FILE), String(process.pid));
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = lockHolder(lock);
    if (holder !== undefined && !isRunning(holder)) {
      // Renamed first, so that of two waiters seeing the same dead holder only one removes it.
      try {
        fs.renameSync(lock, `${lock}.stale-${process.pid}`);
        fs.rmSync(`${lock}.stale-${process.pid}`, { recursive: true, force: true });
      } catch {
        // Another waiter took it over first.
      }
      continue;
    }
    if (Date.now() > deadline) {
      throw new Error(`${lock} has been held by process ${holder ?? '(unknown)'} for over ${Math.round(waitMs / 1000)} s; delete it if no install is running`);
    }
    await sleep(POLL_MS);
  }
  try {
    return await work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

/** The pid written by the lock's holder; undefined while it is still being written. */
function lockHolder(lock: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(path.join(lock, OWNER_FILE), 'utf8'));
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it runs, as another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
