import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  assertCanStart,
  blockers,
  formatDoctorReport,
  inspectCache,
  runDoctor,
  type CacheFacts,
  type CheckResult,
  type DoctorContext,
  type DoctorProbes,
} from '../../../../twin/setup/doctor';

const JAVA_17 = 'openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)\n';
const WARM_CACHE: CacheFacts = { writable: true, bytes: 130e6, parts: [{ name: 'm2', bytes: 120e6 }, { name: 'maven', bytes: 10e6 }], maven: true, jvmArtifacts: true };
const EMPTY_CACHE: CacheFacts = { writable: true, bytes: 0, parts: [], maven: false, jvmArtifacts: false };
const NO_ENGINE = { available: false as const, reason: 'no Docker engine answered (docker info: Cannot connect)' };

const context: DoctorContext = { backend: 'auto', apiPort: 3000, apiHost: '127.0.0.1', kafkaPort: 9092, dynamoDbPort: 8000, cacheDir: '/home/u/.cache/pulse' };

/** A machine with everything (Debian 12, as a user), where each probe can be overridden; `asked` records which ran. */
function machine(overrides: Partial<DoctorProbes> = {}): DoctorProbes & { asked: string[] } {
  const asked: string[] = [];
  const probes: DoctorProbes = {
    host: { family: 'debian', versionId: '12', isRoot: false },
    nodeVersion: 'v20.20.2',
    java: async () => ({ output: JAVA_17 }),
    port: async () => true,
    cache: () => WARM_CACHE,
    which: (command) => `/usr/bin/${command}`,
    docker: async () => NO_ENGINE,
    chromium: () => ({ found: true, path: '/usr/bin/chromium', via: 'PATH' }),
    pythonVenv: () => ({ python: true, version: '3.11.2', venv: true }),
    reachable: async () => undefined,
    ...overrides,
  };
  const recorded = Object.fromEntries(
    Object.entries(probes).map(([key, value]) => [
      key,
      typeof value === 'function'
        ? (...args: unknown[]) => {
            asked.push(key);
            return (value as (...a: unknown[]) => unknown)(...args);
          }
        : value,
    ]),
  ) as unknown as DoctorProbes;
  return Object.assign(recorded, { asked });
}

function byName(results: readonly CheckResult[], name: string): CheckResult {
  const result = results.find((entry) => entry.name === name);
  if (!result) throw new Error(`no check named ${name} in ${results.map((entry) => entry.name).join(', ')}`);
  return result;
}

