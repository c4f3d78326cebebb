/**
 * The deployment's settings, read once from CDK context (`-c name=value` or `cdk.json`) and
 * checked before any construct is built. Every problem is reported at once, each naming the
 * setting, what was given and the valid choices; the constructs then receive typed values only.
 *
 * Each setting's value is parsed by its zod schema (`./schema.ts` and the shared rules of
 * `lambdas/config/rules.ts`); the rules between settings then run on the values that parsed, so
 * that a wrong value and a missing companion setting are reported in one run.
 *
 * Pipeline settings that the handlers and the local twin share (batching, schedules, retention
 * defaults) come from `lambdas/config/pipeline.ts`; this module only decides how one deployment
 * differs from those defaults.
 */
import { z } from 'zod';
import { ConfigurationError, type SettingProblem } from '../../lambdas/config/errors';
import { PIPELINE } from '../../lambdas/config/pipeline';
import { awsAccount, awsRegion, matching, problemsOf, retentionDays } from '../../lambdas/config/rules';
import { KAFKA_FIELDS, kafkaOf, type KafkaConfig } from './kafka';
import { NETWORK_FIELDS, networkOf, type NetworkConfig } from './network';
import { POLLER_FIELDS, pollersOf, type ProvisionedPollersConfig } from './pollers';
import { CONTEXT_SOURCE, flag, integer, isGiven, list, setting, type RuleContext } from './schema';

export type { ClusterMode, KafkaConfig, PollerRules } from './kafka';
export type { NetworkConfig } from './network';
export type { ProvisionedPollersConfig } from './pollers';

/** A deployment of Pulse, as the stacks need it. */
export interface PulseConfig {
  /** Deployment name: part of stack names, the cluster name and the metrics namespace. */
  readonly stage: string;
  /** Target account and region; absent means env-agnostic stacks (no lookups possible). */
  readonly env?: { readonly account: string; readonly region: string };
  readonly network: NetworkConfig;
  readonly kafka: KafkaConfig;
  /** Provisioned pollers for every event source mapping; absent means on-demand polling. */
  readonly pollers?: ProvisionedPollersConfig;
  /** Events per second per stream from the scheduled producer; 0 turns the schedule off. */
  readonly producerEventsPerSecond: number;
  /** Whether to provision the Amazon Keyspaces mirror of the aggregates. */
  readonly keyspaces: boolean;
  /** Days aggregates are kept (and how old an event may be). */
  readonly retentionDays: number;
  /** Days an enriched event is kept. */
  readonly eventsRetentionDays: number;
  /** Origins allowed to call the HTTP API from a browser. */
  readonly corsOrigins: readonly string[];
}

/** `*`, or an origin a browser sends. */
const CORS_ORIGIN = /^(\*|https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?)$/;

