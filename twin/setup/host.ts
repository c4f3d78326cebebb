/**
 * What this machine is and what it has: the operating system (to name the right install
 * command), executables on PATH, a Chromium for the dashboard tests and a Python that can make
 * virtual environments for the tests' Python tools.
 *
 * Why one module: `pulse doctor`, the twin's own checks and the test set-up must agree on where
 * things are looked for and on the command that gets a missing one, so they all ask here.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** Operating systems whose package manager the advice knows; `linux` is any other Linux. */
export type OsFamily = 'debian' | 'ubuntu' | 'fedora' | 'linux' | 'macos' | 'windows';

/** The facts about this machine that decide how to install something. */
export interface Host {
  readonly family: OsFamily;
  /** `VERSION_ID` from /etc/os-release, e.g. "12" on Debian bookworm; undefined off Linux. */
  readonly versionId?: string;
  /** Whether this process runs as root (uid 0): system packages can be installed without sudo. */
  readonly isRoot: boolean;
}

/** Something a fresh machine may lack, with a known way to get it. */
export type Requirement = 'jdk' | 'tar' | 'chromium' | 'python3' | 'python-venv';

/**
 * Parses os-release(5) text (`KEY=value` lines, values optionally quoted) into a map.
 *
 * @example parseOsRelease('ID=debian\nVERSION_ID="12"') // { ID: 'debian', VERSION_ID: '12' }
 */
export function parseOsRelease(text: string): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const match = /^([A-Z0-9_]+)=(.*)$/.exec(line.trim());
    if (!match?.[1] || match[2] === undefined) continue;
    fields[match[1]] = match[2].replace(/^(["'])(.*)\1$/, '$2');
  }
  return fields;
}

/**
 * Classifies a machine from `process.platform`, the text of /etc/os-release (Linux only) and
 * the user id. Derivatives count as their parent (Linux Mint as Ubuntu, Rocky as Fedora) since
 * they share its package manager and package names.
 */
export function hostFrom(platform: NodeJS.Platform, osRelease: string | undefined, uid: number | undefined): Host {
  const isRoot = uid === 0;
  if (platform === 'darwin') return { family: 'macos', isRoot };
  if (platform === 'win32') return { family: 'windows', isRoot };
  const fields = parseOsRelease(osRelease ?? '');
  const ids = [fields.ID ?? '', ...(fields.ID_LIKE ?? '').split(/\s+/)];
  const versionId = fields.VERSION_ID;
  const family: OsFamily = ids.includes('ubuntu')
    ? 'ubuntu'
    : ids.includes('debian')
      ? 'debian'
      : ids.some((id) => ['fedora', 'rhel', 'centos'].includes(id))
        ? 'fedora'
        : 'linux';
  return versionId === undefined ? { family, isRoot } : { family, versionId, isRoot };
}

/** This machine, read from `process.platform`, /etc/os-release and `process.getuid()`. */
export function currentHost(): Host {
  let osRelease: string | undefined;
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      osRelease = fs.readFileSync(file, 'utf8');
      break;
    } catch {
      // Not Linux, or a minimal image: the generic advice applies.
    }
  }
  return hostFrom(process.platform, osRelease, process.getuid?.());
}

/** Whether `host` installs Debian packages with apt (Debian, Ubuntu and their derivatives). */
export function usesApt(host: Host): boolean {
  return host.family === 'debian' || host.family === 'ubuntu';
}

/**
 * The Debian package of a JDK 17+ headless runtime: Debian 13 dropped OpenJDK 17 for 21, while
 * Debian 12 and every supported Ubuntu have 17.
 */
function aptJdkPackage(host: Host): string {
  const debianMajor = host.family === 'debian' ? Number(host.versionId) : NaN;
  return debianMajor >= 13 ? 'openjdk-21-jre-headless' : 'openjdk-17-jre-headless';
}

