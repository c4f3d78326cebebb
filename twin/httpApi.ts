/**
 * Serves a Lambda handler written for an API Gateway HTTP API (payload format 2.0, `$default`
 * route) on localhost, translating each HTTP request into the event API Gateway would send and
 * the handler's result into the response API Gateway would return — including its error
 * responses (500 on a failed invocation, 503 on the integration timeout, 413 on a body over 10 MB).
 */
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID, createLambdaContext, prefixedConsoleLogger, type TwinLogger } from './lambda/runtime';

/** What one served request did, for status lines and tests. */
export interface HttpRequestInfo {
  readonly method: string;
  readonly path: string;
  readonly statusCode: number;
  readonly durationMs: number;
  /** The `apigw-requestid` of the response and `requestContext.requestId` of the event. */
  readonly requestId: string;
}

/** Options of {@link startHttpApi}. */
export interface HttpApiOptions<T = never> {
  /** Port on `host`; 0 lets the OS choose (the chosen one is in the returned `url`). */
  readonly port: number;
  /** Interface to listen on; defaults to 127.0.0.1 so the twin is not reachable from the network. */
  readonly host?: string;
  readonly handler: (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2<T>>;
  readonly onRequest?: (info: HttpRequestInfo) => void;
  /** Name given to the handler's `Context`. */
  readonly functionName?: string;
  /** After this long API Gateway answers 503 without waiting for the function (HTTP API maximum: 30 s). */
  readonly integrationTimeoutMs?: number;
  readonly logger?: TwinLogger;
}

/** A running HTTP API. */
export interface HttpApiHandle {
  /** `http://host:port`, without a trailing slash. */
  readonly url: string;
  /** Stops listening and closes every connection, keep-alive ones included. */
  stop(): Promise<void>;
}

/** HTTP API's request payload limit. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;

/** HTTP API's maximum integration timeout. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;

const LOCAL_API_ID = 'local';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/**
 * Whether API Gateway passes a body of this content type as text (otherwise base64).
 *
 * Why: handlers must decode bodies exactly as on AWS, where only textual media types arrive as
 * plain strings; form posts, uploads and bodies without a content type arrive base64-encoded.
 */
export function isTextContentType(contentType: string | undefined): boolean {
  if (contentType === undefined) return false;
  const mediaType = (contentType.split(';')[0] ?? '').trim().toLowerCase();
  return (
    mediaType.startsWith('text/') ||
    /^application\/(json|xml|javascript|ecmascript|graphql)$/.test(mediaType) ||
    /^[a-z]+\/[^;]*\+(json|xml)$/.test(mediaType)
  );
}

/** API Gateway's `requestContext.time`, e.g. `12/Mar/2020:19:03:58 +0000`. */
export function formatRequestTime(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `${two(date.getUTCDate())}/${MONTHS[date.getUTCMonth()]}/${date.getUTCFullYear()}:${two(date.getUTCHours())}:${two(date.getUTCMinutes())}:${two(date.getUTCSeconds())} +0000`;
}

function decodeQueryComponent(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    // API Gateway passes malformed escapes through rather than rejecting the request.
    return text;
  }
}

/**
 * Parses a raw query string the way API Gateway fills `queryStringParameters`: percent-decoded,
 * repeated names joined by commas, `undefined` when there are none.
 *
 * Why: format 2.0 has no multi-value map, so handlers see `a=1&a=2` as `{ a: "1,2" }`.
 */
export function parseQueryString(rawQueryString: string): Record<string, string> | undefined {
  const result: Record<string, string> = {};
  let any = false;
  for (const pair of rawQueryString.split('&')) {
    if (pair === '') continue;
    const equals = pair.indexOf('=');
    const name = decodeQueryComponent(equals < 0 ? pair : pair.slice(0, equals));
    const value = decodeQueryComponent(equals < 0 ? '' : pair.slice(equals + 1));
    result[name] = result[name] === undefined ? value : `${result[name]},${value}`;
    any = true;
  }
  return any ? result : undefined;
}

