import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { describeAggregations, STREAMS } from '../../../../lambdas/domain/streams/registry';
import { createQueryHandler } from '../../../../lambdas/handlers/query';
import { dashboardAssetNames } from '../../../../lambdas/handlers/query/dashboard';
import { buildOpenApiDocument, openApiDocument } from '../../../../lambdas/handlers/query/openapi';
import { QUERY_ROUTES, ROUTE_PATTERNS } from '../../../../lambdas/handlers/query/routes';
import { httpApiRequest } from '../../../helpers/httpApiEvents';
import { contract, OpenApiContract } from '../../../helpers/openapiConformance';

const NOW = Date.parse('2026-11-25T04:30:00Z');

interface Parameter {
  name: string;
  in: 'query' | 'path' | 'header';
  required: boolean;
  schema: { type?: string; enum?: string[]; minimum?: number; maximum?: number; minLength?: number; format?: string; pattern?: string; default?: unknown };
  example?: string;
}

interface OperationObject {
  operationId: string;
  parameters?: Parameter[];
  responses: Record<string, unknown>;
}

const document = contract().document;
const operations = Object.entries(document.paths).map(([template, item]) => ({ template, operation: item.get as unknown as OperationObject }));

function parametersOf(template: string, where: Parameter['in']): Parameter[] {
  const operation = document.paths[template]?.get as unknown as OperationObject;
  return (operation.parameters ?? []).filter((parameter) => parameter.in === where);
}

/** Every `$ref` in a JSON value. */
function referencesIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(referencesIn);
  if (typeof value !== 'object' || value === null) return [];
  return Object.entries(value).flatMap(([key, inner]) => (key === '$ref' && typeof inner === 'string' ? [inner] : referencesIn(inner)));
}

describe('OpenAPI document: routes and parameters', () => {
  it('lists exactly the routes the handler serves, each as one GET operation', () => {
    // Act
    const templates = Object.keys(document.paths);

    // Assess
    expect(templates).toEqual(ROUTE_PATTERNS.map((pattern) => pattern.template));
    for (const item of Object.values(document.paths)) expect(Object.keys(item)).toEqual(['get']);
  });

  it.each(QUERY_ROUTES.map(({ route }) => [route.path, route] as const))('documents the parameters %s parses, and no others', (template, route) => {
    // Act
    const query = parametersOf(template, 'query').map((parameter) => parameter.name);
    const path = parametersOf(template, 'path').map((parameter) => parameter.name);

    // Assess
    expect(query).toEqual(Object.keys(route.request.query.shape));
    expect(path).toEqual([...template.matchAll(/\{(\w+)\}/g)].map((match) => match[1]));
    expect(parametersOf(template, 'path').every((parameter) => parameter.required)).toBe(true);
  });

  it('documents the defaults the handler applies to an absent parameter', () => {
    // Act
    const limits = Object.fromEntries(operations.flatMap(({ template }) => parametersOf(template, 'query').filter((p) => p.name === 'limit').map((p) => [template, p.schema.default])));

    // Assess
    expect(limits).toEqual({ '/v1/streams/{stream}/aggregations/{aggregation}/top': 10, '/v1/streams/{stream}/events': 50 });
  });

  it('names every registered stream, and every aggregation of any stream, in its path parameters', () => {
    // Prepare
    const aggregations = new Set(STREAMS.flatMap((stream) => describeAggregations(stream).map((aggregation) => aggregation.name)));

    // Act
    const [stream, aggregation] = parametersOf('/v1/streams/{stream}/aggregations/{aggregation}', 'path');

    // Assess
    expect(stream?.schema.enum).toEqual(STREAMS.map((s) => s.name));
    expect(new Set(aggregation?.schema.enum)).toEqual(aggregations);
  });

  it('offers the ranking only of aggregations that have groups', () => {
    // Prepare
    const grouped = new Set(STREAMS.flatMap((stream) => describeAggregations(stream).filter((a) => a.groupBy.length > 0).map((a) => a.name)));

    // Act
    const [, aggregation] = parametersOf('/v1/streams/{stream}/aggregations/{aggregation}/top', 'path');

    // Assess
    expect(new Set(aggregation?.schema.enum)).toEqual(grouped);
    expect(aggregation?.schema.enum).not.toContain('revenue');
  });

  it('names the assets of the current dashboard build', () => {
    // Act
    const [file] = parametersOf('/assets/{file}', 'path');

    // Assess
    expect(file?.schema.enum).toEqual(dashboardAssetNames());
  });
});