const APT_PACKAGES: Record<Requirement, (host: Host) => string> = {
  jdk: aptJdkPackage,
  tar: () => 'tar',
  chromium: () => 'chromium',
  python3: () => 'python3 python3-venv',
  'python-venv': () => 'python3-venv',
};

const DNF_PACKAGES: Record<Requirement, string> = {
  // Fedora 40 made 21 its system JDK; 17 is gone from Fedora 42.
  jdk: 'java-21-openjdk-headless',
  tar: 'tar',
  chromium: 'chromium',
  python3: 'python3',
  // Fedora's python3 includes venv and the pip wheel ensurepip installs.
  'python-venv': 'python3',
};

/** Playwright's own Chromium build: works on every OS, with no system package. */
const PLAYWRIGHT_CHROMIUM = 'npx playwright-core install chromium';

const OTHER_OS: Record<Requirement, { macos: string; windows: string; linux: string }> = {
  jdk: {
    macos: 'brew install --cask temurin@21',
    windows: 'winget install EclipseAdoptium.Temurin.21.JDK',
    linux: "install a JDK 17 or newer with your distribution's package manager (or from https://adoptium.net)",
  },
  tar: { macos: 'xcode-select --install', windows: 'tar ships with Windows 10 and later', linux: "install tar with your distribution's package manager" },
  chromium: { macos: PLAYWRIGHT_CHROMIUM, windows: PLAYWRIGHT_CHROMIUM, linux: PLAYWRIGHT_CHROMIUM },
  python3: { macos: 'brew install python', windows: 'winget install Python.Python.3.12', linux: "install python3 with your distribution's package manager" },
  'python-venv': {
    macos: 'brew install python',
    windows: 'winget install Python.Python.3.12',
    linux: "install Python's venv module (often a python3-venv package) with your distribution's package manager",
  },
};

/**
 * The exact command that installs `requirement` on `host`, with `sudo` unless running as root.
 *
 * Why Playwright's Chromium on Ubuntu: Ubuntu's `chromium` deb only installs a snap, which does
 * not run in containers and cannot read Playwright's profile directory.
 *
 * @example installCommand('jdk', { family: 'debian', versionId: '12', isRoot: false })
 *   // 'sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless'
 */
export function installCommand(requirement: Requirement, host: Host): string {
  const sudo = host.isRoot ? '' : 'sudo ';
  const family = host.family;
  switch (family) {
    case 'ubuntu':
      if (requirement === 'chromium') return PLAYWRIGHT_CHROMIUM;
      return `${sudo}apt-get update && ${sudo}apt-get install -y ${APT_PACKAGES[requirement](host)}`;
    case 'debian':
      return `${sudo}apt-get update && ${sudo}apt-get install -y ${APT_PACKAGES[requirement](host)}`;
    case 'fedora':
      return `${sudo}dnf install -y ${DNF_PACKAGES[requirement]}`;
    default:
      return OTHER_OS[requirement][family];
  }
}

