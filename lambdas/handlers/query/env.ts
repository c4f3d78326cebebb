/**
 * What the query API's routes read besides the request: the repositories, the clock and the
 * logger, plus what the router's middleware resolved for them (the stream, the aggregation, the
 * range). Routes read these from the Hono context, so a route declaration holds no state.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { AggregatesRepository } from '../../adapters/dynamodb/aggregatesRepository';
import type { EventsRepository } from '../../adapters/dynamodb/eventsRepository';
import type { AnyStreamDefinition } from '../../domain/streams/types';
import type { ResolvedAggregation } from './catalogue';
import type { TimeRange } from './range';

/** Physical names of the two tables, as `/health` reports them. */
export interface QueryTables {
  readonly events: string;
  readonly aggregates: string;
}

/** What the query handler reads from; injectable so tests use in-memory fakes and the twin its own tables. */
export interface QueryDependencies {
  /** `ping` resolves when the tables are reachable; `/health` answers 503 when it rejects. */
  readonly aggregates: Pick<AggregatesRepository, 'querySeries' | 'ping'>;
  readonly events: Pick<EventsRepository, 'getEvent' | 'listEvents'>;
  /** Clock for default ranges and `/health`; injectable for tests. */
  readonly now?: () => number;
  readonly logger?: Logger;
  /** Table names `/health` reports; omitted from its answer when not given. */
  readonly tables?: QueryTables;
}

/** The dependencies as routes see them: every default filled in. */
export interface RouteContext extends QueryDependencies {
  readonly now: () => number;
  readonly logger: Logger;
  /** The OpenAPI document of the API, built once. */
  readonly openApiDocument: () => Record<string, unknown>;
}

/** The Hono environment of the query API. */
export interface QueryEnv {
  Variables: {
    readonly deps: RouteContext;
    /** Set by `knownStream` and `knownAggregation` on the routes that name a stream. */
    readonly stream: AnyStreamDefinition;
    /** Set by `knownAggregation`. */
    readonly aggregation: ResolvedAggregation;
    /** Set by `parameterRules` on the routes that take `from` and `to`. */
    readonly range: TimeRange;
  };
}
