/**
 * A Lambda integration's result as the HTTP response an API Gateway HTTP API (payload format 2.0)
 * sends, and API Gateway's own error responses.
 */
import type * as http from 'node:http';

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
export function gatewayError(statusCode: number, message: string): HttpResponseParts {
  return { statusCode, headers: [['content-type', 'application/json']], body: Buffer.from(JSON.stringify({ message }), 'utf8') };
}

export function writeResponse(response: http.ServerResponse, parts: HttpResponseParts, requestId: string): void {
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