/** Whether `file` exists and may be executed by this process. */
export function isExecutable(file: string): boolean {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

/**
 * The first executable named `name` in the directories of `env.PATH`, or undefined.
 *
 * @param check - defaults to {@link isExecutable}; tests pass their own file system view
 */
export function findOnPath(name: string, env: NodeJS.ProcessEnv = process.env, check: (file: string) => boolean = isExecutable): string | undefined {
  for (const dir of (env.PATH ?? '').split(path.delimiter)) {
    if (dir === '') continue;
    const candidate = path.join(dir, name);
    if (check(candidate)) return candidate;
  }
  return undefined;
}

/** Where a Chromium was found, or why none was. */
export type ChromiumLocation = { readonly found: true; readonly path: string; readonly via: string } | { readonly found: false; readonly reason: string };

/** What {@link findChromium} looks at; every field is a seam for unit tests. */
export interface ChromiumSearch {
  readonly env: NodeJS.ProcessEnv;
  readonly platform: NodeJS.Platform;
  readonly isExecutable: (file: string) => boolean;
  /** The Chromium that `npx playwright-core install chromium` put in Playwright's cache, if any. */
  readonly playwrightChromium: () => string | undefined;
}

/** Names a Chromium or Chrome goes by on PATH, most specific first. */
export const CHROMIUM_NAMES = ['chromium', 'chromium-browser', 'google-chrome-stable', 'google-chrome', 'chrome'] as const;
/** Where Debian's `chromium` package installs it, for after an install when /usr/bin is not on PATH. */
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
const MACOS_APPS = ['/Applications/Chromium.app/Contents/MacOS/Chromium', '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome'];

/**
 * Finds a Chromium or Chrome to drive headless: `PULSE_CHROMIUM` when set (and then only it),
 * else the first of {@link CHROMIUM_NAMES} on PATH, the macOS applications, Playwright's own
 * download.
 */
export function findChromium(search: ChromiumSearch = systemChromiumSearch()): ChromiumLocation {
  const configured = search.env.PULSE_CHROMIUM;
  if (configured !== undefined && configured !== '') {
    return search.isExecutable(configured)
      ? { found: true, path: configured, via: 'PULSE_CHROMIUM' }
      : { found: false, reason: `PULSE_CHROMIUM is ${configured}, which is not an executable file` };
  }
  for (const name of CHROMIUM_NAMES) {
    const onPath = findOnPath(name, search.env, search.isExecutable);
    if (onPath) return { found: true, path: onPath, via: 'PATH' };
  }
  if (search.platform === 'darwin') {
    const app = MACOS_APPS.find((file) => search.isExecutable(file));
    if (app) return { found: true, path: app, via: 'Applications' };
  }
  const managed = search.playwrightChromium();
  if (managed !== undefined && search.isExecutable(managed)) return { found: true, path: managed, via: 'Playwright' };
  return { found: false, reason: `no ${CHROMIUM_NAMES.join(', ')} on PATH and PULSE_CHROMIUM is not set` };
}

/** {@link ChromiumSearch} of this process: its environment, its file system, its playwright-core. */
export function systemChromiumSearch(): ChromiumSearch {
  return {
    env: process.env,
    platform: process.platform,
    isExecutable,
    playwrightChromium: () => {
      try {
        // A dev dependency: present after `npm ci`, absent from a production install.
        // eslint-disable-next-line @typescript-eslint/no-require-imports
        return (require('playwright-core') as typeof import('playwright-core')).chromium.executablePath();
      } catch {
        return undefined;
      }
    },
  };
}

/** What `python3` can do about virtual environments. */
export type PythonVenvStatus =
  | { readonly python: false; readonly reason: string }
  | { readonly python: true; readonly version: string; readonly venv: boolean; readonly reason?: string };

/**
 * Asks `python3` for its version and whether `venv` and `ensurepip` import (Debian and Ubuntu
 * split them into the python3-venv package; without ensurepip, `python3 -m venv` fails).
 */
export function probePythonVenv(env: NodeJS.ProcessEnv = process.env): PythonVenvStatus {
  const script = 'import sys; print(sys.version.split()[0], flush=True); import venv, ensurepip';
  const run = spawnSync('python3', ['-c', script], { env, encoding: 'utf8', timeout: 30_000 });
  if (run.error) {
    const code = (run.error as NodeJS.ErrnoException).code;
    return { python: false, reason: code === 'ENOENT' ? '`python3` was not found on PATH' : `\`python3\` failed: ${run.error.message}` };
  }
  const version = run.stdout.trim();
  if (version === '') return { python: false, reason: `\`python3\` printed no version: ${run.stderr.trim()}` };
  if (run.status === 0) return { python: true, version, venv: true };
  const lastLine = run.stderr.trim().split('\n').pop() ?? '';
  return { python: true, version, venv: false, reason: lastLine };
}