/** The parts of an HTTP request that {@link toHttpApiEvent} needs. */
export interface HttpRequestParts {
  readonly method: string;
  /** The request target as received: path and optional `?query`. */
  readonly url: string;
  /** e.g. `1.1`. */
  readonly httpVersion: string;
  /** Node's `rawHeaders`: alternating names and values, in arrival order. */
  readonly rawHeaders: readonly string[];
  readonly body: Buffer;
  readonly sourceIp: string;
  /** The port the client connected to (for `x-forwarded-port`). */
  readonly localPort: number;
  readonly requestId: string;
  readonly receivedAt: Date;
}

function splitTarget(url: string): { rawPath: string; rawQueryString: string } {
  // An absolute-form target (`http://host/path`) is what a proxy sends; API Gateway sees the path.
  const target = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/?]*/i, '');
  const question = target.indexOf('?');
  const rawPath = question < 0 ? target : target.slice(0, question);
  return { rawPath: rawPath === '' ? '/' : rawPath, rawQueryString: question < 0 ? '' : target.slice(question + 1) };
}

function traceId(now: Date): string {
  return `Root=1-${Math.floor(now.getTime() / 1000).toString(16)}-${randomBytes(12).toString('hex')}`;
}

/**
 * Builds the `APIGatewayProxyEventV2` API Gateway would send for this request on `$default`.
 *
 * Why: the query handler routes on `rawPath` and reads headers, cookies and body itself, so every
 * field must have AWS's shape: lower-case header names with repeats joined by commas, cookies
 * moved out of the headers into `cookies`, textual bodies as text and others as base64.
 */
export function toHttpApiEvent(request: HttpRequestParts): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  const cookies: string[] = [];
  for (let index = 0; index + 1 < request.rawHeaders.length; index += 2) {
    const name = (request.rawHeaders[index] as string).toLowerCase();
    const value = request.rawHeaders[index + 1] as string;
    if (name === 'cookie') {
      cookies.push(...value.split(';').map((cookie) => cookie.trim()).filter((cookie) => cookie !== ''));
      continue;
    }
    headers[name] = headers[name] === undefined ? value : `${headers[name]},${value}`;
  }
  // API Gateway adds these for every request it forwards.
  headers['x-forwarded-for'] = headers['x-forwarded-for'] === undefined ? request.sourceIp : `${headers['x-forwarded-for']}, ${request.sourceIp}`;
  headers['x-forwarded-port'] = String(request.localPort);
  headers['x-forwarded-proto'] = 'http';
  headers['x-amzn-trace-id'] ??= traceId(request.receivedAt);

  const { rawPath, rawQueryString } = splitTarget(request.url);
  const domainName = headers.host ?? `127.0.0.1:${request.localPort}`;
  const queryStringParameters = parseQueryString(rawQueryString);
  const hasBody = request.body.length > 0;
  const text = isTextContentType(headers['content-type']);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    ...(cookies.length > 0 ? { cookies } : {}),
    headers,
    ...(queryStringParameters ? { queryStringParameters } : {}),
    requestContext: {
      accountId: LOCAL_ACCOUNT_ID,
      apiId: LOCAL_API_ID,
      domainName,
      domainPrefix: domainName.split('.')[0] ?? domainName,
      http: {
        method: request.method,
        path: rawPath,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.sourceIp,
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: request.requestId,
      routeKey: '$default',
      stage: '$default',
      time: formatRequestTime(request.receivedAt),
      timeEpoch: request.receivedAt.getTime(),
    },
    ...(hasBody ? { body: text ? request.body.toString('utf8') : request.body.toString('base64') } : {}),
    isBase64Encoded: hasBody && !text,
  };
}

