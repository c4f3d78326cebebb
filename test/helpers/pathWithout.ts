/**
 * A PATH on which some commands cannot be found, for proving that code does not need them
 * (`mvn`, `chromium`) on a machine that has them installed.
 *
 * Removing whole directories would not do: Debian puts `mvn` and `java` both in /usr/bin. So each
 * PATH directory holding one of the commands is replaced by a temporary directory of symbolic
 * links to everything else in it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findOnPath } from '../../twin/setup/host';

/** A PATH without some commands, and the temporary directory behind it. */
export interface PathWithout {
  /** The new PATH value: the same directories, in the same order, minus the commands. */
  readonly PATH: string;
  /** Deletes the shadow directories; the PATH must not be used afterwards. */
  remove(): void;
}

/**
 * Builds a PATH equal to `basePath` except that none of `commands` resolves on it.
 *
 * @param commands - file names to hide, e.g. `['mvn', 'mvnDebug']`
 * @throws Error when a command can still be found on the result (the caller's proof would be void)
 * @example
 * const shadow = pathWithout(['mvn']);
 * try { spawnSync('mvn', { env: { ...process.env, PATH: shadow.PATH } }); } finally { shadow.remove(); }
 */
export function pathWithout(commands: readonly string[], basePath: string = process.env.PATH ?? ''): PathWithout {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-path-without-'));
  // Readable by all, like the directories it stands for: apt runs its helpers (gpgv) as user _apt.
  fs.chmodSync(root, 0o755);
  // /bin and /usr/bin are one directory on merged-/usr systems: one shadow for both.
  const shadows = new Map<string, string>();
  const dirs = basePath.split(path.delimiter).map((dir) => {
    if (dir === '' || !commands.some((command) => fs.existsSync(path.join(dir, command)))) return dir;
    const real = fs.realpathSync(dir);
    let shadow = shadows.get(real);
    if (shadow === undefined) {
      shadow = path.join(root, String(shadows.size));
      fs.mkdirSync(shadow);
      for (const entry of fs.readdirSync(real)) {
        if (!commands.includes(entry)) fs.symlinkSync(path.join(real, entry), path.join(shadow, entry));
      }
      shadows.set(real, shadow);
    }
    return shadow;
  });
  const result = { PATH: dirs.join(path.delimiter), remove: () => fs.rmSync(root, { recursive: true, force: true }) };
  const stillFound = commands.filter((command) => findOnPath(command, { PATH: result.PATH }) !== undefined);
  if (stillFound.length > 0) {
    result.remove();
    throw new Error(`${stillFound.join(', ')} can still be found on the PATH built without them`);
  }
  return result;
}
