/**
 * CSV output (RFC 4180) of series and event listings, for spreadsheets and `curl | csvlook`.
 * Records end in CRLF and fields are quoted only when they must be, as the RFC describes.
 */
import type { AggregatePoint } from '../../adapters/dynamodb/aggregatesRepository';
import type { AggregationDescription } from '../../domain/streams/registry';
import type { EventObject } from '../../domain/streams/types';

const LINE_END = '\r\n';

/** The text of one value: strings as they are, nested objects and arrays as JSON, nothing for null or absent. */
function textOf(value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** One field, quoted when it holds a quote, a comma or a line break (quotes doubled). */
export function csvField(value: unknown): string {
  const text = textOf(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** A CSV document: the header row, then one record per row, each ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly unknown[])[]): string {
  return [header, ...rows].map((row) => row.map(csvField).join(',') + LINE_END).join('');
}

/**
 * A series as CSV: `windowStart,windowEnd,<group dimensions…>,count[,sum,min,max]`, one column per
 * dimension so that spreadsheets can pivot on it.
 */
export function seriesCsv(points: readonly AggregatePoint[], aggregation: AggregationDescription): string {
  const measured = aggregation.measures.includes('sum');
  const header = ['windowStart', 'windowEnd', ...aggregation.groupBy, 'count', ...(measured ? ['sum', 'min', 'max'] : [])];
  const rows = points.map((point) => [
    point.windowStart,
    point.windowEnd,
    ...aggregation.groupBy.map((dimension) => point.group[dimension]),
    point.count,
    ...(measured ? [point.sum, point.min, point.max] : []),
  ]);
  return toCsv(header, rows);
}

/**
 * A page of events as CSV. Events of one stream may differ in their fields (optional and unknown
 * extra ones are kept), so the columns are the union of the page's top-level keys in order of
 * first appearance.
 */
export function eventsCsv(items: readonly EventObject[]): string {
  const columns: string[] = [];
  const seen = new Set<string>();
  for (const item of items) {
    for (const key of Object.keys(item)) {
      if (!seen.has(key)) {
        seen.add(key);
        columns.push(key);
      }
    }
  }
  // An empty page has no keys to name columns after; an empty document beats a blank record.
  if (columns.length === 0) return '';
  return toCsv(columns, items.map((item) => columns.map((column) => item[column])));
}
