/**
 * Runtime settings of the handlers, read from the environment once per execution environment.
 * A missing or malformed variable fails at start-up with its name and what to set, never later
 * as an obscure SDK error.
 */
import { z } from 'zod';
import { PIPELINE } from './pipeline';
import type { ValidationLimits } from '../domain/validation';

/** A configuration error: names the variable and what is wrong with it. */
export class ConfigurationError extends Error {
  override readonly name = 'ConfigurationError';
}

const positiveNumber = z.coerce.number().positive();

/**
 * An MSK cluster ARN, `arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`: the one
 * rule, used for the handlers' environment and the CDK context alike.
 */
export const MSK_CLUSTER_ARN_PATTERN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/;

const settingsSchema = z.object({
  EVENTS_TABLE: z.string().min(1).optional(),
  AGGREGATES_TABLE: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  KAFKA_BROKERS: z.string().min(1).optional(),
  MSK_CLUSTER_ARN: z.string().regex(MSK_CLUSTER_ARN_PATTERN, 'must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)').optional(),
  AWS_REGION: z.string().min(1).optional(),
  PULSE_RETENTION_DAYS: positiveNumber.default(PIPELINE.validation.retentionDays),
  PULSE_MAX_CLOCK_SKEW_SECONDS: positiveNumber.default(PIPELINE.validation.maxClockSkewMs / 1000),
  PULSE_EVENTS_RETENTION_DAYS: positiveNumber.default(PIPELINE.tables.eventsRetentionDays),
  PULSE_EVENTS_PER_SECOND: positiveNumber.default(PIPELINE.producer.eventsPerSecondPerStream),
  POWERTOOLS_LOG_LEVEL: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR', 'SILENT', 'debug', 'info', 'warn', 'error', 'silent']).optional(),
  POWERTOOLS_METRICS_NAMESPACE: z.string().min(1).optional(),
});

/** The parsed environment. */
export type Settings = z.infer<typeof settingsSchema>;

/** The name of a handler setting: its environment variable. */
export type SettingVariable = keyof Settings;

/** The functions Pulse runs, each a module of `lambdas/handlers/`. */
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
  const parsed = settingsSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`).join('; ');
    throw new ConfigurationError(`invalid environment: ${problems}`);
  }
  return parsed.data;
}

/** A setting the caller cannot do without; the error says which variable to set. */
export function requireSetting<K extends keyof Settings>(settings: Settings, name: K, why: string): NonNullable<Settings[K]> {
  const value = settings[name];
  if (value === undefined || value === null) {
    throw new ConfigurationError(`${String(name)} is not set: ${why}`);
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
