/**
 * The deployment's settings, read once from CDK context (`-c name=value` or `cdk.json`) and
 * checked before any construct is built. Every problem is reported at once, each naming the
 * setting, what was given and the valid choices; the constructs then receive typed values only.
 *
 * Pipeline settings that the handlers and the local twin share (batching, schedules, retention
 * defaults) come from `lambdas/config/pipeline.ts`; this module only decides how one deployment
 * differs from those defaults.
 */
import type { MappingErrorHandling, OnFailureKind } from '../lambdas/config/plan';
import { PIPELINE } from '../lambdas/config/pipeline';
import { CLIENT_SUBNETS, DEFAULT_AZ_IDS, MSK_UNSUPPORTED_AZ_IDS, maxAvailabilityZones, zoneIdPrefixOf } from './availabilityZones';
import { KAFKA_DEFAULTS } from './defaults';

/** How the Kafka cluster is provided. */
export type ClusterMode = 'serverless' | 'provisioned' | 'existing';

/** Where an event source mapping sends a batch it gave up on (provisioned pollers only). */
export type OnFailureDestination = OnFailureKind;

/** Provisioned pollers of the event source mappings, and the error handling they unlock. */
export interface ProvisionedPollersConfig {
  readonly minimumPollers: number;
  readonly maximumPollers: number;
  /**
   * Retries (-1: until success; always 0 to 10000 with an on-failure destination), record age
   * limit (-1: none), bisect on error and the on-failure destination, as the plan's mappings and
   * the twin's emulated mappings both apply them.
   */
  readonly errorHandling: MappingErrorHandling;
}

/** The Kafka cluster to create or use. */
export type KafkaConfig =
  | { readonly mode: 'serverless' }
  | { readonly mode: 'provisioned'; readonly brokerInstanceType: string }
  | { readonly mode: 'existing'; readonly clusterArn: string; readonly securityGroupId: string; readonly pollerRules: PollerRules };

/**
 * Whether Pulse adds the rules the mappings' pollers need to an existing cluster's security group
 * (`add`), or its owner states they are there (`present`): EC2 refuses a rule that already exists,
 * so adding one the group has fails the deploy.
 */
export type PollerRules = 'add' | 'present';

/** The VPC to create or use. */
export type NetworkConfig =
  | {
      readonly mode: 'new';
      /** The AZs of the VPC's subnets, by ID: given, or chosen for a known region; absent, the first two of the region. */
      readonly availabilityZoneIds?: readonly string[];
    }
  | {
      readonly mode: 'existing';
      readonly vpcId: string;
      /** The AZs (names, as the lookup reports them) whose private subnets to use; absent, the first two or three. */
      readonly availabilityZones?: readonly string[];
    };

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

/** Invalid CDK context; the message lists every problem. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const INVALID_CONTEXT = 'invalid CDK context (-c name=value or cdk.json):';

/**
 * A problem of one setting that only shows once the stacks are built (a looked-up VPC that cannot
 * hold the cluster, say), in the words of {@link configFromContext}'s errors.
 * @example
 * throw settingError('existingVpcId', 'the VPC has private subnets in 1 AZ (eu-west-1a); …');
 */
export function settingError(key: (typeof SETTING_KEYS)[number], problem: string): ConfigError {
  return new ConfigError(`${INVALID_CONTEXT}\n  - ${key}: ${problem}`);
}

const CLUSTER_MODES: readonly ClusterMode[] = ['serverless', 'provisioned', 'existing'];
const ON_FAILURE: readonly OnFailureDestination[] = ['none', 'kafka', 'sqs', 'sns', 's3'];
const POLLER_RULES: readonly PollerRules[] = ['add', 'present'];

/** Every context key Pulse reads (the README's Deploy section describes each). */
export const SETTING_KEYS = [
  'stage',
  'account',
  'region',
  'clusterMode',
  'existingClusterArn',
  'clusterSecurityGroupId',
  'clusterPollerRules',
  'existingVpcId',
  'availabilityZoneIds',
  'availabilityZones',
  'brokerInstanceType',
  'producerRate',
  'keyspaces',
  'retentionDays',
  'eventsRetentionDays',
  'corsOrigins',
  'minPollers',
  'maxPollers',
  'retryAttempts',
  'maxRecordAgeSeconds',
  'bisectOnError',
  'onFailure',
] as const;

const KNOWN_KEYS: ReadonlySet<string> = new Set(SETTING_KEYS);

/** Settings Pulse once read, with what to do instead: a stale cdk.json gets told, not ignored. */
const REMOVED_KEYS: Readonly<Record<string, string>> = {
  partialBatchResponse:
    'removed: the handlers fail a batch whole (a record they cannot process goes to its dead-letter topic and the batch succeeds), so they never return batchItemFailures; delete the setting',
};

