/**
 * The routes of the enriched events: one event by its id, and a stream's events of `[from, to)`
 * newest first, a page at a time. Events are written with every digit they were stored with.
 */
import { createRoute } from '@hono/zod-openapi';
import { z } from 'zod';
import { InvalidPositionError, type EventPage, type ListingPosition } from '../../../adapters/dynamodb/eventsRepository';
import { eventsCsv } from '../csv';
import { encodeListingCursor, invalidCursor } from '../cursor';
import type { RouteContext } from '../env';
import { notFound } from '../errors';
import { knownStream } from '../lookups';
import { eventPath, eventsParameters, noParameters, streamPath } from '../params';
import type { TimeRange } from '../range';
import { CSV_HEADERS, deliverable, exactJson } from '../responses';
import { eventBody, eventsBody, type EventsBody } from '../schemas';
import { declareRoute, LOOKUP_ERRORS } from './declare';

/** `GET /v1/streams/{stream}/events/{eventId}`: one enriched event. */
export const event = declareRoute(
  createRoute({
    method: 'get',
    path: '/v1/streams/{stream}/events/{eventId}',
    operationId: 'getEvent',
    tags: ['events'],
    summary: 'One enriched event by its id',
    middleware: [knownStream] as const,
    request: { params: eventPath, query: noParameters },
    responses: { 200: { description: 'The event', content: { 'application/json': { schema: eventBody } } }, ...LOOKUP_ERRORS },
  }),
  async (c) => {
    const { stream, deps } = c.var;
    const { eventId } = c.req.valid('param');
    const found = await deps.events.getEvent(stream.name, eventId);
    if (!found) throw notFound(`stream ${stream.name} has no event ${JSON.stringify(eventId)}; it was never valid or has expired`);
    return exactJson(c, found, 200);
  },
);

async function readPage(deps: RouteContext, stream: string, range: TimeRange, limit: number, after: ListingPosition | undefined): Promise<EventPage> {
  try {
    return await deps.events.listEvents(stream, range.fromMs, range.toMs, limit, after);
  } catch (error) {
    if (error instanceof InvalidPositionError) throw invalidCursor();
    throw error;
  }
}

/** `GET /v1/streams/{stream}/events`: a page of events, newest first, with the cursor of the next. */
export const events = declareRoute(
  createRoute({
    method: 'get',
    path: '/v1/streams/{stream}/events',
    operationId: 'listEvents',
    tags: ['events'],
    summary: 'Events of [from, to), newest first, a page at a time',
    description: 'Continue with the cursor of a page; in CSV the cursor is in the x-next-cursor header.',
    middleware: [knownStream, deliverable('lower limit or narrow the range (from, to)')] as const,
    request: { params: streamPath, query: eventsParameters },
    responses: {
      200: {
        description: 'A page of events',
        headers: { 'x-next-cursor': { required: false, description: 'CSV only: the cursor of the next page', schema: { type: 'string' } } },
        content: {
          'application/json': { schema: eventsBody },
          'text/csv': { schema: z.string().describe('RFC 4180, header row first, CRLF line ends') },
        },
      },
      ...LOOKUP_ERRORS,
    },
  }),
  async (c) => {
    const { stream, range, deps } = c.var;
    const { limit, cursor, format } = c.req.valid('query');
    const page = await readPage(deps, stream.name, range, limit, cursor?.after);
    const next = page.next === undefined ? undefined : encodeListingCursor({ stream: stream.name, ...range, after: page.next });
    // CSV has no place for the cursor, so it travels in a header.
    if (format === 'csv') return c.body(eventsCsv(page.items), 200, { ...CSV_HEADERS, ...(next === undefined ? {} : { 'x-next-cursor': next }) });
    const body: EventsBody = { items: page.items, ...(next === undefined ? {} : { cursor: next }) };
    return exactJson(c, body, 200);
  },
);
