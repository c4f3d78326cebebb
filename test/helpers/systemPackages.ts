/**
 * Debian and Ubuntu packages the tests install for themselves when run as root (a CI container,
 * a fresh VM), the way `.ci/run` used to: `apt-get update`, then `apt-get install -y`.
 * Anywhere else the caller fails with the install command instead.
 */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { currentHost, findOnPath, usesApt, type Host } from '../../twin/setup/host';
import { defaultCacheDir } from '../../twin/backends/jvm';
import { withInstallLock } from './installLock';

/** Writes set-up progress to stderr, where jest and npm scripts show it as it happens. */
export function progressToStderr(message: string): void {
  process.stderr.write(`[test set-up] ${message}\n`);
}

/**
 * Whether this process may install system packages with apt: Debian or Ubuntu (or a
 * derivative), running as root, with `apt-get` on PATH.
 */
export function canAptInstall(host: Host = currentHost(), env: NodeJS.ProcessEnv = process.env): boolean {
  return usesApt(host) && host.isRoot && findOnPath('apt-get', env) !== undefined;
}

/**
 * Installs `packages` with apt unless `isInstalled()` says they are there, holding a lock so
 * that parallel test processes run apt once and one at a time. apt's own output goes to stderr.
 *
 * @param isInstalled - asked again once the lock is held: another process may have installed them meanwhile
 * @throws Error naming the failed apt-get command and its exit code
 */
export async function aptInstall(packages: readonly string[], isInstalled: () => boolean, onProgress: (message: string) => void): Promise<void> {
  await withInstallLock(path.join(defaultCacheDir(), 'locks', 'apt'), async () => {
    if (isInstalled()) return;
    onProgress(`installing ${packages.join(' ')} with apt-get (running as root on ${currentHost().family})`);
    await aptGet(['update', '-q']);
    await aptGet(['install', '-y', '-q', ...packages]);
  });
}

function aptGet(args: readonly string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    // stdout to stderr too: apt's progress is for the person waiting, and stdout may be a test reporter's.
    const child = spawn('apt-get', args, { stdio: ['ignore', 2, 2], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    child.once('error', (error) => reject(new Error(`apt-get ${args.join(' ')} could not be started: ${error.message}`)));
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`apt-get ${args.join(' ')} failed (${signal ?? `exit code ${code}`}); its output is above`));
    });
  });
}
