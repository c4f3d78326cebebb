/**
 * The docker backend, driven against a fake `docker` executable on PATH: a shell script that
 * records its arguments and answers `info`, `compose version`, `up`, `ps` and `stop` from files
 * a test writes. No Docker engine is needed, and the real process-spawning code runs.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  chooseDynamoDb,
  detectDockerEngine,
  parseComposePs,
  readDotEnvValue,
  resolveBackend,
  runCommand,
  startDockerServices,
  type ComposeContainer,
} from '../../../twin/docker';
import { DYNAMODB_SERVICES } from '../../../twin/dockerCompose';

/**
 * The fake: every call is appended to calls.log (with the COMPOSE_PROFILES it saw); `ps` prints
 * ps.<n>.json on its n-th call, and the last one again once they run out.
 */
const FAKE_DOCKER = `#!/bin/bash
dir="$FAKE_DOCKER_DIR"
echo "$* [COMPOSE_PROFILES=\${COMPOSE_PROFILES:-}]" >> "$dir/calls.log"
if [ "$1" = info ]; then
  if [ -f "$dir/info.stderr" ]; then cat "$dir/info.stderr" >&2; exit 1; fi
  if [ -f "$dir/info.hang" ]; then exec sleep 30; fi
  echo "27.3.1"; exit 0
fi
if [ "$1" = compose ]; then
  shift
  while [ $# -gt 0 ]; do case "$1" in -f|--profile) shift 2 ;; *) break ;; esac; done
  case "$1" in
    version)
      if [ -f "$dir/compose.missing" ]; then echo "docker: 'compose' is not a docker command." >&2; exit 1; fi
      echo "2.29.7"; exit 0 ;;
    ps)
      n=$(( $(cat "$dir/ps.count" 2>/dev/null || echo 0) + 1 )); echo "$n" > "$dir/ps.count"
      if [ -f "$dir/ps.$n.json" ]; then echo "$n" > "$dir/ps.last"; fi
      cat "$dir/ps.$(cat "$dir/ps.last").json"; exit 0 ;;
    up)
      if [ -f "$dir/up.stderr" ]; then cat "$dir/up.stderr" >&2; exit 1; fi
      echo " Container pulse-redpanda-1  Started" >&2; exit 0 ;;
    stop) exit 0 ;;
  esac
fi
echo "fake docker: unexpected arguments: $*" >&2
exit 2
`;

let dir: string;
let env: NodeJS.ProcessEnv;

beforeEach(() => {
  // Prepare: a fake docker first on PATH, and only system tools after it.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-fake-docker-'));
  fs.mkdirSync(path.join(dir, 'bin'));
  fs.writeFileSync(path.join(dir, 'bin', 'docker'), FAKE_DOCKER, { mode: 0o755 });
  env = { PATH: `${path.join(dir, 'bin')}:/usr/bin:/bin`, FAKE_DOCKER_DIR: dir };
});

