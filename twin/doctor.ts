/**
 * `pulse doctor`: what this machine has and lacks for `npm start` and `npm test`, and the
 * command that gets each missing piece. `pulse local` runs the checks a start needs before it
 * starts anything, so a busy port or a missing JDK is named at once, not after a 130 MB download.
 *
 * The checks are pure functions of {@link DoctorProbes}; {@link systemProbes} asks the real
 * machine, and unit tests pass their own.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { backendFor, detectDockerEngine, type BackendChoice, type DockerEngineStatus, type ResolvedBackend } from './docker';
import { megabytes } from './download';
import {
  currentHost,
  findChromium,
  findOnPath,
  installCommand,
  probePythonVenv,
  usesApt,
  type ChromiumLocation,
  type Host,
  type PythonVenvStatus,
} from './host';
import { MIN_JAVA_VERSION, findCachedJvmArtifacts, parseJavaMajorVersion } from './jvm/artifacts';
import { MAVEN_DISTRIBUTION, isMavenInstalled, mavenDistributionUrl } from './jvm/mavenDistribution';

const execFileAsync = promisify(execFile);

/** The Node.js major release the project supports (package.json `engines`). */
export const MIN_NODE_VERSION = 20;
/** What a first start of the JVM backend downloads, measured from an empty cache (README). */
export const FIRST_RUN_DOWNLOAD_MB = 130;

/** `ok`: present; `warn`: works another way (see the detail); `missing`: absent; `skipped`: not needed here. */
export type CheckStatus = 'ok' | 'warn' | 'missing' | 'skipped';
/** What a check is needed for: a missing `start` check makes `npm start` (and the doctor) fail. */
export type CheckNeed = 'start' | 'test' | 'optional';

/** One line of the doctor's table. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly neededFor: CheckNeed;
  /** What was found, or why it is missing. */
  readonly detail: string;
  /** The command or step that gets it; set when the status is `missing` or `warn`. */
  readonly fix?: string;
}

/** What the checks are about: the backend asked for, the ports and the cache `pulse local` would use. */
export interface DoctorContext {
  readonly backend: BackendChoice;
  /** Port and interface of the HTTP API (`--port`, `--host`). */
  readonly apiPort: number;
  readonly apiHost: string;
  /** Ports the jvm backend would start the broker and DynamoDB Local on. */
  readonly kafkaPort: number;
  readonly dynamoDbPort: number;
  readonly cacheDir: string;
}

/** What the cache holds. */
export interface CacheFacts {
  /** `true`, or why the cache (or the nearest existing folder above it) cannot be written. */
  readonly writable: true | string;
  /** Total size in bytes, and per top-level entry (m2, maven, jvm, pytools, …). */
  readonly bytes: number;
  readonly parts: readonly { readonly name: string; readonly bytes: number }[];
  /** The pinned Apache Maven is unpacked and verified. */
  readonly maven: boolean;
  /** The Kafka and DynamoDB Local classpaths of the current pom are complete. */
  readonly jvmArtifacts: boolean;
}

/** The outcome of `java -version`: its output (stderr), or why it did not run. */
export type JavaProbe = { readonly output: string } | { readonly error: string };

/** Everything the checks ask the machine; {@link systemProbes} for the real one. */
export interface DoctorProbes {
  readonly host: Host;
  /** `process.version`, e.g. "v20.20.2". */
  readonly nodeVersion: string;
  java(): Promise<JavaProbe>;
  /** `true` when nothing listens on host:port, else why not (e.g. "in use"). */
  port(port: number, host: string): Promise<true | string>;
  cache(dir: string): CacheFacts;
  /** The path of a command on PATH, or undefined. */
  which(command: string): string | undefined;
  docker(): Promise<DockerEngineStatus>;
  chromium(): ChromiumLocation;
  pythonVenv(): PythonVenvStatus;
  /** `undefined` when an HTTPS HEAD of the URL succeeds, else the error. */
  reachable(url: string): Promise<string | undefined>;
}

