/**
 * The docker backend of the local twin: Redpanda, Redpanda Console and a DynamoDB emulator
 * (LocalStack, or DynamoDB Local without a LocalStack auth token) from `docker-compose.local.yml`,
 * started with `docker compose`, waited for through their healthchecks, and stopped (not removed:
 * the named volumes keep the data) when the twin stops.
 *
 * Why through the `docker` command line: it is what a developer with Docker already has and can
 * run by hand to see the same thing (`docker compose ps`, `logs`), and it lets tests put a fake
 * `docker` on PATH instead of needing an engine.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  COMPOSE_FILE,
  CONSOLE,
  DYNAMODB_SERVICES,
  LOCALSTACK_AUTH_TOKEN,
  REDPANDA,
  type DynamoDbFlavour,
  type DynamoDbService,
} from './dockerCompose';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  /** The exit code; `undefined` when the command could not be started or was killed on timeout. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run to an exit code: not found, or timed out. */
  readonly failure?: 'not-found' | 'timeout';
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Killed (SIGKILL) after this long. */
  readonly timeoutMs: number;
  /** The child's environment, PATH included. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Receives each line the command writes to stderr while it runs (compose reports progress there). */
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs a command to its end and returns its output; never rejects.
 *
 * Why never rejects: every caller turns a failure into its own message (fall back to jvm, or
 * name the service and the fix), so a result is easier to handle than an exception.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pendingLine = '';
    let settled = false;
    const settle = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!options.onStderrLine) return;
      const lines = (pendingLine + chunk).split(/\r?\n|\r/);
      pendingLine = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') options.onStderrLine(line);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // Settle now rather than on 'close': a process the command started may hold its pipes open.
      child.stdout.destroy();
      child.stderr.destroy();
      settle({ exitCode: undefined, stdout, stderr, failure: 'timeout' });
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle({ exitCode: undefined, stdout, stderr: stderr || error.message, ...(error.code === 'ENOENT' ? { failure: 'not-found' as const } : {}) });
    });
    child.on('close', (code) => {
      if (options.onStderrLine && pendingLine.trim() !== '') options.onStderrLine(pendingLine);
      settle({ exitCode: code ?? undefined, stdout, stderr });
    });
  });
}

/** The first line of what a failed command said, for one-line messages. */
function firstLine(result: CommandResult): string {
  const text = `${result.stderr}\n${result.stdout}`.split('\n').find((line) => line.trim() !== '');
  return (text ?? `exit code ${result.exitCode ?? 'none'}`).trim();
}

/** Whether a Docker engine answered, and why not. */
export type DockerEngineStatus =
  | { readonly available: true; readonly serverVersion: string; readonly composeVersion: string }
  | { readonly available: false; readonly reason: string };

/** Options of {@link detectDockerEngine}. */
export interface DetectDockerOptions {
  /** The environment `docker` runs in (PATH, DOCKER_HOST, DOCKER_CONTEXT). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long `docker info` may take; a stopped Docker Desktop can hang rather than refuse. */
  readonly timeoutMs?: number;
}

/** Default for {@link DetectDockerOptions.timeoutMs}. */
export const DETECT_TIMEOUT_MS = 5_000;

/**
 * Asks the Docker engine for its version (`docker info`) and checks that `docker compose` exists.
 *
 * Why both: the CLI without an engine (a stopped Docker Desktop, CI) and an engine without the
 * compose plugin are both common, and either means the docker backend cannot run.
 */
export async function detectDockerEngine(options: DetectDockerOptions = {}): Promise<DockerEngineStatus> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DETECT_TIMEOUT_MS;
  const info = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs });
  if (info.failure === 'not-found') return { available: false, reason: 'the docker command is not installed' };
  if (info.failure === 'timeout') return { available: false, reason: `docker info did not answer within ${timeoutMs / 1000} s` };
  const serverVersion = info.stdout.trim();
  if (info.exitCode !== 0 || serverVersion === '') return { available: false, reason: `no Docker engine answered (docker info: ${firstLine(info)})` };
  const compose = await runCommand('docker', ['compose', 'version', '--short'], { env, timeoutMs });
  if (compose.exitCode !== 0) {
    return { available: false, reason: `Docker ${serverVersion} answered but the compose plugin is missing (docker compose version: ${firstLine(compose)})` };
  }
  return { available: true, serverVersion, composeVersion: compose.stdout.trim() };
}

