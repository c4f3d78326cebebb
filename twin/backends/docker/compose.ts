/**
 * What the local twin relies on in `docker-compose.local.yml`: service names, profiles and the
 * addresses each service is reached at from the host and from inside the compose network.
 *
 * Why one module: the docker backend (`twin/backends/docker/services.ts`), the LocalStack hook generator and the
 * tests that parse the compose file all read these names from here, so a renamed service or a
 * moved port fails a test instead of a developer's `npm start`.
 */
import * as path from 'node:path';
import { PIPELINE } from '../../../lambdas/config/pipeline';
import type { TableDefinition } from '../../../lambdas/config/tables';

/** The compose file, at the repository root. */
export const COMPOSE_FILE = path.join(__dirname, '..', '..', '..', 'docker-compose.local.yml');

/** The compose project name (`name:` in the file), which prefixes containers and volumes. */
export const COMPOSE_PROJECT = 'pulse';

/** The Kafka API: Redpanda, single node. */
export const REDPANDA = {
  service: 'redpanda',
  /** The host listener, advertised as `localhost:9092` so host clients connect as to any broker. */
  hostBrokers: 'localhost:9092',
  /** The internal listener, advertised under the service name for containers on the compose network. */
  internalBrokers: 'redpanda:29092',
} as const;

/** Redpanda Console, the web UI over the broker. */
export const CONSOLE = { service: 'console', hostUrl: 'http://localhost:8080' } as const;

/** Which DynamoDB emulator the stack runs; each is one compose profile. */
export type DynamoDbFlavour = 'localstack' | 'dynamodb-local';

/** One DynamoDB emulator: its service, the profile that enables it and the twin service that uses it. */
export interface DynamoDbService {
  readonly flavour: DynamoDbFlavour;
  /** Compose profile that enables the emulator and its twin service. */
  readonly profile: string;
  readonly service: string;
  /** The service that runs `pulse local --backend external` against this emulator. */
  readonly twinService: string;
  /** DynamoDB endpoint from the host. */
  readonly hostEndpoint: string;
  /** DynamoDB endpoint from containers on the compose network. */
  readonly internalEndpoint: string;
  /** Human name for messages. */
  readonly title: string;
}

/** The two DynamoDB emulators: LocalStack needs an auth token, DynamoDB Local does not. */
export const DYNAMODB_SERVICES: Readonly<Record<DynamoDbFlavour, DynamoDbService>> = {
  localstack: {
    flavour: 'localstack',
    profile: 'localstack',
    service: 'localstack',
    twinService: 'pulse',
    hostEndpoint: 'http://localhost:4566',
    internalEndpoint: 'http://localstack:4566',
    title: 'LocalStack',
  },
  'dynamodb-local': {
    flavour: 'dynamodb-local',
    profile: 'dynamodb-local',
    service: 'dynamodb-local',
    twinService: 'pulse-dynamodb-local',
    hostEndpoint: 'http://localhost:8000',
    internalEndpoint: 'http://dynamodb-local:8000',
    title: 'DynamoDB Local',
  },
};

/**
 * The physical name of a table when `EVENTS_TABLE` / `AGGREGATES_TABLE` are not set:
 * `pulse-events`, `pulse-aggregates`.
 *
 * Why here: `pulse local`, the twin services of the compose file and the generated LocalStack
 * hooks must agree on it, so a stack started with `docker compose` has the tables the twin expects.
 */
export function defaultTableName(definition: Pick<TableDefinition, 'logicalName'>): string {
  return `${PIPELINE.projectName}-${definition.logicalName}`;
}

/** The HTTP API and dashboard of the twin service, published on the host. */
export const TWIN_API = { port: 3000, hostUrl: 'http://localhost:3000' } as const;

/** The variable LocalStack's current images need; read from the environment or `.env`. */
export const LOCALSTACK_AUTH_TOKEN = 'LOCALSTACK_AUTH_TOKEN';

/**
 * Where LocalStack's container finds the generated hooks and table definitions (bind mounts of
 * `localstack/init/ready.d` and `localstack/tables`).
 */
export const LOCALSTACK_MOUNTS = {
  readyHooks: { host: 'localstack/init/ready.d', container: '/etc/localstack/init/ready.d' },
  tables: { host: 'localstack/tables', container: '/etc/localstack/pulse/tables' },
} as const;
