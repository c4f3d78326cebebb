import * as fs from 'node:fs';
import * as path from 'node:path';
import { PIPELINE } from '../../../../lambdas/config/pipeline';
import { SETTING_KEYS, configFromContext } from '../../../../lib/config';
import { EXISTING, contextProblems } from '../../../helpers/cdkContext';

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

  it('reads CORS origins as a comma-separated list', () => {
    // Act
    const config = configFromContext({ corsOrigins: 'https://pulse.example.com, http://localhost:3000' });

    // Assess
    expect(config.corsOrigins).toEqual(['https://pulse.example.com', 'http://localhost:3000']);
  });

  it.each([
    [{ stage: 'Prod_1' }, 'stage: must be lower-case letters, digits and -, starting with a letter, at most 20 characters (got "Prod_1")'],
    [{ keyspaces: 'yes' }, 'keyspaces: must be true or false (got "yes")'],
    [{ producerRate: '2.5' }, 'producerRate: must be an integer from 0 to 1000 (got "2.5")'],
    [{ retentionDays: 0 }, 'retentionDays: must be an integer from 1 to 3650 (got "0")'],
    [{ corsOrigins: 'example.com' }, 'corsOrigins: must be * or comma-separated origins such as https://example.com (not "example.com")'],
    [{ account: '123456789012' }, 'account and region: set both or neither'],
    [{ minPollers: 1, partialBatchResponse: true }, 'partialBatchResponse: removed: the handlers fail a batch whole'],
    [{ clustermode: 'provisioned' }, 'clustermode: not a Pulse setting (did you mean clusterMode?)'],
    [{ stage: { name: 'dev' } }, 'stage: expected a single value, got {"name":"dev"}'],
  ])('refuses %j with a message naming the setting and the valid choices', (context, message) => {
    // Act
    const problems = contextProblems(context);

    // Assess
    expect(problems).toContain(message);
  });

  it('refuses every invalid setting at once, one per line', () => {
    // Act
    const problems = contextProblems({ clusterMode: 'big', producerRate: -1, keyspaces: 'on' });

    // Assess
    expect(problems.split('\n')).toEqual([
      'invalid CDK context (-c name=value or cdk.json):',
      '  - clusterMode: must be one of serverless, provisioned, existing (got "big")',
      '  - producerRate: must be an integer from 0 to 1000 (got "-1")',
      '  - keyspaces: must be true or false (got "on")',
    ]);
  });

  it('refuses a wrong value and a conflict between other settings in the same run', () => {
    // Act
    const problems = contextProblems({ ...EXISTING, existingClusterArn: 'my-cluster', clusterSecurityGroupId: undefined, region: undefined });

    // Assess
    expect(problems.split('\n')).toEqual([
      'invalid CDK context (-c name=value or cdk.json):',
      '  - existingClusterArn: must be an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>) (got "my-cluster")',
      '  - account and region: set both or neither',
      '  - existingVpcId: needs account and region (-c account=<id> -c region=<region>): the VPC is looked up at synth time',
      "  - clusterSecurityGroupId: required with clusterMode=existing (the mappings' pollers use the cluster's security group: Pulse opens it on 9098 to the functions and checks or adds the pollers' rules)",
    ]);
  });

  it('refuses * among other CORS origins', () => {
    // Act
    const problems = contextProblems({ corsOrigins: 'https://pulse.example.com,*' });

    // Assess
    expect(problems).toContain('corsOrigins: must be * alone, or origins without *');
  });

  it('has every setting in the README’s settings table', () => {
    // Prepare
    const readme = fs.readFileSync(path.join(__dirname, '..', '..', '..', '..', 'README.md'), 'utf8');
    const table = readme.split('\n').filter((line) => line.startsWith('| `'));

    // Assess
    const undocumented = SETTING_KEYS.filter((key) => !table.some((row) => row.split('|')[1]?.includes(`\`${key}\``)));
    expect(undocumented).toEqual([]);
  });
});