/** Context keys the CDK itself sets without a `:`, `@` or `/` in them. */
const CDK_OWN_KEYS = new Set(['acknowledged-issue-numbers']);

/** Collects problems so that one run reports them all. */
class Reader {
  readonly problems: string[] = [];

  constructor(private readonly context: Readonly<Record<string, unknown>>) {}

  has(key: string): boolean {
    const value = this.context[key];
    return value !== undefined && value !== null && value !== '';
  }

  text(key: string): string | undefined {
    if (!this.has(key)) return undefined;
    const value = this.context[key];
    if (typeof value === 'string') return value.trim();
    if (typeof value === 'number' || typeof value === 'boolean') return String(value);
    this.problems.push(`${key}: expected a single value, got ${JSON.stringify(value)}`);
    return undefined;
  }

  matching(key: string, pattern: RegExp, expected: string): string | undefined {
    const value = this.text(key);
    if (value === undefined || pattern.test(value)) return value;
    this.problems.push(`${key}: must be ${expected} (got ${JSON.stringify(value)})`);
    return undefined;
  }

  choice<T extends string>(key: string, choices: readonly T[], fallback: T): T {
    const value = this.text(key);
    if (value === undefined) return fallback;
    if ((choices as readonly string[]).includes(value)) return value as T;
    this.problems.push(`${key}: must be one of ${choices.join(', ')} (got ${JSON.stringify(value)})`);
    return fallback;
  }

  flag(key: string): boolean {
    const value = this.text(key);
    if (value === undefined) return false;
    if (value === 'true' || value === 'false') return value === 'true';
    this.problems.push(`${key}: must be true or false (got ${JSON.stringify(value)})`);
    return false;
  }

  integer(key: string, min: number, max: number): number | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    const number = Number(value);
    if (/^-?\d+$/.test(value) && number >= min && number <= max) return number;
    this.problems.push(`${key}: must be an integer from ${min} to ${max} (got ${JSON.stringify(value)})`);
    return undefined;
  }

  /** A setting that only means something alongside another. */
  onlyWith(key: string, condition: boolean, requirement: string): void {
    if (this.has(key) && !condition) this.problems.push(`${key}: only valid ${requirement}`);
  }

  /** A comma-separated list of distinct values, each matching `pattern`, of `min` to `max` entries (`why` says why). */
  list(key: string, pattern: RegExp, expected: string, [min, max]: readonly [number, number], why = ''): string[] | undefined {
    const value = this.text(key);
    if (value === undefined) return undefined;
    const items = value.split(',').map((item) => item.trim());
    const bad = items.filter((item) => !pattern.test(item));
    if (bad.length > 0) {
      this.problems.push(`${key}: must be ${expected} (not ${bad.map((item) => JSON.stringify(item)).join(', ')})`);
    } else if (items.length < min || items.length > max || new Set(items).size !== items.length) {
      this.problems.push(`${key}: must list ${min === max ? min : `${min} to ${max}`} different values, comma-separated${why} (got ${JSON.stringify(value)})`);
    } else {
      return items;
    }
    return undefined;
  }
}

function readCorsOrigins(reader: Reader): string[] {
  const value = reader.text('corsOrigins');
  if (value === undefined || value === '*') return ['*'];
  const origins = value.split(',').map((origin) => origin.trim());
  const bad = origins.filter((origin) => !/^https?:\/\/[A-Za-z0-9.-]+(:\d{1,5})?$/.test(origin));
  if (bad.length > 0) {
    reader.problems.push(`corsOrigins: must be * or comma-separated origins such as https://example.com (not ${bad.map((o) => JSON.stringify(o)).join(', ')})`);
  }
  return origins;
}

