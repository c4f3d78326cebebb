import { PIPELINE } from '../../../lambdas/config/pipeline';
import { ConfigurationError } from '../../../lambdas/config/errors';
import { loadSettings, requireSetting, validationLimitsOf } from '../../../lambdas/config/settings';

describe('loadSettings', () => {
  it('applies the pipeline defaults to an empty environment', () => {
    // Act
    const settings = loadSettings({});

    // Assess
    expect(settings).toEqual({
      PULSE_RETENTION_DAYS: PIPELINE.validation.retentionDays,
      PULSE_MAX_CLOCK_SKEW_SECONDS: 300,
      PULSE_EVENTS_RETENTION_DAYS: PIPELINE.tables.eventsRetentionDays,
      PULSE_EVENTS_PER_SECOND: PIPELINE.producer.eventsPerSecondPerStream,
    });
  });

  it('reads numbers from their text', () => {
    // Act
    const settings = loadSettings({ PULSE_RETENTION_DAYS: '30', PULSE_EVENTS_PER_SECOND: '0.5' });

    // Assess
    expect(settings.PULSE_RETENTION_DAYS).toBe(30);
    expect(settings.PULSE_EVENTS_PER_SECOND).toBe(0.5);
  });

  it('reads names, endpoints and ARNs as given', () => {
    // Prepare
    const env = {
      EVENTS_TABLE: 'pulse-events',
      DYNAMODB_ENDPOINT: 'http://localhost:8000',
      MSK_CLUSTER_ARN: 'arn:aws:kafka:eu-west-1:123456789012:cluster/pulse/6c8f4e31',
    };

    // Act
    const settings = loadSettings(env);

    // Assess
    expect(settings).toMatchObject(env);
  });

  it.each([['abc'], ['0'], ['-1'], ['']])('fails for PULSE_RETENTION_DAYS=%p with a ConfigurationError naming it', (value) => {
    // Act
    const act = () => loadSettings({ PULSE_RETENTION_DAYS: value });

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow(/PULSE_RETENTION_DAYS: /);
  });

  it('names every malformed variable at once', () => {
    // Act
    const act = () => loadSettings({ PULSE_MAX_CLOCK_SKEW_SECONDS: 'soon', MSK_CLUSTER_ARN: 'my-cluster', DYNAMODB_ENDPOINT: 'localhost' });

    // Assess
    expect(act).toThrow(
      [
        'invalid environment:',
        '  - DYNAMODB_ENDPOINT: must be an http:// or https:// URL such as http://localhost:8000 (got "localhost")',
        '  - MSK_CLUSTER_ARN: must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>) (got "my-cluster")',
        '  - PULSE_MAX_CLOCK_SKEW_SECONDS: must be a number of seconds above 0 (got "soon")',
      ].join('\n'),
    );
  });

  it('ignores variables it does not know', () => {
    // Act
    const settings = loadSettings({ PATH: '/usr/bin', AWS_LAMBDA_FUNCTION_NAME: 'pulse-enrichment' });

    // Assess
    expect(settings).not.toHaveProperty('PATH');
  });
});

describe('requireSetting', () => {
  it('returns a setting that is set', () => {
    // Prepare
    const settings = loadSettings({ EVENTS_TABLE: 'pulse-events' });

    // Act
    const table = requireSetting(settings, 'EVENTS_TABLE', 'valid events go there');

    // Assess
    expect(table).toBe('pulse-events');
  });

  it('fails for a missing setting with a ConfigurationError naming the variable and why it is needed', () => {
    // Prepare
    const settings = loadSettings({});

    // Act
    const act = () => requireSetting(settings, 'AGGREGATES_TABLE', 'the aggregation function writes there');

    // Assess
    expect(act).toThrow(ConfigurationError);
    expect(act).toThrow('AGGREGATES_TABLE: not set; the aggregation function writes there');
  });
});

describe('validationLimitsOf', () => {
  it('turns days and seconds into milliseconds and keeps the size limit of 256 KiB', () => {
    // Prepare
    const settings = loadSettings({ PULSE_RETENTION_DAYS: '2', PULSE_MAX_CLOCK_SKEW_SECONDS: '90' });

    // Act
    const limits = validationLimitsOf(settings);

    // Assess
    expect(limits).toEqual({ retentionMs: 2 * 86_400_000, maxClockSkewMs: 90_000, maxEventBytes: 262_144 });
  });
});
