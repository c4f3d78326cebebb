import { Duration } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import { PIPELINE, consumerGroupId, type ConsumerName } from '../../../lambdas/config/pipeline';
import { STREAMS } from '../../../lambdas/domain/streams/registry';
import { batchingWindowOf } from '../../../lib/constructs/streamProcessing';
import { ALL_VARIANTS, logicalIdOf, synthesizeBeforeAll, type SynthesizedPulse } from '../helpers/pulseApp';

const variant = synthesizeBeforeAll({
  serverless: ALL_VARIANTS.serverless,
  provisioned: ALL_VARIANTS.provisioned,
  sqsFailures: ALL_VARIANTS.sqsFailures,
  s3Failures: ALL_VARIANTS.s3Failures,
});

type Statement = { Action: string | string[]; Resource: unknown; Effect: string };

/** Every statement of the policies attached to a function's role. */
function statementsOf(result: SynthesizedPulse, consumer: ConsumerName): Statement[] {
  const role = result.stacks.pipeline.processing[consumer].role;
  const policies = result.pipeline.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(role as never) }] } });
  return Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as Statement[]);
}

function actionsOf(statement: Statement): string[] {
  return Array.isArray(statement.Action) ? statement.Action : [statement.Action];
}

/** The statement granting `action`. */
function grantOf(statements: Statement[], action: string): Statement | undefined {
  return statements.find((statement) => actionsOf(statement).includes(action));
}

const CONSUMERS: ConsumerName[] = ['enrichment', 'aggregation'];
const MAPPINGS = CONSUMERS.flatMap((consumer) => STREAMS.map((stream) => [consumer, stream.name] as const));

