/**
 * Hostile and unusual records, one per kind of fault that has stopped Kafka → Lambda → DynamoDB
 * pipelines: each with the outcome validation must give it. The unit tests check the
 * classification; the fault-injection suite sends each through the real broker, the twin and
 * DynamoDB Local, followed by a valid record on the same partition that must be processed.
 */
import type { InvalidReason } from '../../lambdas/domain/validation';
import { aTicket, aView, anOrder, bytesOf } from './events';

/** What must become of a record: stored (and counted) as valid, or dead-lettered with a reason. */
export type PoisonOutcome = 'stored' | InvalidReason;

/** One kind of fault. */
export interface PoisonCase {
  /** What kind of fault, for test names and the reliability report. */
  readonly name: string;
  readonly stream: 'orders' | 'tickets';
  /** The record value; built for a record produced at `recordTs` (ms since the epoch). */
  value(recordTs: number, id: string): Buffer | null;
  /** The Kafka record timestamp when it is itself the fault; else the time of sending. */
  readonly recordTimestamp?: number;
  readonly outcome: PoisonOutcome;
}

const iso = (epochMs: number): string => new Date(epochMs).toISOString();
const DAY_MS = 86_400_000;

/** `levels` arrays nested in each other around a 1: `[[[1]]]` for 3. */
function nestedArrays(levels: number): string {
  return `${'['.repeat(levels)}1${']'.repeat(levels)}`;
}

/** A view as JSON text with `extra` spliced in as raw JSON members (numbers JSON.stringify cannot write). */
function viewWithRawMembers(recordTs: number, id: string, members: string): Buffer {
  const base = JSON.stringify(aView({ eventId: id, ts: iso(recordTs - 1_000) }));
  return Buffer.from(`${base.slice(0, -1)},${members}}`, 'utf8');
}

function purchase(recordTs: number, id: string, overrides: Record<string, unknown> = {}): Buffer {
  return bytesOf(anOrder({ eventId: id, ts: iso(recordTs - 1_000), ...overrides }));
}

