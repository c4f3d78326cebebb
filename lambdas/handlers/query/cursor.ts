/**
 * The cursor of the events listing, the one place its format is defined: the stream, the range
 * the listing was asked for and the position of the last event handed out, as versioned JSON in
 * base64url. It carries the range because a client paging the default "last hour" would otherwise
 * get a range that moved since the first page, and skip events. The version lets a later format be
 * told apart, so an old cursor is refused by name instead of misread.
 */
import { z } from 'zod';
import type { ListingPosition } from '../../adapters/dynamodb/eventsRepository';
import { badRequest } from './http';
import type { RangeBounds, TimeRange } from './params';

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

const NOT_A_CURSOR = 'not a cursor this API returned; start again without it';

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

/**
 * A cursor this API returned for `stream`.
 *
 * @throws ApiError 400 naming `cursor` when it does not decode, is of another version, or belongs
 *   to another stream
 */
export function decodeListingCursor(text: string, stream: string): ListingCursor {
  let state: z.infer<typeof cursorSchema>;
  try {
    state = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw badRequest(`cursor: ${NOT_A_CURSOR}`);
  }
  if (state.s !== stream) {
    throw badRequest(`cursor: belongs to the listing of stream ${state.s}, not ${stream}`);
  }
  return { stream: state.s, fromMs: state.f, toMs: state.t, after: { eventTimeMs: state.at, eventId: state.id } };
}

/** The 400 for a cursor whose position the table refused: edited by hand, or from a listing that changed shape. */
export function invalidCursor(): Error {
  return badRequest(`cursor: ${NOT_A_CURSOR}`);
}

/**
 * The bounds of a page that continues `cursor`: the cursor's own. A `from` or `to` given with it
 * must be the cursor's, since a cursor only points into the range it was made for.
 *
 * @throws ApiError 400 naming `from` or `to` when it differs from the cursor's range
 */
export function rangeOfCursor(cursor: ListingCursor, bounds: RangeBounds): Required<RangeBounds> {
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
