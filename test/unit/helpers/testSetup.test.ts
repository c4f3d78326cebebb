/**
 * The test suite's own set-up: finding or installing Chromium, and the lock that makes parallel
 * test processes install once.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ensureChromium, type ChromiumSetup } from '../../helpers/browser';
import { withInstallLock } from '../../helpers/installLock';

describe('ensureChromium', () => {
  const notFound = { found: false as const, reason: 'no chromium on PATH and PULSE_CHROMIUM is not set' };

  function setup(overrides: Partial<ChromiumSetup>): ChromiumSetup & { installs: string[][] } {
    const installs: string[][] = [];
    const installed = new Set<string>();
    return {
      host: { family: 'debian', versionId: '12', isRoot: true },
      find: () => notFound,
      canAptInstall: () => true,
      aptInstall: async (packages, isInstalled) => {
        if (isInstalled()) return;
        installs.push([...packages]);
        installed.add('/usr/bin/chromium');
      },
      isExecutable: (file) => installed.has(file),
      installs,
      ...overrides,
    };
  }

  test('uses a Chromium that is found, installing nothing', async () => {
    const machine = setup({ find: () => ({ found: true, path: '/usr/bin/google-chrome', via: 'PATH' }) });

    await expect(ensureChromium(() => undefined, machine)).resolves.toBe('/usr/bin/google-chrome');
    expect(machine.installs).toEqual([]);
  });

  test("installs Debian's chromium with apt on Debian as root, and returns where it went", async () => {
    const machine = setup({});

    await expect(ensureChromium(() => undefined, machine)).resolves.toBe('/usr/bin/chromium');
    expect(machine.installs).toEqual([['chromium']]);
  });

  test('elsewhere fails with the command to run, and installs nothing', async () => {
    const ubuntu = setup({ host: { family: 'ubuntu', versionId: '24.04', isRoot: true } });
    const debianUser = setup({ host: { family: 'debian', versionId: '12', isRoot: false }, canAptInstall: () => false });

    await expect(ensureChromium(() => undefined, ubuntu)).rejects.toThrow(
      'the dashboard tests need Chromium but no chromium on PATH and PULSE_CHROMIUM is not set; install it with ' +
        '`npx playwright-core install chromium` or set PULSE_CHROMIUM to a Chromium or Chrome executable',
    );
    await expect(ensureChromium(() => undefined, debianUser)).rejects.toThrow('install it with `sudo apt-get update && sudo apt-get install -y chromium`');
    expect([...ubuntu.installs, ...debianUser.installs]).toEqual([]);
  });
});

describe('withInstallLock', () => {
  let dir: string;

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-install-lock-'));
  });

  afterEach(() => {
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('runs concurrent holders one after the other and releases the lock', async () => {
    // Prepare
    const lock = path.join(dir, 'locks', 'apt');
    const events: string[] = [];
    const work = (name: string) => async () => {
      events.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      events.push(`${name} end`);
      return name;
    };

    // Act
    const results = await Promise.all([withInstallLock(lock, work('a')), withInstallLock(lock, work('b'))]);

    // Assess
    expect(results).toEqual(['a', 'b']);
    expect(events).toEqual(['a start', 'a end', 'b start', 'b end']);
    expect(fs.existsSync(lock)).toBe(false);
  });

  test('takes over a lock whose holder no longer runs', async () => {
    // Prepare: a pid far above any pid_max is never a running process.
    const lock = path.join(dir, 'venv.lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), '999999999');

    // Act
    const result = await withInstallLock(lock, async () => 'ran', 2_000);

    // Assess
    expect(result).toBe('ran');
  });

  test('gives up on a lock a running process holds, naming it', async () => {
    // Prepare
    const lock = path.join(dir, 'venv.lock');
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));

    // Act
    const waiting = withInstallLock(lock, async () => 'ran', 600);

    // Assess
    await expect(waiting).rejects.toThrow(`${lock} has been held by process ${process.pid} for over 1 s; delete it if no install is running`);
  });
});
