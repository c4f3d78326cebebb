/**
 * Provisioned pollers of the event source mappings, from the CDK context, and the error handling
 * they unlock on AWS: bounded retries, a record age limit, bisect on error and an on-failure
 * destination. The plan's mappings and the twin's emulated mappings both apply what this gives.
 */
import { ON_FAILURE_KINDS, type MappingErrorHandling } from '../../lambdas/config/plan';
import { PIPELINE } from '../../lambdas/config/pipeline';
import { choice, integerIn } from '../../lambdas/config/rules';
import { flag, integer, onlyWith, setting, type RuleContext, type ValuesOf } from './schema';

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

/** Lambda's bounds of a Kafka mapping's `MaximumRecordAgeInSeconds`: -1 (none), or 60 to 604800. */
const RECORD_AGE = { min: 60, max: 604_800 } as const;

/** The context settings of the pollers. */
export const POLLER_FIELDS = {
  minPollers: integer(1, 200),
  maxPollers: integer(1, 2000),
  retryAttempts: integer(-1, 10_000),
  maxRecordAgeSeconds: setting(
    integerIn(-1, RECORD_AGE.max).refine((seconds) => seconds === -1 || seconds >= RECORD_AGE.min, {
      error: (issue) => `must be -1 or from ${RECORD_AGE.min} to ${RECORD_AGE.max} (got ${String(issue.input)})`,
    }),
  ),
  bisectOnError: flag(),
  onFailure: setting(choice(ON_FAILURE_KINDS)),
};

const NEEDS_POLLERS = 'with provisioned pollers: set minPollers (and maxPollers); AWS offers it in provisioned mode only';

/**
 * The pollers the settings ask for; undefined (on-demand polling) when neither bound is set, and
 * then each error-handling setting given is reported, since AWS offers it with pollers only.
 */
export function pollersOf(values: ValuesOf<typeof POLLER_FIELDS>, rules: RuleContext<keyof typeof POLLER_FIELDS>): ProvisionedPollersConfig | undefined {
  const enabled = rules.given('minPollers') || rules.given('maxPollers');
  for (const key of ['retryAttempts', 'maxRecordAgeSeconds', 'bisectOnError'] as const) onlyWith(rules, key, enabled, NEEDS_POLLERS);
  const onFailure = values.onFailure ?? 'none';
  if (onFailure !== 'none' && !enabled) rules.report('onFailure', `only valid ${NEEDS_POLLERS}`);
  if (!enabled) return undefined;

  const minimumPollers = values.minPollers ?? 1;
  // Lambda never runs more pollers than a topic has partitions, so more would only cost.
  const maximumPollers = values.maxPollers ?? Math.max(minimumPollers, PIPELINE.topics.partitions);
  if (minimumPollers > maximumPollers) rules.report('maxPollers', `must be at least minPollers (${maximumPollers} < ${minimumPollers})`);
  // With an on-failure destination, AWS turns "retry forever" (-1, the default) into 10 retries
  // (https://docs.aws.amazon.com/lambda/latest/dg/kafka-on-failure-destination.html): say how many.
  // A value given but invalid is reported already.
  if (onFailure !== 'none' && (values.retryAttempts === -1 || !rules.given('retryAttempts'))) {
    rules.report(
      'retryAttempts',
      'required with onFailure, from 0 to 10000: with an on-failure destination AWS caps "retry until success" (-1) at 10 retries, after which the batch is discarded',
    );
  }
  const maxRecordAgeSeconds = values.maxRecordAgeSeconds ?? -1;
  return {
    minimumPollers,
    maximumPollers,
    errorHandling: {
      retryPolicy: {
        maximumRetryAttempts: values.retryAttempts ?? -1,
        maximumRecordAgeMs: maxRecordAgeSeconds === -1 ? -1 : maxRecordAgeSeconds * 1000,
        bisectBatchOnError: values.bisectOnError ?? false,
      },
      onFailure,
    },
  };
}
