/**
 * The query Lambda as AWS runs it: bundled by esbuild the way CDK's NodejsFunction bundles it with
 * the app's settings (`FUNCTION_BUNDLING` in `lib/defaults.ts`: CommonJS, minified, Node.js 22,
 * the AWS SDK bundled in), then loaded and invoked. The dashboard and the OpenAPI document must
 * come out of the bundle alone, with no file beside it.
 */
import * as path from 'node:path';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { DASHBOARD_ASSETS, DASHBOARD_PAGE } from '../../../lambdas/handlers/query/dashboardBundle.generated';
import { httpApiRequest } from '../../helpers/httpApiEvents';
import { bundleLambda, loadBundle } from '../../helpers/lambdaBundle';

const ROOT = path.join(__dirname, '..', '..', '..');

type Handler = (event: APIGatewayProxyEventV2) => Promise<APIGatewayProxyStructuredResultV2>;

async function bundledHandler(): Promise<Handler> {
  const { code } = await bundleLambda(path.join(ROOT, 'lambdas/entries/query.ts'));
  const { handler } = loadBundle<{ handler?: Handler }>(code, path.join(ROOT, 'cdk.out', 'query', 'index.js'));
  if (!handler) throw new Error('the bundle exports no handler');
  return handler;
}

describe('query Lambda bundle (as NodejsFunction builds it)', () => {
  const saved = { ...process.env };
  let handler: Handler;

  beforeAll(async () => {
    Object.assign(process.env, { EVENTS_TABLE: 'pulse-events', AGGREGATES_TABLE: 'pulse-aggregates', AWS_REGION: 'eu-west-1', POWERTOOLS_LOG_LEVEL: 'SILENT' });
    handler = await bundledHandler();
  }, 60_000);

  afterAll(() => {
    process.env = saved;
  });

  it('serves the dashboard page from the bundle', async () => {
    // Act
    const response = await handler(httpApiRequest('/'));

    // Assess
    expect(response).toMatchObject({ statusCode: 200, body: DASHBOARD_PAGE.body, headers: { 'content-type': 'text/html; charset=utf-8' } });
  });

  it('serves every asset of the page from the bundle', async () => {
    // Act
    const responses = await Promise.all(DASHBOARD_ASSETS.map((asset) => handler(httpApiRequest(`/assets/${asset.name}`))));

    // Assess
    expect(responses.map((response) => [response.statusCode, response.headers?.['content-type'], response.body])).toEqual(
      DASHBOARD_ASSETS.map((asset) => [200, asset.contentType, asset.body]),
    );
  });

  it('serves the OpenAPI document from the bundle', async () => {
    // Act
    const response = await handler(httpApiRequest('/openapi.json'));

    // Assess
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(String(response.body))).toMatchObject({ openapi: '3.1.0' });
  });
});
