/**
 * The cursor of the events listing as the API hands it out: the repository's page cursor wrapped
 * with the stream and the range it belongs to. Without the range, a client paging the default
 * "last hour" would get a range that moved since the first page, and events could be skipped.
 */
import { z } from 'zod';
import { badRequest } from './http';
import type { RangeBounds, TimeRange } from './params';

/** Where the next page of a listing starts. */
export interface ListingCursor extends TimeRange {
  readonly stream: string;
  /** The repository's cursor within the range. */
  readonly page: string;
}

const cursorSchema = z.object({
  s: z.string().min(1),
  f: z.number().int(),
  t: z.number().int(),
  p: z.string().min(1),
});

/** The opaque text a client sends back as `cursor`. */
export function encodeListingCursor(cursor: ListingCursor): string {
  const state: z.infer<typeof cursorSchema> = { s: cursor.stream, f: cursor.fromMs, t: cursor.toMs, p: cursor.page };
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

/**
 * A cursor this API returned for `stream`.
 *
 * @throws ApiError 400 naming `cursor` when it does not decode or belongs to another stream
 */
export function decodeListingCursor(text: string, stream: string): ListingCursor {
  let state: z.infer<typeof cursorSchema>;
  try {
    state = cursorSchema.parse(JSON.parse(Buffer.from(text, 'base64url').toString('utf8')));
  } catch {
    throw badRequest('cursor: not a cursor this API returned; start again without it');
  }
  if (state.s !== stream) {
    throw badRequest(`cursor: belongs to the listing of stream ${state.s}, not ${stream}`);
  }
  return { stream: state.s, fromMs: state.f, toMs: state.t, page: state.p };
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
