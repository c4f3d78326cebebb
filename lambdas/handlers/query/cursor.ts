/**
 * The cursor of the events listing, the one place its format is defined: the stream, the range
 * the listing was asked for and the position of the last event handed out, as versioned JSON in
 * base64url. It carries the range because a client paging the default "last hour" would otherwise
 * get a range that moved since the first page, and skip events. The version lets a later format be
 * told apart, so an old cursor is refused by name instead of misread.
 */
import { z } from 'zod';
import type { ListingPosition } from '../../adapters/dynamodb/eventsRepository';
import { badRequest, type ApiError } from './errors';
import type { RangeBounds, TimeRange } from './range';

/** The format written today; a cursor of any other version is refused. */
export const CURSOR_VERSION = 1;

/** Where the next page of a listing starts. */
export interface ListingCursor extends TimeRange {
  readonly stream: string;
  /** The last event handed out; the next page starts after it. */
  readonly after: ListingPosition;
}

const cursorSchema = z.object({
  v: z.literal(CURSOR_VERSION),
  s: z.string().min(1),
  f: z.number().int(),
  t: z.number().int(),
  at: z.number().int(),
  id: z.string(),
});

/** What a client is told of a cursor that is not one: it cannot be repaired, only dropped. */
export const NOT_A_CURSOR = 'not a cursor this API returned; start again without it';

/**
 * The opaque text a client sends back as `cursor`.
 *
 * @example
 * encodeListingCursor({ stream: 'orders', fromMs, toMs, after: { eventTimeMs, eventId: 'o-1' } });
 */
export function encodeListingCursor(cursor: ListingCursor): string {
  const state: z.infer<typeof cursorSchema> = {
    v: CURSOR_VERSION,
    s: cursor.stream,
    f: cursor.fromMs,
    t: cursor.toMs,
    at: cursor.after.eventTimeMs,
    id: cursor.after.eventId,
  };
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/** The cursor `text` holds, or undefined when it is none this API wrote (garbled, edited, of another version). */
export function parseListingCursor(text: string): ListingCursor | undefined {
  try {
    const state = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
    return { stream: state.s, fromMs: state.f, toMs: state.t, after: { eventTimeMs: state.at, eventId: state.id } };
  } catch {
    return undefined;
  }
}

/** The 400 for a cursor whose position the table refused: edited by hand, or from a listing that changed shape. */
export function invalidCursor(): ApiError {
  return badRequest(`cursor: ${NOT_A_CURSOR}`);
}

/**
 * The bounds of a page that continues `cursor` of the listing of `stream`: the cursor's own. A
 * `from` or `to` given with it must be the cursor's, since a cursor only points into the listing
 * and range it was made for.
 *
 * @throws ApiError 400 naming `cursor` when it belongs to another stream, or `from` or `to` when it
 *   differs from the cursor's range
 */
export function boundsOfCursor(cursor: ListingCursor, stream: string, bounds: RangeBounds): Required<RangeBounds> {
  if (cursor.stream !== stream) {
    throw badRequest(`cursor: belongs to the listing of stream ${cursor.stream}, not ${stream}`);
  }
  for (const [name, given, expected] of [
    ['from', bounds.from, cursor.fromMs],
    ['to', bounds.to, cursor.toMs],
  ] as const) {
    if (given !== undefined && given !== expected) {
      throw badRequest(`${name}: differs from the range the cursor was made for; send the same from and to, or omit them`);
    }
  }
  return { from: cursor.fromMs, to: cursor.toMs };
}
