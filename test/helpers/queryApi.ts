/**
 * The query handler over in-memory repositories, for the route tests: every response is checked
 * against the OpenAPI document the handler serves, and requests are API Gateway payload 2.0
 * events at a fixed time.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { AggregatesRepository } from '../../lambdas/adapters/dynamodb/aggregatesRepository';
import { InvalidPositionError, type EventPage, type EventsRepository, type ListingPosition } from '../../lambdas/adapters/dynamodb/eventsRepository';
import type { AggregatePoint } from '../../lambdas/domain/aggregatePoint';
import type { EventObject } from '../../lambdas/domain/streams/types';
import { createQueryHandler, type QueryDependencies } from '../../lambdas/handlers/query';
import { httpApiRequest } from './httpApiEvents';
import { conforming } from './openapiConformance';

/** The time every request is made at. */
export const NOW = Date.parse('2026-11-25T04:30:00Z');
/** A minute, in ms. */
export const MINUTE = 60_000;
/** An hour, in ms. */
export const HOUR = 3_600_000;
/** The table names `/health` reports in these tests. */
export const TABLES = { events: 'pulse-events', aggregates: 'pulse-aggregates' };

/** Aggregates held in memory; answers `querySeries` as the repository's contract says, in insertion order. */
export class InMemoryAggregates implements Pick<AggregatesRepository, 'querySeries' | 'ping'> {
  readonly calls: { stream: string; aggregation: string; fromMs: number; toMs: number }[] = [];
  private readonly stored: { stream: string; aggregation: string; point: AggregatePoint }[] = [];

  add(stream: string, aggregation: string, point: AggregatePoint): void {
    this.stored.push({ stream, aggregation, point });
  }

  async ping(): Promise<void> {}

  async querySeries(stream: string, aggregation: string, fromMs: number, toMs: number): Promise<AggregatePoint[]> {
    this.calls.push({ stream, aggregation, fromMs, toMs });
    return this.stored
      .filter((entry) => entry.stream === stream && entry.aggregation === aggregation)
      .map((entry) => entry.point)
      .filter((point) => Date.parse(point.windowStart) >= fromMs && Date.parse(point.windowStart) < toMs);
  }
}

/** Events held in memory; pages newest first, resuming after the position of the last event handed out. */
export class InMemoryEvents implements Pick<EventsRepository, 'getEvent' | 'listEvents'> {
  readonly listCalls: { stream: string; fromMs: number; toMs: number; limit: number; after?: ListingPosition }[] = [];
  private readonly stored: { stream: string; eventId: string; eventTimeMs: number; event: EventObject }[] = [];

  add(stream: string, eventId: string, eventTimeMs: number, event: EventObject = { eventId }): void {
    this.stored.push({ stream, eventId, eventTimeMs, event });
  }

  async getEvent(stream: string, eventId: string): Promise<EventObject | undefined> {
    return this.stored.find((entry) => entry.stream === stream && entry.eventId === eventId)?.event;
  }

  async listEvents(stream: string, fromMs: number, toMs: number, limit: number, after?: ListingPosition): Promise<EventPage> {
    this.listCalls.push({ stream, fromMs, toMs, limit, ...(after === undefined ? {} : { after }) });
    const matching = this.stored
      .filter((entry) => entry.stream === stream && entry.eventTimeMs >= fromMs && entry.eventTimeMs < toMs)
      .sort((a, b) => b.eventTimeMs - a.eventTimeMs);
    const start = after === undefined ? 0 : matching.findIndex((entry) => entry.eventId === after.eventId) + 1;
    if (start === 0 && after !== undefined) throw new InvalidPositionError('the position is outside the range listed');
    const page = matching.slice(start, start + limit);
    const last = page.at(-1);
    const items = page.map((entry) => entry.event);
    return start + limit < matching.length && last ? { items, next: { eventTimeMs: last.eventTimeMs, eventId: last.eventId } } : { items };
  }
}

/** A request for `target` (raw path and query string, as sent) at {@link NOW}. */
export function request(target: string, method = 'GET', headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  return httpApiRequest(target, { method, headers, timeEpoch: NOW });
}

/** The handler over fresh in-memory repositories, its responses checked against the document. */
export function setup(overrides: Partial<QueryDependencies> = {}) {
  const aggregates = new InMemoryAggregates();
  const events = new InMemoryEvents();
  const logger = new Logger({ logLevel: 'SILENT' });
  const loggedErrors = jest.spyOn(logger, 'error');
  let now = NOW;
  const handle = conforming(createQueryHandler({ aggregates, events, now: () => now, logger, tables: TABLES, ...overrides }));
  return { aggregates, events, handle, loggedErrors, setNow: (epochMs: number) => (now = epochMs) };
}

/** The JSON body of a response. */
export function bodyOf(response: APIGatewayProxyStructuredResultV2): Record<string, unknown> {
  return JSON.parse(response.body as string) as Record<string, unknown>;
}

/** A stored point; `measures` in the stream's unit (money), kept by the repository as cents. */
export function point(windowStart: string, group: Record<string, string>, count: number, measures?: { sum: number; min: number; max: number }): AggregatePoint {
  const cents = (value: number) => BigInt(Math.round(value * 100));
  return {
    windowStart,
    windowEnd: new Date(Date.parse(windowStart) + MINUTE).toISOString().replace('.000Z', 'Z'),
    group,
    count,
    ...(measures ? { scale: 2, sum: cents(measures.sum), min: cents(measures.min), max: cents(measures.max) } : {}),
  };
}
