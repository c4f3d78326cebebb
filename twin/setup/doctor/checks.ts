/**
 * The doctor's checks, one function each: pure functions of the probes' answers that say what
 * was found and the command that fixes what is missing.
 */
import type { BackendChoice, ResolvedBackend } from '../../backends/choice';
import type { DockerEngineStatus } from '../../backends/docker/engine';
import { MIN_JAVA_VERSION, parseJavaMajorVersion } from '../../backends/jvm/java';
import { MAVEN_DISTRIBUTION, mavenDistributionUrl } from '../../backends/jvm/mavenDistribution';
import { megabytes } from '../download';
import { installCommand, usesApt } from '../host';
import { FIRST_RUN_DOWNLOAD_MB, MIN_NODE_VERSION, type CacheFacts, type CheckNeed, type CheckResult, type DoctorContext, type DoctorProbes, type DoctorReport } from './types';
const PORT_ROLES = { kafka: 'Kafka broker', dynamoDb: 'DynamoDB Local', api: 'HTTP API and dashboard' } as const;

export function skipped(name: string, neededFor: CheckNeed, detail: string): CheckResult {
  return { name, status: 'skipped', neededFor, detail };
}

export function checkNode(version: string): CheckResult {
  const major = Number(/^v?(\d+)/.exec(version)?.[1]);
  const name = `Node.js ${MIN_NODE_VERSION}+`;
  return major >= MIN_NODE_VERSION
    ? { name, status: 'ok', neededFor: 'start', detail: version }
    : { name, status: 'missing', neededFor: 'start', detail: `found ${version}`, fix: `install Node.js ${MIN_NODE_VERSION} or newer (https://nodejs.org)` };
}

export async function checkJava(probes: DoctorProbes): Promise<CheckResult> {
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

export async function checkPorts(context: DoctorContext, probes: DoctorProbes, backend: ResolvedBackend['backend'] | undefined): Promise<CheckResult[]> {
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

export function checkCache(dir: string, cache: CacheFacts, jvm: boolean): CheckResult {
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
export function resolvesArtifacts(cache: CacheFacts, jvm: boolean): boolean {
  return jvm && !cache.jvmArtifacts;
}

export function checkTar(probes: DoctorProbes, cache: CacheFacts, jvm: boolean): CheckResult {
  const name = 'tar';
  const needed = resolvesArtifacts(cache, jvm) && !cache.maven;
  const found = probes.which('tar');
  if (found) return { name, status: 'ok', neededFor: needed ? 'start' : 'optional', detail: `${found} (unpacks Apache Maven on first use)` };
  if (!needed) return skipped(name, 'optional', 'not needed: nothing to unpack for this backend and cache');
  return { name, status: 'missing', neededFor: 'start', detail: 'not on PATH; the first jvm start unpacks Apache Maven with it', fix: installCommand('tar', probes.host) };
}

export async function checkMavenCentral(probes: DoctorProbes, cache: CacheFacts, jvm: boolean): Promise<CheckResult> {
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

export function checkDocker(choice: BackendChoice, engine: DockerEngineStatus | undefined, backend: DoctorReport['backend']): CheckResult {
  const name = 'Docker engine';
  if (backend.backend === undefined) {
    return { name, status: 'missing', neededFor: 'start', detail: backend.reason, fix: 'start Docker, or use --backend jvm' };
  }
  if (engine === undefined) return skipped(name, 'optional', `not asked: --backend ${choice}`);
  if (engine.available) return { name, status: 'ok', neededFor: 'optional', detail: `Docker ${engine.serverVersion}, compose ${engine.composeVersion}: ${backend.reason}` };
  return { name, status: 'missing', neededFor: 'optional', detail: `${engine.reason}; --backend ${choice} uses ${backend.backend}` };
}

export function checkChromium(probes: DoctorProbes): CheckResult {
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

export function checkPythonVenv(probes: DoctorProbes): CheckResult {
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
