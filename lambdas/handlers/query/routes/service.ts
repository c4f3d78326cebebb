/**
 * `GET /health` (whether the function can read its tables) and `GET /openapi.json` (this API's
 * OpenAPI document).
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { formatInstant } from '../../../domain/time';
import { asError } from '../errors';
import { noParameters } from '../params';
import { JSON_HEADERS } from '../responses';
import { healthBody, healthUnavailableBody, type HealthBody, type HealthUnavailableBody } from '../schemas';
import { COMMON_ERRORS, declareRoute } from './declare';

/** `GET /health`: a read of the aggregates table through its repository; 503 when it fails. */
export const health = declareRoute(
  createRoute({
    method: 'get',
    path: '/health',
    operationId: 'getHealth',
    tags: ['service'],
    summary: 'Whether the function can read its tables',
    request: { query: noParameters },
    responses: {
      200: { description: 'The tables are reachable', content: { 'application/json': { schema: healthBody } } },
      ...COMMON_ERRORS,
      503: { description: 'The tables are not reachable; the cause is in the function logs', content: { 'application/json': { schema: healthUnavailableBody } } },
    },
  }),
  async (c) => {
    const { aggregates, logger, tables, now } = c.var.deps;
    try {
      await aggregates.ping();
    } catch (error) {
      logger.error({ message: 'health check failed: DynamoDB not reachable' }, asError(error));
      // The cause stays in the logs: AWS messages name accounts and roles.
      const unavailable: HealthUnavailableBody = { status: 'unavailable', message: 'the tables are not reachable from the query function; see its logs' };
      return c.json(unavailable, 503, JSON_HEADERS);
    }
    const body: HealthBody = {
      status: 'ok',
      ...(tables ? { tables: { events: tables.events, aggregates: tables.aggregates } } : {}),
      time: formatInstant(now()),
    };
    return c.json(body, 200, JSON_HEADERS);
  },
);

/** `GET /openapi.json`: the document, generated from the route declarations once per execution environment. */
export const openApi = declareRoute(
  createRoute({
    method: 'get',
    path: '/openapi.json',
    operationId: 'getOpenApiDocument',
    tags: ['service'],
    summary: 'This document',
    request: { query: noParameters },
    responses: {
      200: { description: 'The OpenAPI document of this API', content: { 'application/json': { schema: z.record(z.string(), z.unknown()) } } },
      ...COMMON_ERRORS,
    },
  }),
  async (c) => c.json(c.var.deps.openApiDocument(), 200, JSON_HEADERS),
);
