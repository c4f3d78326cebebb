/**
 * Event-time windowing: UTC minutes and days, formatted the one way the API, the tables and the
 * dashboard use (`2026-11-25T04:07:00Z`, `2026-11-25`).
 */

/** Length of a tumbling window. */
export const WINDOW_MS = 60_000;

const DAY_MS = 86_400_000;

/** Start of the UTC minute holding `epochMs`. */
export function windowStartOf(epochMs: number): number {
  return Math.floor(epochMs / WINDOW_MS) * WINDOW_MS;
}

/** ISO-8601 UTC without milliseconds: windows start on whole minutes, so milliseconds are noise. */
export function formatMinute(epochMs: number): string {
  return new Date(epochMs).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** ISO-8601 UTC with milliseconds, for event times (which may carry them). */
export function formatInstant(epochMs: number): string {
  return new Date(epochMs).toISOString();
}

/** The UTC day (`YYYY-MM-DD`) holding `epochMs`. */
export function dayOf(epochMs: number): string {
  return new Date(epochMs).toISOString().slice(0, 10);
}

/** The UTC days that intersect `[fromMs, toMs)`, oldest first. */
export function daysBetween(fromMs: number, toMs: number): string[] {
  const days: string[] = [];
  if (toMs <= fromMs) return days;
  for (let day = Math.floor(fromMs / DAY_MS) * DAY_MS; day < toMs; day += DAY_MS) {
    days.push(dayOf(day));
  }
  return days;
}

/** Earliest and latest instants Pulse places in time: 1970-01-01 to 9999-12-31 (UTC), as ms since the epoch. */
export const INSTANT_RANGE_MS = { min: 0, max: Date.UTC(9999, 11, 31, 23, 59, 59, 999) } as const;

/**
 * Whether `epochMs` is a whole millisecond from 1970 to 9999: what windows, days and ISO-8601
 * text (four-digit years) are defined for. A Kafka timestamp of -1 (none) or beyond the year 9999
 * is not, and would make `toISOString()` throw.
 */
export function isValidInstant(epochMs: number): boolean {
  return Number.isSafeInteger(epochMs) && epochMs >= INSTANT_RANGE_MS.min && epochMs <= INSTANT_RANGE_MS.max;
}

/**
 * `epochMs` moved into the range Pulse places in time (NaN to the start). Invalid records are
 * counted in the minute of their record timestamp; one without a usable timestamp is counted at
 * the nearest end of the range, the same on every retry.
 */
export function clampInstant(epochMs: number): number {
  if (Number.isNaN(epochMs)) return INSTANT_RANGE_MS.min;
  return Math.min(INSTANT_RANGE_MS.max, Math.max(INSTANT_RANGE_MS.min, Math.trunc(epochMs)));
}

/** Parses an ISO-8601 timestamp that the schema already accepted; throws on anything else. */
export function parseInstant(iso: string): number {
  const epochMs = Date.parse(iso);
  if (Number.isNaN(epochMs)) {
    throw new RangeError(`not an ISO-8601 timestamp: ${JSON.stringify(iso)}`);
  }
  return epochMs;
}
