/**
 * CSV output (RFC 4180, through csv-stringify) of series and event listings, for spreadsheets and
 * `curl | csvlook`. Records end in CRLF and fields are quoted only when they must be.
 *
 * Safe to open in a spreadsheet: a text value starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return (or their full-width forms) is written with a leading `'`, so that it is shown as text
 * instead of run as a formula (https://owasp.org/www-community/attacks/CSV_Injection). Numbers are
 * written as they are, and measures as exact decimal text, never escaped.
 */
import { stringify } from 'csv-stringify/sync';
import type { AggregatePoint } from '../../domain/aggregatePoint';
import { formatScaled } from '../../domain/decimal';
import { isLosslessNumber } from '../../domain/eventJson';
import type { AggregationDescription } from '../../domain/streams/registry';
import type { EventObject } from '../../domain/streams/types';

/** One value of a cell: bigints are decimals scaled by the document's `scale` (cents at 2). */
type Cell = unknown;

/** A number kept as text (a `LosslessNumber`): an integer as a bigint, so it is written as a number. */
function cellOf(value: unknown): Cell {
  if (!isLosslessNumber(value)) return value;
  return /^-?\d+$/.test(value.value) ? BigInt(value.value) : value.value;
}

/**
 * A CSV document: the header row, then one record per row, each ending in CRLF.
 *
 * @param scale - decimal places of the bigint cells (measures as scaled integers); 0 by default
 */
export function toCsv(header: readonly string[], rows: readonly (readonly Cell[])[], scale = 0): string {
  return stringify([header, ...rows], {
    record_delimiter: 'windows',
    // RFC 4180 quotes a field holding any line break; csv-stringify quotes only the record delimiter itself.
    quoted_match: /[\r\n]/,
    escape_formulas: true,
    cast: {
      bigint: (value) => formatScaled(value, scale),
      boolean: (value) => String(value),
      // Nested objects and arrays as JSON; kept-as-text numbers verbatim.
      object: (value) => (isLosslessNumber(value) ? value.value : JSON.stringify(value)),
    },
  });
}

/**
 * A series as CSV: `windowStart,windowEnd,<group dimensions…>,count[,sum,min,max]`, one column per
 * dimension so that spreadsheets can pivot on it; measures as exact decimals.
 */
export function seriesCsv(points: readonly AggregatePoint[], aggregation: Pick<AggregationDescription, 'groupBy' | 'measures'>): string {
  const measured = aggregation.measures.includes('sum');
  const header = ['windowStart', 'windowEnd', ...aggregation.groupBy, 'count', ...(measured ? ['sum', 'min', 'max'] : [])];
  const rows = points.map((point) => [
    point.windowStart,
    point.windowEnd,
    ...aggregation.groupBy.map((dimension) => point.group[dimension]),
    point.count,
    ...(measured ? [point.sum, point.min, point.max] : []),
  ]);
  return toCsv(header, rows, points.find((point) => point.scale !== undefined)?.scale ?? 0);
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
  return toCsv(columns, items.map((item) => columns.map((column) => cellOf(item[column]))));
}