describe('runDoctor', () => {
  test('finds nothing to block a start on a complete machine, and auto picks jvm without Docker', async () => {
    // Act
    const report = await runDoctor(context, machine());

    // Assess
    expect(report.backend).toEqual({ backend: 'jvm', reason: `auto chose jvm: ${NO_ENGINE.reason}` });
    expect(blockers(report)).toEqual([]);
    expect(report.results.map((result) => [result.name, result.status])).toEqual([
      ['Node.js 20+', 'ok'],
      ['Java 17+', 'ok'],
      ['port 9092', 'ok'],
      ['port 8000', 'ok'],
      ['port 3000', 'ok'],
      ['cache', 'ok'],
      ['tar', 'ok'],
      ['Maven Central', 'skipped'],
      ['Docker engine', 'missing'],
      ['Chromium', 'ok'],
      ['Python venv', 'ok'],
    ]);
    expect(byName(report.results, 'Docker engine').neededFor).toBe('optional');
  });

  test('names a missing JDK, and one too old, with the install command of the platform', async () => {
    // Act
    const missing = await runDoctor(context, machine({ java: async () => ({ error: '`java` was not found on PATH' }) }));
    const old = await runDoctor(context, machine({ java: async () => ({ output: 'openjdk version "11.0.22" 2024-01-16' }) }));

    // Assess
    expect(blockers(missing)).toEqual([
      {
        name: 'Java 17+',
        status: 'missing',
        neededFor: 'start',
        detail: '`java` was not found on PATH',
        fix: 'sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless',
      },
    ]);
    expect(blockers(old).map((result) => result.detail)).toEqual(['found Java 11 (openjdk version "11.0.22" 2024-01-16)']);
  });

  test('blocks on a busy port and says whose port it is and how to move it', async () => {
    // Act
    const report = await runDoctor(context, machine({ port: async (port) => (port === 9092 ? 'in use' : true) }));

    // Assess
    expect(blockers(report)).toEqual([
      {
        name: 'port 9092',
        status: 'missing',
        neededFor: 'start',
        detail: 'in use on 127.0.0.1 (Kafka broker)',
        fix: 'stop what listens there (another twin?) or set KAFKA_BROKERS=localhost:<free port>',
      },
    ]);
  });

  test('with a Docker engine, auto picks docker and the JVM checks do not apply', async () => {
    // Prepare
    const probes = machine({
      docker: async () => ({ available: true, serverVersion: '28.2.2', composeVersion: '2.36.2' }),
      java: async () => ({ error: '`java` was not found on PATH' }),
      port: async (port) => (port === 3000 ? true : 'in use'),
    });

    // Act
    const report = await runDoctor(context, probes);

    // Assess
    expect(report.backend.backend).toBe('docker');
    expect(blockers(report)).toEqual([]);
    expect(byName(report.results, 'Java 17+').status).toBe('skipped');
    expect(byName(report.results, 'port 9092').detail).toBe('only the jvm backend starts a broker here');
    expect(byName(report.results, 'Docker engine')).toMatchObject({ status: 'ok', neededFor: 'optional' });
  });

  test('--backend docker without an engine blocks on the Docker engine', async () => {
    // Act
    const report = await runDoctor({ ...context, backend: 'docker' }, machine());

    // Assess
    expect(blockers(report).map((result) => result.name)).toEqual(['Docker engine']);
    expect(blockers(report)[0]?.detail).toMatch(/^--backend docker needs a running Docker engine/);
  });

  test('an empty cache needs tar and Maven Central, and says what the first start downloads', async () => {
    // Act
    const reachable = await runDoctor(context, machine({ cache: () => EMPTY_CACHE }));
    const offline = await runDoctor(context, machine({ cache: () => EMPTY_CACHE, which: () => undefined, reachable: async () => 'getaddrinfo ENOTFOUND' }));

    // Assess
    expect(blockers(reachable)).toEqual([]);
    expect(byName(reachable.results, 'cache').detail).toBe(
      '/home/u/.cache/pulse: writable, empty; Kafka and DynamoDB Local not cached: a jvm start first downloads Apache Maven 3.9.16 and them, about 130 MB in all from an empty cache',
    );
    expect(blockers(offline).map((result) => [result.name, result.fix])).toEqual([
      ['tar', 'sudo apt-get update && sudo apt-get install -y tar'],
      ['Maven Central', 'allow HTTPS to repo.maven.apache.org (a proxy for Maven goes in ~/.m2/settings.xml), or use --backend docker/external'],
    ]);
  });

  test('a warm cache needs neither tar nor the network', async () => {
    // Prepare
    const probes = machine({ which: () => undefined, reachable: async () => 'unreachable' });

    // Act
    const report = await runDoctor(context, probes);

    // Assess
    expect(blockers(report)).toEqual([]);
    expect(probes.asked).not.toContain('reachable');
  });

  test('an unwritable cache blocks the jvm backend only', async () => {
    // Prepare
    const cache = (): CacheFacts => ({ ...EMPTY_CACHE, writable: '/home/u/.cache is not writable' });

    // Act
    const jvm = await runDoctor(context, machine({ cache }));
    const external = await runDoctor({ ...context, backend: 'external' }, machine({ cache }));

    // Assess
    expect(blockers(jvm).map((result) => [result.name, result.fix])).toEqual([['cache', 'set PULSE_CACHE_DIR to a folder you can write']]);
    expect(blockers(external)).toEqual([]);
  });

  test('what only the tests need warns or is missing but never blocks a start', async () => {
    // Prepare
    const noChromium = { found: false as const, reason: 'no chromium on PATH' };

    // Act
    const debianRoot = await runDoctor(
      context,
      machine({
        host: { family: 'debian', versionId: '12', isRoot: true },
        chromium: () => noChromium,
        pythonVenv: () => ({ python: true, version: '3.11.2', venv: false, reason: "ModuleNotFoundError: No module named 'ensurepip'" }),
      }),
    );
    const mac = await runDoctor(context, machine({ host: { family: 'macos', isRoot: false }, chromium: () => noChromium, pythonVenv: () => ({ python: false, reason: '`python3` was not found on PATH' }) }));

    // Assess
    expect(blockers(debianRoot)).toEqual([]);
    expect(byName(debianRoot.results, 'Chromium')).toMatchObject({ status: 'warn', detail: 'no chromium on PATH; npm test installs it with apt-get' });
    expect(byName(debianRoot.results, 'Python venv').detail).toMatch(/npm test installs python3-venv with apt-get, else makes one without pip and runs pip from its PyPI wheel$/);
    expect(blockers(mac)).toEqual([]);
    expect(byName(mac.results, 'Chromium')).toMatchObject({ status: 'missing', neededFor: 'test', fix: 'npx playwright-core install chromium (or set PULSE_CHROMIUM to a Chromium or Chrome)' });
    expect(byName(mac.results, 'Python venv')).toMatchObject({ status: 'missing', fix: 'brew install python' });
  });

  test('blocks on a Node.js older than 20', async () => {
    const report = await runDoctor(context, machine({ nodeVersion: 'v18.20.4' }));

    expect(blockers(report).map((result) => [result.name, result.detail])).toEqual([['Node.js 20+', 'found v18.20.4']]);
  });
});

