/**
 * The docker backend: starting, waiting for and stopping the compose services, against a fake `docker` on PATH.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseComposePs, startDockerServices } from '../../../../../twin/backends/docker/services';
import { DYNAMODB_SERVICES } from '../../../../../twin/backends/docker/compose';
import { calls, compose, composeFile, container, dir, env, psAnswers, useFakeDocker } from '../../../../helpers/fakeDocker';

useFakeDocker();

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
