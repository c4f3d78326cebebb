/**
 * The dashboard's routes: the page at `/` and its hashed assets at `/assets/{file}`, each
 * revalidated by ETag (see `../dashboard.ts`).
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { dashboardAsset, dashboardAssetContentTypes, dashboardAssetNames, dashboardPage } from '../dashboard';
import { mediaTypeOf } from '../responses';
import { noParameters } from '../params';
import { COMMON_ERRORS, declareRoute, LOOKUP_ERRORS } from './declare';

const ifNoneMatch = z.object({
  'if-none-match': z.string().optional().meta({ description: 'ETag of a copy the client holds; answered with 304 when it is current' }),
});

const etag = { ETag: { required: true, schema: { type: 'string' } } } as const;

const notModified = { 304: { description: 'The copy the client holds (If-None-Match) is current', headers: etag } } as const;

/** `GET /`: the dashboard page. */
export const page = declareRoute(
  createRoute({
    method: 'get',
    path: '/',
    operationId: 'getDashboard',
    tags: ['dashboard'],
    summary: 'The dashboard: live charts of every stream',
    description: 'An HTML page whose scripts and styles come from /assets; its Content-Security-Policy allows its own origin only.',
    request: { query: noParameters, headers: ifNoneMatch },
    responses: {
      200: {
        description: 'The page',
        headers: { ...etag, 'Content-Security-Policy': { required: true, schema: { type: 'string' } } },
        content: { 'text/html': { schema: z.string() } },
      },
      ...notModified,
      ...COMMON_ERRORS,
    },
  }),
  async (c) => dashboardPage(c.req.valid('header')['if-none-match']),
);

/** `GET /assets/{file}`: a script, style sheet or icon of the current build. */
export const asset = declareRoute(
  createRoute({
    method: 'get',
    path: '/assets/{file}',
    operationId: 'getDashboardAsset',
    tags: ['dashboard'],
    summary: 'A script, style sheet or icon of the dashboard',
    description: 'Names carry a hash of the content, so each is cached for a year (immutable).',
    request: {
      params: z.object({ file: z.string().meta({ enum: dashboardAssetNames(), description: 'an asset of the current dashboard build' }) }),
      query: noParameters,
      headers: ifNoneMatch,
    },
    responses: {
      200: {
        description: 'The asset',
        headers: etag,
        content: Object.fromEntries(dashboardAssetContentTypes().map((type) => [mediaTypeOf(type), { schema: z.string() }])),
      },
      ...notModified,
      ...LOOKUP_ERRORS,
    },
  }),
  async (c) => dashboardAsset(c.req.valid('param').file, c.req.valid('header')['if-none-match']),
);
