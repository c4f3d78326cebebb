import * as path from 'node:path';
import { findChromium, findOnPath, hostFrom, installCommand, parseOsRelease, type ChromiumSearch, type Host } from '../../../../twin/setup/host';

const DEBIAN_12 = 'PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\nNAME="Debian GNU/Linux"\nVERSION_ID="12"\nID=debian\n';
const DEBIAN_13 = 'PRETTY_NAME="Debian GNU/Linux 13 (trixie)"\nVERSION_ID="13"\nID=debian\n';
const UBUNTU_24 = 'NAME="Ubuntu"\nVERSION_ID="24.04"\nID=ubuntu\nID_LIKE=debian\n';
const MINT = 'NAME="Linux Mint"\nVERSION_ID="22"\nID=linuxmint\nID_LIKE="ubuntu debian"\n';
const FEDORA = 'NAME="Fedora Linux"\nVERSION_ID=41\nID=fedora\n';
const ROCKY = 'NAME="Rocky Linux"\nVERSION_ID="9.4"\nID="rocky"\nID_LIKE="rhel centos fedora"\n';
const ALPINE = 'NAME="Alpine Linux"\nID=alpine\nVERSION_ID=3.20.0\n';

describe('parseOsRelease', () => {
  test('reads quoted and unquoted values and skips comments and blank lines', () => {
    expect(parseOsRelease('# comment\n\nID=debian\nVERSION_ID="12"\nNAME=\'Debian\'\n')).toEqual({ ID: 'debian', VERSION_ID: '12', NAME: 'Debian' });
  });
});

describe('hostFrom', () => {
  test.each([
    [DEBIAN_12, 'debian', '12'],
    [UBUNTU_24, 'ubuntu', '24.04'],
    [MINT, 'ubuntu', '22'],
    [FEDORA, 'fedora', '41'],
    [ROCKY, 'fedora', '9.4'],
    [ALPINE, 'linux', '3.20.0'],
  ])('classifies an os-release by its ID and ID_LIKE (%#)', (osRelease, family, versionId) => {
    expect(hostFrom('linux', osRelease, 1000)).toEqual({ family, versionId, isRoot: false });
  });

  test('knows macOS and Windows from the platform alone, and root from uid 0', () => {
    expect(hostFrom('darwin', undefined, 501)).toEqual({ family: 'macos', isRoot: false });
    expect(hostFrom('win32', undefined, undefined)).toEqual({ family: 'windows', isRoot: false });
    expect(hostFrom('linux', undefined, 0)).toEqual({ family: 'linux', isRoot: true });
  });
});

describe('installCommand', () => {
  const debian12: Host = { family: 'debian', versionId: '12', isRoot: false };

  test('names the JDK package each platform has', () => {
    expect(installCommand('jdk', debian12)).toBe('sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless');
    expect(installCommand('jdk', hostFrom('linux', DEBIAN_13, 0))).toBe('apt-get update && apt-get install -y openjdk-21-jre-headless');
    expect(installCommand('jdk', hostFrom('linux', UBUNTU_24, 1000))).toBe('sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless');
    expect(installCommand('jdk', hostFrom('linux', FEDORA, 1000))).toBe('sudo dnf install -y java-21-openjdk-headless');
    expect(installCommand('jdk', hostFrom('darwin', undefined, 501))).toBe('brew install --cask temurin@21');
    expect(installCommand('jdk', hostFrom('win32', undefined, undefined))).toBe('winget install EclipseAdoptium.Temurin.21.JDK');
  });

  test("installs Debian's chromium with apt but Playwright's Chromium on Ubuntu, whose deb is a snap", () => {
    expect(installCommand('chromium', { ...debian12, isRoot: true })).toBe('apt-get update && apt-get install -y chromium');
    expect(installCommand('chromium', hostFrom('linux', UBUNTU_24, 0))).toBe('npx playwright-core install chromium');
    expect(installCommand('chromium', hostFrom('darwin', undefined, 501))).toBe('npx playwright-core install chromium');
  });

  test("names Python's venv module per platform", () => {
    expect(installCommand('python-venv', debian12)).toBe('sudo apt-get update && sudo apt-get install -y python3-venv');
    expect(installCommand('python-venv', hostFrom('linux', FEDORA, 0))).toBe('dnf install -y python3');
    expect(installCommand('python3', hostFrom('darwin', undefined, 501))).toBe('brew install python');
  });

  test('falls back to words, not a guessed command, on an unknown Linux', () => {
    expect(installCommand('jdk', hostFrom('linux', ALPINE, 0))).toMatch(/^install a JDK 17 or newer with your distribution's package manager/);
  });
});

describe('findOnPath', () => {
  test('returns the first directory on PATH that holds an executable of that name', () => {
    const files = new Set([path.join('/b', 'tool'), path.join('/c', 'tool')]);

    const found = findOnPath('tool', { PATH: ['/a', '', '/b', '/c'].join(path.delimiter) }, (file) => files.has(file));

    expect(found).toBe(path.join('/b', 'tool'));
    expect(findOnPath('other', { PATH: '/b' }, (file) => files.has(file))).toBeUndefined();
  });
});

describe('findChromium', () => {
  const search = (overrides: Partial<ChromiumSearch> & { files?: string[] }): ChromiumSearch => {
    const files = new Set(overrides.files ?? []);
    return {
      env: { PATH: ['/usr/local/bin', '/usr/bin'].join(path.delimiter) },
      platform: 'linux',
      isExecutable: (file) => files.has(file),
      playwrightChromium: () => undefined,
      ...overrides,
    };
  };

  test('uses PULSE_CHROMIUM alone when it is set', () => {
    const files = ['/opt/chrome/chrome', path.join('/usr/bin', 'chromium')];

    expect(findChromium(search({ files, env: { PULSE_CHROMIUM: '/opt/chrome/chrome', PATH: '/usr/bin' } }))).toEqual({
      found: true,
      path: '/opt/chrome/chrome',
      via: 'PULSE_CHROMIUM',
    });
    expect(findChromium(search({ files, env: { PULSE_CHROMIUM: '/nowhere/chrome', PATH: '/usr/bin' } }))).toEqual({
      found: false,
      reason: 'PULSE_CHROMIUM is /nowhere/chrome, which is not an executable file',
    });
  });

  test('prefers chromium over chrome names on PATH', () => {
    const files = [path.join('/usr/local/bin', 'google-chrome'), path.join('/usr/bin', 'chromium-browser')];

    expect(findChromium(search({ files }))).toEqual({ found: true, path: path.join('/usr/bin', 'chromium-browser'), via: 'PATH' });
  });

  test("falls back to macOS applications, then Playwright's download", () => {
    const chrome = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    const playwright = '/home/u/.cache/ms-playwright/chromium-1/chrome-linux/chrome';

    expect(findChromium(search({ platform: 'darwin', files: [chrome] }))).toEqual({ found: true, path: chrome, via: 'Applications' });
    expect(findChromium(search({ files: [playwright], playwrightChromium: () => playwright }))).toEqual({ found: true, path: playwright, via: 'Playwright' });
  });

  test('says what it looked for when nothing is there', () => {
    const result = findChromium(search({ playwrightChromium: () => '/not/downloaded/chrome' }));

    expect(result).toEqual({ found: false, reason: 'no chromium, chromium-browser, google-chrome-stable, google-chrome, chrome on PATH and PULSE_CHROMIUM is not set' });
  });
});
