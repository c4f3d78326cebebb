/**
 * Python command-line tools the tests run (cfn-lint, schemathesis, check-jsonschema), installed
 * from PyPI into a virtualenv under the project's cache, keyed by the content of
 * `requirements-dev.txt`, so a warm run does no network I/O and a changed pin installs afresh.
 *
 * The venv is made the first way that works here:
 * 1. `python3 -m venv` (needs `ensurepip`, which Debian and Ubuntu split into python3-venv);
 * 2. on Debian or Ubuntu as root: install python3-venv with apt-get, then as 1;
 * 3. `python3 -m venv --without-pip`, then pip run from its own wheel, downloaded from PyPI and
 *    checked against a pinned sha256 (pip's documented way to run without being installed);
 * else it fails with the command that installs Python's venv module on this machine.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { downloadVerified } from '../../twin/setup/download';
import { currentHost, installCommand, probePythonVenv, type PythonVenvStatus } from '../../twin/setup/host';
import { defaultCacheDir } from '../../twin/backends/jvm';
import { withInstallLock } from './installLock';
import { aptInstall, canAptInstall, progressToStderr } from './systemPackages';

const execFileAsync = promisify(execFile);

const REQUIREMENTS = path.join(__dirname, '..', '..', 'requirements-dev.txt');

/**
 * The pip wheel used when Python cannot put pip into a venv itself. 25.3 is the newest pip that
 * still runs on Python 3.9 (macOS's own python3). From https://pypi.org/simple/pip/.
 */
export const PIP_WHEEL = {
  version: '25.3',
  url: 'https://files.pythonhosted.org/packages/44/3c/d717024885424591d5376220b5e836c2d5293ce2011523c9de23ff7bf068/pip-25.3-py3-none-any.whl',
  sha256: '9655943313a94722b7774661c21049070f6bbb0a1516bf02f7c8d5d9201514cd',
} as const;

/** How long a first install may take (a hook that calls {@link pythonTool} should allow this much). */
export const PYTHON_TOOLS_INSTALL_TIMEOUT_MS = 10 * 60_000;

/**
 * The path of a tool's executable, installing the pinned tools first if needed.
 *
 * @param tool - a console script of a package in `requirements-dev.txt` (e.g. `cfn-lint`)
 * @throws Error when the tools cannot be installed (see {@link ensurePythonTools}) or `tool` is not among them
 */
export async function pythonTool(tool: string): Promise<string> {
  const executable = path.join(await ensurePythonTools(), 'bin', tool);
  if (!fs.existsSync(executable)) throw new Error(`${tool} is not installed by ${REQUIREMENTS}`);
  return executable;
}

/**
 * The venv holding the pinned tools, made and filled on first use (about a minute), once even
 * when several test processes ask at the same time.
 *
 * @returns the venv's directory (`<cache>/pytools/<hash of requirements-dev.txt>`)
 * @throws Error when there is no `python3`, no way to make a venv, or pip fails; each names the fix
 */
export async function ensurePythonTools(onProgress: (message: string) => void = progressToStderr): Promise<string> {
  const requirements = fs.readFileSync(REQUIREMENTS, 'utf8');
  const key = createHash('sha256').update(requirements).digest('hex').slice(0, 12);
  const venv = path.join(defaultCacheDir(), 'pytools', key);
  const marker = path.join(venv, '.installed');
  if (!fs.existsSync(marker)) {
    await withInstallLock(`${venv}.lock`, async () => {
      if (!fs.existsSync(marker)) await install(venv, marker, onProgress);
    });
  }
  return venv;
}

async function install(venv: string, marker: string, onProgress: (message: string) => void): Promise<void> {
  const started = Date.now();
  onProgress(`installing the Python test tools of ${REQUIREMENTS} into ${venv} (about a minute)`);
  fs.rmSync(venv, { recursive: true, force: true });
  const pip = await createVenv(venv, onProgress);
  // With pip's wheel as a requirement too, the venv ends up with its own pip either way.
  const wheel = pip.wheel === undefined ? [] : [pip.wheel];
  await run(pip.command[0] as string, [...pip.command.slice(1), 'install', '--quiet', '--disable-pip-version-check', ...wheel, '-r', REQUIREMENTS], 'installing the Python test tools');
  fs.writeFileSync(marker, new Date().toISOString());
  onProgress(`Python test tools installed in ${Math.round((Date.now() - started) / 1000)} s`);
}

/** How to run pip for a new venv: its command line, and the wheel it runs from when not installed. */
interface VenvPip {
  readonly command: readonly string[];
  readonly wheel?: string;
}

async function createVenv(venv: string, onProgress: (message: string) => void): Promise<VenvPip> {
  const host = currentHost();
  const python = path.join(venv, 'bin', 'python');
  let status: PythonVenvStatus = probePythonVenv();
  if (!status.python) {
    throw new Error(`the tests need Python 3 for cfn-lint, schemathesis and check-jsonschema but ${status.reason}; install it with \`${installCommand('python3', host)}\``);
  }
  if (!status.venv && canAptInstall(host)) {
    onProgress(`python3 -m venv cannot install pip here (${status.reason}); trying Debian's python3-venv`);
    await aptInstall(['python3-venv'], () => venvWorks(probePythonVenv()), onProgress);
    status = probePythonVenv();
  }
  if (venvWorks(status)) {
    await run('python3', ['-m', 'venv', venv], 'python3 -m venv');
    return { command: [python, '-m', 'pip'] };
  }
  onProgress(`python3 -m venv cannot install pip here; making the venv without pip and running pip ${PIP_WHEEL.version} from its wheel on PyPI`);
  await run('python3', ['-m', 'venv', '--without-pip', venv], 'python3 -m venv --without-pip', installCommand('python-venv', host));
  const wheel = path.join(defaultCacheDir(), 'pytools', path.basename(PIP_WHEEL.url));
  if (!fs.existsSync(wheel)) {
    await downloadVerified({ url: PIP_WHEEL.url, file: wheel, digest: { algorithm: 'sha256', hex: PIP_WHEEL.sha256 }, label: `pip ${PIP_WHEEL.version}`, onProgress });
  }
  // A wheel is a zip that Python can import from; pip's own docs run it as <wheel>/pip.
  return { command: [python, path.join(wheel, 'pip')], wheel };
}

function venvWorks(status: PythonVenvStatus): boolean {
  return status.python && status.venv;
}

/**
 * Runs a command to its end, for up to 10 minutes.
 *
 * @param fix - appended to the error as what to install, when there is one
 * @throws Error naming `what`, its exit and the end of its stderr
 */
async function run(command: string, args: readonly string[], what: string, fix?: string): Promise<void> {
  try {
    await execFileAsync(command, args, { timeout: 600_000, maxBuffer: 64 * 1024 * 1024 });
  } catch (error) {
    const { stderr = '', code } = error as { stderr?: string; code?: unknown };
    const advice = fix === undefined ? '' : `; install Python's venv module with \`${fix}\``;
    throw new Error(`${what} failed (${code === 'ENOENT' ? `${command} not found` : `exit ${String(code)}`})${advice}:\n${stderr.slice(-2000)}`);
  }
}