/** An HTTP response ready to write; headers as pairs so several `set-cookie` lines survive. */
export interface HttpResponseParts {
  readonly statusCode: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

/** The handler returned a structured response API Gateway would reject. */
export class MalformedResultError extends Error {
  override readonly name = 'MalformedResultError';
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Turns a handler result into the HTTP response API Gateway (format 2.0) would send.
 *
 * Why: API Gateway treats an object with `statusCode` as a structured response (headers,
 * cookies, optional base64 body) and anything else as a JSON body with status 200; handlers that
 * rely on either form must behave the same locally. Throws {@link MalformedResultError} for a
 * structured response AWS would answer with 500.
 */
export function toHttpResponse(result: unknown): HttpResponseParts {
  if (!isRecord(result) || !('statusCode' in result)) {
    // The Node.js runtime serialises `undefined` as `null`; a string is passed through as the body.
    const body = typeof result === 'string' ? result : (JSON.stringify(result) ?? 'null');
    return { statusCode: 200, headers: [['content-type', 'application/json']], body: Buffer.from(body, 'utf8') };
  }
  const { statusCode, headers, body, isBase64Encoded, cookies } = result;
  if (typeof statusCode !== 'number' || !Number.isInteger(statusCode) || statusCode < 100 || statusCode > 599) {
    throw new MalformedResultError(`statusCode must be an integer from 100 to 599, got ${JSON.stringify(statusCode)}`);
  }
  if (headers !== undefined && !isRecord(headers)) throw new MalformedResultError('headers must be an object of header name to value');
  if (body !== undefined && body !== null && typeof body !== 'string') {
    throw new MalformedResultError(`body must be a string (JSON.stringify objects yourself), got ${typeof body}`);
  }
  if (isBase64Encoded !== undefined && typeof isBase64Encoded !== 'boolean') throw new MalformedResultError('isBase64Encoded must be a boolean');
  if (cookies !== undefined && !(Array.isArray(cookies) && cookies.every((cookie) => typeof cookie === 'string'))) {
    throw new MalformedResultError('cookies must be an array of strings');
  }
  const pairs: [string, string][] = [];
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (!['string', 'number', 'boolean'].includes(typeof value)) {
      throw new MalformedResultError(`header "${name}" must be a string, number or boolean, got ${typeof value}`);
    }
    pairs.push([name.toLowerCase(), String(value)]);
  }
  for (const cookie of (cookies as string[] | undefined) ?? []) pairs.push(['set-cookie', cookie]);
  const text = typeof body === 'string' ? body : '';
  return { statusCode, headers: pairs, body: isBase64Encoded === true ? Buffer.from(text, 'base64') : Buffer.from(text, 'utf8') };
}

/** API Gateway's own error responses (not the function's). */
function gatewayError(statusCode: number, message: string): HttpResponseParts {
  return { statusCode, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify({ message }), 'utf8') };
}

function newRequestId(): string {
  // Same length and alphabet as API Gateway's request ids, e.g. `JKJaXmPLvHcESHA=`.
  return randomBytes(11).toString('base64');
}

function writeResponse(response: http.ServerResponse, parts: HttpResponseParts, requestId: string): void {
  const headers: Record<string, string | string[]> = {};
  for (const [name, value] of parts.headers) {
    const existing = headers[name];
    if (existing === undefined) headers[name] = name === 'set-cookie' ? [value] : value;
    else if (Array.isArray(existing)) existing.push(value);
    else headers[name] = `${existing},${value}`;
  }
  headers['apigw-requestid'] = requestId;
  headers['content-length'] = String(parts.body.length);
  response.writeHead(parts.statusCode, headers);
  response.end(parts.body);
}

