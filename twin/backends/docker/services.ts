/**
 * The docker backend of the local twin: Redpanda, Redpanda Console and a DynamoDB emulator
 * (LocalStack, or DynamoDB Local without a LocalStack auth token) from `docker-compose.local.yml`,
 * started with `docker compose`, waited for through their healthchecks, and stopped (not removed:
 * the named volumes keep the data) when the twin stops.
 *
 * Through the `docker` command line, as {@link runCommand} explains.
 */
import * as path from 'node:path';
import { COMPOSE_FILE, CONSOLE, DYNAMODB_SERVICES, LOCALSTACK_AUTH_TOKEN, REDPANDA, type DynamoDbFlavour, type DynamoDbService } from './compose';
import { chooseDynamoDb } from './dotEnv';
import { firstLine, runCommand } from './engine';

/** One container as `docker compose ps --format json` describes it. */
export interface ComposeContainer {
  readonly Service: string;
  /** `created`, `running`, `restarting`, `exited`, `dead`, … */
  readonly State: string;
  /** `starting`, `healthy`, `unhealthy`, or empty without a healthcheck. */
  readonly Health?: string;
  readonly ExitCode?: number;
}

/**
 * Parses `docker compose ps --format json`: a JSON array (compose before 2.21) or one JSON object
 * per line (2.21 and later).
 */
export function parseComposePs(stdout: string): ComposeContainer[] {
  const text = stdout.trim();
  if (text === '') return [];
  const parsed: unknown[] = text.startsWith('[') ? (JSON.parse(text) as unknown[]) : text.split(/\r?\n/).filter((line) => line.trim() !== '').map((line) => JSON.parse(line) as unknown);
  return parsed.filter((entry): entry is ComposeContainer => typeof entry === 'object' && entry !== null && typeof (entry as ComposeContainer).Service === 'string');
}

/** How far one service is on its way to healthy. */
type ServiceState = { readonly kind: 'healthy' } | { readonly kind: 'waiting'; readonly detail: string } | { readonly kind: 'failed'; readonly detail: string };

function serviceState(service: string, containers: readonly ComposeContainer[]): ServiceState {
  const container = containers.find((candidate) => candidate.Service === service);
  if (!container) return { kind: 'waiting', detail: 'no container yet' };
  if (container.State === 'exited' || container.State === 'dead') {
    return { kind: 'failed', detail: `exited${container.ExitCode !== undefined ? ` with code ${container.ExitCode}` : ''}` };
  }
  if (container.State !== 'running') return { kind: 'waiting', detail: container.State };
  // Every service of the compose file has a healthcheck; running is not ready until it passes.
  if (container.Health === 'healthy') return { kind: 'healthy' };
  return { kind: 'waiting', detail: container.Health ? container.Health : 'running, no health reported yet' };
}

/** Options of {@link startDockerServices}. */
export interface DockerServicesOptions {
  /** Defaults to the repository's `docker-compose.local.yml`. */
  readonly composeFile?: string;
  /** The environment of every `docker` command; defaults to `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /** Which emulator to run; by default chosen by {@link chooseDynamoDb}. */
  readonly dynamoDb?: DynamoDbFlavour;
  /** How long the services may take to become healthy once their containers exist. */
  readonly healthTimeoutMs?: number;
  /** Time between two `docker compose ps`. */
  readonly pollIntervalMs?: number;
  readonly onProgress?: (message: string) => void;
}

/** Running compose services. */
export interface DockerServices {
  /** Where host clients reach the broker. */
  readonly kafkaBrokers: string;
  /** Where host clients reach DynamoDB. */
  readonly dynamoDbEndpoint: string;
  readonly dynamoDb: DynamoDbService;
  /** The services this call started; those that were already running are left to their owner. */
  readonly started: readonly string[];
  /** `docker compose stop` of {@link DockerServices.started}: containers and volumes are kept. */
  stop(): Promise<void>;
}

/** Defaults of {@link DockerServicesOptions}. */
export const DOCKER_DEFAULTS = {
  healthTimeoutMs: 180_000,
  pollIntervalMs: 1_000,
  /** Pulling the images on a first run can take minutes on a slow connection. */
  upTimeoutMs: 30 * 60_000,
  stopTimeoutMs: 120_000,
  psTimeoutMs: 30_000,
} as const;

const PROGRESS_INTERVAL_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Starts Redpanda, Redpanda Console and the DynamoDB emulator with docker compose, waits until
 * the broker and DynamoDB pass their healthchecks, and returns where the host reaches them.
 *
 * Fails with a message that names the service and the command to look at it when a container
 * exits or stays unhealthy past the timeout; what it had started is stopped again first.
 *
 * @example
 * const services = await startDockerServices({ onProgress: console.error });
 * // … run the pipeline against services.kafkaBrokers and services.dynamoDbEndpoint …
 * await services.stop();
 */
