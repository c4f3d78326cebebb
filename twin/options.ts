/**
 * The options of `pulse local` and `pulse doctor`, and of `startLocalPipeline` (`./local.ts`), their
 * programmatic form: one zod schema checks them all, whether the command line gives text or a
 * caller typed values, and names each bad one as its user sets it (`--port`, `KAFKA_BROKERS`)
 * with what is valid. The defaults live here too, so `--help` and a caller that leaves an option
 * out get the same value.
 */
import { z } from 'zod';
import { PIPELINE } from '../lambdas/config/pipeline';
import { choice, endpointUrl, eventsPerSecond, kafkaBrokers, parseSettings, port, tableName } from '../lambdas/config/rules';
import { AGGREGATES_TABLE, EVENTS_TABLE } from '../lambdas/config/tables';
import { BACKENDS } from './backends/choice';
import { defaultTableName } from './backends/docker/compose';

/** How the emulated event source mappings retry a failed batch: `same` boundaries, or `rebatch` from the committed offsets with other sizes, as AWS may. */
export const REDELIVERY_MODES = ['same', 'rebatch'] as const;

/** What an option is when not given. */
export const LOCAL_DEFAULTS = {
  backend: 'auto',
  port: 3000,
  host: '127.0.0.1',
  rate: PIPELINE.producer.eventsPerSecondPerStream,
  redelivery: 'same',
  kafkaBrokers: 'localhost:9092',
  dynamoDbEndpoint: 'http://localhost:8000',
  eventsTable: defaultTableName(EVENTS_TABLE),
  aggregatesTable: defaultTableName(AGGREGATES_TABLE),
} as const;

/** A `host:port` or URL ending in its port: the `:<port>` that the twin starts a service on. */
const PORT_AT_END = /:(\d+)\/?$/;

const localOptionsSchema = z.object({
  backend: choice(BACKENDS).default(LOCAL_DEFAULTS.backend),
  /** Port of the HTTP API and dashboard. */
  port: port.default(LOCAL_DEFAULTS.port),
  /** Interface the HTTP API listens on (0.0.0.0 inside a container). */
  host: z.string().min(1, { error: 'must be an address to listen on, such as 127.0.0.1 or 0.0.0.0' }).default(LOCAL_DEFAULTS.host),
  /** Whether the scheduled producer runs. */
  producer: z.boolean().default(true),
  /** Producer rate, events per second per stream. */
  rate: eventsPerSecond.default(LOCAL_DEFAULTS.rate),
  /** Keeps the JVM backend's state here across runs. */
  dataDir: z.string().min(1, { error: 'must be a folder' }).optional(),
  /** Where the broker is (jvm: the port to start it on). */
  kafkaBrokers: kafkaBrokers.default(LOCAL_DEFAULTS.kafkaBrokers),
  /** Where DynamoDB is (jvm: the port to start it on, so the port is always named). */
  dynamoDbEndpoint: endpointUrl
    .regex(PORT_AT_END, { error: (issue) => `must name its port, such as http://localhost:8000 (got ${JSON.stringify(issue.input)})` })
    .default(LOCAL_DEFAULTS.dynamoDbEndpoint),
  /** Physical table names. */
  eventsTable: tableName.default(LOCAL_DEFAULTS.eventsTable),
  aggregatesTable: tableName.default(LOCAL_DEFAULTS.aggregatesTable),
  redelivery: choice(REDELIVERY_MODES).default(LOCAL_DEFAULTS.redelivery),
});

/** The options as given: text from the command line or typed values; absent ones take their defaults. */
export type LocalOptionsInput = z.input<typeof localOptionsSchema>;

/** The options, checked and with their defaults. */
export type LocalOptions = z.output<typeof localOptionsSchema>;

/** The options as the command line collects them, before any check: text, booleans, or absent. */
export type RawLocalOptions = { readonly [K in keyof LocalOptions]?: unknown };

/** Where the broker and DynamoDB come from. */
export type Backend = LocalOptions['backend'];

/** How the user sets each option: a flag, or an environment variable. */
const OPTION_NAMES: Readonly<Record<keyof LocalOptions, string>> = {
  backend: '--backend',
  port: '--port',
  host: '--host',
  producer: '--no-producer',
  rate: '--rate',
  dataDir: '--data-dir',
  kafkaBrokers: 'KAFKA_BROKERS',
  dynamoDbEndpoint: 'DYNAMODB_ENDPOINT',
  eventsTable: 'EVENTS_TABLE',
  aggregatesTable: 'AGGREGATES_TABLE',
  redelivery: '--redelivery',
};

/**
 * Checks the options of `pulse local` (or `pulse doctor`, which takes some of them) and fills in
 * the defaults.
 * @param command - the command they were given to, for the message
 * @throws ConfigurationError naming every bad option by its flag or variable, with what is valid
 * @example
 * parseLocalOptions({ port: '80a' }); // invalid `pulse local` options: - --port: must be a port from 1 to 65535 (got "80a")
 */
export function parseLocalOptions(input: RawLocalOptions, command = 'pulse local'): LocalOptions {
  return parseSettings(localOptionsSchema, input, `\`${command}\` options`, (key) => OPTION_NAMES[key as keyof LocalOptions] ?? key);
}

/** The options the environment sets: where the broker and DynamoDB are, and the table names. */
export function environmentOptions(env: NodeJS.ProcessEnv): Pick<RawLocalOptions, 'kafkaBrokers' | 'dynamoDbEndpoint' | 'eventsTable' | 'aggregatesTable'> {
  return { kafkaBrokers: env.KAFKA_BROKERS, dynamoDbEndpoint: env.DYNAMODB_ENDPOINT, eventsTable: env.EVENTS_TABLE, aggregatesTable: env.AGGREGATES_TABLE };
}

/**
 * The port of a checked `host:port[,…]` (the first one) or endpoint URL: where a JVM service starts.
 * @param address - `kafkaBrokers` or `dynamoDbEndpoint` of {@link parseLocalOptions}'s result
 */
export function portOf(address: string): number {
  const match = PORT_AT_END.exec(address.split(',')[0]?.trim() ?? '');
  if (!match) throw new Error(`portOf: "${address}" was not checked by parseLocalOptions: it names no port`);
  return Number(match[1]);
}