describe('assertCanStart', () => {
  test('asks nothing a start does not need and passes on a complete machine', async () => {
    // Prepare
    const probes = machine();

    // Act
    await assertCanStart(context, { backend: 'jvm', reason: '--backend jvm' }, probes);

    // Assess
    expect(probes.asked.sort()).toEqual(['cache', 'java', 'port', 'port', 'port', 'which']);
  });

  test('names every failing check with its fix', async () => {
    // Prepare
    const probes = machine({ java: async () => ({ error: '`java` was not found on PATH' }), port: async (port) => (port === 3000 ? 'in use' : true) });

    // Act
    const start = assertCanStart(context, { backend: 'jvm', reason: '--backend jvm' }, probes);

    // Assess
    await expect(start).rejects.toThrow(
      'cannot start: \n' +
        '  - Java 17+: `java` was not found on PATH; sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless\n' +
        '  - port 3000: in use on 127.0.0.1 (HTTP API and dashboard); stop what listens there or pass --port <free port>\n' +
        '(run `npm run doctor` for every check)',
    );
  });

  test('checks only the API port for the external backend, and none when it is 0', async () => {
    // Prepare
    const probes = machine({ port: async () => 'in use' });

    // Act
    await assertCanStart({ ...context, apiPort: 0 }, { backend: 'external', reason: '--backend external' }, probes);

    // Assess
    expect(probes.asked).not.toContain('port');
  });
});

describe('formatDoctorReport', () => {
  test('prints aligned rows, the fixes, and the verdict for npm start', async () => {
    // Prepare
    const report = await runDoctor(context, machine({ java: async () => ({ error: '`java` was not found on PATH' }) }));

    // Act
    const text = formatDoctorReport(report);

    // Assess
    const lines = text.split('\n');
    expect(lines[0]).toBe('check          status   needed for  details');
    expect(lines[2]).toBe('Java 17+       missing  npm start   `java` was not found on PATH');
    expect(text).toContain('\nto fix:\n  Java 17+: sudo apt-get update && sudo apt-get install -y openjdk-17-jre-headless\n');
    expect(text.endsWith('\nnpm start cannot run: Java 17+\n')).toBe(true);
  });
});

describe('inspectCache', () => {
  let root: string;

  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-doctor-cache-'));
  });

  afterEach(() => {
    fs.rmSync(root, { recursive: true, force: true });
  });

  test('sums file sizes per top-level entry and finds nothing resolved in a fresh folder', () => {
    // Prepare
    fs.mkdirSync(path.join(root, 'm2', 'org'), { recursive: true });
    fs.writeFileSync(path.join(root, 'm2', 'org', 'a.jar'), Buffer.alloc(3000));
    fs.writeFileSync(path.join(root, 'maven.log'), Buffer.alloc(500));

    // Act
    const facts = inspectCache(root);

    // Assess
    expect(facts).toEqual({
      writable: true,
      bytes: 3500,
      parts: [
        { name: 'm2', bytes: 3000 },
        { name: 'maven.log', bytes: 500 },
      ],
      maven: false,
      jvmArtifacts: false,
    });
  });

  test('a cache that does not exist yet is writable when the folder above it is', () => {
    expect(inspectCache(path.join(root, 'not', 'yet'))).toEqual({ writable: true, bytes: 0, parts: [], maven: false, jvmArtifacts: false });
  });
});