export async function startDockerServices(options: DockerServicesOptions = {}): Promise<DockerServices> {
  const composeFile = options.composeFile ?? COMPOSE_FILE;
  const projectDir = path.dirname(composeFile);
  const progress = options.onProgress ?? (() => undefined);
  const healthTimeoutMs = options.healthTimeoutMs ?? DOCKER_DEFAULTS.healthTimeoutMs;
  const pollIntervalMs = options.pollIntervalMs ?? DOCKER_DEFAULTS.pollIntervalMs;
  const baseEnv = options.env ?? process.env;

  const choice = options.dynamoDb
    ? { flavour: options.dynamoDb, reason: 'chosen by the caller' }
    : chooseDynamoDb(baseEnv, path.join(projectDir, '.env'));
  const dynamoDb = DYNAMODB_SERVICES[choice.flavour];
  progress(`docker: DynamoDB from ${dynamoDb.title} (${choice.reason})`);

  // COMPOSE_PROFILES in the environment wins over a value in .env, so a profile a developer set
  // there for `docker compose up` cannot switch the twin to the other emulator.
  const env: NodeJS.ProcessEnv = { ...baseEnv, COMPOSE_PROFILES: dynamoDb.profile };
  const compose = (args: readonly string[], timeoutMs: number, onStderrLine?: (line: string) => void) =>
    runCommand('docker', ['compose', '-f', composeFile, '--profile', dynamoDb.profile, ...args], { env, cwd: projectDir, timeoutMs, onStderrLine });
  const ps = async (services: readonly string[]): Promise<ComposeContainer[]> => {
    const result = await compose(['ps', '--all', '--format', 'json', ...services], DOCKER_DEFAULTS.psTimeoutMs);
    if (result.exitCode !== 0) throw new Error(`docker compose ps failed: ${firstLine(result)}`);
    return parseComposePs(result.stdout);
  };

  const services = [REDPANDA.service, CONSOLE.service, dynamoDb.service];
  const mustBeHealthy = [REDPANDA.service, dynamoDb.service];
  const runningBefore = new Set((await ps(services)).filter((container) => container.State === 'running').map((container) => container.Service));
  const started = services.filter((service) => !runningBefore.has(service));

  const stop = async () => {
    if (started.length === 0) return;
    progress(`docker: stopping ${started.join(', ')} (containers and volumes are kept)`);
    const result = await compose(['stop', ...started], DOCKER_DEFAULTS.stopTimeoutMs);
    if (result.exitCode !== 0) throw new Error(`docker compose stop ${started.join(' ')} failed: ${firstLine(result)}`);
  };

  progress(`docker: starting ${services.join(', ')}${runningBefore.size > 0 ? ` (already running: ${[...runningBefore].join(', ')})` : ''}; a first run pulls the images`);
  const up = await compose(['up', '--detach', ...services], DOCKER_DEFAULTS.upTimeoutMs, (line) => progress(`docker: ${line.trim()}`));
  if (up.exitCode !== 0) {
    await stop().catch(() => undefined);
    throw new Error(
      `docker compose up failed: ${firstLine(up)}. ` +
        `Check the ports ${[REDPANDA.hostBrokers, CONSOLE.hostUrl, dynamoDb.hostEndpoint].map((address) => /:(\d+)$/.exec(address)?.[1]).join(', ')} are free, ` +
        `or see docker compose -f ${composeFile} logs.`,
    );
  }

  try {
    await waitHealthy(mustBeHealthy, ps, { healthTimeoutMs, pollIntervalMs, progress, composeFile, dynamoDb });
  } catch (error) {
    await stop().catch((stopError: unknown) => progress(`while stopping: ${(stopError as Error).message}`));
    throw error;
  }
  progress(`docker: ${mustBeHealthy.join(' and ')} healthy; Redpanda Console at ${CONSOLE.hostUrl}`);
  return { kafkaBrokers: REDPANDA.hostBrokers, dynamoDbEndpoint: dynamoDb.hostEndpoint, dynamoDb, started, stop };
}

/** The hint for a service that exited or never became healthy. */
function adviceFor(service: string, composeFile: string, dynamoDb: DynamoDbService): string {
  const logs = `see docker compose -f ${composeFile} logs ${service}`;
  if (service === DYNAMODB_SERVICES.localstack.service && dynamoDb.flavour === 'localstack') {
    return `${logs}; LocalStack exits when ${LOCALSTACK_AUTH_TOKEN} is missing or invalid (get a free one at app.localstack.cloud, or unset it to use DynamoDB Local)`;
  }
  return logs;
}

async function waitHealthy(
  services: readonly string[],
  ps: (services: readonly string[]) => Promise<ComposeContainer[]>,
  context: { healthTimeoutMs: number; pollIntervalMs: number; progress: (message: string) => void; composeFile: string; dynamoDb: DynamoDbService },
): Promise<void> {
  const startedAt = Date.now();
  let lastProgress = startedAt;
  for (;;) {
    const containers = await ps(services);
    const states = services.map((service) => ({ service, state: serviceState(service, containers) }));
    const failed = states.find(({ state }) => state.kind === 'failed');
    if (failed && failed.state.kind === 'failed') {
      throw new Error(`docker: ${failed.service} ${failed.state.detail} before it became healthy; ${adviceFor(failed.service, context.composeFile, context.dynamoDb)}`);
    }
    const waiting = states.filter(({ state }) => state.kind === 'waiting');
    if (waiting.length === 0) return;
    const describe = () => waiting.map(({ service, state }) => `${service} (${state.kind === 'waiting' ? state.detail : state.kind})`).join(', ');
    const elapsed = Date.now() - startedAt;
    if (elapsed >= context.healthTimeoutMs) {
      const advice = waiting.map(({ service }) => adviceFor(service, context.composeFile, context.dynamoDb)).join('; ');
      throw new Error(`docker: not healthy after ${context.healthTimeoutMs / 1000} s: ${describe()}; ${advice}`);
    }
    if (Date.now() - lastProgress >= PROGRESS_INTERVAL_MS) {
      lastProgress = Date.now();
      context.progress(`docker: waiting for ${describe()}, ${Math.round(elapsed / 1000)} s`);
    }
    await sleep(context.pollIntervalMs);
  }
}
