import { Match } from 'aws-cdk-lib/assertions';
import { ROUTE_PATTERNS } from '../../../lambdas/handlers/query/routes';
import { API_THROTTLE } from '../../../lib/defaults';
import { SYNTH_TIMEOUT_MS, logicalIdOf, synthesizePulse, type SynthesizedPulse } from '../helpers/pulseApp';

let result: SynthesizedPulse;

beforeAll(() => {
  result = synthesizePulse({ stage: 'dev', corsOrigins: 'https://pulse.example.com' });
}, SYNTH_TIMEOUT_MS);

describe('PulseQueryApi', () => {
  it.each(ROUTE_PATTERNS.map((route) => route.template))('routes GET %s to the query function', (template) => {
    result.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: `GET ${template}`, AuthorizationType: 'NONE' });
  });

  it('sends every other path and method to the handler too ($default), for its JSON 404 and 405 answers', () => {
    result.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Route', { RouteKey: '$default' });
    result.pipeline.resourceCountIs('AWS::ApiGatewayV2::Route', ROUTE_PATTERNS.length + 1);
  });

  it('integrates with the query function by payload format 2.0', () => {
    result.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Integration', {
      IntegrationType: 'AWS_PROXY',
      PayloadFormatVersion: '2.0',
      IntegrationUri: { 'Fn::GetAtt': [logicalIdOf(result.stacks.pipeline.queryApi.handler), 'Arn'] },
    });
  });

  it('throttles the $default stage and writes JSON access logs naming the route', () => {
    // Assess
    result.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      DefaultRouteSettings: { ThrottlingRateLimit: API_THROTTLE.rateLimit, ThrottlingBurstLimit: API_THROTTLE.burstLimit },
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [logicalIdOf(result.stacks.pipeline.queryApi.accessLogs), 'Arn'] },
        Format: Match.stringLikeRegexp('"routeKey":"\\$context.routeKey"'),
      },
    });
    const format = JSON.parse(
      (Object.values(result.pipeline.findResources('AWS::ApiGatewayV2::Stage'))[0]?.Properties.AccessLogSettings.Format as string) ?? '{}',
    ) as Record<string, string>;
    expect(format).toMatchObject({ requestId: '$context.requestId', status: '$context.status', responseLatency: '$context.responseLatency' });
  });

  it('names the HTTP API after the stage, so two stages in one account can be told apart', () => {
    // Prepare
    const prod = synthesizePulse({ stage: 'prod' });

    // Assess
    result.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'Pulse-dev' });
    prod.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Api', { Name: 'Pulse-prod' });
  }, SYNTH_TIMEOUT_MS);

  it('answers CORS preflights for the configured origins, GET only', () => {
    result.pipeline.hasResourceProperties('AWS::ApiGatewayV2::Api', {
      ProtocolType: 'HTTP',
      CorsConfiguration: { AllowOrigins: ['https://pulse.example.com'], AllowMethods: ['GET', 'OPTIONS'], AllowHeaders: ['content-type'], MaxAge: 3600 },
    });
  });

  it('runs the query function outside the VPC, reading both tables by name', () => {
    result.pipeline.hasResourceProperties('AWS::Lambda::Function', {
      Description: Match.stringLikeRegexp('^Serves the Pulse HTTP API'),
      VpcConfig: Match.absent(),
      Environment: {
        Variables: Match.objectLike({
          EVENTS_TABLE: { 'Fn::ImportValue': Match.stringLikeRegexp('StorageEvents') },
          AGGREGATES_TABLE: { 'Fn::ImportValue': Match.stringLikeRegexp('StorageAggregates') },
        }),
      },
    });
  });

  it('lets the query function only get and query the tables and the events index', () => {
    // Prepare
    const role = logicalIdOf(result.stacks.pipeline.queryApi.handler.role as never);
    const policies = result.pipeline.findResources('AWS::IAM::Policy', { Properties: { Roles: [{ Ref: role }] } });
    const statements = Object.values(policies).flatMap((policy) => policy.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[]);
    const dynamo = statements.filter((statement) => JSON.stringify(statement.Action).includes('dynamodb:'));

    // Assess
    expect(dynamo).toHaveLength(1);
    expect(dynamo[0]?.Action).toEqual(['dynamodb:GetItem', 'dynamodb:Query']);
    expect(JSON.stringify(dynamo[0]?.Resource)).toContain('/index/byStreamDay');
    expect(JSON.stringify(dynamo[0]?.Resource)).not.toContain('/index/*');
  });
});
