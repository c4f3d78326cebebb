import { Match } from 'aws-cdk-lib/assertions';
import { PIPELINE } from '../../../lambdas/config/pipeline';
import { SYNTH_TIMEOUT_MS, logicalIdOf, synthesizePulse, type SynthesizedPulse } from '../helpers/pulseApp';

let byDefault: SynthesizedPulse;
let stopped: SynthesizedPulse;

beforeAll(() => {
  byDefault = synthesizePulse({ stage: 'dev' });
  stopped = synthesizePulse({ stage: 'idle', producerRate: '0' });
}, SYNTH_TIMEOUT_MS);

describe('PulseProducer', () => {
  it('invokes the producer every minute with a constant input: rate × 60 s events per stream, spread over the minute', () => {
    // Prepare
    const perStream = PIPELINE.producer.eventsPerSecondPerStream * 60;

    // Assess
    byDefault.pipeline.hasResourceProperties('AWS::Events::Rule', {
      ScheduleExpression: `rate(${PIPELINE.producer.scheduleMinutes} minute)`,
      State: 'ENABLED',
      Targets: [
        {
          Arn: { 'Fn::GetAtt': [logicalIdOf(byDefault.stacks.pipeline.producer.handler), 'Arn'] },
          Input: JSON.stringify({ eventsPerStream: perStream, spreadMs: 60_000 }),
          // A late run would overlap the next: no retries, and no delivery older than the period.
          RetryPolicy: { MaximumRetryAttempts: 0, MaximumEventAgeInSeconds: 60 },
        },
      ],
    });
  });

  it('keeps the schedule, disabled, when the rate is 0', () => {
    stopped.pipeline.hasResourceProperties('AWS::Events::Rule', { State: 'DISABLED', Targets: [Match.objectLike({ Input: '{"eventsPerStream":0,"spreadMs":60000}' })] });
  });

  it('lets the schedule, and only it, invoke the producer', () => {
    byDefault.pipeline.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      Principal: 'events.amazonaws.com',
      FunctionName: { 'Fn::GetAtt': [logicalIdOf(byDefault.stacks.pipeline.producer.handler), 'Arn'] },
      SourceArn: { 'Fn::GetAtt': [logicalIdOf(byDefault.stacks.pipeline.producer.schedule), 'Arn'] },
    });
  });

  it('lets the producer write, idempotently, to the stream topics only', () => {
    // Prepare
    const role = logicalIdOf(byDefault.stacks.pipeline.producer.handler.role as never);
    const policies = byDefault.pipeline.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const write = statements.find((statement) => [statement.Action].flat().includes('kafka-cluster:WriteData'));

    // Assess
    expect(write?.Action).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:WriteData']);
    expect(JSON.stringify(write?.Resource)).toContain('"/orders"');
    expect(JSON.stringify(write?.Resource)).toContain('"/tickets"');
    expect(JSON.stringify(write?.Resource)).not.toContain('.dlq');
    expect(statements.some((statement) => [statement.Action].flat().includes('kafka-cluster:WriteDataIdempotently'))).toBe(true);
  });

  it('tells the handler its rate and cluster', () => {
    byDefault.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Description: 'Generates realistic events for every stream and produces them to MSK',
      Environment: { Variables: Match.objectLike({ PULSE_EVENTS_PER_SECOND: '5', MSK_CLUSTER_ARN: { 'Fn::ImportValue': Match.stringLikeRegexp('Kafka') } }) },
    });
  });
});