function readBody(request: http.IncomingMessage): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      // Keep reading (and discarding) so the client gets a 413 instead of a reset connection.
      if (size <= MAX_REQUEST_BODY_BYTES) chunks.push(chunk);
    });
    request.on('end', () => resolve(size > MAX_REQUEST_BODY_BYTES ? 'too-large' : Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

function withTimeout<T>(work: Promise<T>, timeoutMs: number): Promise<{ result: T } | 'timeout'> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => resolve('timeout'), timeoutMs);
    work.then(
      (result) => {
        clearTimeout(timer);
        resolve({ result });
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function listenError(error: NodeJS.ErrnoException, host: string, port: number): Error {
  if (error.code === 'EADDRINUSE') {
    return new Error(`cannot serve the HTTP API: port ${port} on ${host} is already in use; stop the process using it or choose another port with --port <port>`);
  }
  if (error.code === 'EACCES') {
    return new Error(`cannot serve the HTTP API: not permitted to listen on port ${port} on ${host}; choose a port above 1023 with --port <port>`);
  }
  return new Error(`cannot serve the HTTP API on ${host}:${port}: ${error.message}`);
}

/**
 * Serves `handler` as an API Gateway HTTP API `$default` route on `http://host:port`.
 *
 * Why: the twin runs the production query handler unchanged; this server plays API Gateway's
 * part so the dashboard and `curl` talk to it as they would to AWS.
 */
export async function startHttpApi<T = never>(options: HttpApiOptions<T>): Promise<HttpApiHandle> {
  const host = options.host ?? '127.0.0.1';
  const functionName = options.functionName ?? 'http-api-handler';
  const logger = options.logger ?? prefixedConsoleLogger(`http ${functionName}`);
  const integrationTimeoutMs = options.integrationTimeoutMs ?? DEFAULT_INTEGRATION_TIMEOUT_MS;

  const serve = async (request: http.IncomingMessage, response: http.ServerResponse): Promise<void> => {
    const started = Date.now();
    const requestId = newRequestId();
    const method = request.method ?? 'GET';
    const { rawPath } = splitTarget(request.url ?? '/');
    const finish = (parts: HttpResponseParts) => {
      writeResponse(response, parts, requestId);
      try {
        options.onRequest?.({ method, path: rawPath, statusCode: parts.statusCode, durationMs: Date.now() - started, requestId });
      } catch (error) {
        logger.warn(`onRequest threw: ${describeError(error)}`);
      }
    };
    const body = await readBody(request);
    if (body === 'too-large') {
      finish(gatewayError(413, 'Request Entity Too Large'));
      return;
    }
    const event = toHttpApiEvent({
      method,
      url: request.url ?? '/',
      httpVersion: request.httpVersion,
      rawHeaders: request.rawHeaders,
      body,
      sourceIp: (request.socket.remoteAddress ?? '127.0.0.1').replace(/^::ffff:/, ''),
      localPort: request.socket.localPort ?? options.port,
      requestId,
      receivedAt: new Date(started),
    });
    const context = createLambdaContext({ functionName });
    let outcome: { result: unknown } | 'timeout';
    try {
      outcome = await withTimeout(Promise.resolve().then(() => options.handler(event, context)), integrationTimeoutMs);
    } catch (error) {
      logger.error(`${method} ${rawPath} (request ${requestId}): the handler failed, answering 500: ${describeError(error)}`);
      finish(gatewayError(500, 'Internal Server Error'));
      return;
    }
    if (outcome === 'timeout') {
      logger.warn(`${method} ${rawPath} (request ${requestId}): no response within the ${integrationTimeoutMs} ms integration timeout, answering 503`);
      finish(gatewayError(503, 'Service Unavailable'));
      return;
    }
    try {
      finish(toHttpResponse(outcome.result));
    } catch (error) {
      if (!(error instanceof MalformedResultError)) throw error;
      logger.error(`${method} ${rawPath} (request ${requestId}): malformed Lambda response, answering 500: ${error.message}`);
      finish(gatewayError(500, 'Internal Server Error'));
    }
  };

  const server = http.createServer((request, response) => {
    serve(request, response).catch((error: unknown) => {
      logger.error(`${request.method ?? ''} ${request.url ?? ''}: ${describeError(error)}`);
      if (!response.headersSent) writeResponse(response, gatewayError(500, 'Internal Server Error'), newRequestId());
      else response.destroy();
    });
  });

  await new Promise<void>((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => reject(listenError(error, host, options.port));
    server.once('error', onError);
    server.listen({ port: options.port, host }, () => {
      server.off('error', onError);
      resolve();
    });
  });
  server.on('error', (error) => logger.error(`HTTP server error: ${describeError(error)}`));

  const port = (server.address() as AddressInfo).port;
  const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
  let stopped: Promise<void> | undefined;
  return {
    url,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        // Keep-alive clients (browsers, fetch) would otherwise hold the server open indefinitely.
        server.closeAllConnections();
      });
      return stopped;
    },
  };
}