describe('OpenAPI document: structure', () => {
  it('is OpenAPI 3.1 served from the origin that serves it', () => {
    // Assess
    expect(document.openapi).toBe('3.1.0');
    expect(document.servers).toEqual([{ url: '/', description: expect.any(String) }]);
  });

  it('gives every operation a unique id and lists 400 and 500 on each', () => {
    // Act
    const ids = operations.map(({ operation }) => operation.operationId);

    // Assess
    expect(new Set(ids).size).toBe(ids.length);
    for (const { operation } of operations) expect(Object.keys(operation.responses)).toEqual(expect.arrayContaining(['200', '400', '500']));
  });

  it('refers only to schemas and responses it defines', () => {
    // Act
    const references = referencesIn(document);

    // Assess
    expect(references.length).toBeGreaterThan(0);
    for (const reference of references) {
      const [, kind, name] = /^#\/components\/(schemas|responses)\/(\w+)$/.exec(reference) ?? [];
      expect(kind && name && (document.components as unknown as Record<string, Record<string, unknown>>)[kind]?.[name]).toBeTruthy();
    }
  });

  it('compiles every component schema under JSON Schema 2020-12 in strict mode', () => {
    // Prepare
    const compiled = new OpenApiContract(buildOpenApiDocument());

    // Act
    const compile = () => Object.keys(document.components.schemas).map((id) => compiled.validator({ $ref: `#/components/schemas/${id}` }));

    // Assess
    expect(compile).not.toThrow();
  });

  it('is built once and then served as it is', () => {
    // Assess
    expect(openApiDocument()).toBe(openApiDocument());
    expect(openApiDocument()).toEqual(buildOpenApiDocument());
  });
});

describe('OpenAPI document: the contract check bites', () => {
  const error = (statusCode: number) => ({ statusCode, headers: { 'content-type': 'application/json; charset=utf-8' }, body: '{"error":"not_found","message":"x"}' });

  it('refuses a status the operation does not list', () => {
    // Act
    const check = () => contract().assertConforms({ method: 'GET', rawPath: '/v1/streams' }, error(404));

    // Assess
    expect(check).toThrow('GET /v1/streams → 404: status 404 is not documented for GET /v1/streams');
  });

  it('refuses a body that does not match its schema', () => {
    // Prepare
    const body = JSON.stringify({ stream: 'orders', aggregation: 'revenue', from: '2026-11-25T04:00:00Z', to: '2026-11-25T05:00:00Z', points: [{ count: 1 }] });

    // Act
    const check = () =>
      contract().assertConforms({ method: 'GET', rawPath: '/v1/streams/orders/aggregations/revenue' }, { statusCode: 200, headers: { 'content-type': 'application/json' }, body });

    // Assess
    expect(check).toThrow(/the body does not match the document: .*must have required property 'windowStart'/);
  });

  it('refuses a content type the status does not list', () => {
    // Act
    const check = () => contract().assertConforms({ method: 'GET', rawPath: '/health' }, { statusCode: 200, headers: { 'content-type': 'text/csv' }, body: 'a' });

    // Assess
    expect(check).toThrow('content type text/csv is not one of application/json');
  });

  it('refuses a path outside the document answered with anything but 404', () => {
    // Act
    const check = () => contract().assertConforms({ method: 'GET', rawPath: '/v2' }, error(400));

    // Assess
    expect(check).toThrow('a request the document has no operation for must be answered 404');
  });
});

/** A request to the handler for a template with example path parameters and the given query. */
function requestFor(template: string, query: Record<string, string>): APIGatewayProxyEventV2 {
  const examples: Record<string, string> = { stream: 'orders', aggregation: 'revenue_by_category', eventId: 'o-1', file: dashboardAssetNames()[0] as string };
  const rawPath = template.replace(/\{(\w+)\}/g, (_, name: string) => examples[name] as string);
  return httpApiRequest(`${rawPath}?${new URLSearchParams(query)}`, { timeEpoch: NOW });
}

/** Values the document says a parameter accepts, and values it says it refuses, read from its schema. */
function casesOf(parameter: Parameter): { accepted: string[]; refused: string[] } {
  const { schema } = parameter;
  if (schema.enum) return { accepted: schema.enum, refused: ['not-one-of-them'] };
  if (schema.type === 'integer') {
    const [min, max] = [schema.minimum as number, schema.maximum as number];
    return { accepted: [String(min), String(max)], refused: [String(min - 1), String(max + 1), `${min}.5`] };
  }
  if (schema.format === 'date-time') return { accepted: [parameter.example as string], refused: ['2026-11-25T04:00:00', 'yesterday'] };
  return { accepted: [], refused: schema.minLength === 1 ? [''] : [] };
}

describe('OpenAPI document: documented constraints are the handler’s', () => {
  const handle = createQueryHandler({
    aggregates: { querySeries: async () => [], ping: async () => undefined },
    events: { getEvent: async () => ({ eventId: 'o-1' }), listEvents: async () => ({ items: [] }) },
    now: () => NOW,
    logger: new Logger({ logLevel: 'SILENT' }),
  });
  const cases = operations.flatMap(({ template }) => parametersOf(template, 'query').map((parameter) => [template, parameter.name, parameter] as const));

  it.each(cases)('%s: %s takes the values the document allows and refuses the others by name', async (template, name, parameter) => {
    // Prepare
    const { accepted, refused } = casesOf(parameter);

    // Act
    const acceptedAnswers = await Promise.all(accepted.map((value) => handle(requestFor(template, { [name]: value }))));
    const refusedAnswers = await Promise.all(refused.map((value) => handle(requestFor(template, { [name]: value }))));

    // Assess
    expect(acceptedAnswers.map((response) => response.statusCode)).toEqual(accepted.map(() => 200));
    for (const response of refusedAnswers) {
      expect(response.statusCode).toBe(400);
      expect(JSON.parse(String(response.body)).message).toMatch(new RegExp(`^${name}: `));
    }
  });
});
