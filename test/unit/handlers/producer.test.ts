import type { KafkaPublisher, OutgoingMessage } from '../../../lambdas/adapters/kafka/port';
import { seededRandom } from '../../../lambdas/domain/random';
import { findStream } from '../../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../../lambdas/domain/streams/types';
import { createProducerHandler, type ProducerDependencies } from '../../../lambdas/handlers/producer';
import { recordingMetrics } from '../../helpers/recordingMetrics';

const NOW = Date.parse('2026-11-25T04:07:30.000Z');
/** The generators' own delivery delay, which comes on top of the spread. */
const GENERATOR_DELAY_MS = 2_000;

/** What the producer returns when it sends `count` events of every registered stream. */
const perStream = (count: number) => ({ orders: count, tickets: count, sales: count, tracks: count });

function registered(name: string): AnyStreamDefinition {
  const stream = findStream(name);
  if (!stream) throw new Error(`stream ${name} is not registered`);
  return stream;
}

function setUp(overrides: Partial<ProducerDependencies> = {}) {
  const send = jest.fn<Promise<void>, [string, readonly OutgoingMessage[]]>().mockResolvedValue(undefined);
  const publisher: KafkaPublisher = { send, disconnect: jest.fn<Promise<void>, []>().mockResolvedValue(undefined) };
  const metrics = recordingMetrics();
  const handle = createProducerHandler({ publisher, eventsPerSecond: 5, random: seededRandom(42), now: () => NOW, metrics, ...overrides });
  return { send, handle, metrics };
}

function messagesTo(send: jest.Mock<Promise<void>, [string, readonly OutgoingMessage[]]>, topic: string): readonly OutgoingMessage[] {
  return send.mock.calls.find(([target]) => target === topic)?.[1] ?? [];
}

function parsedValue(message: OutgoingMessage): Record<string, unknown> {
  return JSON.parse(String(message.value)) as Record<string, unknown>;
}

describe('producer handler', () => {
  it('produces rate × schedule period events per stream by default: 5/s for a minute is 300', async () => {
    // Prepare
    const { send, handle } = setUp();

    // Act
    const result = await handle();

    // Assess
    expect(result).toEqual(perStream(300));
    expect(send.mock.calls.map(([topic, messages]) => [topic, messages.length]).sort()).toEqual([
      ['orders', 300],
      ['sales', 300],
      ['tickets', 300],
      ['tracks', 300],
    ]);
  });

  it.each([
    [5, 2_000, 10],
    [0.5, 3_000, 2],
    [12, 60_000, 720],
  ])('produces %p/s over a spread of %p ms as %p events per stream', async (eventsPerSecond, spreadMs, expected) => {
    // Prepare
    const { handle } = setUp({ eventsPerSecond });

    // Act
    const result = await handle({ spreadMs });

    // Assess
    expect(result).toEqual(perStream(expected));
  });

  it('produces exactly eventsPerStream events when the input says so', async () => {
    // Prepare
    const { handle } = setUp();

    // Act
    const result = await handle({ eventsPerStream: 7 });

    // Assess
    expect(result).toEqual(perStream(7));
  });

  it('accepts a null input as the defaults', async () => {
    // Prepare
    const { handle } = setUp({ eventsPerSecond: 1 });

    // Act
    const result = await handle(null);

    // Assess
    expect(result).toEqual(perStream(60));
  });

  it('keys orders by user, tickets by client, sales by product and tracks by track', async () => {
    // Prepare
    const { send, handle } = setUp();

    // Act
    await handle({ eventsPerStream: 50 });

    // Assess
    for (const message of messagesTo(send, 'orders')) expect(message.key).toBe(String(parsedValue(message).userId));
    for (const message of messagesTo(send, 'tickets')) expect(message.key).toBe(String(parsedValue(message).clientId));
    for (const message of messagesTo(send, 'sales')) expect(message.key).toBe(parsedValue(message).product_id);
    for (const message of messagesTo(send, 'tracks')) expect(message.key).toBe(parsedValue(message).track_id);
    for (const name of ['orders', 'tickets', 'sales', 'tracks']) expect(messagesTo(send, name)).toHaveLength(50);
  });

  it.each([['orders'], ['tickets'], ['sales'], ['tracks']])('sends %s values that parse and pass the stream schema', async (name) => {
    // Prepare
    const { send, handle } = setUp();
    const stream = registered(name);

    // Act
    await handle({ eventsPerStream: 200 });

    // Assess
    const failures = messagesTo(send, name)
      .map((message) => stream.schema.safeParse(parsedValue(message)))
      .filter((result) => !result.success);
    expect(messagesTo(send, name)).toHaveLength(200);
    expect(failures).toEqual([]);
  });

  it.each([['orders'], ['tickets'], ['sales'], ['tracks']])('spreads the %s event times over the spread before now', async (name) => {
    // Prepare
    const { send, handle } = setUp();
    const stream = registered(name);
    const spreadMs = 20_000;

    // Act
    await handle({ eventsPerStream: 300, spreadMs });

    // Assess
    const times = messagesTo(send, name).map((message) => {
      // As validation reads it from a record the broker stamps now.
      const time = stream.eventTime(parsedValue(message), NOW);
      return typeof time === 'number' ? time : Date.parse(time);
    });
    expect(Math.max(...times)).toBeLessThanOrEqual(NOW);
    expect(Math.min(...times)).toBeGreaterThanOrEqual(NOW - spreadMs - GENERATOR_DELAY_MS);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(spreadMs / 2);
  });

  it('produces the same messages from the same seed', async () => {
    // Prepare
    const first = setUp({ random: seededRandom(9) });
    const second = setUp({ random: seededRandom(9) });

    // Act
    await first.handle({ eventsPerStream: 20 });
    await second.handle({ eventsPerStream: 20 });

    // Assess
    expect(first.send.mock.calls).toEqual(second.send.mock.calls);
  });

  it('produces only for the streams it is given', async () => {
    // Prepare
    const { send, handle } = setUp({ streams: [registered('tickets')] });

    // Act
    const result = await handle({ eventsPerStream: 3 });

    // Assess
    expect(result).toEqual({ tickets: 3 });
    expect(send.mock.calls.map(([topic]) => topic)).toEqual(['tickets']);
  });

  it('counts the events produced per stream, in one publish', async () => {
    // Prepare
    const { handle, metrics } = setUp();

    // Act
    await handle({ eventsPerStream: 4 });

    // Assess
    expect(metrics.points).toEqual([
      ['EventsProduced', 'Count', 4, 'orders'],
      ['EventsProduced', 'Count', 4, 'tickets'],
      ['EventsProduced', 'Count', 4, 'sales'],
      ['EventsProduced', 'Count', 4, 'tracks'],
    ]);
    expect(metrics.published()).toBe(1);
  });

  it('rejects when the publisher fails', async () => {
    // Prepare
    const { send, handle } = setUp();
    send.mockRejectedValue(new Error('not leader for partition'));

    // Act
    const handling = handle({ eventsPerStream: 1 });

    // Assess
    await expect(handling).rejects.toThrow('not leader for partition');
  });
});