/** Every context setting Pulse reads (the README's Deploy section describes each), by its schema. */
const CONTEXT_FIELDS = {
  stage: setting(matching(/^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and -, starting with a letter, at most 20 characters')),
  account: setting(awsAccount),
  region: setting(awsRegion),
  ...KAFKA_FIELDS,
  ...NETWORK_FIELDS,
  // Whole events per second: the schedule's input is a whole number of events per minute.
  producerRate: integer(0, 1000),
  keyspaces: flag(),
  retentionDays: setting(retentionDays),
  eventsRetentionDays: setting(retentionDays),
  corsOrigins: setting(
    list(CORS_ORIGIN, '* or comma-separated origins such as https://example.com').refine((origins) => origins.length === 1 || !origins.includes('*'), {
      error: 'must be * alone, or origins without *',
    }),
  ),
  ...POLLER_FIELDS,
};

const contextSchema = z.object(CONTEXT_FIELDS);

/** The name of a context setting. */
export type SettingKey = keyof typeof CONTEXT_FIELDS;

/** Every context key Pulse reads (the README's Deploy section describes each). */
export const SETTING_KEYS = Object.keys(CONTEXT_FIELDS) as SettingKey[];

/** Settings Pulse once read, with what to do instead: a stale cdk.json gets told, not ignored. */
const REMOVED_KEYS: Readonly<Record<string, string>> = {
  partialBatchResponse:
    'removed: the handlers fail a batch whole (a record they cannot process goes to its dead-letter topic and the batch succeeds), so they never return batchItemFailures; delete the setting',
};

/** Context keys the CDK itself sets without a `:`, `@` or `/` in them. */
const CDK_OWN_KEYS = new Set(['acknowledged-issue-numbers']);

/** A problem for each key that is neither Pulse's nor the CDK's: a typo, or a removed setting. */
function unknownKeyProblems(context: Readonly<Record<string, unknown>>): SettingProblem[] {
  const known: ReadonlySet<string> = new Set(SETTING_KEYS);
  return Object.keys(context)
    .filter((key) => !/[:@/]/.test(key) && !known.has(key) && !CDK_OWN_KEYS.has(key))
    .map((key) => {
      const removed = REMOVED_KEYS[key];
      if (removed) return { setting: key, problem: removed };
      const near = SETTING_KEYS.find((candidate) => candidate.toLowerCase() === key.toLowerCase());
      return { setting: key, problem: `not a Pulse setting${near ? ` (did you mean ${near}?)` : ''}; the settings are ${SETTING_KEYS.join(', ')}` };
    });
}

/**
 * A problem of one setting that only shows once the stacks are built (a looked-up VPC that cannot
 * hold the cluster, say), in the words of {@link configFromContext}'s errors.
 * @example
 * throw settingError('existingVpcId', 'the VPC has private subnets in 1 AZ (eu-west-1a); …');
 */
export function settingError(key: SettingKey, problem: string): ConfigurationError {
  return new ConfigurationError(CONTEXT_SOURCE, [{ setting: key, problem }]);
}

/**
 * Parses and checks the CDK context.
 * @param context - every context value, as `app.node.getAllContext()` returns them
 * @throws ConfigurationError listing every invalid, conflicting or unknown setting
 * @example
 * const config = configFromContext(app.node.getAllContext());
 */
export function configFromContext(context: Readonly<Record<string, unknown>>): PulseConfig {
  const problems = unknownKeyProblems(context);
  const parsed = contextSchema.safeParse(context);
  const invalid = parsed.success ? [] : parsed.error.issues;
  problems.push(...problemsOf(invalid));
  // The rules between settings run on the values that parsed; those that did not are reported already.
  const invalidKeys = new Set(invalid.map((issue) => issue.path[0]));
  const values = parsed.success ? parsed.data : contextSchema.parse(Object.fromEntries(Object.entries(context).filter(([key]) => !invalidKeys.has(key))));
  const rules: RuleContext<SettingKey> = {
    given: (key) => isGiven(context[key]),
    report: (key, problem) => problems.push(key === undefined ? { problem } : { setting: key, problem }),
  };

  if (rules.given('account') !== rules.given('region')) rules.report(undefined, 'account and region: set both or neither');
  const { account, region } = values;
  const network = networkOf(values, account ? region : undefined, values.clusterMode ?? 'serverless', rules);
  const kafka = kafkaOf(values, network, rules);
  const pollers = pollersOf(values, rules);

  if (problems.length > 0) throw new ConfigurationError(CONTEXT_SOURCE, problems);
  return {
    stage: values.stage ?? 'dev',
    ...(account && region ? { env: { account, region } } : {}),
    network,
    kafka,
    ...(pollers ? { pollers } : {}),
    producerEventsPerSecond: values.producerRate ?? PIPELINE.producer.eventsPerSecondPerStream,
    keyspaces: values.keyspaces ?? false,
    retentionDays: values.retentionDays ?? PIPELINE.validation.retentionDays,
    eventsRetentionDays: values.eventsRetentionDays ?? PIPELINE.tables.eventsRetentionDays,
    corsOrigins: values.corsOrigins ?? ['*'],
  };
}