/**
 * Which checks to run: all of them (`pulse doctor`), or only those a start needs, with no
 * network, for a backend already chosen (`pulse local`, which has asked Docker itself).
 */
export type DoctorScope = 'doctor' | { readonly start: ResolvedBackend };

/** The doctor's findings: the backend it checked for, and one result per check. */
export interface DoctorReport {
  readonly backend: ResolvedBackend | { readonly backend: undefined; readonly reason: string };
  readonly results: readonly CheckResult[];
}

const PORT_ROLES = { kafka: 'Kafka broker', dynamoDb: 'DynamoDB Local', api: 'HTTP API and dashboard' } as const;

/**
 * Runs the checks for `context` and returns one result per check, in a fixed order.
 *
 * @param scope - `{ start: backend }` skips what a start does not need (Docker, Chromium,
 *   Python) and anything that uses the network
 */
export async function runDoctor(context: DoctorContext, probes: DoctorProbes, scope: DoctorScope = 'doctor'): Promise<DoctorReport> {
  const forStart = scope !== 'doctor';
  const docker = !forStart && (context.backend === 'auto' || context.backend === 'docker') ? await probes.docker() : undefined;
  let backend: DoctorReport['backend'];
  try {
    backend = forStart ? scope.start : backendFor(context.backend, docker);
  } catch (error) {
    backend = { backend: undefined, reason: (error as Error).message };
  }
  const jvm = backend.backend === 'jvm';
  const cache = probes.cache(context.cacheDir);
  const results: CheckResult[] = [
    checkNode(probes.nodeVersion),
    jvm ? await checkJava(probes) : skipped(`Java ${MIN_JAVA_VERSION}+`, 'start', `not needed by the ${backend.backend ?? 'chosen'} backend`),
    ...(await checkPorts(context, probes, backend.backend)),
    checkCache(context.cacheDir, cache, jvm),
    checkTar(probes, cache, jvm),
  ];
  if (!forStart) {
    results.push(await checkMavenCentral(probes, cache, jvm));
    results.push(checkDocker(context.backend, docker, backend));
    results.push(checkChromium(probes));
    results.push(checkPythonVenv(probes));
  }
  return { backend, results };
}

/** The checks that stop `npm start`: missing and needed for a start. */
export function blockers(report: DoctorReport): CheckResult[] {
  return report.results.filter((result) => result.status === 'missing' && result.neededFor === 'start');
}

/**
 * Runs the checks a start of `backend` needs and throws when one fails, naming each failing
 * check and its fix.
 *
 * @throws Error "cannot start: <check>: <detail>; <fix>" (one line per failing check)
 */
export async function assertCanStart(
  context: Omit<DoctorContext, 'backend'>,
  backend: ResolvedBackend,
  probes: DoctorProbes = systemProbes(),
): Promise<void> {
  const failed = blockers(await runDoctor({ ...context, backend: backend.backend }, probes, { start: backend }));
  if (failed.length === 0) return;
  const lines = failed.map((result) => `${result.name}: ${result.detail}${result.fix ? `; ${result.fix}` : ''}`);
  throw new Error(`cannot start: ${lines.length === 1 ? lines[0] : `\n  - ${lines.join('\n  - ')}`}\n(run \`npm run doctor\` for every check)`);
}

function skipped(name: string, neededFor: CheckNeed, detail: string): CheckResult {
  return { name, status: 'skipped', neededFor, detail };
}

function checkNode(version: string): CheckResult {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  const name = `Node.js ${MIN_NODE_VERSION}+`;
  return major >= MIN_NODE_VERSION
    ? { name, status: 'ok', neededFor: 'start', detail: version }
    : { name, status: 'missing', neededFor: 'start', detail: `found ${version}`, fix: `install Node.js ${MIN_NODE_VERSION} or newer (https://nodejs.org)` };
}

