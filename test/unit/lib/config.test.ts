import * as fs from 'node:fs';
import * as path from 'node:path';
import { PIPELINE } from '../../../lambdas/config/pipeline';
import { ConfigError, SETTING_KEYS, configFromContext } from '../../../lib/config';

const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/shared/abcd1234-abcd-cafe-abab-9876543210ab-4';
const EXISTING = {
  clusterMode: 'existing',
  existingClusterArn: CLUSTER_ARN,
  clusterSecurityGroupId: 'sg-0123456789abcdef0',
  existingVpcId: 'vpc-0abc1234def567890',
  account: '123456789012',
  region: 'eu-west-1',
};

/** The message of the ConfigError `context` raises. */
function problemsOf(context: Record<string, unknown>): string {
  try {
    configFromContext(context);
  } catch (error) {
    if (error instanceof ConfigError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('configFromContext', () => {
  it('gives an env-agnostic MSK Serverless deployment in a new VPC with the pipeline defaults when nothing is set', () => {
    // Act
    const config = configFromContext({});

    // Assess
    expect(config).toEqual({
      stage: 'dev',
      network: { mode: 'new' },
      kafka: { mode: 'serverless' },
      producerEventsPerSecond: PIPELINE.producer.eventsPerSecondPerStream,
      keyspaces: false,
      retentionDays: PIPELINE.validation.retentionDays,
      eventsRetentionDays: PIPELINE.tables.eventsRetentionDays,
      corsOrigins: ['*'],
    });
  });

  it('reads CLI strings and cdk.json values alike', () => {
    // Act
    const fromCli = configFromContext({ keyspaces: 'true', producerRate: '20', retentionDays: '30' });
    const fromJson = configFromContext({ keyspaces: true, producerRate: 20, retentionDays: 30 });

    // Assess
    expect(fromCli).toEqual(fromJson);
    expect(fromCli).toMatchObject({ keyspaces: true, producerEventsPerSecond: 20, retentionDays: 30 });
  });

  it('ignores the CDK’s own context keys (feature flags, lookups)', () => {
    // Act
    const config = configFromContext({ '@aws-cdk/core:enablePartitionLiterals': true, 'aws:cdk:enable-path-metadata': true, 'acknowledged-issue-numbers': [1] });

    // Assess
    expect(config.stage).toBe('dev');
  });

  it('reads a provisioned cluster with its broker type, defaulting to kafka.m7g.large', () => {
    // Act
    const byDefault = configFromContext({ clusterMode: 'provisioned' });
    const chosen = configFromContext({ clusterMode: 'provisioned', brokerInstanceType: 'kafka.t3.small' });

    // Assess
    expect(byDefault.kafka).toEqual({ mode: 'provisioned', brokerInstanceType: 'kafka.m7g.large' });
    expect(chosen.kafka).toEqual({ mode: 'provisioned', brokerInstanceType: 'kafka.t3.small' });
  });

  it('reads an existing cluster in an existing VPC, with the target environment', () => {
    // Act
    const config = configFromContext(EXISTING);
    const present = configFromContext({ ...EXISTING, clusterPollerRules: 'present' });

    // Assess
    expect(config.kafka).toEqual({ mode: 'existing', clusterArn: CLUSTER_ARN, securityGroupId: 'sg-0123456789abcdef0', pollerRules: 'add' });
    expect(present.kafka).toMatchObject({ pollerRules: 'present' });
    expect(config.network).toEqual({ mode: 'existing', vpcId: 'vpc-0abc1234def567890' });
    expect(config.env).toEqual({ account: '123456789012', region: 'eu-west-1' });
  });

  it('turns provisioned pollers on with either bound, capping the maximum at the partition count by default', () => {
    // Act
    const config = configFromContext({ minPollers: '1' });

    // Assess
    expect(config.pollers).toEqual({
      minimumPollers: 1,
      maximumPollers: PIPELINE.topics.partitions,
      errorHandling: { retryPolicy: { maximumRetryAttempts: -1, maximumRecordAgeMs: -1, bisectBatchOnError: false }, onFailure: 'none' },
    });
  });

  it('reads the error handling of provisioned pollers', () => {
    // Act
    const config = configFromContext({
      minPollers: 2,
      maxPollers: 6,
      retryAttempts: 3,
      maxRecordAgeSeconds: 3600,
      bisectOnError: 'true',
      onFailure: 'kafka',
    });

    // Assess
    expect(config.pollers).toEqual({
      minimumPollers: 2,
      maximumPollers: 6,
      errorHandling: { retryPolicy: { maximumRetryAttempts: 3, maximumRecordAgeMs: 3_600_000, bisectBatchOnError: true }, onFailure: 'kafka' },
    });
  });

  it('pins a new VPC’s AZs by ID, two or three of them', () => {
    // Act
    const config = configFromContext({ availabilityZoneIds: 'use1-az1, use1-az2,use1-az4' });

    // Assess
    expect(config.network).toEqual({ mode: 'new', availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'] });
  });

  it('chooses AZ IDs MSK supports for a new VPC in a known region whose AZ names may stand for use1-az3', () => {
    // Act
    const east = configFromContext({ account: '123456789012', region: 'us-east-1' });
    const west = configFromContext({ account: '123456789012', region: 'eu-west-1' });

    // Assess
    expect(east.network).toEqual({ mode: 'new', availabilityZoneIds: ['use1-az1', 'use1-az2'] });
    expect(west.network).toEqual({ mode: 'new' });
  });

  it('reads the AZs of an existing VPC by name', () => {
    // Act
    const config = configFromContext({ ...EXISTING, availabilityZones: 'eu-west-1b,eu-west-1c' });

    // Assess
    expect(config.network).toEqual({ mode: 'existing', vpcId: 'vpc-0abc1234def567890', availabilityZones: ['eu-west-1b', 'eu-west-1c'] });
  });

  it('reads CORS origins as a comma-separated list', () => {
    // Act
    const config = configFromContext({ corsOrigins: 'https://pulse.example.com, http://localhost:3000' });

    // Assess
    expect(config.corsOrigins).toEqual(['https://pulse.example.com', 'http://localhost:3000']);
  });

  describe('rejects', () => {
    it.each([
      [{ clusterMode: 'managed' }, 'clusterMode: must be one of serverless, provisioned, existing (got "managed")'],
      [{ stage: 'Prod_1' }, 'stage: must be lower-case letters, digits and -, starting with a letter, at most 20 characters (got "Prod_1")'],
      [{ keyspaces: 'yes' }, 'keyspaces: must be true or false (got "yes")'],
      [{ producerRate: '2.5' }, 'producerRate: must be an integer from 0 to 1000 (got "2.5")'],
      [{ retentionDays: 0 }, 'retentionDays: must be an integer from 1 to 3650 (got "0")'],
      [{ onFailure: 'lambda', minPollers: 1 }, 'onFailure: must be one of none, kafka, sqs, sns, s3 (got "lambda")'],
      [{ corsOrigins: 'example.com' }, 'corsOrigins: must be * or comma-separated origins such as https://example.com (not "example.com")'],
      [{ account: '123456789012' }, 'account and region: set both or neither'],
      [{ brokerInstanceType: 'kafka.m7g.large' }, 'brokerInstanceType: only valid with clusterMode=provisioned'],
      [{ clusterMode: 'provisioned', brokerInstanceType: 'm7g.large' }, 'brokerInstanceType: must be an MSK broker type such as kafka.m7g.large (got "m7g.large")'],
      [{ existingClusterArn: CLUSTER_ARN }, 'existingClusterArn: only valid with clusterMode=existing'],
      [{ clusterSecurityGroupId: 'sg-0123456789abcdef0' }, 'clusterSecurityGroupId: only valid with clusterMode=existing'],
      [{ ...EXISTING, existingClusterArn: 'arn:aws:kafka:eu-west-1:123456789012:topic/shared/abc/orders' }, 'existingClusterArn: must be an MSK cluster ARN'],
      [{ ...EXISTING, existingClusterArn: undefined }, 'existingClusterArn: required with clusterMode=existing'],
      [{ ...EXISTING, existingVpcId: undefined }, "existingVpcId: required with clusterMode=existing (the functions run in the cluster's VPC)"],
      [{ existingVpcId: 'vpc-0abc1234def567890' }, 'existingVpcId: needs account and region (-c account=<id> -c region=<region>): the VPC is looked up at synth time'],
      [{ minPollers: 4, maxPollers: 2 }, 'maxPollers: must be at least minPollers (2 < 4)'],
      [{ minPollers: 1, maxRecordAgeSeconds: 30 }, 'maxRecordAgeSeconds: must be -1 or from 60 to 604800 (got 30)'],
      [{ retryAttempts: 3 }, 'retryAttempts: only valid with provisioned pollers'],
      [{ bisectOnError: true }, 'bisectOnError: only valid with provisioned pollers'],
      [{ minPollers: 1, partialBatchResponse: true }, 'partialBatchResponse: removed: the handlers fail a batch whole'],
      [{ onFailure: 'sqs' }, 'onFailure: only valid with provisioned pollers: set minPollers (and maxPollers); AWS offers it in provisioned mode only'],
      [{ minPollers: 1, onFailure: 'sqs' }, 'retryAttempts: required with onFailure, from 0 to 10000: with an on-failure destination AWS caps "retry until success" (-1) at 10 retries'],
      [{ minPollers: 1, onFailure: 'kafka', retryAttempts: -1 }, 'retryAttempts: required with onFailure, from 0 to 10000'],
      [{ clustermode: 'provisioned' }, 'clustermode: not a Pulse setting (did you mean clusterMode?)'],
      [{ ...EXISTING, clusterSecurityGroupId: undefined }, "clusterSecurityGroupId: required with clusterMode=existing (the mappings' pollers use the cluster's security group"],
      [{ ...EXISTING, clusterPollerRules: 'skip' }, 'clusterPollerRules: must be one of add, present (got "skip")'],
      [{ clusterPollerRules: 'present' }, 'clusterPollerRules: only valid with clusterMode=existing'],
      [{ stage: { name: 'dev' } }, 'stage: expected a single value, got {"name":"dev"}'],
      [{ availabilityZoneIds: 'use1-az1,use1-az3' }, 'availabilityZoneIds: MSK does not place client subnets in use1-az3; choose other AZ IDs'],
      [{ availabilityZoneIds: 'use1-az1,euw1-az2' }, 'availabilityZoneIds: must all be AZs of one region (got use1-az1, euw1-az2)'],
      [{ availabilityZoneIds: 'use1-az1' }, 'availabilityZoneIds: must list 2 to 3 different values, comma-separated: MSK takes 2 or 3 client subnets, each in its own AZ (got "use1-az1")'],
      [{ availabilityZoneIds: 'use1-az1,use1-az1' }, 'availabilityZoneIds: must list 2 to 3 different values'],
      [{ availabilityZoneIds: 'us-east-1a,us-east-1b' }, 'availabilityZoneIds: must be AZ IDs such as use1-az1 (ZoneId in aws ec2 describe-availability-zones) (not "us-east-1a", "us-east-1b")'],
      [
        { account: '123456789012', region: 'us-west-1', clusterMode: 'provisioned', availabilityZoneIds: 'usw1-az1,usw1-az2,usw1-az3' },
        'availabilityZoneIds: must list 2 different values, comma-separated: a provisioned cluster in us-west-1 takes 2 subnets',
      ],
      [{ ...EXISTING, availabilityZoneIds: 'euw1-az1,euw1-az2' }, 'availabilityZoneIds: only valid for a new VPC: an existing VPC is looked up by AZ name; choose its AZs with availabilityZones'],
      [{ availabilityZones: 'eu-west-1a,eu-west-1b' }, 'availabilityZones: only valid with existingVpcId (a new VPC is placed by AZ ID: availabilityZoneIds)'],
      [{ ...EXISTING, availabilityZones: 'eu-west-1a,us-east-1b' }, 'availabilityZones: us-east-1b not in region eu-west-1'],
    ])('%j with a message naming the setting and the valid choices', (context, message) => {
      // Act
      const problems = problemsOf(context);

      // Assess
      expect(problems).toContain(message);
    });

    it('every invalid setting at once, one per line', () => {
      // Act
      const problems = problemsOf({ clusterMode: 'big', producerRate: -1, keyspaces: 'on' });

      // Assess
      expect(problems.split('\n')).toEqual([
        'invalid CDK context (-c name=value or cdk.json):',
        '  - clusterMode: must be one of serverless, provisioned, existing (got "big")',
        '  - producerRate: must be an integer from 0 to 1000 (got "-1")',
        '  - keyspaces: must be true or false (got "on")',
      ]);
    });
  });

  it('has every setting in the README’s settings table', () => {
    // Prepare
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', 'README.md'), 'utf8');
    const table = readme.split('\n').filter((line) => line.startsWith('| `'));

    // Assess
    const undocumented = SETTING_KEYS.filter((key) => !table.some((row) => row.split('|')[1]?.includes(`\`${key}\``)));
    expect(undocumented).toEqual([]);
  });
});
