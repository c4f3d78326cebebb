/**
 * The read side: the query function behind an API Gateway HTTP API (payload 2.0). One `GET` route
 * per route of the handler's own table (`lambdas/handlers/query/routes.ts`), so the gateway's
 * access logs and metrics name the route, plus `$default`, so other paths and methods still get
 * the handler's JSON 404 and 405 answers rather than the gateway's. The stage is throttled and
 * writes JSON access logs; CORS preflights are answered by the gateway.
 *
 * The function reads DynamoDB only, so it runs outside the VPC: no ENIs, faster cold starts.
 */
import { Duration, Validations } from 'aws-cdk-lib';
import * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { ROUTE_PATTERNS } from '../../lambdas/handlers/query/routes';
import { API_THROTTLE, FUNCTION_SIZES, LOG_REMOVAL_POLICY, LOG_RETENTION } from '../defaults';
import { PulseFunction } from './pulseFunction';
import type { PulseStorage } from './storage';

/** Properties of {@link PulseQueryApi}. */
export interface PulseQueryApiProps {
  /** Name of the HTTP API in API Gateway (e.g. `Pulse-<stage>`): one per stage, so two stages in one account can be told apart. */
  readonly apiName: string;
  /** The tables the API reads. */
  readonly storage: PulseStorage;
  /** Origins allowed to call the API from a browser. @default ['*'] (a read-only API without credentials) */
  readonly corsOrigins?: readonly string[];
  /** Stage throttling. @default API_THROTTLE */
  readonly throttle?: apigwv2.ThrottleSettings;
  /** The handler's environment, from the pipeline plan (table names, retention, log level). @default - none */
  readonly environment?: Readonly<Record<string, string>>;
}

/** The fields of each access log line (HTTP API `$context` variables), as JSON. */
const ACCESS_LOG_FIELDS = {
  requestId: '$context.requestId',
  requestTime: '$context.requestTime',
  sourceIp: '$context.identity.sourceIp',
  httpMethod: '$context.httpMethod',
  routeKey: '$context.routeKey',
  path: '$context.path',
  status: '$context.status',
  responseLength: '$context.responseLength',
  responseLatency: '$context.responseLatency',
  integrationLatency: '$context.integrationLatency',
  integrationError: '$context.integrationErrorMessage',
  userAgent: '$context.identity.userAgent',
};

/** The query function and its HTTP API. */
export class PulseQueryApi extends Construct {
  public readonly handler: PulseFunction;
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogs: logs.LogGroup;
  /** The API's base URL, ending with `/`. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: PulseQueryApiProps) {
    super(scope, id);
    this.handler = new PulseFunction(this, 'Function', {
      handlerName: 'query',
      description: 'Serves the Pulse HTTP API: series, top groups, events, OpenAPI and the dashboard',
      ...FUNCTION_SIZES.query,
      environment: props.environment,
    });
    props.storage.grantQueries(this.handler);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: props.apiName,
      description: 'Pulse: per-minute aggregates and events of every stream',
      createDefaultStage: false,
      corsPreflight: {
        allowOrigins: [...(props.corsOrigins ?? ['*'])],
        allowMethods: [apigwv2.CorsHttpMethod.GET, apigwv2.CorsHttpMethod.OPTIONS],
        allowHeaders: ['content-type'],
        maxAge: Duration.hours(1),
      },
    });
    this.accessLogs = new logs.LogGroup(this, 'AccessLogs', { retention: LOG_RETENTION, removalPolicy: LOG_REMOVAL_POLICY });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle: props.throttle ?? API_THROTTLE,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogs),
        format: apigateway.AccessLogFormat.custom(JSON.stringify(ACCESS_LOG_FIELDS)),
      },
    });

    const integration = new HttpLambdaIntegration('Query', this.handler);
    for (const route of ROUTE_PATTERNS) {
      this.api.addRoutes({ path: route.template, methods: [apigwv2.HttpMethod.GET], integration });
    }
    new apigwv2.HttpRoute(this, 'DefaultRoute', { httpApi: this.api, routeKey: apigwv2.HttpRouteKey.DEFAULT, integration });
    this.url = this.stage.url;
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-APIG4',
      reason: 'a public, read-only analytics API and dashboard by design (GET only, throttled); add an authorizer before serving private data',
    });
  }
}
