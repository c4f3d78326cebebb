/**
 * How numbers and times read on the dashboard: in the viewer's locale and time zone, sums with
 * their decimals, axis labels short. Pure apart from the locale the runtime reports.
 */
import type { Measure } from './presentation';

const fixedFormats = new Map<number, Intl.NumberFormat>();
const compact = new Intl.NumberFormat(undefined, { notation: 'compact', maximumFractionDigits: 1 });
const rate = new Intl.NumberFormat(undefined, { maximumFractionDigits: 1 });

/**
 * A value of a measure in full: counts whole, sums with their aggregation's decimals (to the cent
 * for money, as the API's display hints say).
 */
export function formatValue(value: number, measure: Measure, decimals: number): string {
  const digits = measure === 'sum' ? decimals : 0;
  let format = fixedFormats.get(digits);
  if (!format) {
    format = new Intl.NumberFormat(undefined, { minimumFractionDigits: digits, maximumFractionDigits: digits });
    fixedFormats.set(digits, format);
  }
  return format.format(value);
}

/** An axis label: short above ten thousand (12K), otherwise as small as it is exact. */
export function formatTick(value: number): string {
  return Math.abs(value) >= 10_000 ? compact.format(value) : rate.format(value);
}

/** A per-minute rate, one decimal. */
export function formatRate(perMinute: number): string {
  return rate.format(perMinute);
}

const clock = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });
const clockSeconds = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' });
const dayAndClock = new Intl.DateTimeFormat(undefined, { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

/** A time of day, or a date and time when the range spans days. */
export function formatTime(epochMs: number, withDate: boolean): string {
  return (withDate ? dayAndClock : clock).format(epochMs);
}

/** The time of the last refresh. */
export function formatClock(epochMs: number): string {
  return clockSeconds.format(epochMs);
}

/** The viewer's offset from UTC, e.g. `UTC+01:00`, named so nobody wonders which zone the axes use. */
export function formatUtcOffset(offsetMinutes: number): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const absolute = Math.abs(offsetMinutes);
  const hours = String(Math.floor(absolute / 60)).padStart(2, '0');
  const minutes = String(absolute % 60).padStart(2, '0');
  return `UTC${sign}${hours}:${minutes}`;
}

/** A bucket size in words: `per minute`, `per 15 minutes`, `per hour`. */
export function formatBucket(bucketMs: number): string {
  const minutes = Math.round(bucketMs / 60_000);
  if (minutes === 1) return 'per minute';
  if (minutes % 1440 === 0) return minutes === 1440 ? 'per day' : `per ${minutes / 1440} days`;
  if (minutes % 60 === 0) return minutes === 60 ? 'per hour' : `per ${minutes / 60} hours`;
  return `per ${minutes} minutes`;
}

/** What a bar stands for, e.g. `sum per minute · by category`. */
export function describeScale(measure: Measure, groupBy: readonly string[], bucketMs: number): string {
  const by = groupBy.length === 0 ? '' : ` · by ${groupBy.join(', ')}`;
  return `${measure} ${formatBucket(bucketMs)}${by}`;
}