/** Where the broker and DynamoDB come from. */
export type BackendChoice = 'auto' | 'docker' | 'jvm' | 'external';

/** The backend that will run, and the sentence that says why. */
export interface ResolvedBackend {
  readonly backend: Exclude<BackendChoice, 'auto'>;
  readonly reason: string;
}

/**
 * Turns `--backend` into the backend that runs: `auto` is docker when an engine answers and jvm
 * otherwise; an explicit `docker` without an engine is an error that says how to get one running
 * or which backend to use instead.
 */
export async function resolveBackend(choice: BackendChoice, options: DetectDockerOptions = {}): Promise<ResolvedBackend> {
  if (choice === 'jvm' || choice === 'external') return backendFor(choice, undefined);
  return backendFor(choice, await detectDockerEngine(options));
}

/**
 * The decision of {@link resolveBackend} once the engine's status is known (`undefined` when
 * the choice does not depend on it), without asking Docker; `pulse doctor` shares it.
 *
 * @throws Error for `docker` when no engine answered, naming why and the alternatives
 */
export function backendFor(choice: BackendChoice, engine: DockerEngineStatus | undefined): ResolvedBackend {
  if (choice === 'jvm') return { backend: 'jvm', reason: '--backend jvm' };
  if (choice === 'external') return { backend: 'external', reason: '--backend external' };
  const status: DockerEngineStatus = engine ?? { available: false, reason: 'the Docker engine was not asked' };
  if (choice === 'docker') {
    if (!status.available) {
      throw new Error(
        `--backend docker needs a running Docker engine with the compose plugin, but ${status.reason}. ` +
          'Start Docker (Docker Desktop, or the docker service), or use --backend jvm (Java 17+) instead.',
      );
    }
    return { backend: 'docker', reason: `--backend docker (Docker ${status.serverVersion}, compose ${status.composeVersion})` };
  }
  return status.available
    ? { backend: 'docker', reason: `auto chose docker: Docker ${status.serverVersion} with compose ${status.composeVersion} answered` }
    : { backend: 'jvm', reason: `auto chose jvm: ${status.reason}` };
}

/**
 * The value of a variable in a `.env` file (`KEY=value`, optional quotes, `#` comments), the
 * format docker compose reads; undefined when the file or the variable is absent.
 */
export function readDotEnvValue(file: string, key: string): string | undefined {
  if (!fs.existsSync(file)) return undefined;
  let value: string | undefined;
  for (const rawLine of fs.readFileSync(file, 'utf8').split(/\r?\n/)) {
    const match = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_]*)\s*=\s*(.*?)\s*$/.exec(rawLine);
    if (!match || match[1] !== key) continue;
    const raw = match[2] ?? '';
    const quoted = /^(['"])(.*)\1$/.exec(raw);
    value = quoted ? (quoted[2] ?? '') : raw.replace(/\s+#.*$/, '');
  }
  return value;
}

/**
 * Which DynamoDB emulator to run: LocalStack when a `LOCALSTACK_AUTH_TOKEN` is set (in the
 * environment, or in `.env` beside the compose file, as compose itself reads it), DynamoDB Local
 * otherwise, with the sentence that says why.
 */
export function chooseDynamoDb(env: NodeJS.ProcessEnv, dotEnvFile: string): { flavour: DynamoDbFlavour; reason: string } {
  const fromEnv = env[LOCALSTACK_AUTH_TOKEN];
  if (fromEnv !== undefined && fromEnv.trim() !== '') return { flavour: 'localstack', reason: `${LOCALSTACK_AUTH_TOKEN} is set` };
  const fromFile = readDotEnvValue(dotEnvFile, LOCALSTACK_AUTH_TOKEN);
  if (fromFile !== undefined && fromFile.trim() !== '') return { flavour: 'localstack', reason: `${LOCALSTACK_AUTH_TOKEN} is set in ${dotEnvFile}` };
  return {
    flavour: 'dynamodb-local',
    reason: `no ${LOCALSTACK_AUTH_TOKEN} in the environment or ${dotEnvFile}; set one (see .env.example) to use LocalStack`,
  };
}

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
