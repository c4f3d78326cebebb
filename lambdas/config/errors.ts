/**
 * The one error of a bad configuration, wherever Pulse reads one: the handlers' environment, the
 * CDK context, the local twin's options, a custom resource's properties. Each problem names the
 * setting as its user sets it (`PULSE_RETENTION_DAYS`, `clusterMode`, `--port`) and says what was
 * given and what is valid, and every problem of one read is reported at once.
 *
 * Pure, with no AWS import: the CDK app, the twin and every Lambda bundle share it.
 */

/** One problem of one setting. */
export interface SettingProblem {
  /** The setting as its user spells it; absent for a problem of several settings that names them itself. */
  readonly setting?: string;
  /** What is wrong and what would be right, e.g. `must be an integer from 1 to 3650 (got "0")`. */
  readonly problem: string;
}

/** One problem as a line: `<setting>: <problem>`. */
export function formatProblem({ setting, problem }: SettingProblem): string {
  return setting === undefined ? problem : `${setting}: ${problem}`;
}

/**
 * A configuration that cannot work: the base of every configuration failure in Pulse, so that a
 * caller (the CDK app's entry point, `pulse local`) can print it without a stack trace.
 *
 * The message is `invalid <source>:` followed by one line `  - <setting>: <problem>` per problem.
 * @example
 * throw new ConfigurationError('environment', [{ setting: 'EVENTS_TABLE', problem: 'not set: valid events are written there' }]);
 */
export class ConfigurationError extends Error {
  override readonly name: string = 'ConfigurationError';

  /**
   * @param source - what was read, as its user knows it (`environment`, `CDK context (…)`)
   * @param problems - every problem found, at least one
   */
  constructor(
    readonly source: string,
    readonly problems: readonly SettingProblem[],
  ) {
    super(`invalid ${source}:\n  - ${problems.map(formatProblem).join('\n  - ')}`);
  }
}