async function checkJava(probes: DoctorProbes): Promise<CheckResult> {
  const name = `Java ${MIN_JAVA_VERSION}+`;
  const fix = installCommand('jdk', probes.host);
  const probe = await probes.java();
  if ('error' in probe) return { name, status: 'missing', neededFor: 'start', detail: probe.error, fix };
  const major = parseJavaMajorVersion(probe.output);
  const firstLine = probe.output.trim().split('\n')[0] ?? '';
  if (major === undefined) return { name, status: 'missing', neededFor: 'start', detail: `unrecognised \`java -version\`: ${firstLine}`, fix };
  if (major < MIN_JAVA_VERSION) return { name, status: 'missing', neededFor: 'start', detail: `found Java ${major} (${firstLine})`, fix };
  return { name, status: 'ok', neededFor: 'start', detail: `Java ${major} (${firstLine})` };
}

async function checkPorts(context: DoctorContext, probes: DoctorProbes, backend: ResolvedBackend['backend'] | undefined): Promise<CheckResult[]> {
  const checks: { port: number; role: keyof typeof PORT_ROLES; host: string; fix: string; needed: boolean; why: string }[] = [
    {
      port: context.kafkaPort,
      role: 'kafka',
      host: '127.0.0.1',
      fix: 'stop what listens there (another twin?) or set KAFKA_BROKERS=localhost:<free port>',
      needed: backend === 'jvm',
      why: 'only the jvm backend starts a broker here',
    },
    {
      port: context.dynamoDbPort,
      role: 'dynamoDb',
      host: '127.0.0.1',
      fix: 'stop what listens there (another twin?) or set DYNAMODB_ENDPOINT=http://localhost:<free port>',
      needed: backend === 'jvm',
      why: 'only the jvm backend starts DynamoDB Local here',
    },
    { port: context.apiPort, role: 'api', host: context.apiHost, fix: 'stop what listens there or pass --port <free port>', needed: true, why: '' },
  ];
  return Promise.all(
    checks.map(async ({ port, role, host, fix, needed, why }): Promise<CheckResult> => {
      const name = `port ${port}`;
      // Port 0 asks the OS for any free port: nothing to check.
      if (!needed) return skipped(name, 'start', why);
      if (port === 0) return skipped(name, 'start', `any free port (${PORT_ROLES[role]})`);
      const free = await probes.port(port, host);
      return free === true
        ? { name, status: 'ok', neededFor: 'start', detail: `free on ${host} (${PORT_ROLES[role]})` }
        : { name, status: 'missing', neededFor: 'start', detail: `${free} on ${host} (${PORT_ROLES[role]})`, fix };
    }),
  );
}

function checkCache(dir: string, cache: CacheFacts, jvm: boolean): CheckResult {
  const name = 'cache';
  const neededFor: CheckNeed = jvm ? 'start' : 'optional';
  if (cache.writable !== true) {
    return { name, status: 'missing', neededFor, detail: `${dir}: ${cache.writable}`, fix: 'set PULSE_CACHE_DIR to a folder you can write' };
  }
  const parts = cache.parts.map((part) => `${part.name} ${megabytes(part.bytes)} MB`).join(', ');
  const size = cache.bytes === 0 ? 'empty' : `${megabytes(cache.bytes)} MB (${parts})`;
  const maven = `Apache Maven ${MAVEN_DISTRIBUTION.version}`;
  const ready = cache.jvmArtifacts
    ? 'Kafka and DynamoDB Local cached'
    : `Kafka and DynamoDB Local not cached: a jvm start first downloads ${cache.maven ? `them (${maven} is cached)` : `${maven} and them`}, ` +
      `about ${FIRST_RUN_DOWNLOAD_MB} MB in all from an empty cache`;
  return { name, status: 'ok', neededFor, detail: `${dir}: writable, ${size}; ${ready}` };
}

/** Whether a start of this backend runs Maven: jvm, and the artifacts of the current pom are not cached. */
function resolvesArtifacts(cache: CacheFacts, jvm: boolean): boolean {
  return jvm && !cache.jvmArtifacts;
}