afterEach(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

const calls = () => (fs.existsSync(path.join(dir, 'calls.log')) ? fs.readFileSync(path.join(dir, 'calls.log'), 'utf8').trim().split('\n') : []);

/** Writes what the n-th `docker compose ps` prints, one JSON object per line as compose 2.21+ does. */
function psAnswers(...answers: ComposeContainer[][]): void {
  answers.forEach((containers, index) => {
    fs.writeFileSync(path.join(dir, `ps.${index + 1}.json`), containers.map((container) => JSON.stringify(container)).join('\n'));
  });
}

/** What `docker info` says on a machine with the CLI and no engine. */
const NO_ENGINE = 'Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?';
const noEngine = () => fs.writeFileSync(path.join(dir, 'info.stderr'), `${NO_ENGINE}\n`);

const container = (Service: string, State: string, Health = '', ExitCode = 0): ComposeContainer => ({ Service, State, Health, ExitCode });
/** A compose file path in the test's folder, so the .env beside it is the test's, not a developer's. */
const composeFile = () => path.join(dir, 'docker-compose.local.yml');
const compose = () => `compose -f ${composeFile()}`;

describe('detectDockerEngine', () => {
  test('reports the engine and compose versions when both answer', async () => {
    await expect(detectDockerEngine({ env })).resolves.toEqual({ available: true, serverVersion: '27.3.1', composeVersion: '2.29.7' });
  });

  test('reports what docker said when no engine answers', async () => {
    // Prepare
    noEngine();
    // Act
    const status = await detectDockerEngine({ env });
    // Assess
    expect(status).toEqual({
      available: false,
      reason: `no Docker engine answered (docker info: ${NO_ENGINE})`,
    });
  });

  test('reports a missing docker command', async () => {
    await expect(detectDockerEngine({ env: { PATH: path.join(dir, 'empty') } })).resolves.toEqual({
      available: false,
      reason: 'the docker command is not installed',
    });
  });

  test('gives up on an engine that does not answer in time', async () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'info.hang'), '');
    // Act
    const status = await detectDockerEngine({ env, timeoutMs: 300 });
    // Assess
    expect(status).toEqual({ available: false, reason: 'docker info did not answer within 0.3 s' });
  });

  test('reports an engine without the compose plugin', async () => {
    // Prepare
    fs.writeFileSync(path.join(dir, 'compose.missing'), '');
    // Act
    const status = await detectDockerEngine({ env });
    // Assess
    expect(status).toEqual({
      available: false,
      reason: "Docker 27.3.1 answered but the compose plugin is missing (docker compose version: docker: 'compose' is not a docker command.)",
    });
  });
});

describe('resolveBackend', () => {
  test('auto picks docker when docker info succeeds', async () => {
    await expect(resolveBackend('auto', { env })).resolves.toEqual({
      backend: 'docker',
      reason: 'auto chose docker: Docker 27.3.1 with compose 2.29.7 answered',
    });
  });

  test('auto falls back to jvm when no engine answers, and says why', async () => {
    // Prepare
    noEngine();
    // Act
    const resolved = await resolveBackend('auto', { env });
    // Assess
    expect(resolved.backend).toBe('jvm');
    expect(resolved.reason).toBe(
      `auto chose jvm: no Docker engine answered (docker info: ${NO_ENGINE})`,
    );
  });

  test('--backend docker without an engine fails with what to do instead', async () => {
    await expect(resolveBackend('docker', { env: { PATH: path.join(dir, 'empty') } })).rejects.toThrow(
      '--backend docker needs a running Docker engine with the compose plugin, but the docker command is not installed. ' +
        'Start Docker (Docker Desktop, or the docker service), or use --backend jvm (Java 17+) instead.',
    );
  });

  test('jvm and external do not ask docker at all', async () => {
    // Act
    const resolved = [await resolveBackend('jvm', { env }), await resolveBackend('external', { env })];
    // Assess
    expect(resolved.map((entry) => entry.backend)).toEqual(['jvm', 'external']);
    expect(calls()).toEqual([]);
  });
});

describe('chooseDynamoDb', () => {
  test('runs LocalStack when the token is in the environment', () => {
    expect(chooseDynamoDb({ LOCALSTACK_AUTH_TOKEN: 'ls-abc' }, path.join(dir, '.env')).flavour).toBe('localstack');
  });

  test('runs LocalStack when the token is in .env, as compose reads it', () => {
    // Prepare
    fs.writeFileSync(path.join(dir, '.env'), '# mine\nCOMPOSE_PROFILES=localstack\nLOCALSTACK_AUTH_TOKEN="ls-abc"\n');
    // Act
    const choice = chooseDynamoDb({}, path.join(dir, '.env'));
    // Assess
    expect(choice).toEqual({ flavour: 'localstack', reason: `LOCALSTACK_AUTH_TOKEN is set in ${path.join(dir, '.env')}` });
  });

  test('runs DynamoDB Local without a token and says how to get LocalStack', () => {
    // Prepare
    fs.writeFileSync(path.join(dir, '.env'), 'LOCALSTACK_AUTH_TOKEN=\n');
    // Act
    const choice = chooseDynamoDb({ LOCALSTACK_AUTH_TOKEN: ' ' }, path.join(dir, '.env'));
    // Assess
    expect(choice.flavour).toBe('dynamodb-local');
    expect(choice.reason).toContain('set one (see .env.example) to use LocalStack');
  });
});