function readPollers(reader: Reader): ProvisionedPollersConfig | undefined {
  const minimum = reader.integer('minPollers', 1, 200);
  const maximum = reader.integer('maxPollers', 1, 2000);
  const enabled = reader.has('minPollers') || reader.has('maxPollers');
  const needsPollers = 'with provisioned pollers: set minPollers (and maxPollers); AWS offers it in provisioned mode only';
  for (const key of ['retryAttempts', 'maxRecordAgeSeconds', 'bisectOnError']) reader.onlyWith(key, enabled, needsPollers);
  const onFailure = reader.choice('onFailure', ON_FAILURE, 'none');
  if (onFailure !== 'none' && !enabled) reader.problems.push(`onFailure: only valid ${needsPollers}`);
  if (!enabled) return undefined;

  const minimumPollers = minimum ?? 1;
  // Lambda never runs more pollers than a topic has partitions, so more would only cost.
  const maximumPollers = maximum ?? Math.max(minimumPollers, PIPELINE.topics.partitions);
  if (minimumPollers > maximumPollers) reader.problems.push(`maxPollers: must be at least minPollers (${maximumPollers} < ${minimumPollers})`);
  const retryAttempts = reader.integer('retryAttempts', -1, 10_000);
  // With an on-failure destination, AWS turns "retry forever" (-1, the default) into 10 retries
  // (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html): say how many.
  if (onFailure !== 'none' && (retryAttempts === undefined || retryAttempts === -1) && !reader.problems.some((problem) => problem.startsWith('retryAttempts:'))) {
    reader.problems.push(
      'retryAttempts: required with onFailure, from 0 to 10000: with an on-failure destination AWS caps "retry until success" (-1) at 10 retries, after which the batch is discarded',
    );
  }
  const maxRecordAgeSeconds = reader.integer('maxRecordAgeSeconds', -1, 604_800);
  if (maxRecordAgeSeconds !== undefined && maxRecordAgeSeconds !== -1 && maxRecordAgeSeconds < 60) {
    reader.problems.push(`maxRecordAgeSeconds: must be -1 or from 60 to 604800 (got ${maxRecordAgeSeconds})`);
  }
  return {
    minimumPollers,
    maximumPollers,
    errorHandling: {
      retryPolicy: {
        maximumRetryAttempts: retryAttempts ?? -1,
        maximumRecordAgeMs: maxRecordAgeSeconds === undefined || maxRecordAgeSeconds === -1 ? -1 : maxRecordAgeSeconds * 1000,
        bisectBatchOnError: reader.flag('bisectOnError'),
      },
      onFailure,
    },
  };
}

/**
 * The VPC: a new one, in the AZs pinned by ID (or chosen by ID for a known region whose AZ names
 * may stand for an AZ that MSK does not support), or an existing one, looked up.
 */
function readNetwork(reader: Reader, region: string | undefined, clusterMode: ClusterMode): NetworkConfig {
  const vpcId = reader.matching('existingVpcId', /^vpc-[0-9a-f]{8,17}$/, 'a VPC id (vpc-…)');
  const existing = reader.has('existingVpcId');
  if (existing && !(reader.has('account') && reader.has('region'))) {
    reader.problems.push('existingVpcId: needs account and region (-c account=<id> -c region=<region>): the VPC is looked up at synth time');
  }
  const count = [CLIENT_SUBNETS.min, maxAvailabilityZones(region, clusterMode)] as const;
  const why = count[1] < CLIENT_SUBNETS.max ? `: a provisioned cluster in ${region} takes ${count[1]} subnets` : ': MSK takes 2 or 3 client subnets, each in its own AZ';
  reader.onlyWith('availabilityZoneIds', !existing, 'for a new VPC: an existing VPC is looked up by AZ name; choose its AZs with availabilityZones');
  reader.onlyWith('availabilityZones', existing, 'with existingVpcId (a new VPC is placed by AZ ID: availabilityZoneIds)');
  if (existing) {
    const zones = reader.list('availabilityZones', /^[a-z]{2}(-[a-z]+)+-\d[a-z]$/, 'AZ names such as eu-west-1a', count, why);
    const foreign = zones?.filter((zone) => region !== undefined && zone.slice(0, -1) !== region) ?? [];
    if (foreign.length > 0) reader.problems.push(`availabilityZones: ${foreign.join(', ')} not in region ${region}`);
    return { mode: 'existing', vpcId: vpcId ?? '', ...(zones ? { availabilityZones: zones } : {}) };
  }
  const zoneIds = reader.list('availabilityZoneIds', /^[a-z]{3,}\d+-az\d+$/, 'AZ IDs such as use1-az1 (ZoneId in aws ec2 describe-availability-zones)', count, why);
  const unsupported = zoneIds?.filter((zoneId) => MSK_UNSUPPORTED_AZ_IDS.includes(zoneId)) ?? [];
  if (unsupported.length > 0) reader.problems.push(`availabilityZoneIds: MSK does not place client subnets in ${unsupported.join(', ')}; choose other AZ IDs`);
  if (zoneIds && new Set(zoneIds.map(zoneIdPrefixOf)).size > 1) reader.problems.push(`availabilityZoneIds: must all be AZs of one region (got ${zoneIds.join(', ')})`);
  const chosen = zoneIds ?? (region ? DEFAULT_AZ_IDS[region] : undefined);
  return { mode: 'new', ...(chosen ? { availabilityZoneIds: chosen } : {}) };
}