function checkTar(probes: DoctorProbes, cache: CacheFacts, jvm: boolean): CheckResult {
  const name = 'tar';
  const needed = resolvesArtifacts(cache, jvm) && !cache.maven;
  const found = probes.which('tar');
  if (found) return { name, status: 'ok', neededFor: needed ? 'start' : 'optional', detail: `${found} (unpacks Apache Maven on first use)` };
  if (!needed) return skipped(name, 'optional', 'not needed: nothing to unpack for this backend and cache');
  return { name, status: 'missing', neededFor: 'start', detail: 'not on PATH; the first jvm start unpacks Apache Maven with it', fix: installCommand('tar', probes.host) };
}

async function checkMavenCentral(probes: DoctorProbes, cache: CacheFacts, jvm: boolean): Promise<CheckResult> {
  const name = 'Maven Central';
  if (!resolvesArtifacts(cache, jvm)) return skipped(name, 'optional', 'not needed: nothing to download for this backend and cache');
  const url = mavenDistributionUrl();
  const error = await probes.reachable(url);
  return error === undefined
    ? { name, status: 'ok', neededFor: 'start', detail: 'https://repo.maven.apache.org answers (the first start downloads from it)' }
    : {
        name,
        status: 'missing',
        neededFor: 'start',
        detail: `${url}: ${error}`,
        fix: 'allow HTTPS to repo.maven.apache.org (a proxy for Maven goes in ~/.m2/settings.xml), or use --backend docker/external',
      };
}

function checkDocker(choice: BackendChoice, engine: DockerEngineStatus | undefined, backend: DoctorReport['backend']): CheckResult {
  const name = 'Docker engine';
  if (backend.backend === undefined) {
    return { name, status: 'missing', neededFor: 'start', detail: backend.reason, fix: 'start Docker, or use --backend jvm' };
  }
  if (engine === undefined) return skipped(name, 'optional', `not asked: --backend ${choice}`);
  if (engine.available) return { name, status: 'ok', neededFor: 'optional', detail: `Docker ${engine.serverVersion}, compose ${engine.composeVersion}: ${backend.reason}` };
  return { name, status: 'missing', neededFor: 'optional', detail: `${engine.reason}; --backend ${choice} uses ${backend.backend}` };
}

function checkChromium(probes: DoctorProbes): CheckResult {
  const name = 'Chromium';
  const location = probes.chromium();
  if (location.found) return { name, status: 'ok', neededFor: 'test', detail: `${location.path} (${location.via})` };
  const automatic = probes.host.family === 'debian' && probes.host.isRoot;
  return {
    name,
    status: automatic ? 'warn' : 'missing',
    neededFor: 'test',
    detail: `${location.reason}${automatic ? '; npm test installs it with apt-get' : ''}`,
    fix: `${installCommand('chromium', probes.host)} (or set PULSE_CHROMIUM to a Chromium or Chrome)`,
  };
}

function checkPythonVenv(probes: DoctorProbes): CheckResult {
  const name = 'Python venv';
  const status = probes.pythonVenv();
  if (!status.python) return { name, status: 'missing', neededFor: 'test', detail: status.reason, fix: installCommand('python3', probes.host) };
  if (status.venv) return { name, status: 'ok', neededFor: 'test', detail: `Python ${status.version} with venv and ensurepip` };
  const viaApt = usesApt(probes.host) && probes.host.isRoot;
  return {
    name,
    status: 'warn',
    neededFor: 'test',
    detail:
      `Python ${status.version} cannot make a venv with pip (${status.reason ?? 'no ensurepip'}); npm test ` +
      `${viaApt ? 'installs python3-venv with apt-get, else ' : ''}makes one without pip and runs pip from its PyPI wheel`,
    fix: installCommand('python-venv', probes.host),
  };
}

/**
 * Renders a report as the table `pulse doctor` prints: one row per check, then how to fix what
 * is missing, then the verdict for `npm start`.
 */
