import { DEFAULT_VALIDATION_LIMITS } from '../../../lambdas/config/settings';
import { orderEventSchema } from '../../../lambdas/domain/streams/orders';
import { streamOfTopic } from '../../../lambdas/domain/streams/registry';
import {
  describeSchemaIssues,
  validateRecord,
  type InvalidRecord,
  type ValidationResult,
} from '../../../lambdas/domain/validation';
import { EVENT_TIME_MS, aTicket, aView, anOrder, bytesOf } from '../../helpers/events';

const orders = streamOfTopic('orders');
const tickets = streamOfTopic('tickets');

const LIMITS = DEFAULT_VALIDATION_LIMITS;

/** A record timestamp a little after the factories' event time, as a broker would stamp it. */
const RECORD_TS = EVENT_TIME_MS + 1_500;

function expectInvalid(result: ValidationResult): InvalidRecord {
  if (result.valid) throw new Error(`expected an invalid record, got a valid one: ${JSON.stringify(result.event)}`);
  return result;
}

describe('validateRecord', () => {
  it('accepts a valid purchase and enriches it', () => {
    // Act
    const result = validateRecord(orders, bytesOf(anOrder({ eventId: 'o-1', price: 1.005, quantity: 1 })), RECORD_TS, LIMITS);

    // Assess
    expect(result).toMatchObject({ valid: true, eventId: 'o-1', eventTimeMs: EVENT_TIME_MS, enriched: { amount: 1.01, category: 'books' } });
  });

  it('uses each stream its own id and event time field', () => {
    // Act
    const result = validateRecord(tickets, bytesOf(aTicket({ ticketId: 't-77' })), RECORD_TS, LIMITS);

    // Assess
    expect(result).toMatchObject({ valid: true, eventId: 't-77', eventTimeMs: EVENT_TIME_MS, enriched: { team: 'Technical Support' } });
  });

  it('accepts a value with a UTF-8 byte order mark', () => {
    // Prepare
    const value = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytesOf(aView())]);

    // Act
    const result = validateRecord(orders, value, RECORD_TS, LIMITS);

    // Assess
    expect(result.valid).toBe(true);
  });

  it.each([
    ['a Latin-1 é', Buffer.from('{"category":"Ros\xe9"}', 'latin1')],
    ['a lone continuation byte', Buffer.from([0x7b, 0x80, 0x7d])],
    ['an encoded UTF-16 surrogate', Buffer.from([0x22, 0xed, 0xa0, 0x80, 0x22])],
    ['an overlong encoding', Buffer.from([0xc0, 0xaf])],
    ['a truncated sequence', Buffer.from([0x22, 0xe2, 0x82])],
  ])('rejects a value that is not UTF-8 (%s) with reason bad_encoding', (_case, value) => {
    // Act
    const invalid = expectInvalid(validateRecord(orders, value, RECORD_TS, LIMITS));

    // Assess
    expect(invalid).toEqual({ valid: false, reason: 'bad_encoding', detail: 'value is not valid UTF-8' });
  });

  it.each([
    ['a truncated object', '{"eventId":'],
    ['single quotes', "{'eventId':'o-1'}"],
    ['a trailing comma', '{"eventId":"o-1",}'],
    ['bare text', 'hello'],
  ])('rejects %s with reason malformed_json and the parser message', (_case, text) => {
    // Act
    const invalid = expectInvalid(validateRecord(orders, Buffer.from(text), RECORD_TS, LIMITS));

    // Assess
    expect(invalid.reason).toBe('malformed_json');
    expect(invalid.detail).not.toBe('');
  });

  it.each([
    ['an array', '[{"eventId":"o-1"}]', 'value is an array, not a JSON object'],
    ['a number', '42', 'value is a number, not a JSON object'],
    ['a string', '"purchase"', 'value is a string, not a JSON object'],
    ['a boolean', 'true', 'value is a boolean, not a JSON object'],
    ['null', 'null', 'value is null, not a JSON object'],
    ['an empty value', '', 'value is empty'],
    ['white space only', ' \n\t ', 'value is empty'],
  ])('rejects %s with reason not_an_object', (_case, text, detail) => {
    // Act
    const invalid = expectInvalid(validateRecord(orders, Buffer.from(text), RECORD_TS, LIMITS));

    // Assess
    expect(invalid).toEqual({ valid: false, reason: 'not_an_object', detail });
  });

  it('rejects a record without a value (a tombstone) with reason not_an_object', () => {
    // Act
    const invalid = expectInvalid(validateRecord(orders, null, RECORD_TS, LIMITS));

    // Assess
    expect(invalid).toEqual({ valid: false, reason: 'not_an_object', detail: 'the record has no value (a tombstone)' });
  });

  describe('size', () => {
    /** A valid order padded with an extra field to exactly `bytes` bytes. */
    function orderOfSize(bytes: number): Buffer {
      const empty = bytesOf(anOrder({ note: '' })).byteLength;
      const value = bytesOf(anOrder({ note: 'x'.repeat(bytes - empty) }));
      expect(value.byteLength).toBe(bytes);
      return value;
    }

    it('accepts a value of exactly 256 KiB', () => {
      // Prepare
      const value = orderOfSize(256 * 1024);

      // Act
      const result = validateRecord(orders, value, RECORD_TS, LIMITS);

      // Assess
      expect(result.valid).toBe(true);
    });

    it('rejects a value of 256 KiB + 1 byte with reason too_large, stating size and limit', () => {
      // Prepare
      const value = orderOfSize(256 * 1024 + 1);

      // Act
      const invalid = expectInvalid(validateRecord(orders, value, RECORD_TS, LIMITS));

      // Assess
      expect(invalid).toEqual({ valid: false, reason: 'too_large', detail: 'value is 262145 bytes; the limit is 262144' });
    });
  });

  describe('schema', () => {
    it('rejects an event the schema refuses with reason schema, naming the field', () => {
      // Act
      const invalid = expectInvalid(validateRecord(orders, bytesOf(anOrder({ userId: 0 })), RECORD_TS, LIMITS));

      // Assess
      expect(invalid.reason).toBe('schema');
      expect(invalid.detail).toMatch(/^userId: /);
    });

    it('explains a purchase without price', () => {
      // Act
      const invalid = expectInvalid(validateRecord(orders, bytesOf(anOrder({ price: undefined })), RECORD_TS, LIMITS));

      // Assess
      expect(invalid).toEqual({ valid: false, reason: 'schema', detail: 'price: required when type is purchase' });
    });

    it('names every offending field, separated by semicolons', () => {
      // Act
      const invalid = expectInvalid(
        validateRecord(orders, bytesOf(anOrder({ eventId: 'e'.repeat(65), channel: 'fax', ts: '2026-11-25T04:07:15' })), RECORD_TS, LIMITS),
      );

      // Assess
      expect(invalid.detail.split('; ').map((part) => part.split(':')[0])).toEqual(['eventId', 'channel', 'ts']);
    });

    it('rejects a ticket whose creation time has no zone, naming createdAt', () => {
      // Act
      const invalid = expectInvalid(validateRecord(tickets, bytesOf(aTicket({ createdAt: '2026-11-25T04:07:15' })), RECORD_TS, LIMITS));

      // Assess
      expect(invalid.reason).toBe('schema');
      expect(invalid.detail).toMatch(/^createdAt: /);
    });
  });

  describe('time bounds, relative to the record timestamp', () => {
    const recordTs = Date.parse('2026-11-25T04:07:30.000Z');
    const iso = (epochMs: number) => new Date(epochMs).toISOString();

    it('accepts an event exactly as old as the retention', () => {
      // Prepare
      const value = bytesOf(anOrder({ ts: iso(recordTs - LIMITS.retentionMs) }));

      // Act
      const result = validateRecord(orders, value, recordTs, LIMITS);

      // Assess
      expect(result.valid).toBe(true);
    });

    it('rejects an event 1 ms older than the retention with reason too_late, naming the event time', () => {
      // Prepare
      const ts = iso(recordTs - LIMITS.retentionMs - 1);

      // Act
      const invalid = expectInvalid(validateRecord(orders, bytesOf(anOrder({ ts })), recordTs, LIMITS));

      // Assess
      expect(invalid.reason).toBe('too_late');
      expect(invalid.detail).toBe(`event time ${ts} is older than the retention of 90 days`);
    });

    it('accepts an event exactly the maximum clock skew ahead of its record', () => {
      // Prepare
      const value = bytesOf(anOrder({ ts: iso(recordTs + LIMITS.maxClockSkewMs) }));

      // Act
      const result = validateRecord(orders, value, recordTs, LIMITS);

      // Assess
      expect(result.valid).toBe(true);
    });

    it('rejects an event 1 ms beyond the maximum clock skew with reason too_early, naming event and record time', () => {
      // Prepare
      const ts = iso(recordTs + LIMITS.maxClockSkewMs + 1);

      // Act
      const invalid = expectInvalid(validateRecord(orders, bytesOf(anOrder({ ts })), recordTs, LIMITS));

      // Assess
      expect(invalid.reason).toBe('too_early');
      expect(invalid.detail).toBe(`event time ${ts} is more than 300 s ahead of its record time 2026-11-25T04:07:30.000Z`);
    });

    it('compares a zoned event time by its instant', () => {
      // Prepare: 09:12:30+05:00 is 04:12:30Z, exactly 5 minutes after the record.
      const value = bytesOf(anOrder({ ts: '2026-11-25T09:12:30.001+05:00' }));

      // Act
      const invalid = expectInvalid(validateRecord(orders, value, recordTs, LIMITS));

      // Assess
      expect(invalid.reason).toBe('too_early');
    });

    it('applies the bounds to the creation time of a ticket', () => {
      // Prepare
      const value = bytesOf(aTicket({ createdAt: iso(recordTs - LIMITS.retentionMs - 1) }));

      // Act
      const invalid = expectInvalid(validateRecord(tickets, value, recordTs, LIMITS));

      // Assess
      expect(invalid.reason).toBe('too_late');
    });

    describe('for a stream whose event time is a number (epoch ms)', () => {
      /** Tickets whose event time is whatever `eventTime` returns, as a stream without a time field of its own. */
      const timedBy = (eventTime: (recordTimestampMs: number) => number): typeof tickets => ({
        ...tickets,
        eventTime: (_event, recordTimestampMs) => eventTime(recordTimestampMs),
      });

      it('places the event at the record time it is given', () => {
        // Act
        const result = validateRecord(timedBy((recordTimestampMs) => recordTimestampMs), bytesOf(aTicket()), recordTs, LIMITS);

        // Assess
        expect(result).toMatchObject({ valid: true, eventTimeMs: recordTs });
      });

      it('applies the bounds to it, naming it in ISO-8601', () => {
        // Prepare
        const stream = timedBy((recordTimestampMs) => recordTimestampMs + LIMITS.maxClockSkewMs + 1);

        // Act
        const invalid = expectInvalid(validateRecord(stream, bytesOf(aTicket()), recordTs, LIMITS));

        // Assess
        expect(invalid).toEqual({
          valid: false,
          reason: 'too_early',
          detail: 'event time 2026-11-25T04:12:30.001Z is more than 300 s ahead of its record time 2026-11-25T04:07:30.000Z',
        });
      });

      it.each([[Number.NaN], [8.64e15 + 1]])('refuses %p, which is no date, with reason schema', (eventTimeMs) => {
        // Act
        const invalid = expectInvalid(validateRecord(timedBy(() => eventTimeMs), bytesOf(aTicket()), recordTs, LIMITS));

        // Assess
        expect(invalid).toEqual({ valid: false, reason: 'schema', detail: `event time ${eventTimeMs} is not a date` });
      });
    });

    describe('whatever the wall clock says', () => {
      afterEach(() => {
        jest.useRealTimers();
      });

      it('classifies a record the same way years after it was produced', () => {
        // Prepare
        const value = bytesOf(anOrder({ ts: iso(recordTs - 1000) }));
        const early = bytesOf(anOrder({ ts: iso(recordTs + LIMITS.maxClockSkewMs + 1) }));
        jest.useFakeTimers({ now: Date.parse('2031-01-01T00:00:00Z') });

        // Act
        const results = [validateRecord(orders, value, recordTs, LIMITS), validateRecord(orders, early, recordTs, LIMITS)];

        // Assess
        expect(results.map((result) => (result.valid ? 'valid' : result.reason))).toEqual(['valid', 'too_early']);
      });
    });
  });
});

describe('describeSchemaIssues', () => {
  it('describes an issue without a path as (root)', () => {
    // Prepare
    const result = orderEventSchema.safeParse(42);
    if (result.success) throw new Error('expected the schema to reject 42');

    // Act
    const detail = describeSchemaIssues(result.error);

    // Assess
    expect(detail).toMatch(/^\(root\): /);
  });
});
