/**
 * Runtime settings of the handlers, read from the environment once per execution environment
 * (when a function's entry module in `lambdas/entries/` is loaded). A missing or malformed
 * variable fails at start-up with its name and what to set, never later as an obscure SDK error.
 * The value rules are the shared ones of `./rules.ts`.
 */
import { z } from 'zod';
import { ConfigurationError } from './errors';
import { mskClusterArn } from './mskClusterArn';
import { PIPELINE } from './pipeline';
import { awsRegion, choice, endpointUrl, eventsPerSecond, kafkaBrokers, numberFrom, parseSettings, retentionDays, tableName } from './rules';
import type { ValidationLimits } from '../domain/validation';

const settingsSchema = z.object({
  EVENTS_TABLE: tableName.optional(),
  AGGREGATES_TABLE: tableName.optional(),
  DYNAMODB_ENDPOINT: endpointUrl.optional(),
  KAFKA_BROKERS: kafkaBrokers.optional(),
  MSK_CLUSTER_ARN: mskClusterArn.optional(),
  AWS_REGION: awsRegion.optional(),
  PULSE_RETENTION_DAYS: retentionDays.default(PIPELINE.validation.retentionDays),
  PULSE_MAX_CLOCK_SKEW_SECONDS: numberFrom(0, 'a number of seconds', { exclusive: true }).default(PIPELINE.validation.maxClockSkewMs / 1000),
  PULSE_EVENTS_RETENTION_DAYS: retentionDays.default(PIPELINE.tables.eventsRetentionDays),
  PULSE_EVENTS_PER_SECOND: eventsPerSecond.default(PIPELINE.producer.eventsPerSecondPerStream),
  POWERTOOLS_LOG_LEVEL: choice(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'debug', 'info', 'warn', 'error', 'silent']).optional(),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).optional(),
});

/** The parsed environment. */
export type Settings = z.infer<typeof settingsSchema>;

/** The name of a handler setting: its environment variable. */
export type SettingVariable = keyof Settings;

/** The functions Pulse runs, each a module of `lambdas/handlers/` with its Lambda entry in `lambdas/entries/`. */
export const HANDLER_NAMES = ['producer', 'enrichment', 'aggregation', 'query', 'kafkaTopics'] as const;

/** One function Pulse runs. */
export type HandlerName = (typeof HANDLER_NAMES)[number];

/** Where a handler that produces to or reads from Kafka finds it: either variable, by environment. */
const KAFKA: readonly SettingVariable[] = ['KAFKA_BROKERS', 'MSK_CLUSTER_ARN'];
const LOGS: readonly SettingVariable[] = ['POWERTOOLS_LOG_LEVEL'];
const METRICS: readonly SettingVariable[] = ['POWERTOOLS_METRICS_NAMESPACE'];
const VALIDATION: readonly SettingVariable[] = ['PULSE_RETENTION_DAYS', 'PULSE_MAX_CLOCK_SKEW_SECONDS'];

/**
 * The variables each handler reads: the contract between a handler and whatever runs it. The CDK
 * app and the local twin both build every function's environment from this table (through
 * {@link environmentOf}), so a new setting is declared here once and reaches both.
 */
export const HANDLER_VARIABLES: Readonly<Record<HandlerName, readonly SettingVariable[]>> = {
  producer: [...KAFKA, 'PULSE_EVENTS_PER_SECOND', ...LOGS, ...METRICS],
  enrichment: [...KAFKA, 'EVENTS_TABLE', 'DYNAMODB_ENDPOINT', 'PULSE_EVENTS_RETENTION_DAYS', ...VALIDATION, ...LOGS, ...METRICS],
  aggregation: [...KAFKA, 'AGGREGATES_TABLE', 'DYNAMODB_ENDPOINT', 'PULSE_RETENTION_DAYS', 'PULSE_MAX_CLOCK_SKEW_SECONDS', ...LOGS, ...METRICS],
  query: ['EVENTS_TABLE', 'AGGREGATES_TABLE', 'DYNAMODB_ENDPOINT', 'PULSE_RETENTION_DAYS', 'PULSE_EVENTS_RETENTION_DAYS', ...LOGS],
  kafkaTopics: [...LOGS],
};

/** Values of settings by variable, as text (CDK tokens on AWS); absent ones are left out. */
export type SettingValues = Partial<Record<SettingVariable, string>>;

/** The environment of `handler`: the values of exactly the variables it reads. */
export function environmentOf(handler: HandlerName, values: SettingValues): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const variable of HANDLER_VARIABLES[handler]) {
    const value = values[variable];
    if (value !== undefined) environment[variable] = value;
  }
  return environment;
}

/** Parses the environment; throws a `ConfigurationError` naming every bad variable. */
export function loadSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  return parseSettings(settingsSchema, env, 'environment');
}

/** A setting the caller cannot do without; the error says which variable to set. */
export function requireSetting<K extends keyof Settings>(settings: Settings, name: K, why: string): NonNullable<Settings[K]> {
  const value = settings[name];
  if (value === undefined || value === null) {
    throw new ConfigurationError('environment', [{ setting: String(name), problem: `not set; ${why}` }]);
  }
  return value as NonNullable<Settings[K]>;
}

/** The validation bounds the settings give. */
export function validationLimitsOf(settings: Settings): ValidationLimits {
  return {
    retentionMs: settings.PULSE_RETENTION_DAYS * 86_400_000,
    maxClockSkewMs: settings.PULSE_MAX_CLOCK_SKEW_SECONDS * 1000,
    maxEventBytes: PIPELINE.validation.maxEventBytes,
  };
}

/** The validation bounds when no variable overrides them (the pipeline's defaults). */
export const DEFAULT_VALIDATION_LIMITS: ValidationLimits = validationLimitsOf(loadSettings({}));
