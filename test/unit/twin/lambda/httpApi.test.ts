import * as http from 'node:http';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { isTextContentType, parseQueryString, startHttpApi, toHttpResponse, MalformedResultError, type HttpApiHandle, type HttpRequestInfo } from '../../../../twin/lambda/httpApi';

type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2<unknown>>;

const silent = { info: () => undefined, warn: () => undefined, error: () => undefined };

/** Sends one raw HTTP request (so repeated headers and exact targets reach the server as written). */
function request(
  url: string,
  options: { method?: string; path: string; headers?: [string, string][]; body?: Buffer | string },
): Promise<{ status: number; headers: http.IncomingHttpHeaders; body: Buffer }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, method: options.method ?? 'GET', path: options.path, agent: false });
    for (const [name, value] of options.headers ?? []) {
      const existing = req.getHeader(name);
      req.setHeader(name, existing === undefined ? value : [...(Array.isArray(existing) ? existing : [String(existing)]), value]);
    }
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (chunk: Buffer) => chunks.push(chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('startHttpApi', () => {
  let api: HttpApiHandle | undefined;
  let events: APIGatewayProxyEventV2[];
  let contexts: Context[];
  let requests: HttpRequestInfo[];
  let respond: Handler;
  const errors: string[] = [];

  beforeEach(async () => {
    events = [];
    contexts = [];
    requests = [];
    errors.length = 0;
    respond = async () => ({ statusCode: 204 });
    api = await startHttpApi<unknown>({
      port: 0,
      functionName: 'pulse-query',
      integrationTimeoutMs: 1_000,
      logger: { ...silent, error: (message) => errors.push(message) },
      onRequest: (info) => requests.push(info),
      handler: async (event, context) => {
        events.push(event);
        contexts.push(context);
        return respond(event, context);
      },
    });
  });

  afterEach(async () => {
    await api?.stop();
    api = undefined;
  });

  const url = () => (api as HttpApiHandle).url;

  it('listens on 127.0.0.1 by default and reports the chosen port', () => {
    expect(url()).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('builds a format 2.0 event: raw path and query, joined repeats, lower-case headers, cookies', async () => {
    await request(url(), {
      path: '/api/streams/orders?window=1m&tag=a&tag=b%20c&empty=&flag',
      headers: [
        ['X-Custom', 'one'],
        ['X-Custom', 'two'],
        ['Cookie', 'session=abc; theme=dark'],
        ['User-Agent', 'jest-test'],
      ],
    });
    const event = events[0] as APIGatewayProxyEventV2;
    expect(event.version).toBe('2.0');
    expect(event.routeKey).toBe('$default');
    expect(event.rawPath).toBe('/api/streams/orders');
    expect(event.rawQueryString).toBe('window=1m&tag=a&tag=b%20c&empty=&flag');
    expect(event.queryStringParameters).toEqual({ window: '1m', tag: 'a,b c', empty: '', flag: '' });
    expect(event.headers['x-custom']).toBe('one,two');
    expect(event.headers['user-agent']).toBe('jest-test');
    expect(event.headers.host).toBe(new URL(url()).host);
    expect(event.headers.cookie).toBeUndefined();
    expect(event.cookies).toEqual(['session=abc', 'theme=dark']);
    expect(event.headers['x-forwarded-for']).toBe('127.0.0.1');
    expect(event.headers['x-forwarded-proto']).toBe('http');
    expect(event.headers['x-amzn-trace-id']).toMatch(/^Root=1-[0-9a-f]{8}-[0-9a-f]{24}$/);
    expect(event.pathParameters).toBeUndefined();
    expect(event.body).toBeUndefined();
    expect(event.isBase64Encoded).toBe(false);
    expect(event.requestContext).toMatchObject({
      accountId: '000000000000',
      apiId: 'local',
      domainName: new URL(url()).host,
      http: { method: 'GET', path: '/api/streams/orders', protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'jest-test' },
      routeKey: '$default',
      stage: '$default',
    });
    expect(event.requestContext.time).toMatch(/^\d{2}\/[A-Z][a-z]{2}\/\d{4}:\d{2}:\d{2}:\d{2} \+0000$/);
    expect(Math.abs(event.requestContext.timeEpoch - Date.now())).toBeLessThan(60_000);
    expect(event.requestContext.requestId).toBe(requests[0]?.requestId);
  });

  it('leaves queryStringParameters and cookies out when there are none', async () => {
    await request(url(), { path: '/' });
    const event = events[0] as APIGatewayProxyEventV2;
    expect(event.rawQueryString).toBe('');
    expect('queryStringParameters' in event).toBe(false);
    expect('cookies' in event).toBe(false);
  });

  it('passes a JSON body as text and a binary body as base64', async () => {
    await request(url(), { method: 'POST', path: '/json', headers: [['Content-Type', 'application/json; charset=utf-8']], body: '{"a":1}' });
    const bytes = Buffer.from([0, 1, 2, 250, 251]);
    await request(url(), { method: 'PUT', path: '/bin', headers: [['Content-Type', 'application/octet-stream']], body: bytes });
    expect(events[0]).toMatchObject({ body: '{"a":1}', isBase64Encoded: false, requestContext: { http: { method: 'POST' } } });
    expect(events[1]?.isBase64Encoded).toBe(true);
    expect(Buffer.from(events[1]?.body ?? '', 'base64')).toEqual(bytes);
  });

  it('gives the handler a real Lambda context', async () => {
    await request(url(), { path: '/' });
    const context = contexts[0] as Context;
    expect(context.functionName).toBe('pulse-query');
    expect(context.awsRequestId).toMatch(/^[0-9a-f-]{36}$/);
    expect(context.getRemainingTimeInMillis()).toBeGreaterThan(0);
  });

  it('writes a structured result: status, headers, cookies and body', async () => {
    respond = async () => ({
      statusCode: 201,
      headers: { 'Content-Type': 'text/plain', 'X-Count': 3 },
      cookies: ['a=1; Path=/', 'b=2'],
      body: 'created',
    });
    const response = await request(url(), { method: 'POST', path: '/things' });
    expect(response.status).toBe(201);
    expect(response.headers['content-type']).toBe('text/plain');
    expect(response.headers['x-count']).toBe('3');
    expect(response.headers['set-cookie']).toEqual(['a=1; Path=/', 'b=2']);
    expect(response.headers['apigw-requestid']).toBe(requests[0]?.requestId);
    expect(response.body.toString()).toBe('created');
    expect(requests[0]).toMatchObject({ method: 'POST', path: '/things', statusCode: 201 });
  });

  it('decodes a base64 result body', async () => {
    const png = Buffer.from([137, 80, 78, 71, 0, 255]);
    respond = async () => ({ statusCode: 200, headers: { 'content-type': 'image/png' }, body: png.toString('base64'), isBase64Encoded: true });
    const response = await request(url(), { path: '/logo.png' });
    expect(response.body).toEqual(png);
  });

  it('turns a plain object or string result into 200 application/json', async () => {
    respond = async () => ({ streams: ['orders'] });
    const object = await request(url(), { path: '/a' });
    expect(object.status).toBe(200);
    expect(object.headers['content-type']).toBe('application/json');
    expect(JSON.parse(object.body.toString())).toEqual({ streams: ['orders'] });
    respond = async () => 'Hello from Lambda!';
    const text = await request(url(), { path: '/b' });
    expect(text.status).toBe(200);
    expect(text.headers['content-type']).toBe('application/json');
    expect(text.body.toString()).toBe('Hello from Lambda!');
  });

  it('answers 500 {"message":"Internal Server Error"} when the handler throws, and logs it', async () => {
    respond = async () => {
      throw new Error('table not found');
    };
    const response = await request(url(), { path: '/boom' });
    expect(response.status).toBe(500);
    expect(response.headers['content-type']).toBe('application/json');
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Internal Server Error' });
    expect(errors.join('\n')).toContain('table not found');
  });

  it('answers 500 for a malformed structured result', async () => {
    respond = async () => ({ statusCode: 200, body: { not: 'a string' } }) as unknown as APIGatewayProxyResultV2;
    const response = await request(url(), { path: '/bad' });
    expect(response.status).toBe(500);
    expect(errors.join('\n')).toContain('body must be a string');
  });

  it('answers 503 when the handler outlasts the integration timeout', async () => {
    respond = () => new Promise((resolve) => setTimeout(() => resolve({ statusCode: 200 }), 3_000).unref());
    const response = await request(url(), { path: '/slow' });
    expect(response.status).toBe(503);
    expect(JSON.parse(response.body.toString())).toEqual({ message: 'Service Unavailable' });
  });

  it('names the port and the --port option when the port is taken', async () => {
    const port = Number(new URL(url()).port);
    await expect(startHttpApi({ port, handler: async () => 'x', logger: silent })).rejects.toThrow(new RegExp(`port ${port}.*already in use.*--port`));
  });

  it('stop() closes idle keep-alive connections instead of waiting for them', async () => {
    const agent = new http.Agent({ keepAlive: true });
    const { hostname, port } = new URL(url());
    await new Promise<void>((resolve, reject) => {
      http.get({ hostname, port, path: '/', agent }, (res) => {
        res.resume();
        res.on('end', resolve);
      }).on('error', reject);
    });
    // A kept-alive socket is still open; stop() must not hang on it.
    await (api as HttpApiHandle).stop();
    agent.destroy();
    await expect(request(url(), { path: '/' })).rejects.toThrow(/ECONNREFUSED/);
  });
});

describe('isTextContentType', () => {
  it.each([
    ['application/json', true],
    ['application/json; charset=utf-8', true],
    ['text/csv', true],
    ['application/problem+json', true],
    ['application/xml', true],
    ['application/octet-stream', false],
    ['application/x-www-form-urlencoded', false],
    ['multipart/form-data; boundary=x', false],
    ['image/png', false],
    [undefined, false],
  ])('%s → %s', (contentType, expected) => {
    expect(isTextContentType(contentType)).toBe(expected);
  });
});

describe('parseQueryString', () => {
  it('joins repeated names with commas and decodes percent escapes', () => {
    expect(parseQueryString('a=1&a=2&b=%2Fx&c')).toEqual({ a: '1,2', b: '/x', c: '' });
    expect(parseQueryString('')).toBeUndefined();
    expect(parseQueryString('bad=%E0%A4%A')).toEqual({ bad: '%E0%A4%A' });
  });
});

describe('toHttpResponse', () => {
  it('serialises an undefined result as null, like the Node.js runtime', () => {
    expect(toHttpResponse(undefined).body.toString()).toBe('null');
  });

  it('rejects a status code outside 100–599', () => {
    expect(() => toHttpResponse({ statusCode: 42 })).toThrow(MalformedResultError);
  });

  it('treats an object without statusCode as a JSON body', () => {
    expect(toHttpResponse({ body: 'x' })).toMatchObject({ statusCode: 200 });
    expect(toHttpResponse({ body: 'x' }).body.toString()).toBe('{"body":"x"}');
  });
});
