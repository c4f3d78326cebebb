/**
 * The `[from, to)` range of a request: the last hour by default, one hour from the one bound given,
 * never empty or reversed, and at most {@link MAX_RANGE_DAYS} long. The router applies it to every
 * route that takes `from` and `to` (see `parameterRules`), so each route gets a resolved range.
 */
import { formatInstant, formatMinute } from '../../domain/time';
import { badRequest } from './errors';

/** Longest range one request may cover: a month of minutes is what the dashboards plot. */
export const MAX_RANGE_DAYS = 31;

/** The range used when the request gives no bound, and the distance to the missing bound when it gives one. */
export const DEFAULT_RANGE_MS = 3_600_000;

const DAY_MS = 86_400_000;

/** Bounds of a range as the parameters give them, in epoch milliseconds; either may be absent. */
export interface RangeBounds {
  readonly from?: number;
  readonly to?: number;
}

/** A resolved `[fromMs, toMs)` range. */
export interface TimeRange {
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The range a request asks for at `nowMs`.
 *
 * @throws ApiError 400 naming `from` and `to` when the range is empty, reversed or too long
 * @example
 * resolveRange({}, Date.parse('2026-11-25T05:00:00Z')); // the hour from 04:00 to 05:00
 */
export function resolveRange(bounds: RangeBounds, nowMs: number): TimeRange {
  const toMs = bounds.to ?? (bounds.from === undefined ? nowMs : bounds.from + DEFAULT_RANGE_MS);
  const fromMs = bounds.from ?? toMs - DEFAULT_RANGE_MS;
  if (fromMs >= toMs) {
    throw badRequest(`from (${formatBound(fromMs)}) must be before to (${formatBound(toMs)}); the range is [from, to)`);
  }
  if (toMs - fromMs > MAX_RANGE_DAYS * DAY_MS) {
    const days = ((toMs - fromMs) / DAY_MS).toFixed(1);
    throw badRequest(`from and to are ${days} days apart; the limit is ${MAX_RANGE_DAYS} days per request`);
  }
  return { fromMs, toMs };
}

/** A range bound in UTC: whole seconds without milliseconds, like window starts; otherwise with them. */
export function formatBound(epochMs: number): string {
  return epochMs % 1000 === 0 ? formatMinute(epochMs) : formatInstant(epochMs);
}

/** A resolved range as answers echo it. */
export function rangeEcho(range: TimeRange): { from: string; to: string } {
  return { from: formatBound(range.fromMs), to: formatBound(range.toMs) };
}
