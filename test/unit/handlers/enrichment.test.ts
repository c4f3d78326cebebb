import { DEFAULT_VALIDATION_LIMITS } from '../../../lambdas/config/settings';
import type { EventToStore, RejectedEvent } from '../../../lambdas/adapters/dynamodb/eventsRepository';
import { NotAnMskEventError, type KafkaRecord } from '../../../lambdas/adapters/kafka/mskEvent';
import { MessageTooLargeError, type KafkaPublisher, type OutgoingMessage } from '../../../lambdas/adapters/kafka/port';
import { DEAD_LETTER_HEADERS, createEnrichmentHandler, deadLetterOf } from '../../../lambdas/handlers/enrichment';
import { EVENT_TIME_MS, aTicket, aView, anOrder, bytesOf } from '../../helpers/events';
import { buildMskEvent, type RecordSpec } from '../../helpers/mskEvents';
import { recordingMetrics } from '../../helpers/recordingMetrics';

const LIMITS = DEFAULT_VALIDATION_LIMITS;
const RECORD_TS = EVENT_TIME_MS + 1_200;

function setUp() {
  const putEvents = jest.fn<Promise<RejectedEvent[]>, [readonly EventToStore[]]>().mockResolvedValue([]);
  const send = jest.fn<Promise<void>, [string, readonly OutgoingMessage[]]>().mockResolvedValue(undefined);
  const deadLetters: KafkaPublisher = { send, disconnect: jest.fn<Promise<void>, []>().mockResolvedValue(undefined) };
  const metrics = recordingMetrics();
  const handle = createEnrichmentHandler({ events: { putEvents }, deadLetters, limits: LIMITS, metrics, now: () => RECORD_TS + 4_000 });
  return { putEvents, send, handle, metrics };
}

function orderRecord(offset: number, value: Buffer | string | null, extra: Partial<RecordSpec> = {}): RecordSpec {
  return { topic: 'orders', partition: 2, offset, timestamp: RECORD_TS, key: '42', value, ...extra };
}

/** The values of header `name` of a message, in order, as text. */
function headerValues(message: OutgoingMessage | undefined, name: string): string[] {
  return (message?.headers ?? []).filter(([header]) => header === name).map(([, value]) => value.toString());
}

/** The last value of header `name`: what a reader taking one value per name sees. */
function header(message: OutgoingMessage | undefined, name: string): string | undefined {
  return headerValues(message, name).at(-1);
}

/** The messages sent to `topic`, over all calls. */
function sentTo(send: jest.Mock<Promise<void>, [string, readonly OutgoingMessage[]]>, topic: string): OutgoingMessage[] {
  return send.mock.calls.filter(([target]) => target === topic).flatMap(([, messages]) => [...messages]);
}

