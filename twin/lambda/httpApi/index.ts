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
import { createLambdaContext, prefixedConsoleLogger, type TwinLogger } from '../runtime';
import { MAX_REQUEST_BODY_BYTES, splitTarget, toHttpApiEvent } from './event';
import { MalformedResultError, gatewayError, toHttpResponse, writeResponse, type HttpResponseParts } from './response';

export * from './event';
export * from './response';

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

/** HTTP API's maximum integration timeout. */
export const DEFAULT_INTEGRATION_TIMEOUT_MS = 30_000;

function newRequestId(): string {
  // Same length and alphabet as API Gateway's request ids, e.g. `JKJaXmPLvHcESHA=`.
  return randomBytes(11).toString('base64');
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
