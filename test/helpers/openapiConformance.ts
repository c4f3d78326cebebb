/**
 * Checks a response of the query handler against the OpenAPI document the handler serves: the
 * status is one the operation lists, the content type one it lists for that status, a JSON body
 * validates against its schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses), and required
 * headers are present. The handler tests wrap their handler with {@link conforming}, so every
 * response any of them sees is checked, and the document cannot drift from what is served.
 */
import Ajv2020, { type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { openApiDocument } from '../../lambdas/handlers/query/openapi';
import { mediaTypeOf } from '../../lambdas/handlers/query/responses';

type Json = Record<string, unknown>;

interface ResponseObject {
  readonly description: string;
  readonly headers?: Readonly<Record<string, { readonly required?: boolean }>>;
  readonly content?: Readonly<Record<string, { readonly schema: Json }>>;
}

interface Operation {
  readonly responses: Readonly<Record<string, ResponseObject | { readonly $ref: string }>>;
}

/** The parts of the document this helper reads. */
export interface OpenApiDocument {
  readonly openapi: string;
  readonly servers: readonly { readonly url: string }[];
  readonly paths: Readonly<Record<string, Readonly<Record<string, Operation & Json>>>>;
  readonly components: { readonly schemas: Readonly<Record<string, Json>>; readonly responses: Readonly<Record<string, ResponseObject>> };
}

const COMPONENTS_ID = 'https://pulse.test/components.json';

/** References into `#/components/schemas/` rewritten to the schema ajv holds them in. */
function rebased(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(rebased);
  if (typeof value !== 'object' || value === null) return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      key,
      key === '$ref' && typeof inner === 'string' ? inner.replace('#/components/schemas/', `${COMPONENTS_ID}#/$defs/`) : rebased(inner),
    ]),
  );
}

/** The document and a validator for its schemas, compiled once per test file. */
export class OpenApiContract {
  readonly document: OpenApiDocument;
  private readonly ajv: Ajv2020;
  private readonly validators = new Map<string, ValidateFunction>();

  constructor(document: Json = openApiDocument()) {
    this.document = document as unknown as OpenApiDocument;
    this.ajv = new Ajv2020({ strict: true, allErrors: true });
    addFormats(this.ajv);
    this.ajv.addSchema({ $id: COMPONENTS_ID, $defs: rebased(this.document.components.schemas) as Json });
  }

  /** A validator of `schema` (which may refer to component schemas). */
  validator(schema: Json): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.validators.get(key);
    if (!validate) {
      validate = this.ajv.compile(rebased(schema) as Json);
      this.validators.set(key, validate);
    }
    return validate;
  }

  /** The path template of the document that `rawPath` matches, if any. */
  templateOf(rawPath: string): string | undefined {
    return Object.keys(this.document.paths).find((template) => {
      const pattern = template.split('/').map((segment) => (/^\{\w+\}$/.test(segment) ? '[^/]*' : segment.replace(/[.*+?^$()|[\]\\]/g, '\\$&')));
      return new RegExp(`^${pattern.join('/')}$`).test(rawPath);
    });
  }

  private resolve(response: ResponseObject | { readonly $ref: string }): ResponseObject {
    if (!('$ref' in response)) return response;
    const name = response.$ref.replace('#/components/responses/', '');
    const shared = this.document.components.responses[name];
    if (!shared) throw new Error(`the document refers to response ${response.$ref}, which it does not define`);
    return shared;
  }

  /**
   * Throws, saying what differs, unless `response` is one the document allows for `request`.
   * A path outside the document must be answered 404, a known path asked with another method 405,
   * both with the `Error` body.
   */
  assertConforms(request: Pick<APIGatewayProxyEventV2, 'rawPath'> & { method: string }, response: APIGatewayProxyStructuredResultV2): void {
    const label = `${request.method} ${request.rawPath} → ${response.statusCode}`;
    const template = this.templateOf(request.rawPath);
    const operation = template === undefined ? undefined : this.document.paths[template]?.[request.method.toLowerCase()];
    if (!operation) {
      const expected = template === undefined ? 404 : 405;
      if (response.statusCode !== expected) throw new Error(`${label}: a request the document has no operation for must be answered ${expected}`);
      // A response to HEAD has no body by definition (RFC 9110): its status is what it says.
      if (request.method.toUpperCase() === 'HEAD') return;
      this.assertBody(label, { description: 'error', content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } } }, response);
      return;
    }
    const listed = operation.responses[String(response.statusCode)];
    if (!listed) throw new Error(`${label}: status ${response.statusCode} is not documented for GET ${template}`);
    const spec = this.resolve(listed);
    for (const [name, header] of Object.entries(spec.headers ?? {})) {
      const present = Object.keys(response.headers ?? {}).some((key) => key.toLowerCase() === name.toLowerCase());
      if (header.required && !present) throw new Error(`${label}: the document requires header ${name}`);
    }
    this.assertBody(label, spec, response);
  }

  private assertBody(label: string, spec: ResponseObject, response: APIGatewayProxyStructuredResultV2): void {
    if (spec.content === undefined) {
      if (response.body) throw new Error(`${label}: the document lists no content, but the body is ${JSON.stringify(response.body).slice(0, 80)}`);
      return;
    }
    const contentType = String(response.headers?.['content-type'] ?? '');
    const media = spec.content[mediaTypeOf(contentType)];
    if (!media) throw new Error(`${label}: content type ${contentType} is not one of ${Object.keys(spec.content).join(', ')}`);
    if (mediaTypeOf(contentType) !== 'application/json') return;
    const validate = this.validator(media.schema);
    if (!validate(JSON.parse(String(response.body)))) {
      throw new Error(`${label}: the body does not match the document: ${this.ajv.errorsText(validate.errors)}`);
    }
  }
}

let shared: OpenApiContract | undefined;

/** The contract of the served document, compiled once. */
export function contract(): OpenApiContract {
  shared ??= new OpenApiContract();
  return shared;
}

/** `handler`, checking each of its responses against the document before returning it. */
export function conforming<R extends APIGatewayProxyStructuredResultV2>(
  handler: (event: APIGatewayProxyEventV2) => Promise<R>,
): (event: APIGatewayProxyEventV2) => Promise<R> {
  return async (event) => {
    const response = await handler(event);
    contract().assertConforms({ method: event.requestContext.http.method, rawPath: event.rawPath }, response);
    return response;
  };
}
