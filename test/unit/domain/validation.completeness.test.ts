/**
 * Validation is complete: every kind of hostile record gets one fixed outcome, and whatever is
 * accepted can be folded and stored: its keys fit DynamoDB, its JSON text fits one item and keeps
 * every number exactly.
 */
import { DEFAULT_VALIDATION_LIMITS } from '../../../lambdas/config/settings';
import { foldBatch } from '../../../lambdas/domain/aggregation';
import { STORE_LIMITS, aggregateItemKey, eventKey, eventListingSortKey } from '../../../lambdas/domain/itemKeys';
import { streamOfTopic } from '../../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../../lambdas/domain/streams/types';
import { MAX_STORED_EVENT_BYTES, validateRecord, type ValidationResult } from '../../../lambdas/domain/validation';
import { EVENT_TIME_MS, aView, anOrder, bytesOf } from '../../helpers/events';
import { POISON_CASES } from '../../helpers/poisonRecords';

const LIMITS = DEFAULT_VALIDATION_LIMITS;
const RECORD_TS = EVENT_TIME_MS + 2_000;

function outcomeOf(result: ValidationResult): string {
  return result.valid ? 'stored' : result.reason;
}

/** Whatever validation accepts must fold without a fault and fit the store. */
function expectStorable(stream: AnyStreamDefinition, result: ValidationResult): void {
  if (!result.valid) return;
  expect(Buffer.byteLength(result.enrichedJson)).toBeLessThanOrEqual(MAX_STORED_EVENT_BYTES);
  expect(Buffer.byteLength(eventKey(stream.name, result.eventId))).toBeLessThanOrEqual(STORE_LIMITS.partitionKeyBytes);
  expect(Buffer.byteLength(eventListingSortKey(result.eventTimeMs, result.eventId))).toBeLessThanOrEqual(STORE_LIMITS.sortKeyBytes);
  const folded = foldBatch(stream, [{ partition: `${stream.name}-0`, offset: 0, recordTimestampMs: RECORD_TS, result }]);
  expect(folded.unfoldable).toEqual([]);
  for (const delta of folded.deltas) {
    const key = aggregateItemKey(delta.key);
    expect(Buffer.byteLength(key.sk)).toBeLessThanOrEqual(STORE_LIMITS.sortKeyBytes);
    expect(Buffer.byteLength(key.pk)).toBeLessThanOrEqual(STORE_LIMITS.partitionKeyBytes);
  }
}

describe('validateRecord on hostile records', () => {
  it('has at least 25 kinds of poison input', () => {
    expect(POISON_CASES.length).toBeGreaterThanOrEqual(25);
  });

  it.each(POISON_CASES.map((poison) => [poison.name, poison] as const))('gives %s its one outcome, and keeps what it accepts storable', (_name, poison) => {
    // Prepare
    const stream = streamOfTopic(poison.stream);
    const recordTs = poison.recordTimestamp ?? RECORD_TS;

    // Act
    const result = validateRecord(stream, poison.value(RECORD_TS, 'poison-1'), recordTs, LIMITS);

    // Assess
    expect({ outcome: outcomeOf(result), detail: result.valid ? '' : result.detail.length > 0 }).toEqual({
      outcome: poison.outcome,
      detail: result.valid ? '' : true,
    });
    expectStorable(stream, result);
  });
});

describe('validateRecord keeps numbers exactly', () => {
  const orders = streamOfTopic('orders');
  const stored = (text: string): string => {
    const base = JSON.stringify(aView({ eventId: 'v' }));
    const result = validateRecord(orders, Buffer.from(`${base.slice(0, -1)},${text}}`), RECORD_TS, LIMITS);
    if (!result.valid) throw new Error(`expected a valid record, got ${result.reason}: ${result.detail}`);
    return result.enrichedJson;
  };

  it('stores an unknown big integer as sent, not rounded', () => {
    expect(stored('"big":9007199254740993')).toContain('"big":9007199254740993');
  });

  it('stores numbers beyond a double and beyond 38 digits as sent', () => {
    const json = stored('"huge":1e400,"tiny":-1e-400,"precise":1234567890.123456789012345678901234567890,"nested":[{"n":12345678901234567890}]');
    expect(json).toContain('"huge":1e400,"tiny":-1e-400,"precise":1234567890.123456789012345678901234567890,"nested":[{"n":12345678901234567890}]');
  });

  it('leaves numbers a double holds as plain numbers', () => {
    expect(stored('"half":0.5,"big":1e300,"odd":0.30000000000000004')).toContain('"half":0.5,"big":1e+300,"odd":0.30000000000000004');
  });

  it('names a known field whose number no double holds', () => {
    const value = Buffer.from(bytesOf(aView()).toString().replace('"userId":42', '"userId":9007199254740993'));
    const result = validateRecord(orders, value, RECORD_TS, LIMITS);
    expect(result).toMatchObject({
      valid: false,
      reason: 'schema',
      detail: 'userId: 9007199254740993 cannot be carried exactly as a number (more than 15 significant digits, or out of range)',
    });
  });
});

describe('validateRecord and the stream\'s own code', () => {
  it('gives an event whose enrichment throws the reason unprocessable, with the error', () => {
    // Prepare
    const orders = streamOfTopic('orders');
    const broken: AnyStreamDefinition = {
      ...orders,
      enrich: () => {
        throw new TypeError('enrich blew up');
      },
    };

    // Act
    const result = validateRecord(broken, bytesOf(anOrder()), RECORD_TS, LIMITS);

    // Assess
    expect(result).toEqual({ valid: false, reason: 'unprocessable', detail: 'orders could not process the event: TypeError: enrich blew up' });
  });
});

describe('category normalisation', () => {
  it('puts Rosé written with a combining accent in the same group as the precomposed é', () => {
    // Prepare
    const orders = streamOfTopic('orders');
    const precomposed = validateRecord(orders, bytesOf(anOrder({ category: 'Ros\u00e9  Wine ' })), RECORD_TS, LIMITS);
    const combining = validateRecord(orders, bytesOf(anOrder({ category: ' Rose\u0301 wine' })), RECORD_TS, LIMITS);

    // Assess
    expect(precomposed).toMatchObject({ valid: true, enriched: { category: 'rosé wine' } });
    expect(combining).toMatchObject({ valid: true, enriched: { category: 'rosé wine' } });
  });
});
