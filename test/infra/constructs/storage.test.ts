import { Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { AGGREGATES_MIRROR, AGGREGATES_TABLE, EVENTS_TABLE } from '../../../lambdas/config/tables';
import { PulseKeyspacesMirror } from '../../../lib/constructs/keyspacesMirror';
import { PulseStorage } from '../../../lib/constructs/storage';
import { bareStack, logicalIdOf } from '../helpers/pulseApp';

function setUp() {
  const stack = bareStack();
  const storage = new PulseStorage(stack, 'Storage');
  const reader = new iam.Role(stack, 'Reader', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
  return { stack, storage, reader };
}

/** The statements of the default policy of `role`. */
function statementsOf(template: Template, role: iam.Role): unknown[] {
  const policies = template.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: logicalIdOf(role) }] } });
  return Object.values(policies).flatMap((policy) => (policy as { Properties: { PolicyDocument: { Statement: unknown[] } } }).Properties.PolicyDocument.Statement);
}

describe('PulseStorage', () => {
  it('creates the events table from the shared definition: key, by-stream-and-day index and TTL attribute', () => {
    // Act
    const { stack, storage } = setUp();

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [{ AttributeName: EVENTS_TABLE.partitionKey.name, KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStreamDay',
          KeySchema: [
            { AttributeName: 'streamDay', KeyType: 'HASH' },
            { AttributeName: 'eventTimeId', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: EVENTS_TABLE.timeToLiveAttribute, Enabled: true },
    });
    expect(storage.events).toBeDefined();
  });

  it('creates the aggregates table with its partition and sort keys and TTL', () => {
    // Act
    const { stack } = setUp();

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: AGGREGATES_TABLE.partitionKey.name, KeyType: 'HASH' },
        { AttributeName: AGGREGATES_TABLE.sortKey?.name, KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: AGGREGATES_TABLE.timeToLiveAttribute, Enabled: true },
    });
  });

  it('makes both tables on-demand, encrypted with the AWS managed KMS key, with point-in-time recovery, kept when the stack goes', () => {
    // Act
    const { stack } = setUp();

    // Assess
    const tables = Template.fromStack(stack).findResources('AWS::DynamoDB::Table');
    expect(Object.values(tables)).toHaveLength(2);
    for (const table of Object.values(tables)) {
      expect(table).toMatchObject({
        DeletionPolicy: 'Retain',
        UpdateReplacePolicy: 'Retain',
        Properties: {
          BillingMode: 'PAY_PER_REQUEST',
          // Encrypted with the AWS managed KMS key (aws/dynamodb), visible in CloudTrail.
          SSESpecification: { SSEEnabled: true },
          PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        },
      });
    }
  });

  it('grants event writes as batched puts on the events table only, no index', () => {
    // Prepare
    const { stack, storage, reader } = setUp();

    // Act
    storage.grantEventWrites(reader);

    // Assess
    expect(statementsOf(Template.fromStack(stack), reader)).toEqual([
      { Effect: 'Allow', Action: ['dynamodb:BatchWriteItem', 'dynamodb:PutItem'], Resource: { 'Fn::GetAtt': [logicalIdOf(storage.events), 'Arn'] } },
    ]);
  });

  it('grants aggregate updates as reads and puts on the aggregates table only', () => {
    // Prepare
    const { stack, storage, reader } = setUp();

    // Act
    storage.grantAggregateUpdates(reader);

    // Assess
    expect(statementsOf(Template.fromStack(stack), reader)).toEqual([
      {
        Effect: 'Allow',
        Action: ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:PutItem'],
        Resource: { 'Fn::GetAtt': [logicalIdOf(storage.aggregates), 'Arn'] },
      },
    ]);
  });

  it('grants queries on both tables and on each index by name, never /index/*', () => {
    // Prepare
    const { stack, storage, reader } = setUp();

    // Act
    storage.grantQueries(reader);

    // Assess
    const statements = statementsOf(Template.fromStack(stack), reader);
    expect(JSON.stringify(statements)).not.toContain('index/*');
    expect(statements).toEqual([{ Effect: 'Allow', Action: ['dynamodb:GetItem', 'dynamodb:Query'], Resource: expect.any(Array) }]);
    const resources = (statements[0] as { Resource: unknown[] }).Resource;
    expect(resources).toHaveLength(3);
    expect(resources).toEqual(
      expect.arrayContaining([
        { 'Fn::GetAtt': [logicalIdOf(storage.events), 'Arn'] },
        { 'Fn::Join': ['', [{ 'Fn::GetAtt': [logicalIdOf(storage.events), 'Arn'] }, '/index/byStreamDay']] },
        { 'Fn::GetAtt': [logicalIdOf(storage.aggregates), 'Arn'] },
      ]),
    );
  });
});

describe('PulseKeyspacesMirror', () => {
  function setUpMirror() {
    const stack = bareStack();
    const mirror = new PulseKeyspacesMirror(stack, 'Keyspaces', { retention: Duration.days(90) });
    const writer = new iam.Role(stack, 'Writer', { assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com') });
    return { stack, mirror, writer };
  }

  it('creates the mirror table of the shared CQL definition: keys, columns, on-demand, encrypted, PITR, TTL', () => {
    // Act
    const { stack, mirror } = setUpMirror();

    // Assess
    Template.fromStack(stack).hasResource('AWS::Cassandra::Table', {
      DeletionPolicy: 'Retain',
      Properties: {
        KeyspaceName: { Ref: logicalIdOf(mirror.keyspace) },
        TableName: AGGREGATES_MIRROR.tableName,
        PartitionKeyColumns: [{ ColumnName: 'pk', ColumnType: 'text' }],
        ClusteringKeyColumns: [{ Column: { ColumnName: 'sk', ColumnType: 'text' }, OrderBy: 'ASC' }],
        RegularColumns: AGGREGATES_MIRROR.columns.map((column) => ({ ColumnName: column.name, ColumnType: column.type })),
        BillingMode: { Mode: 'ON_DEMAND' },
        EncryptionSpecification: { EncryptionType: 'AWS_OWNED_KMS_KEY' },
        PointInTimeRecoveryEnabled: true,
        DefaultTimeToLive: 90 * 86_400,
      },
    });
    Template.fromStack(stack).hasResource('AWS::Cassandra::Keyspace', { DeletionPolicy: 'Retain' });
  });

  it('grants writing the mirror table and reading only the system keyspaces drivers need', () => {
    // Prepare
    const { stack, mirror, writer } = setUpMirror();

    // Act
    mirror.grantWrite(writer);

    // Assess
    const statements = statementsOf(Template.fromStack(stack), writer);
    expect(statements).toContainEqual(
      expect.objectContaining({
        Action: ['cassandra:Modify', 'cassandra:Select'],
        Resource: { 'Fn::Join': ['', expect.arrayContaining([':/keyspace/', { Ref: logicalIdOf(mirror.keyspace) }, '/table/aggregates'])] },
      }),
    );
    const systemResources = JSON.stringify(statements.find((statement) => JSON.stringify(statement).includes('system_schema')));
    expect(systemResources).toContain('"cassandra:Select"');
    expect(systemResources).not.toContain('cassandra:Modify');
  });
});
