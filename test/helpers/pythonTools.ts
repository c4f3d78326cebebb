/**
 * Python command-line tools the tests run (cfn-lint, schemathesis), installed from PyPI into a
 * virtualenv under the project's cache, keyed by the content of `requirements-dev.txt`, so a warm
 * run does no network I/O and a changed pin installs afresh.
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const REQUIREMENTS = path.join(__dirname, '..', '..', 'requirements-dev.txt');

/** The cache root shared with the JVM backend. */
function cacheDir(): string {
  return process.env.PULSE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'pulse');
}

/**
 * The path of a tool's executable, installing the pinned tools first if needed.
 * @param tool - a console script of a package in `requirements-dev.txt` (e.g. `cfn-lint`)
 */
export function pythonTool(tool: string): string {
  const requirements = fs.readFileSync(REQUIREMENTS, 'utf8');
  const key = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const venv = path.join(cacheDir(), 'pytools', key);
  const marker = path.join(venv, '.installed');
  if (!fs.existsSync(marker)) withInstallLock(`${venv}.lock`, () => fs.existsSync(marker) || install(venv, marker));
  const executable = path.join(venv, 'bin', tool);
  if (!fs.existsSync(executable)) throw new Error(`${tool} is not installed by ${REQUIREMENTS}`);
  return executable;
}

/**
 * Runs `work` while holding a lock directory (mkdir is atomic), so parallel jest workers that
 * need the tools at once install them once instead of deleting each other's half-made venv.
 */
function withInstallLock(lock: string, work: () => unknown): void {
  fs.mkdirSync(path.dirname(lock), { recursive: true });
  const deadline = Date.now() + 900_000;
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      if (Date.now() > deadline) throw new Error(`${lock} is held for over 15 minutes; delete it if no install is running`);
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 500);
    }
  }
  try {
    work();
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}

function install(venv: string, marker: string): void {
  process.stderr.write(`installing Python test tools (${REQUIREMENTS}) into ${venv}\n`);
  fs.rmSync(venv, { recursive: true, force: true });
  try {
    execFileSync('python3', ['-m', 'venv', venv], { stdio: ['ignore', 'ignore', 'pipe'] });
    execFileSync(path.join(venv, 'bin', 'pip'), ['install', '--quiet', '--disable-pip-version-check', '-r', REQUIREMENTS], {
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 600_000,
    });
  } catch (error) {
    const stderr = (error as { stderr?: Buffer }).stderr?.toString() ?? '';
    throw new Error(`installing ${REQUIREMENTS} failed; Python 3 with venv and pip is required. ${stderr.slice(-2000)}`);
  }
  fs.writeFileSync(marker, new Date().toISOString());
}
