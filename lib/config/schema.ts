/**
 * How a CDK context setting is read: the zod primitives of `lib/config/`, and what the rules
 * between settings see and where they report their problems.
 *
 * A context value may be text (`-c producerRate=20`) or typed (`"producerRate": 20` in cdk.json);
 * both are read as trimmed text first, so the two spellings mean the same and fail alike. An empty
 * value is an absent one. The value rules themselves are the shared ones of
 * `lambdas/config/rules.ts`, so the context, the handlers' environment and the twin agree.
 */
import { z } from 'zod';
import { integerIn, matching } from '../../lambdas/config/rules';

/** What the context is, in every message about it. */
export const CONTEXT_SOURCE = 'CDK context (-c name=value or cdk.json)';

/** A context value as text; absent (`undefined`) when not set; anything else is left to fail. */
function asText(value: unknown): unknown {
  if (value === undefined || value === null || value === '') return undefined;
  if (typeof value === 'string') return value.trim();
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return value;
}

/** Whether the context sets `value` at all (an empty value does not). */
export function isGiven(value: unknown): boolean {
  return asText(value) !== undefined;
}

const singleValue = z.string({ error: (issue) => `expected a single value, got ${JSON.stringify(issue.input)}` });

/** A context setting whose text obeys `rule`; `undefined` when not set. */
export function setting<T>(rule: z.ZodType<T, unknown>) {
  // The rule may take more than text (a number, too); here it is only ever given text.
  return z.preprocess(asText, singleValue.pipe(rule as z.ZodType<T, string>).optional());
}

/** A context setting that is `true` or `false`. */
export function flag() {
  return setting(
    z
      .enum(['true', 'false'], { error: (issue) => `must be true or false (got ${JSON.stringify(issue.input)})` })
      .transform((text) => text === 'true'),
  );
}

/** A context setting that is a whole number from `min` to `max`. */
export function integer(min: number, max: number) {
  return setting(integerIn(min, max));
}

/**
 * Comma-separated text as a list, each entry matching `pattern`.
 * @param expected - what the entries are, after "must be": `AZ names such as eu-west-1a`
 */
export function list(pattern: RegExp, expected: string) {
  const entry = matching(pattern, expected);
  return z
    .string()
    .transform((text) => text.split(',').map((item) => item.trim()))
    .superRefine((items, context) => {
      const bad = items.filter((item) => !entry.safeParse(item).success);
      if (bad.length > 0) context.addIssue({ code: 'custom', message: `must be ${expected} (not ${bad.map((item) => JSON.stringify(item)).join(', ')})` });
    });
}

/** The values of settings, as their schemas give them. */
export type ValuesOf<Fields extends Record<string, z.ZodType>> = { readonly [K in keyof Fields]?: z.output<Fields[K]> };

/** What a rule between settings sees of the context besides the values, and where it reports. */
export interface RuleContext<Key extends string = string> {
  /** Whether the context sets `key`, valid or not. */
  given(key: Key): boolean;
  /** Records a problem of `setting` (of several, when absent: the problem then names them). */
  report(setting: Key | undefined, problem: string): void;
}

/** Reports `key` when it is given but means nothing without `condition` (`requirement` says what it needs). */
export function onlyWith<Key extends string>(rules: RuleContext<Key>, key: Key, condition: boolean, requirement: string): void {
  if (rules.given(key) && !condition) rules.report(key, `only valid ${requirement}`);
}
