/**
 * API Gateway HTTP API (payload 2.0, `$default` route) requests, as the query handler receives
 * them, for handler tests that do not go through the twin's HTTP server.
 */
import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What a test may vary in a request. */
export interface HttpApiRequestOptions {
  readonly method?: string;
  /** Lower-case names, as API Gateway passes them. */
  readonly headers?: Record<string, string>;
  /** `requestContext.timeEpoch`. */
  readonly timeEpoch?: number;
}

/** A request for `target`: a raw path with an optional raw query string, both as sent (percent-encoded). */
export function httpApiRequest(target: string, options: HttpApiRequestOptions = {}): APIGatewayProxyEventV2 {
  const { method = 'GET', headers = {}, timeEpoch = Date.parse('2026-11-25T04:30:00Z') } = options;
  const question = target.indexOf('?');
  const rawPath = question < 0 ? target : target.slice(0, question);
  const rawQueryString = question < 0 ? '' : target.slice(question + 1);
  return {
    version: '2.0',
    routeKey: '$default',
    rawPath,
    rawQueryString,
    headers,
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'api',
      domainName: 'api.example.com',
      domainPrefix: 'api',
      http: { method, path: rawPath, protocol: 'HTTP/1.1', sourceIp: '192.0.2.1', userAgent: 'jest' },
      requestId: 'request-1',
      routeKey: '$default',
      stage: '$default',
      time: '25/Nov/2026:04:30:00 +0000',
      timeEpoch,
    },
  };
}
