/**
 * The Lambda entry modules build their handler when Lambda loads them (at init), from the
 * process environment: a bad configuration fails the init by name, never a batch that the event
 * source mapping would retry. Each test loads a fresh copy of the module under its own environment.
 */
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { ConfigurationError } from '../../../lambdas/config/errors';
import { HANDLER_NAMES, type HandlerName } from '../../../lambdas/config/settings';
import { httpApiRequest } from '../../helpers/httpApiEvents';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/pulse/6c8f4e31-1';

/** An environment each function starts with; typed by every function the app deploys, so a new one needs an entry. */
const VALID_ENVIRONMENTS: Record<HandlerName, NodeJS.ProcessEnv> = {
  enrichment: { KAFKA_BROKERS: 'localhost:9092', EVENTS_TABLE: 'pulse-events' },
  aggregation: { MSK_CLUSTER_ARN: CLUSTER_ARN, AGGREGATES_TABLE: 'pulse-aggregates' },
  producer: { MSK_CLUSTER_ARN: CLUSTER_ARN },
  query: { EVENTS_TABLE: 'pulse-events', AGGREGATES_TABLE: 'pulse-aggregates', AWS_REGION: 'eu-west-1' },
  kafkaTopics: { AWS_REGION: 'eu-west-1' },
};

/** A fresh load of `lambdas/entries/<name>.ts` with `process.env` set to `env` alone. */
interface Loaded {
  /** What the module exports, when loading it succeeded. */
  readonly entry?: { readonly handler: unknown };
  /** What loading it threw. */
  readonly error?: unknown;
  /** The error class of the same fresh module registry, for `instanceof`. */
  readonly ConfigurationError: typeof ConfigurationError;
}

async function loadEntry(name: HandlerName, env: NodeJS.ProcessEnv): Promise<Loaded> {
  const saved = process.env;
  process.env = { POWERTOOLS_LOG_LEVEL: 'SILENT', ...env };
  let loaded: Loaded | undefined;
  await jest.isolateModulesAsync(async () => {
    const errors = await import('../../../lambdas/config/errors');
    try {
      loaded = { entry: (await import(`../../../lambdas/entries/${name}`)) as Loaded['entry'], ConfigurationError: errors.ConfigurationError };
    } catch (error) {
      loaded = { error, ConfigurationError: errors.ConfigurationError };
    } finally {
      process.env = saved;
    }
  });
  return loaded as Loaded;
}

describe('Lambda entry modules', () => {
  it.each<[HandlerName, NodeJS.ProcessEnv, string]>([
    ['enrichment', { KAFKA_BROKERS: 'localhost:9092' }, 'EVENTS_TABLE: not set'],
    ['aggregation', { KAFKA_BROKERS: 'localhost:9092', AGGREGATES_TABLE: 'pulse-aggregates', PULSE_RETENTION_DAYS: 'ninety' }, 'PULSE_RETENTION_DAYS: must be an integer from 1 to 3650 (got "ninety")'],
    ['producer', { MSK_CLUSTER_ARN: 'my-cluster' }, 'MSK_CLUSTER_ARN: must be an MSK cluster ARN'],
    ['query', { AGGREGATES_TABLE: 'pulse-aggregates' }, 'EVENTS_TABLE: not set'],
    ['kafkaTopics', { AWS_REGION: 'Ireland' }, 'AWS_REGION: must be a region name such as eu-west-1 (got "Ireland")'],
  ])('%s fails at init with a ConfigurationError naming the variable', async (name, env, message) => {
    // Act
    const { error, ConfigurationError: isolatedError } = await loadEntry(name, env);

    // Assess
    expect(error).toBeInstanceOf(isolatedError);
    expect((error as Error).message).toContain(message);
  });

  it.each(HANDLER_NAMES)('%s builds its handler at init from a valid environment, without connecting', async (name) => {
    // Act
    const { entry, error } = await loadEntry(name, VALID_ENVIRONMENTS[name]);

    // Assess
    expect(error).toBeUndefined();
    expect(entry?.handler).toEqual(expect.any(Function));
  });

  it('serves a request with the handler the query entry built at init', async () => {
    // Prepare
    const { entry } = await loadEntry('query', VALID_ENVIRONMENTS.query);

    // Act
    const response = await (entry?.handler as (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>)(httpApiRequest('/openapi.json'));

    // Assess
    expect(response.statusCode).toBe(200);
  });
});