describe('PulseStreamProcessing', () => {
  it('creates one event source mapping per consumer and stream', () => {
    variant('serverless').pipeline.resourceCountIs('AWS::Lambda::EventSourceMapping', CONSUMERS.length * STREAMS.length);
  });

  it.each(MAPPINGS)('maps %s to the %s topic with its fixed group, batch size and starting position from PIPELINE', (consumer, stream) => {
    // Prepare
    const { pipeline, stacks } = variant('serverless');
    const settings = PIPELINE.consumers[consumer];

    // Assess
    pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(stacks.pipeline.processing[consumer]) },
      Topics: [stream],
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: consumerGroupId(consumer, stream) },
      BatchSize: settings.batchSize,
      StartingPosition: settings.startingPosition,
      EventSourceArn: { 'Fn::ImportValue': Match.stringLikeRegexp('^Pulse-dev-Data:.*Kafka.*Arn') },
      // 500 ms is Lambda's own window for Kafka; the API takes whole seconds, so it is left unset.
      MaximumBatchingWindowInSeconds: Match.absent(),
    });
  });

  it('leaves AWS’s on-demand pollers and retry-until-success behaviour by default', () => {
    variant('serverless').pipeline.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: Match.absent(),
      MaximumRetryAttempts: Match.absent(),
      MaximumRecordAgeInSeconds: Match.absent(),
      BisectBatchOnFunctionError: Match.absent(),
      FunctionResponseTypes: Match.absent(),
      DestinationConfig: Match.absent(),
    });
  });

  it('sets provisioned pollers and every error-handling control on every mapping when asked', () => {
    variant('provisioned').pipeline.allResourcesProperties('AWS::Lambda::EventSourceMapping', {
      ProvisionedPollerConfig: { MinimumPollers: 1, MaximumPollers: 3 },
      MaximumRetryAttempts: 3,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      // The handlers never report partial batch failures: a record no retry fixes is dead-lettered by the handler.
      FunctionResponseTypes: Match.absent(),
    });
  });

  it.each(['provisioned', 'sqsFailures', 's3Failures'])(
    'states retries and record age on every mapping of the %s deployment, which has an on-failure destination (AWS would cap "retry forever" at 10)',
    (name) => {
      // Prepare
      const mappings = Object.values(variant(name).pipeline.findResources('AWS::Lambda::EventSourceMapping')).map((mapping) => mapping.Properties);

      // Assess
      expect(mappings).toHaveLength(CONSUMERS.length * STREAMS.length);
      for (const mapping of mappings) {
        expect(mapping.DestinationConfig.OnFailure.Destination).toBeDefined();
        expect(mapping.MaximumRetryAttempts).toEqual(expect.any(Number));
        expect(mapping.MaximumRetryAttempts).toBeGreaterThanOrEqual(0);
        expect(mapping.MaximumRecordAgeInSeconds).toBe(name === 'provisioned' ? 3600 : -1);
        expect(mapping.MetricsConfig).toEqual({ Metrics: ['EventCount'] });
      }
    },
  );

  it('publishes no event source mapping metrics without an on-failure destination', () => {
    variant('serverless').pipeline.allResourcesProperties('AWS::Lambda::EventSourceMapping', { MetricsConfig: Match.absent() });
  });

  it.each(MAPPINGS)('sends what %s gives up on for %s to the stream’s dead-letter topic on the same cluster', (consumer, stream) => {
    variant('provisioned').pipeline.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionName: { Ref: logicalIdOf(variant('provisioned').stacks.pipeline.processing[consumer]) },
      Topics: [stream],
      DestinationConfig: { OnFailure: { Destination: `kafka://${stream}.dlq` } },
    });
  });

  it('lets the aggregation consumer write exactly the dead-letter topics the enrichment consumer writes, for unprocessable records', () => {
    for (const name of ['serverless', 'provisioned'] as const) {
      const aggregation = grantOf(statementsOf(variant(name), 'aggregation'), 'kafka-cluster:WriteData');
      expect(aggregation?.Resource).toBeDefined();
      expect(aggregation?.Resource).toEqual(grantOf(statementsOf(variant(name), 'enrichment'), 'kafka-cluster:WriteData')?.Resource);
    }
  });

  it('gives the aggregation function the cluster ARN, so that it can dead-letter', () => {
    const { pipeline, stacks } = variant('serverless');
    const aggregation = logicalIdOf(stacks.pipeline.processing.aggregation as never);
    const functions = pipeline.findResources('AWS::Lambda::Function') as Record<string, { Properties: { Environment: { Variables: Record<string, unknown> } } }>;
    expect(Object.keys(functions[aggregation]?.Properties.Environment.Variables ?? {})).toContain('MSK_CLUSTER_ARN');
  });

  it('sends discarded batches to an encrypted, TLS-only queue it creates', () => {
    // Prepare
    const { pipeline, stacks } = variant('sqsFailures');
    const queue = logicalIdOf(stacks.pipeline.processing.failureDestination as never);

    // Assess
    pipeline.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true });
    pipeline.hasResourceProperties('AWS::SQS::QueuePolicy', { PolicyDocument: { Statement: [Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })] } });
    pipeline.allResourcesProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [queue, 'Arn'] } } } });
  });

  it('sends discarded batches to a private bucket, granting only PutObject on its objects and ListBucket', () => {
    // Prepare
    const result = variant('s3Failures');
    const bucket = logicalIdOf(result.stacks.pipeline.processing.failureDestination as never);

    // Assess
    result.pipeline.allResourcesProperties('AWS::Lambda::EventSourceMapping', { DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [bucket, 'Arn'] } } } });
    const statements = statementsOf(result, 'aggregation').filter((statement) => actionsOf(statement).some((action) => action.startsWith('s3:')));
    expect(statements).toEqual([
      { Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': [bucket, 'Arn'] } },
      { Effect: 'Allow', Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [bucket, 'Arn'] }, '/*']] } },
    ]);
  });

  describe('permissions', () => {
    it.each(CONSUMERS)('scope every kafka-cluster action of %s to the cluster, topic or group ARNs, never a wildcard', (consumer) => {
      // Prepare
      const statements = statementsOf(variant('serverless'), consumer).filter((statement) => actionsOf(statement).some((action) => action.startsWith('kafka')));

      // Assess
      for (const statement of statements) {
        expect(actionsOf(statement).every((action) => !action.includes('*'))).toBe(true);
        expect(JSON.stringify(statement.Resource)).not.toMatch(/"\*"|\/\*"/);
      }
    });

    it.each(CONSUMERS)('let %s read only the stream topics, in its own groups', (consumer) => {
      // Prepare
      const statements = statementsOf(variant('serverless'), consumer);
      const read = JSON.stringify(grantOf(statements, 'kafka-cluster:ReadData')?.Resource);
      const groups = JSON.stringify(grantOf(statements, 'kafka-cluster:AlterGroup')?.Resource);

      // Assess
      expect(actionsOf(grantOf(statements, 'kafka-cluster:ReadData') as Statement)).toEqual(['kafka-cluster:DescribeTopic', 'kafka-cluster:ReadData']);
      for (const stream of STREAMS) {
        expect(read).toContain(`:topic/pulse-dev/`);
        expect(read).toContain(`"/${stream.name}"`);
        expect(groups).toContain(`"/${consumerGroupId(consumer, stream.name)}"`);
      }
      expect(read).not.toContain('.dlq');
      expect(groups).toContain(':group/pulse-dev/');
    });

    it('lets enrichment produce, idempotently, to the dead-letter topics only', () => {
      // Prepare
      const statements = statementsOf(variant('serverless'), 'enrichment');
      const write = JSON.stringify(grantOf(statements, 'kafka-cluster:WriteData')?.Resource);

      // Assess
      expect(write).toContain('"/orders.dlq"');
      expect(write).toContain('"/tickets.dlq"');
      expect(write).not.toContain('"/orders"');
      expect(grantOf(statements, 'kafka-cluster:WriteDataIdempotently')?.Resource).toEqual({ 'Fn::ImportValue': expect.stringMatching(/Kafka.*Arn/) });
    });

    it('give enrichment batched writes to the events table and aggregation reads and writes of the aggregates table, nothing else', () => {
      // Prepare
      const dynamoActions = (consumer: ConsumerName) =>
        statementsOf(variant('serverless'), consumer)
          .filter((statement) => actionsOf(statement).some((action) => action.startsWith('dynamodb:')))
          .map((statement) => [actionsOf(statement), statement.Resource]);

      // Assess
      expect(dynamoActions('enrichment')).toEqual([[['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], { 'Fn::ImportValue': expect.stringMatching(/StorageEvents.*Arn/) }]]);
      expect(dynamoActions('aggregation')).toEqual([
        [['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'], { 'Fn::ImportValue': expect.stringMatching(/StorageAggregates.*Arn/) }],
      ]);
    });
  });

  it.each([
    ['enrichment', { EVENTS_TABLE: { 'Fn::ImportValue': Match.stringLikeRegexp('StorageEvents') }, MSK_CLUSTER_ARN: { 'Fn::ImportValue': Match.stringLikeRegexp('Kafka') } }],
    ['aggregation', { AGGREGATES_TABLE: { 'Fn::ImportValue': Match.stringLikeRegexp('StorageAggregates') } }],
  ])('gives %s the settings its handler reads, on Node.js 22 arm64 in the VPC', (consumer, variables) => {
    variant('serverless').pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Runtime: 'nodejs22.x',
      Architectures: ['arm64'],
      VpcConfig: { SubnetIds: [Match.anyValue(), Match.anyValue()] },
      Environment: {
        Variables: {
          ...variables,
          PULSE_RETENTION_DAYS: String(PIPELINE.validation.retentionDays),
          PULSE_MAX_CLOCK_SKEW_SECONDS: '300',
          POWERTOOLS_METRICS_NAMESPACE: 'Pulse/dev',
        },
      },
      Description: Match.stringLikeRegexp(consumer === 'enrichment' ? '^Validates and enriches' : '^Folds stream records'),
    });
  });
});

describe('batchingWindowOf', () => {
  it('leaves Kafka’s own 500 ms window unset', () => {
    expect(batchingWindowOf(500)).toBeUndefined();
  });

  it('sets a window of whole seconds', () => {
    expect(batchingWindowOf(2000)?.toSeconds()).toBe(Duration.seconds(2).toSeconds());
  });

  it('throws for a window an event source mapping cannot express', () => {
    expect(() => batchingWindowOf(1500)).toThrow('batching window 1500 ms: an MSK event source mapping takes whole seconds, or no value for the 500 ms default');
  });
});
