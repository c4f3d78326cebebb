/**
 * The rules a setting's value obeys, each written once as a zod schema and shared by every place
 * that reads such a value: the handlers' environment (`./settings.ts`), the CDK context
 * (`lib/config/`) and the local twin's options (`twin/options.ts`). A failed rule says what is
 * valid and what was given: `must be a port from 1 to 65535 (got "80a")`.
 *
 * Pure: zod only, so that every Lambda bundle, the CDK app and the twin can share it.
 */
import { z } from 'zod';
import { ConfigurationError, type SettingProblem } from './errors';

/** What was given, as a message shows it: `"abc"`, `42`. */
function shown(input: unknown): string {
  return JSON.stringify(input) ?? String(input);
}

/**
 * Text matching `pattern`.
 * @param expected - what a valid value is, after "must be": `a 12-digit account id`
 */
export function matching(pattern: RegExp, expected: string) {
  const error = (issue: { readonly input?: unknown }) => `must be ${expected} (got ${shown(issue.input)})`;
  return z.string({ error }).regex(pattern, { error });
}

/** One of `choices`, spelled exactly. */
export function choice<const T extends readonly [string, ...string[]]>(choices: T) {
  return z.enum(choices, { error: (issue) => `must be one of ${choices.join(', ')} (got ${shown(issue.input)})` });
}

/**
 * A whole number from `min` to `max`, given as text (environment, command line, CDK context) or
 * as a number (cdk.json, a caller's options).
 * @param noun - what the number is, after "must be": `an integer`, `a port`
 */
export function integerIn(min: number, max: number, noun = 'an integer') {
  const error = (issue: { readonly input?: unknown }) => `must be ${noun} from ${min} to ${max} (got ${shown(issue.input)})`;
  return z
    .union([z.string(), z.number()], { error })
    .transform((input) => String(input))
    .refine((text) => /^-?\d+$/.test(text) && Number(text) >= min && Number(text) <= max, { error })
    .transform(Number);
}

/**
 * A finite number (fractions allowed) of at least `min`, or above it when `exclusive`, given as
 * text or as a number.
 * @param noun - what the number is, after "must be": `a number of seconds`
 */
export function numberFrom(min: number, noun: string, { exclusive = false } = {}) {
  const error = (issue: { readonly input?: unknown }) => `must be ${noun} ${exclusive ? `above ${min}` : `from ${min} up`} (got ${shown(issue.input)})`;
  return z
    .union([z.string(), z.number()], { error })
    .refine((input) => input !== '' && Number.isFinite(Number(input)) && (exclusive ? Number(input) > min : Number(input) >= min), { error })
    .transform(Number);
}

/** The pattern of an AWS region's name (`eu-west-1`, `us-gov-west-1`), without anchors. */
export const REGION_SOURCE = '[a-z]{2}(?:-[a-z]+)+-\\d';

/** An AWS account id, without anchors. */
export const ACCOUNT_SOURCE = '\\d{12}';

/** An AWS region's name. */
export const awsRegion = matching(new RegExp(`^${REGION_SOURCE}$`), 'a region name such as eu-west-1');

/** An AWS account id. */
export const awsAccount = matching(new RegExp(`^${ACCOUNT_SOURCE}$`), 'a 12-digit account id');

/** An Availability Zone's name: its region's name and a letter (`eu-west-1a`). */
export const AVAILABILITY_ZONE_NAME = new RegExp(`^${REGION_SOURCE}[a-z]$`);

/** A TCP port a service listens on. */
export const port = integerIn(1, 65_535, 'a port');

/** Days that data is kept: at least one, at most ten years. */
export const retentionDays = integerIn(1, 3650);

/** A rate of events per second per stream; 0 produces none. */
export const eventsPerSecond = numberFrom(0, 'a number of events per second');

/** A DynamoDB table name, as DynamoDB accepts it. */
export const tableName = matching(/^[A-Za-z0-9_.-]{3,255}$/, 'a DynamoDB table name (3 to 255 letters, digits, _, . or -)');

/** `host:port` of one broker; the host a name, an IPv4 address or a bracketed IPv6 address. */
const BROKER = /^(?:[A-Za-z0-9._-]+|\[[0-9A-Fa-f:.]+\]):(\d{1,5})$/;

/** Kafka brokers as clients take them: `host:port[,host:port…]`. */
export const kafkaBrokers = z.string().refine(
  (text) =>
    text.split(',').every((broker) => {
      const portText = BROKER.exec(broker.trim())?.[1];
      return portText !== undefined && port.safeParse(portText).success;
    }),
  { error: (issue) => `must be host:port[,host:port…] such as localhost:9092 (got ${shown(issue.input)})` },
);

/** An HTTP(S) endpoint URL, such as a DynamoDB Local or LocalStack endpoint. */
export const endpointUrl = z.url({
  protocol: /^https?$/,
  error: (issue) => `must be an http:// or https:// URL such as http://localhost:8000 (got ${shown(issue.input)})`,
});

/**
 * The problems of a failed parse, one per issue, each naming the setting at its path.
 * @param nameOf - how the user spells the setting at `key` (a flag, a variable); the key itself by default
 */
export function problemsOf(issues: readonly z.core.$ZodIssue[], nameOf: (key: string) => string = (key) => key): SettingProblem[] {
  return issues.map((issue) => ({
    ...(issue.path.length > 0 ? { setting: nameOf(issue.path.map(String).join('.')) } : {}),
    problem: issue.message,
  }));
}

/**
 * Parses `input` with `schema`, or throws one {@link ConfigurationError} naming every problem.
 * @param source - what `input` is, for the message: `environment`
 * @example
 * const options = parseSettings(optionsSchema, raw, '`pulse local` options', (key) => `--${key}`);
 */
export function parseSettings<S extends z.ZodType>(schema: S, input: unknown, source: string, nameOf?: (key: string) => string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (!parsed.success) throw new ConfigurationError(source, problemsOf(parsed.error.issues, nameOf));
  return parsed.data;
}