function readKafka(reader: Reader, mode: ClusterMode, network: NetworkConfig): KafkaConfig {
  reader.onlyWith('existingClusterArn', mode === 'existing', 'with clusterMode=existing');
  reader.onlyWith('clusterSecurityGroupId', mode === 'existing', 'with clusterMode=existing');
  reader.onlyWith('clusterPollerRules', mode === 'existing', 'with clusterMode=existing');
  reader.onlyWith('brokerInstanceType', mode === 'provisioned', 'with clusterMode=provisioned');
  switch (mode) {
    case 'serverless':
      return { mode };
    case 'provisioned':
      return {
        mode,
        brokerInstanceType:
          reader.matching('brokerInstanceType', /^kafka\.[a-z0-9]+\.[a-z0-9]+$/, 'an MSK broker type such as kafka.m7g.large') ?? KAFKA_DEFAULTS.brokerInstanceType,
      };
    case 'existing': {
      const clusterArn = reader.matching(
        'existingClusterArn',
        /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/,
        'an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)',
      );
      if (!reader.has('existingClusterArn')) reader.problems.push('existingClusterArn: required with clusterMode=existing');
      if (network.mode !== 'existing') {
        reader.problems.push("existingVpcId: required with clusterMode=existing (the functions run in the cluster's VPC)");
      }
      const securityGroupId = reader.matching('clusterSecurityGroupId', /^sg-[0-9a-f]{8,17}$/, 'a security group id (sg-…)');
      if (!reader.has('clusterSecurityGroupId')) {
        reader.problems.push(
          "clusterSecurityGroupId: required with clusterMode=existing (the mappings' pollers use the cluster's security group: Pulse opens it on 9098 to the functions and checks or adds the pollers' rules)",
        );
      }
      const pollerRules = reader.choice('clusterPollerRules', POLLER_RULES, 'add');
      return { mode, clusterArn: clusterArn ?? '', securityGroupId: securityGroupId ?? '', pollerRules };
    }
  }
}

/**
 * Parses and checks the CDK context.
 * @param context - every context value, as `app.node.getAllContext()` returns them
 * @throws ConfigError listing every invalid, conflicting or unknown setting
 * @example
 * const config = configFromContext(app.node.getAllContext());
 */
export function configFromContext(context: Readonly<Record<string, unknown>>): PulseConfig {
  const reader = new Reader(context);
  for (const key of Object.keys(context)) {
    if (/[:@/]/.test(key) || KNOWN_KEYS.has(key) || CDK_OWN_KEYS.has(key)) continue;
    const removed = REMOVED_KEYS[key];
    if (removed) {
      reader.problems.push(`${key}: ${removed}`);
      continue;
    }
    const near = [...KNOWN_KEYS].find((known) => known.toLowerCase() === key.toLowerCase());
    reader.problems.push(`${key}: not a Pulse setting${near ? ` (did you mean ${near}?)` : ''}; the settings are ${[...KNOWN_KEYS].join(', ')}`);
  }

  const stage = reader.matching('stage', /^[a-z][a-z0-9-]{0,19}$/, 'lower-case letters, digits and -, starting with a letter, at most 20 characters') ?? 'dev';
  const account = reader.matching('account', /^\d{12}$/, 'a 12-digit account id');
  const region = reader.matching('region', /^[a-z]{2}(-[a-z]+)+-\d$/, 'a region name such as eu-west-1');
  if (reader.has('account') !== reader.has('region')) reader.problems.push('account and region: set both or neither');
  const clusterMode = reader.choice('clusterMode', CLUSTER_MODES, 'serverless');
  const network = readNetwork(reader, account ? region : undefined, clusterMode);
  const kafka = readKafka(reader, clusterMode, network);
  const pollers = readPollers(reader);
  const producerEventsPerSecond = reader.integer('producerRate', 0, 1000) ?? PIPELINE.producer.eventsPerSecondPerStream;
  const keyspaces = reader.flag('keyspaces');
  const retentionDays = reader.integer('retentionDays', 1, 3650) ?? PIPELINE.validation.retentionDays;
  const eventsRetentionDays = reader.integer('eventsRetentionDays', 1, 3650) ?? PIPELINE.tables.eventsRetentionDays;
  const corsOrigins = readCorsOrigins(reader);

  if (reader.problems.length > 0) {
    throw new ConfigError(`${INVALID_CONTEXT}\n  - ${reader.problems.join('\n  - ')}`);
  }
  return {
    stage,
    ...(account && region ? { env: { account, region } } : {}),
    network,
    kafka,
    ...(pollers ? { pollers } : {}),
    producerEventsPerSecond,
    keyspaces,
    retentionDays,
    eventsRetentionDays,
    corsOrigins,
  };
}
