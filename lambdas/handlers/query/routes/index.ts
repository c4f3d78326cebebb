/**
 * Every route of the query API, in the order the OpenAPI document lists them. Adding a route is
 * one declaration here; the router, the document and the gateway's routes (`ROUTE_PATTERNS`, read
 * by the CDK app) all follow this list.
 */
import { event, events } from './events';
import { asset, page } from './dashboard';
import { series, streams, top } from './aggregations';
import { health, openApi } from './service';

/** The routes, each declared once. */
export const QUERY_ROUTES = [page, asset, openApi, health, streams, series, top, events, event] as const;

/** A route as the gateway and the 404 name it: its OpenAPI path template. */
export interface RoutePattern {
  readonly name: string;
  /** Literal segments, and `{name}` for a parameter, as OpenAPI writes path templates. */
  readonly template: string;
}

/** The path of every route, for API Gateway's routes and the 404 that lists them. */
export const ROUTE_PATTERNS: readonly RoutePattern[] = QUERY_ROUTES.map((declared) => ({
  name: declared.route.operationId ?? declared.route.path,
  template: declared.route.path,
}));