describe('enrichment handler', () => {
  it('stores a valid event with its stream, id, event time and enrichment', async () => {
    // Prepare
    const { putEvents, send, handle } = setUp();
    const event = buildMskEvent([orderRecord(5, bytesOf(anOrder({ eventId: 'o-5', category: ' Rosé  Wine ', price: 1.005, quantity: 1 })))]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toEqual({ stored: 1, deadLettered: 0, unprocessable: 0 });
    expect(putEvents).toHaveBeenCalledTimes(1);
    expect(putEvents.mock.calls[0]?.[0]).toEqual([
      {
        stream: 'orders',
        eventId: 'o-5',
        eventTimeMs: EVENT_TIME_MS,
        enrichedJson: expect.any(String),
      },
    ]);
    expect(JSON.parse(putEvents.mock.calls[0]?.[0][0]?.enrichedJson ?? '')).toMatchObject({
      eventId: 'o-5',
      category: 'rosé wine',
      amount: 1.01,
      minute: '2026-11-25T04:07:00Z',
    });
    expect(send).not.toHaveBeenCalled();
  });

  it('stores the valid events of every stream in one call', async () => {
    // Prepare
    const { putEvents, handle } = setUp();
    const event = buildMskEvent([
      orderRecord(1, bytesOf(aView({ eventId: 'v-1' }))),
      { topic: 'tickets', partition: 0, offset: 9, timestamp: RECORD_TS, key: '7', value: bytesOf(aTicket({ ticketId: 't-9' })) },
    ]);

    // Act
    await handle(event);

    // Assess
    expect(putEvents).toHaveBeenCalledTimes(1);
    expect(putEvents.mock.calls[0]?.[0].map((stored) => `${stored.stream}/${stored.eventId}`)).toEqual(['orders/v-1', 'tickets/t-9']);
  });

  it('dead-letters a record that is not UTF-8 with reason bad_encoding, keeping its bytes and key', async () => {
    // Prepare
    const { send, handle } = setUp();
    const bytes = Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0x22, 0x7d]);
    const event = buildMskEvent([orderRecord(17, bytes)]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toEqual({ stored: 0, deadLettered: 1, unprocessable: 0 });
    expect(send).toHaveBeenCalledTimes(1);
    const [letter] = sentTo(send, 'orders.dlq');
    expect(letter?.key).toEqual(Buffer.from('42'));
    expect(letter?.value).toEqual(bytes);
    expect(header(letter, DEAD_LETTER_HEADERS.reason)).toBe('bad_encoding');
  });

  it('heads a dead letter with reason, detail and the source topic, partition, offset and timestamp', async () => {
    // Prepare
    const { send, handle } = setUp();
    const event = buildMskEvent([orderRecord(17, bytesOf(anOrder({ price: undefined })))]);

    // Act
    await handle(event);

    // Assess
    expect(sentTo(send, 'orders.dlq')[0]?.headers).toEqual([
      ['pulse-reason', 'schema'],
      ['pulse-detail', 'price: required when type is purchase'],
      ['pulse-source-topic', 'orders'],
      ['pulse-source-partition', '2'],
      ['pulse-source-offset', '17'],
      ['pulse-source-timestamp', String(RECORD_TS)],
    ]);
  });

  it('keeps the original headers of a dead letter beside its own', async () => {
    // Prepare
    const { send, handle } = setUp();
    const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
    const event = buildMskEvent([orderRecord(3, '{"broken":', { headers: [['traceparent', traceparent], ['raw', Buffer.from([0, 255])]] })]);

    // Act
    await handle(event);

    // Assess
    expect(sentTo(send, 'orders.dlq')[0]?.headers?.slice(0, 3)).toEqual([
      ['traceparent', Buffer.from(traceparent)],
      ['raw', Buffer.from([0, 255])],
      ['pulse-reason', 'malformed_json'],
    ]);
  });

  it('keeps an original header named like one of its own, before its own', async () => {
    // Prepare: a record that was dead-lettered before, and replayed.
    const { send, handle } = setUp();
    const event = buildMskEvent([orderRecord(3, '{"broken":', { headers: [['pulse-reason', 'schema'], ['pulse-source-offset', '99']] })]);

    // Act
    await handle(event);

    // Assess
    const [letter] = sentTo(send, 'orders.dlq');
    expect(headerValues(letter, 'pulse-reason')).toEqual(['schema', 'malformed_json']);
    expect(headerValues(letter, 'pulse-source-offset')).toEqual(['99', '3']);
    expect(header(letter, 'pulse-reason')).toBe('malformed_json');
  });

  it('keeps every value of an original header that occurs more than once', async () => {
    // Prepare
    const { send, handle } = setUp();
    const event = buildMskEvent([orderRecord(3, '{"broken":', { headers: [['tag', 'a'], ['tag', 'b']] })]);

    // Act
    await handle(event);

    // Assess
    expect(headerValues(sentTo(send, 'orders.dlq')[0], 'tag')).toEqual(['a', 'b']);
  });

  it('dead-letters a record without key and value as such', async () => {
    // Prepare
    const { send, handle } = setUp();
    const event = buildMskEvent([orderRecord(8, null, { key: null })]);

    // Act
    await handle(event);

    // Assess
    const [letter] = sentTo(send, 'orders.dlq');
    expect(letter).toMatchObject({ key: null, value: null });
    expect(header(letter, 'pulse-reason')).toBe('not_an_object');
  });

  it('dead-letters each invalid record to the dead-letter topic of its own stream', async () => {
    // Prepare
    const { send, handle } = setUp();
    const event = buildMskEvent([
      orderRecord(1, '[]'),
      { topic: 'tickets', partition: 1, offset: 4, timestamp: RECORD_TS, key: '7', value: bytesOf(aTicket({ clientId: 0 })) },
      orderRecord(2, 'null'),
    ]);

    // Act
    await handle(event);

    // Assess
    expect(send.mock.calls.map(([topic, messages]) => [topic, messages.length])).toEqual([
      ['orders.dlq', 2],
      ['tickets.dlq', 1],
    ]);
    expect(header(sentTo(send, 'tickets.dlq')[0], DEAD_LETTER_HEADERS.detail)).toMatch(/^clientId: /);
  });

  it('dead-letters as unprocessable an event DynamoDB refuses, with the store\'s reason, and counts it', async () => {
    // Prepare
    const { putEvents, send, handle, metrics } = setUp();
    putEvents.mockImplementation(async (events) => events.filter((stored) => stored.eventId === 'v-2').map((stored) => ({ event: stored, detail: 'ValidationException: too big' })));
    const event = buildMskEvent([orderRecord(1, bytesOf(aView({ eventId: 'v-1' }))), orderRecord(2, bytesOf(aView({ eventId: 'v-2' })))]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toEqual({ stored: 1, deadLettered: 1, unprocessable: 1 });
    const [letter] = sentTo(send, 'orders.dlq');
    expect(letter?.value).toEqual(bytesOf(aView({ eventId: 'v-2' })));
    expect(header(letter, DEAD_LETTER_HEADERS.reason)).toBe('unprocessable');
    expect(header(letter, DEAD_LETTER_HEADERS.detail)).toBe('DynamoDB refused the event: ValidationException: too big');
    expect(header(letter, DEAD_LETTER_HEADERS.sourceOffset)).toBe('2');
    expect(metrics.points).toContainEqual(['UnprocessableRecords', 'Count', 1, undefined]);
  });

  it('sends a letter the dead-letter topic refuses for its size again without its value, saying how many bytes it left out', async () => {
    // Prepare
    const { send, handle } = setUp();
    send.mockImplementationOnce(async () => {
      throw new MessageTooLargeError(0, 1_000_300, 'orders.dlq refused a message');
    });
    const huge = Buffer.alloc(300_000, 0x78);
    const event = buildMskEvent([orderRecord(4, huge), orderRecord(5, '[]')]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result.deadLettered).toBe(2);
    const retried = send.mock.calls[1]?.[1] ?? [];
    expect(retried).toHaveLength(2);
    expect(retried[0]?.value).toBeNull();
    expect(header(retried[0], DEAD_LETTER_HEADERS.valueOmitted)).toBe(String(huge.byteLength));
    expect(header(retried[0], DEAD_LETTER_HEADERS.reason)).toBe('too_large');
    expect(retried[1]?.value).toEqual(Buffer.from('[]'));
  });

  it('does not fail the batch for an invalid record, and stores the valid ones', async () => {
    // Prepare
    const { putEvents, handle } = setUp();
    const event = buildMskEvent([orderRecord(1, bytesOf(aView({ eventId: 'v-1' }))), orderRecord(2, '{"broken":'), orderRecord(3, bytesOf(aView({ eventId: 'v-3' })))]);

    // Act
    const result = await handle(event);

    // Assess
    expect(result).toEqual({ stored: 2, deadLettered: 1, unprocessable: 0 });
    expect(putEvents.mock.calls[0]?.[0].map((stored) => stored.eventId)).toEqual(['v-1', 'v-3']);
  });

  it('counts per stream the events stored and the dead letters, and the age of the newest record, in one publish', async () => {
    // Prepare
    const { handle, metrics } = setUp();
    const event = buildMskEvent([
      orderRecord(1, bytesOf(aView({ eventId: 'v-1' }))),
      orderRecord(2, '{"broken":', { timestamp: RECORD_TS + 1_000 }),
      { topic: 'tickets', partition: 0, offset: 9, timestamp: RECORD_TS, key: '7', value: bytesOf(aTicket()) },
    ]);

    // Act
    await handle(event);

    // Assess
    expect(metrics.points).toEqual([
      ['EventsStored', 'Count', 1, 'orders'],
      ['DeadLetters', 'Count', 1, 'orders'],
      ['NewestRecordAge', 'Milliseconds', 3_000, 'orders'],
      ['EventsStored', 'Count', 1, 'tickets'],
      ['DeadLetters', 'Count', 0, 'tickets'],
      ['NewestRecordAge', 'Milliseconds', 4_000, 'tickets'],
    ]);
    expect(metrics.published()).toBe(1);
  });

  it('records no metrics for a batch that fails, since Lambda will deliver it again', async () => {
    // Prepare
    const { putEvents, handle, metrics } = setUp();
    putEvents.mockRejectedValue(new Error('throttled'));

    // Act
    await handle(buildMskEvent([orderRecord(1, bytesOf(aView()))])).catch(() => undefined);

    // Assess
    expect(metrics.points).toEqual([]);
    expect(metrics.published()).toBe(0);
  });

  it('rejects the invocation when a dead letter cannot be sent', async () => {
    // Prepare
    const { send, handle } = setUp();
    send.mockRejectedValue(new Error('broker unavailable'));
    const event = buildMskEvent([orderRecord(1, '{"broken":')]);

    // Act
    const handling = handle(event);

    // Assess
    await expect(handling).rejects.toThrow('broker unavailable');
  });

  it('rejects the invocation when the valid events cannot be stored', async () => {
    // Prepare
    const { putEvents, handle } = setUp();
    putEvents.mockRejectedValue(new Error('throttled'));
    const event = buildMskEvent([orderRecord(1, bytesOf(aView()))]);

    // Act
    const handling = handle(event);

    // Assess
    await expect(handling).rejects.toThrow('throttled');
  });

  it('rejects an event that is not an MSK event', async () => {
    // Prepare
    const { putEvents, handle } = setUp();

    // Act
    const handling = handle({ Records: [] });

    // Assess
    await expect(handling).rejects.toBeInstanceOf(NotAnMskEventError);
    expect(putEvents).not.toHaveBeenCalled();
  });

  it('rejects a record of a topic no stream is registered for, naming the topic', async () => {
    // Prepare
    const { handle } = setUp();
    const event = buildMskEvent([{ topic: 'payments', partition: 0, offset: 0, timestamp: RECORD_TS, value: '{}' }]);

    // Act
    const handling = handle(event);

    // Assess
    await expect(handling).rejects.toThrow('"payments"');
  });
});

describe('deadLetterOf', () => {
  it('caps the detail header at 1024 characters', () => {
    // Prepare
    const record: KafkaRecord = {
      topic: 'orders',
      partition: 0,
      offset: 1,
      partitionKey: 'orders-0',
      timestampMs: RECORD_TS,
      timestampType: 'CREATE_TIME',
      key: null,
      value: Buffer.from('{}'),
      headers: [],
    };

    // Act
    const letter = deadLetterOf(record, { valid: false, reason: 'schema', detail: 'x'.repeat(5000) });

    // Assess
    expect(header(letter, DEAD_LETTER_HEADERS.detail)).toBe('x'.repeat(1024));
  });
});
