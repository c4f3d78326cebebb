/**
 * docker-compose.local.yml, parsed with a real YAML parser, offers what the twin and its users
 * rely on: the services, host ports, listeners, healthchecks, profiles, volumes and the
 * environment of the twin services. The schema validation is in the integration project (it
 * installs the compose-spec schema from PyPI).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AGGREGATES_TABLE, EVENTS_TABLE } from '../../../../../lambdas/config/tables';
import {
  COMPOSE_FILE,
  COMPOSE_PROJECT,
  CONSOLE,
  DYNAMODB_SERVICES,
  LOCALSTACK_AUTH_TOKEN,
  LOCALSTACK_MOUNTS,
  REDPANDA,
  TWIN_API,
  defaultTableName,
  type DynamoDbService,
} from '../../../../../twin/backends/docker/compose';
import { readDotEnvValue } from '../../../../../twin/backends/docker/dotEnv';
import { composeFileText, parseCompose, parsePort, type ComposeServiceSpec } from '../../../../helpers/composeFile';

const REPO_ROOT = path.join(__dirname, '..', '..', '..', '..', '..');
const compose = parseCompose(composeFileText());
const emulators = Object.values(DYNAMODB_SERVICES);

function service(name: string): ComposeServiceSpec {
  const spec = compose.services[name];
  if (!spec) throw new Error(`docker-compose.local.yml has no service ${name}`);
  return spec;
}

function environmentOf(spec: ComposeServiceSpec): Record<string, string> {
  const environment = spec.environment ?? {};
  if (!Array.isArray(environment)) return environment;
  return Object.fromEntries(environment.map((entry) => [entry.slice(0, entry.indexOf('=')), entry.slice(entry.indexOf('=') + 1)]));
}

function commandText(spec: ComposeServiceSpec): string {
  return Array.isArray(spec.command) ? spec.command.join(' ') : (spec.command ?? '');
}

const portOf = (address: string) => Number(/:(\d+)$/.exec(address)?.[1]);

describe('docker-compose.local.yml', () => {
  test('is the compose project the twin drives, with the services it names', () => {
    // Assess
    expect(compose.name).toBe(COMPOSE_PROJECT);
    expect(Object.keys(compose.services).sort()).toEqual(
      [REDPANDA.service, CONSOLE.service, ...emulators.flatMap((emulator) => [emulator.service, emulator.twinService])].sort(),
    );
  });

  test('pins every image to an exact version', () => {
    for (const [name, spec] of Object.entries(compose.services)) {
      expect({ name, image: spec.image }).toEqual({ name, image: expect.stringMatching(/^[a-z0-9./_-]+:v?\d+\.\d+\.\d+(-[a-z0-9.-]+)?$/) });
    }
  });

  test('gives every service a healthcheck with a test command', () => {
    for (const [name, spec] of Object.entries(compose.services)) {
      const test = spec.healthcheck?.test;
      expect({ name, test: Array.isArray(test) ? test[0] : test }).toEqual({ name, test: expect.stringMatching(/^CMD(-SHELL)?$/) });
      expect(Array.isArray(test) && test.length).toBeGreaterThan(1);
    }
  });

  test('publishes each port the README and the twin use, on 127.0.0.1 only', () => {
    // Prepare
    const expected: Record<string, number> = {
      [REDPANDA.service]: portOf(REDPANDA.hostBrokers),
      [CONSOLE.service]: portOf(CONSOLE.hostUrl),
      ...Object.fromEntries(emulators.flatMap((emulator) => [[emulator.service, portOf(emulator.hostEndpoint)], [emulator.twinService, TWIN_API.port]])),
    };
    // Act
    const published = Object.fromEntries(Object.entries(compose.services).map(([name, spec]) => [name, (spec.ports ?? []).map(parsePort)]));
    // Assess
    for (const [name, port] of Object.entries(expected)) {
      expect({ name, ports: published[name] }).toEqual({ name, ports: [{ hostIp: '127.0.0.1', published: port, target: port }] });
    }
    expect(portOf(REDPANDA.hostBrokers)).toBe(9092);
    expect(DYNAMODB_SERVICES.localstack.hostEndpoint).toBe('http://localhost:4566');
    expect(TWIN_API.hostUrl).toBe(`http://localhost:${TWIN_API.port}`);
  });

  test('runs Redpanda with an internal listener for containers and a host listener on localhost:9092', () => {
    // Prepare
    const command = service(REDPANDA.service).command as string[];
    const flag = (name: string) => command.find((argument) => argument.startsWith(`${name}=`))?.slice(name.length + 1);
    // Assess
    expect(flag('--kafka-addr')).toBe(`internal://0.0.0.0:${portOf(REDPANDA.internalBrokers)},external://0.0.0.0:${portOf(REDPANDA.hostBrokers)}`);
    expect(flag('--advertise-kafka-addr')).toBe(`internal://${REDPANDA.internalBrokers},external://${REDPANDA.hostBrokers}`);
    expect(flag('--smp')).toBe('1');
    expect(service(REDPANDA.service).healthcheck?.test).toEqual(['CMD', 'rpk', 'cluster', 'health', '--exit-when-healthy']);
  });

  test('points Redpanda Console at the internal listener and the admin API', () => {
    expect(environmentOf(service(CONSOLE.service))).toEqual(
      expect.objectContaining({ KAFKA_BROKERS: REDPANDA.internalBrokers, REDPANDA_ADMINAPI_URLS: `http://${REDPANDA.service}:9644` }),
    );
  });

  test('keeps the broker and each emulator in a named volume declared at the top level', () => {
    for (const name of [REDPANDA.service, ...emulators.map((emulator) => emulator.service)]) {
      const named = (service(name).volumes ?? []).map((volume) => volume.split(':')[0] as string).filter((source) => !source.startsWith('.'));
      expect({ name, named: named.length }).toEqual({ name, named: 1 });
      expect(Object.keys(compose.volumes ?? {})).toContain(named[0]);
    }
  });

  test('runs broker and console in every profile, and each emulator with its twin in its own', () => {
    // Assess
    expect(service(REDPANDA.service).profiles).toBeUndefined();
    expect(service(CONSOLE.service).profiles).toBeUndefined();
    for (const emulator of emulators) {
      expect(service(emulator.service).profiles).toEqual([emulator.profile]);
      expect(service(emulator.twinService).profiles).toEqual([emulator.profile]);
    }
  });

  test('reads LocalStack\'s auth token from the environment or .env and mounts the generated hooks', () => {
    // Prepare
    const localstack = service(DYNAMODB_SERVICES.localstack.service);
    // Assess
    expect(environmentOf(localstack)[LOCALSTACK_AUTH_TOKEN]).toBe(`\${${LOCALSTACK_AUTH_TOKEN}:-}`);
    for (const mount of Object.values(LOCALSTACK_MOUNTS)) {
      expect(localstack.volumes).toContain(`./${mount.host}:${mount.container}:ro`);
      expect(fs.existsSync(path.join(REPO_ROOT, mount.host))).toBe(true);
    }
    // Healthy only once the READY hooks completed without error, i.e. the tables exist.
    expect(JSON.stringify(localstack.healthcheck?.test)).toContain('/_localstack/init/ready');
  });

  test('runs DynamoDB Local with the JVM backend\'s shared database', () => {
    expect(service(DYNAMODB_SERVICES['dynamodb-local'].service).command).toEqual(expect.arrayContaining(['-sharedDb']));
  });

  describe.each(emulators.map((emulator) => [emulator.twinService, emulator] as [string, DynamoDbService]))('twin service %s', (name, emulator) => {
    const twin = service(name);

    test('runs pulse local on the external backend, listening on every interface of the container', () => {
      expect(commandText(twin)).toMatch(/bin\/pulse\.ts local --backend external --host 0\.0\.0\.0 --port 3000$/);
    });

    test('reaches the broker and DynamoDB on the compose network, with the default table names', () => {
      expect(environmentOf(twin)).toEqual({
        KAFKA_BROKERS: REDPANDA.internalBrokers,
        DYNAMODB_ENDPOINT: emulator.internalEndpoint,
        EVENTS_TABLE: defaultTableName(EVENTS_TABLE),
        AGGREGATES_TABLE: defaultTableName(AGGREGATES_TABLE),
      });
    });

    test('starts once the broker and its emulator are healthy', () => {
      expect(twin.depends_on).toEqual({
        [REDPANDA.service]: { condition: 'service_healthy' },
        [emulator.service]: { condition: 'service_healthy' },
      });
    });

    test('is healthy when the API answers /health', () => {
      expect(JSON.stringify(twin.healthcheck?.test)).toContain(`http://127.0.0.1:${TWIN_API.port}/health`);
    });
  });
});

describe('.env.example', () => {
  const example = path.join(REPO_ROOT, '.env.example');

  test('declares every variable the compose file interpolates', () => {
    // Prepare
    const variables = new Set([...composeFileText().matchAll(/(?<!\$)\$\{([A-Z_][A-Z0-9_]*)/g)].map((match) => match[1] as string));
    // Assess
    expect(variables.size).toBeGreaterThan(0);
    for (const variable of variables) expect({ variable, declared: readDotEnvValue(example, variable) !== undefined }).toEqual({ variable, declared: true });
  });

  test('selects one of the emulator profiles and leaves the token empty', () => {
    expect(emulators.map((emulator) => emulator.profile)).toContain(readDotEnvValue(example, 'COMPOSE_PROFILES'));
    expect(readDotEnvValue(example, LOCALSTACK_AUTH_TOKEN)).toBe('');
  });

  test('is copied to .env, which git ignores', () => {
    expect(fs.readFileSync(path.join(REPO_ROOT, '.gitignore'), 'utf8').split('\n')).toContain('.env');
  });
});

test('COMPOSE_FILE is the file at the repository root', () => {
  expect(COMPOSE_FILE).toBe(path.join(REPO_ROOT, 'docker-compose.local.yml'));
});
