/**
 * An HTTP request as the event an API Gateway HTTP API sends its Lambda integration (payload
 * format 2.0, `$default` route): headers, cookies, query string, base64 for non-text bodies, and
 * the request context.
 */
import { randomBytes } from 'node:crypto';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { LOCAL_ACCOUNT_ID } from '../runtime';

/** HTTP API's request payload limit. */
export const MAX_REQUEST_BODY_BYTES = 10 * 1024 * 1024;


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

export function splitTarget(url: string): { rawPath: string; rawQueryString: string } {
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