/** At least 25 kinds, from public bug reports of such pipelines and from the store's documented limits. */
export const POISON_CASES: readonly PoisonCase[] = [
  { name: 'a view priced 1e300 (beyond any DynamoDB number)', stream: 'orders', outcome: 'stored', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), price: 1e300 })) },
  { name: 'an unknown field nested 40 arrays deep', stream: 'orders', outcome: 'schema', value: (ts, id) => viewWithRawMembers(ts, id, `"tree":${nestedArrays(40)}`) },
  { name: 'a purchase whose category is a lone surrogate', stream: 'orders', outcome: 'schema', value: (ts, id) => Buffer.from(purchase(ts, id, { category: 'SURROGATE' }).toString().replace('SURROGATE', '\\ud800')) },
  { name: 'a purchase of 9,999,999,999.99', stream: 'orders', outcome: 'stored', value: (ts, id) => purchase(ts, id, { price: 9_999_999_999.99, quantity: 1 }) },
  { name: 'an unknown big integer 9007199254740993', stream: 'orders', outcome: 'stored', value: (ts, id) => viewWithRawMembers(ts, id, '"big":9007199254740993') },
  { name: 'an unknown number beyond a double (1e400)', stream: 'orders', outcome: 'stored', value: (ts, id) => viewWithRawMembers(ts, id, '"huge":1e400,"tiny":-1e-400') },
  { name: 'a number of 40 significant digits (beyond DynamoDB\'s 38)', stream: 'orders', outcome: 'stored', value: (ts, id) => viewWithRawMembers(ts, id, '"precise":1234567890.123456789012345678901234567890') },
  { name: 'a userId beyond the safe integers', stream: 'orders', outcome: 'schema', value: (ts, id) => Buffer.from(bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), userId: 7 })).toString().replace('"userId":7', '"userId":9007199254740993')) },
  { name: 'a purchase beyond the largest summable amount', stream: 'orders', outcome: 'schema', value: (ts, id) => purchase(ts, id, { price: 1e14, quantity: 1 }) },
  { name: 'an unknown object nested 33 levels', stream: 'orders', outcome: 'schema', value: (ts, id) => viewWithRawMembers(ts, id, `"deep":${'{"a":'.repeat(32)}1${'}'.repeat(32)}`) },
  { name: 'an unknown object nested 32 levels (the limit)', stream: 'orders', outcome: 'stored', value: (ts, id) => viewWithRawMembers(ts, id, `"deep":${'{"a":'.repeat(31)}1${'}'.repeat(31)}`) },
  { name: 'an empty member name', stream: 'orders', outcome: 'stored', value: (ts, id) => viewWithRawMembers(ts, id, '"":"empty name","nested":{"":1}') },
  { name: 'a member name that is a lone surrogate', stream: 'orders', outcome: 'schema', value: (ts, id) => viewWithRawMembers(ts, id, '"\\udc00":1') },
  { name: 'a category too long for a DynamoDB sort key', stream: 'orders', outcome: 'schema', value: (ts, id) => purchase(ts, id, { category: 'é'.repeat(400) }) },
  { name: 'a category beyond 1 KB that is no key (a view)', stream: 'orders', outcome: 'stored', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), category: 'é'.repeat(2_000) })) },
  { name: 'an enriched event beyond one DynamoDB item (NFC expands the category)', stream: 'orders', outcome: 'too_large', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), category: '\uFB2C'.repeat(85_000) })) },
  { name: 'a record timestamp beyond the JavaScript date range', stream: 'orders', outcome: 'schema', recordTimestamp: 8_640_000_000_000_001, value: (_ts, id) => bytesOf(aView({ eventId: id })) },
  { name: 'a record timestamp in the year 10000', stream: 'orders', outcome: 'schema', recordTimestamp: Date.UTC(10_000, 0, 1), value: (_ts, id) => bytesOf(aView({ eventId: id })) },
  { name: 'bytes that are not UTF-8', stream: 'orders', outcome: 'bad_encoding', value: () => Buffer.from('{"category":"Ros\xe9"}', 'latin1') },
  { name: 'truncated JSON', stream: 'orders', outcome: 'malformed_json', value: () => Buffer.from('{"eventId":') },
  { name: 'a JSON array', stream: 'orders', outcome: 'not_an_object', value: () => Buffer.from('[1,2]') },
  { name: 'JSON null', stream: 'orders', outcome: 'not_an_object', value: () => Buffer.from('null') },
  { name: 'a JSON string', stream: 'orders', outcome: 'not_an_object', value: () => Buffer.from('"hello"') },
  { name: 'a JSON number', stream: 'orders', outcome: 'not_an_object', value: () => Buffer.from('42') },
  { name: 'an empty value', stream: 'orders', outcome: 'not_an_object', value: () => Buffer.alloc(0) },
  { name: 'no value (a tombstone)', stream: 'orders', outcome: 'not_an_object', value: () => null },
  { name: 'a value near 1 MB', stream: 'orders', outcome: 'too_large', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), pad: 'x'.repeat(1_000_000) })) },
  { name: 'another value near 1 MB (its dead letter shares a batch with the first)', stream: 'orders', outcome: 'too_large', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), pad: 'y'.repeat(1_040_000) })) },
  { name: 'a userId of the wrong type', stream: 'orders', outcome: 'schema', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 1_000), userId: '42' })) },
  { name: 'an unknown event type', stream: 'orders', outcome: 'schema', value: (ts, id) => purchase(ts, id, { type: 'refund' }) },
  { name: 'an event time in the year 9999', stream: 'orders', outcome: 'too_early', value: (_ts, id) => bytesOf(aView({ eventId: id, ts: '9999-12-31T23:59:59Z' })) },
  { name: 'an event time of 1970', stream: 'orders', outcome: 'too_late', value: (_ts, id) => bytesOf(aView({ eventId: id, ts: '1970-01-01T00:00:00Z' })) },
  { name: 'an event time of the year 1', stream: 'orders', outcome: 'too_late', value: (_ts, id) => bytesOf(aView({ eventId: id, ts: '0001-01-01T00:00:00Z' })) },
  { name: 'an event just older than the retention', stream: 'orders', outcome: 'too_late', value: (ts, id) => bytesOf(aView({ eventId: id, ts: iso(ts - 90 * DAY_MS - 60_000) })) },
  { name: 'repeated member names (the last one wins)', stream: 'orders', outcome: 'stored', value: (ts, id) => Buffer.from(`{"eventId":"first",${JSON.stringify(aView({ eventId: id, ts: iso(ts - 1_000) })).slice(1, -1)},"big":1e400}`) },
  { name: 'a ticket request of 2,001 characters', stream: 'tickets', outcome: 'schema', value: (ts, id) => bytesOf(aTicket({ ticketId: id, createdAt: iso(ts - 1_000), request: 'r'.repeat(2_001) })) },
  { name: 'a ticket with an unknown priority', stream: 'tickets', outcome: 'schema', value: (ts, id) => bytesOf(aTicket({ ticketId: id, createdAt: iso(ts - 1_000), priority: 'urgent' })) },
];