export function formatDoctorReport(report: DoctorReport): string {
  const rows = [['check', 'status', 'needed for', 'details'], ...report.results.map((r) => [r.name, r.status, neededLabel(r.neededFor), r.detail])];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => (row[column] ?? '').length)));
  const table = rows.map((row) => row.map((cell, column) => (column < 3 ? cell.padEnd(widths[column] ?? 0) : cell)).join('  ').trimEnd());
  const fixes = report.results.filter((r) => r.fix !== undefined && r.status !== 'ok' && r.status !== 'skipped').map((r) => `  ${r.name}: ${r.fix}`);
  const failing = blockers(report);
  const verdict =
    failing.length === 0
      ? `npm start can run (backend: ${report.backend.backend})`
      : `npm start cannot run: ${failing.map((r) => r.name).join(', ')}`;
  return [table.join('\n'), ...(fixes.length > 0 ? ['', 'to fix:', ...fixes] : []), '', verdict, ''].join('\n');
}

function neededLabel(need: CheckNeed): string {
  return need === 'optional' ? 'optional' : `npm ${need}`;
}

/** Sizes of a folder's entries, following no symbolic links; unreadable entries count 0. */
function folderBytes(target: string): number {
  let stat: fs.Stats;
  try {
    stat = fs.lstatSync(target);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.size;
  let total = 0;
  for (const entry of fs.readdirSync(target)) total += folderBytes(path.join(target, entry));
  return total;
}

/**
 * Facts about the cache at `dir`, read from the disk: whether it (or, when it does not exist
 * yet, the nearest folder above it) is writable, its size per top-level entry, and whether Maven
 * and the JVM artifacts of the current pom are there.
 */
export function inspectCache(dir: string): CacheFacts {
  let existing = path.resolve(dir);
  while (!fs.existsSync(existing) && path.dirname(existing) !== existing) existing = path.dirname(existing);
  let writable: true | string = true;
  try {
    fs.accessSync(existing, fs.constants.W_OK);
  } catch {
    writable = `${existing} is not writable`;
  }
  const parts = fs.existsSync(dir)
    ? fs
        .readdirSync(dir)
        .sort()
        .map((name) => ({ name, bytes: folderBytes(path.join(dir, name)) }))
    : [];
  return {
    writable,
    bytes: parts.reduce((sum, part) => sum + part.bytes, 0),
    parts,
    maven: isMavenInstalled(dir),
    jvmArtifacts: findCachedJvmArtifacts(dir) !== undefined,
  };
}

/** Whether something listens on host:port: binds it briefly, as the services would. */
function portFree(port: number, host: string): Promise<true | string> {
  return new Promise((resolve) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => resolve(error.code === 'EADDRINUSE' ? 'in use' : `cannot listen: ${error.message}`));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}

/** The probes of this machine. */
export function systemProbes(): DoctorProbes {
  return {
    host: currentHost(),
    nodeVersion: process.version,
    java: async () => {
      try {
        const { stdout, stderr } = await execFileAsync('java', ['-version'], { timeout: 30_000 });
        return { output: `${stderr}${stdout}` };
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        return { error: code === 'ENOENT' ? '`java` was not found on PATH' : `\`java -version\` failed: ${(error as Error).message}` };
      }
    },
    port: portFree,
    cache: inspectCache,
    which: (command) => findOnPath(command),
    docker: () => detectDockerEngine(),
    chromium: () => findChromium(),
    pythonVenv: () => probePythonVenv(),
    reachable: async (url) => {
      try {
        const response = await fetch(url, { method: 'HEAD', signal: AbortSignal.timeout(10_000) });
        return response.ok ? undefined : `answered ${response.status} ${response.statusText}`;
      } catch (error) {
        const cause = (error as { cause?: unknown }).cause;
        return cause instanceof Error ? cause.message : (error as Error).message;
      }
    },
  };
}
