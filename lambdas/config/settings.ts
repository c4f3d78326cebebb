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

const settingsSchema = z.object({
  EVENTS_TABLE: z.string().min(1).optional(),
  AGGREGATES_TABLE: z.string().min(1).optional(),
  DYNAMODB_ENDPOINT: z.url().optional(),
  KAFKA_BROKERS: z.string().min(1).optional(),
  MSK_CLUSTER_ARN: z.string().regex(/^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\//, 'must be an MSK cluster ARN').optional(),
  AWS_REGION: z.string().min(1).optional(),
  PULSE_RETENTION_DAYS: positiveNumber.default(PIPELINE.validation.retentionDays),
  PULSE_MAX_CLOCK_SKEW_SECONDS: positiveNumber.default(PIPELINE.validation.maxClockSkewMs / 1000),
  PULSE_EVENTS_RETENTION_DAYS: positiveNumber.default(PIPELINE.tables.eventsRetentionDays),
  PULSE_EVENTS_PER_SECOND: positiveNumber.default(PIPELINE.producer.eventsPerSecondPerStream),
});

/** The parsed environment. */
export type Settings = z.infer<typeof settingsSchema>;

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