describe('readDotEnvValue', () => {
  test('reads plain, quoted, exported and commented values; the last assignment wins', () => {
    // Prepare
    const file = path.join(dir, '.env');
    fs.writeFileSync(file, ['A=1', "B='two words'", 'export C=3', 'D=4 # four', '# E=5', 'A=6', ''].join('\n'));
    // Assess
    expect(['A', 'B', 'C', 'D', 'E'].map((key) => readDotEnvValue(file, key))).toEqual(['6', 'two words', '3', '4', undefined]);
    expect(readDotEnvValue(path.join(dir, 'absent'), 'A')).toBeUndefined();
  });
});

describe('parseComposePs', () => {
  test('reads one object per line (compose 2.21 and later) and a JSON array (before)', () => {
    // Prepare
    const redpanda = container('redpanda', 'running', 'healthy');
    const console = container('console', 'running', 'starting');
    // Assess
    expect(parseComposePs(`${JSON.stringify(redpanda)}\n${JSON.stringify(console)}\n`)).toEqual([redpanda, console]);
    expect(parseComposePs(JSON.stringify([redpanda, console]))).toEqual([redpanda, console]);
    expect(parseComposePs('')).toEqual([]);
  });
});

describe('startDockerServices', () => {
  const fast = () => ({ healthTimeoutMs: 2_000, pollIntervalMs: 20, composeFile: composeFile() });

  test('starts the broker, console and LocalStack, waits until they are healthy, and returns the host endpoints', async () => {
    // Prepare
    psAnswers(
      [],
      [container('redpanda', 'running', 'starting'), container('localstack', 'created')],
      [container('redpanda', 'running', 'healthy'), container('localstack', 'running', 'starting')],
      [container('redpanda', 'running', 'healthy'), container('console', 'running', 'healthy'), container('localstack', 'running', 'healthy')],
    );
    const progress: string[] = [];
    // Act
    const services = await startDockerServices({ ...fast(), env: { ...env, LOCALSTACK_AUTH_TOKEN: 'ls-abc' }, onProgress: (line) => progress.push(line) });
    // Assess
    expect(services).toEqual(
      expect.objectContaining({ kafkaBrokers: 'localhost:9092', dynamoDbEndpoint: 'http://localhost:4566', started: ['redpanda', 'console', 'localstack'] }),
    );
    expect(calls()).toEqual([
      `${compose()} --profile localstack ps --all --format json redpanda console localstack [COMPOSE_PROFILES=localstack]`,
      `${compose()} --profile localstack up --detach redpanda console localstack [COMPOSE_PROFILES=localstack]`,
      ...Array(3).fill(`${compose()} --profile localstack ps --all --format json redpanda localstack [COMPOSE_PROFILES=localstack]`),
    ]);
    expect(progress).toEqual(
      expect.arrayContaining([
        'docker: DynamoDB from LocalStack (LOCALSTACK_AUTH_TOKEN is set)',
        'docker: Container pulse-redpanda-1  Started',
        'docker: redpanda and localstack healthy; Redpanda Console at http://localhost:8080',
      ]),
    );
  });

  test('runs DynamoDB Local without a token, whatever COMPOSE_PROFILES says', async () => {
    // Prepare
    psAnswers([container('redpanda', 'running', 'healthy'), container('dynamodb-local', 'running', 'healthy')]);
    // Act
    const services = await startDockerServices({ ...fast(), env: { ...env, COMPOSE_PROFILES: 'localstack' } });
    // Assess
    expect(services.dynamoDb).toBe(DYNAMODB_SERVICES['dynamodb-local']);
    expect(services.dynamoDbEndpoint).toBe('http://localhost:8000');
    expect(calls()[1]).toBe(`${compose()} --profile dynamodb-local up --detach redpanda console dynamodb-local [COMPOSE_PROFILES=dynamodb-local]`);
  });

  test('times out with the service that is not healthy and where to look', async () => {
    // Prepare
    psAnswers([], [container('redpanda', 'running', 'healthy'), container('localstack', 'running', 'unhealthy')]);
    // Act
    const started = startDockerServices({ ...fast(), healthTimeoutMs: 200, env, dynamoDb: 'localstack' });
    // Assess
    await expect(started).rejects.toThrow(
      `docker: not healthy after 0.2 s: localstack (unhealthy); see docker compose -f ${composeFile()} logs localstack; ` +
        'LocalStack exits when LOCALSTACK_AUTH_TOKEN is missing or invalid',
    );
    expect(calls().at(-1)).toBe(`${compose()} --profile localstack stop redpanda console localstack [COMPOSE_PROFILES=localstack]`);
  });

  test('fails at once, naming the service, when a container exits', async () => {
    // Prepare
    psAnswers([], [container('redpanda', 'running', 'healthy'), container('localstack', 'exited', '', 55)]);
    // Act
    const started = startDockerServices({ ...fast(), healthTimeoutMs: 60_000, env, dynamoDb: 'localstack' });
    // Assess
    await expect(started).rejects.toThrow(/^docker: localstack exited with code 55 before it became healthy; see docker compose -f .* logs localstack/);
  });

  test('explains a failed docker compose up and leaves nothing running', async () => {
    // Prepare
    psAnswers([]);
    fs.writeFileSync(path.join(dir, 'up.stderr'), 'Error response from daemon: Bind for 127.0.0.1:9092 failed: port is already allocated\n');
    // Act
    const started = startDockerServices({ ...fast(), env, dynamoDb: 'dynamodb-local' });
    // Assess
    await expect(started).rejects.toThrow(
      'docker compose up failed: Error response from daemon: Bind for 127.0.0.1:9092 failed: port is already allocated. Check the ports 9092, 8080, 8000 are free',
    );
    expect(calls().at(-1)).toContain('stop redpanda console dynamodb-local');
  });

  test('stops only what it started, with stop (keeping containers and volumes)', async () => {
    // Prepare: the broker was already running, e.g. from an earlier `docker compose up -d redpanda`.
    psAnswers([container('redpanda', 'running', 'healthy')], [container('redpanda', 'running', 'healthy'), container('dynamodb-local', 'running', 'healthy')]);
    const services = await startDockerServices({ ...fast(), env, dynamoDb: 'dynamodb-local' });
    // Act
    await services.stop();
    // Assess
    expect(services.started).toEqual(['console', 'dynamodb-local']);
    expect(calls().at(-1)).toBe(`${compose()} --profile dynamodb-local stop console dynamodb-local [COMPOSE_PROFILES=dynamodb-local]`);
    expect(calls().some((call) => / (down|rm) /.test(call))).toBe(false);
  });
});

describe('runCommand', () => {
  test('passes each stderr line on as it comes and returns the whole output', async () => {
    // Prepare
    const lines: string[] = [];
    // Act
    const result = await runCommand('/bin/sh', ['-c', 'echo out; printf "one\\ntwo" >&2; exit 3'], { env, timeoutMs: 5_000, onStderrLine: (line) => lines.push(line) });
    // Assess
    expect(result).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'one\ntwo' });
    expect(lines).toEqual(['one', 'two']);
  });
});
