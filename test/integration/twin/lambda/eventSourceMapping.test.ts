/**
 * The emulated MSK event source mapping against a real broker (KAFKA_BROKERS, started by the
 * integration globalSetup). Each test uses its own 3-partition topic and consumer group.
 */
import { randomBytes } from 'node:crypto';
import type { MSKEvent } from 'aws-lambda';
import { Kafka, logLevel, type Admin, type Producer } from 'kafkajs';
import { startEventSourceMapping, type EventSourceMappingHandle, type EventSourceMappingOptions, type InvocationStats } from '../../../../twin/lambda/eventSourceMapping';

const PARTITIONS = 3;
const brokers = process.env.KAFKA_BROKERS;
if (!brokers) throw new Error('KAFKA_BROKERS is not set: run this through the jest "integration" project, whose globalSetup starts a broker');

/** One record as the handler saw it. */
interface Seen {
  readonly partitionKey: string;
  readonly offset: number;
  readonly key: string | undefined;
  readonly value: string;
}

function flatten(event: MSKEvent): Seen[] {
  return Object.entries(event.records).flatMap(([partitionKey, records]) =>
    records.map((record) => ({
      partitionKey,
      offset: record.offset,
      key: record.key === undefined ? undefined : Buffer.from(record.key, 'base64').toString(),
      value: Buffer.from(record.value, 'base64').toString(),
    })),
  );
}

function signature(event: MSKEvent): string {
  return flatten(event)
    .map((record) => `${record.partitionKey}@${record.offset}`)
    .join(',');
}

async function waitFor(what: string, condition: () => boolean | Promise<boolean>, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

describe('startEventSourceMapping (real broker)', () => {
  const kafka = new Kafka({ clientId: 'esm-integration-test', brokers: brokers.split(','), logLevel: logLevel.NOTHING });
  let admin: Admin;
  let producer: Producer;
  const running: EventSourceMappingHandle[] = [];

  beforeAll(async () => {
    admin = kafka.admin();
    producer = kafka.producer();
    await Promise.all([admin.connect(), producer.connect()]);
  });

  afterEach(async () => {
    await Promise.all(running.splice(0).map((mapping) => mapping.stop()));
  });

  afterAll(async () => {
    await Promise.all([admin.disconnect(), producer.disconnect()]);
  });

  async function newTopic(): Promise<{ topic: string; groupId: string }> {
    const id = randomBytes(4).toString('hex');
    const topic = `esm-test-${id}`;
    await admin.createTopics({ topics: [{ topic, numPartitions: PARTITIONS, replicationFactor: 1 }], waitForLeaders: true });
    return { topic, groupId: `esm-test-group-${id}` };
  }

  /** Sends `count` keyed records round-robin over the partitions; values are `{"i":n}` from `from`. */
  async function produce(topic: string, count: number, from = 0): Promise<void> {
    const messages = Array.from({ length: count }, (_, index) => {
      const i = from + index;
      return { key: `key-${i}`, value: JSON.stringify({ i }), partition: i % PARTITIONS, headers: { 'x-seq': String(i) } };
    });
    await producer.send({ topic, messages });
  }

  async function committedOffsets(groupId: string, topic: string): Promise<Map<string, number>> {
    const [result] = await admin.fetchOffsets({ groupId, topics: [topic] });
    return new Map((result?.partitions ?? []).map(({ partition, offset }) => [`${topic}-${partition}`, Number(offset)]));
  }

  async function start(options: Omit<EventSourceMappingOptions, 'brokers' | 'functionName'> & { functionName?: string }): Promise<EventSourceMappingHandle> {
    const mapping = await startEventSourceMapping({ brokers: brokers as string, functionName: 'esm-test', logger: quiet, ...options });
    running.push(mapping);
    await mapping.joined;
    return mapping;
  }

  async function stop(mapping: EventSourceMappingHandle): Promise<void> {
    running.splice(running.indexOf(mapping), 1);
    await mapping.stop();
  }

  it('delivers every record exactly once, in order per partition, in batches of at most batchSize that mix partitions', async () => {
    const { topic, groupId } = await newTopic();
    const total = 300;
    await produce(topic, total);
    const events: MSKEvent[] = [];
    const mapping = await start({
      topics: [topic],
      groupId,
      batchSize: 50,
      maxBatchingWindowMs: 200,
      startingPosition: 'TRIM_HORIZON',
      handler: async (event) => {
        events.push(event);
      },
    });
    await waitFor('all records', async () => (await mapping.lag()) === 0);

    const seen = events.flatMap(flatten);
    expect(seen).toHaveLength(total);
    expect(new Set(seen.map((record) => `${record.partitionKey}@${record.offset}`)).size).toBe(total);
    for (const event of events) expect(flatten(event).length).toBeLessThanOrEqual(50);
    expect(events.some((event) => Object.keys(event.records).length > 1)).toBe(true);
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const offsets = seen.filter((record) => record.partitionKey === `${topic}-${partition}`).map((record) => record.offset);
      expect(offsets).toEqual(Array.from({ length: total / PARTITIONS }, (_, index) => index));
    }
    const first = events[0] as MSKEvent;
    expect(first.eventSource).toBe('aws:kafka');
    expect(first.bootstrapServers).toBe(brokers);
    const record = Object.values(first.records)[0]?.[0];
    expect(record).toMatchObject({ topic, timestampType: 'CREATE_TIME' });
    expect(typeof record?.timestamp).toBe('number');
    const { i } = JSON.parse(Buffer.from(record?.value ?? '', 'base64').toString()) as { i: number };
    expect(Buffer.from(record?.key ?? '', 'base64').toString()).toBe(`key-${i}`);
    expect(record?.headers).toEqual([{ 'x-seq': [...Buffer.from(String(i))] }]);
    expect(await committedOffsets(groupId, topic)).toEqual(new Map(Array.from({ length: PARTITIONS }, (_, p) => [`${topic}-${p}`, total / PARTITIONS])));
  });

  it('retries a failed batch whole, with the same records, and commits nothing before it succeeds', async () => {
    const { topic, groupId } = await newTopic();
    await produce(topic, 40);
    const calls: { signature: string; committedBefore: Map<string, number>; firstOffsets: Map<string, number> }[] = [];
    const failedOnce = new Set<string>();
    const stats: InvocationStats[] = [];
    const errors: string[] = [];
    const mapping = await start({
      topics: [topic],
      groupId,
      batchSize: 15,
      maxBatchingWindowMs: 100,
      startingPosition: 'TRIM_HORIZON',
      retryBackoffMs: { initial: 100, max: 200 },
      logger: { ...quiet, error: (message) => errors.push(message) },
      onInvoke: (s) => stats.push(s),
      handler: async (event) => {
        const firstOffsets = new Map<string, number>();
        for (const [key, records] of Object.entries(event.records)) firstOffsets.set(key, records[0]?.offset ?? -1);
        calls.push({ signature: signature(event), committedBefore: await committedOffsets(groupId, topic), firstOffsets });
        const batch = signature(event);
        if (!failedOnce.has(batch)) {
          failedOnce.add(batch);
          throw new Error(`injected failure for ${batch.length} chars of batch`);
        }
      },
    });
    await waitFor('all records committed', async () => (await mapping.lag()) === 0);

    expect(calls.length % 2).toBe(0);
    for (let index = 0; index < calls.length; index += 2) {
      // Each failed call is followed by the same batch, before anything else.
      expect(calls[index + 1]?.signature).toBe(calls[index]?.signature);
    }
    for (const call of calls) {
      // Nothing of the batch is committed while it is being (re)tried.
      for (const [key, first] of call.firstOffsets) expect(call.committedBefore.get(key) ?? -1).toBeLessThanOrEqual(first);
    }
    expect(stats.map((s) => s.ok)).toEqual(calls.map((_, index) => index % 2 === 1));
    expect(errors.filter((line) => line.includes('injected failure'))).toHaveLength(calls.length / 2);
    const delivered = calls.filter((_, index) => index % 2 === 1).flatMap((call) => call.signature.split(','));
    expect(new Set(delivered).size).toBe(40);
    expect(delivered).toHaveLength(40);
  });

  it('in rebatch mode retries a failed batch from its first record with other boundaries, keeping per-partition order', async () => {
    const { topic, groupId } = await newTopic();
    await produce(topic, 60);
    const seen: Seen[][] = [];
    let failures = 0;
    const sizes = [0.1, 0.9, 0.35, 0.6, 0.05, 0.75];
    const mapping = await start({
      topics: [topic],
      groupId,
      batchSize: 20,
      maxBatchingWindowMs: 100,
      startingPosition: 'TRIM_HORIZON',
      retryBackoffMs: { initial: 10, max: 20 },
      redelivery: 'rebatch',
      random: () => sizes[failures % sizes.length] as number,
      logger: quiet,
      handler: async (event) => {
        seen.push(flatten(event));
        // Every other invocation fails, so that most batches are retried re-planned.
        if (seen.length % 2 === 1) {
          failures += 1;
          throw new Error('injected failure');
        }
      },
    });
    await waitFor('all records committed', async () => (await mapping.lag()) === 0);

    const failed = seen.filter((_, index) => index % 2 === 0);
    const retried = seen.filter((_, index) => index % 2 === 1);
    // A retry starts where its failed attempt started, on every partition they share, but its end differs at least once.
    for (let index = 0; index < retried.length; index += 1) {
      const before = failed[index] as Seen[];
      const after = retried[index] as Seen[];
      const firstOf = (records: Seen[], key: string) => records.find((record) => record.partitionKey === key)?.offset;
      for (const key of new Set(after.map((record) => record.partitionKey))) {
        const start = firstOf(before, key);
        if (start !== undefined) expect(firstOf(after, key)).toBe(start);
      }
    }
    expect(failed.some((batch, index) => batch.length !== retried[index]?.length)).toBe(true);
    // Exactly once among the successful invocations, in offset order per partition.
    const delivered = retried.flat();
    expect(new Set(delivered.map((record) => `${record.partitionKey}@${record.offset}`)).size).toBe(60);
    expect(delivered).toHaveLength(60);
    for (const key of new Set(delivered.map((record) => record.partitionKey))) {
      const offsets = delivered.filter((record) => record.partitionKey === key).map((record) => record.offset);
      expect(offsets).toEqual([...offsets].sort((a, b) => a - b));
    }
  });

  it('after stop() and a restart in the same group, resumes after the last committed offset without re-delivering invoked records', async () => {
    const { topic, groupId } = await newTopic();
    const total = 90;
    await produce(topic, total);
    const firstRun: string[] = [];
    const options = { topics: [topic], groupId, batchSize: 5, maxBatchingWindowMs: 50, startingPosition: 'TRIM_HORIZON' as const };
    const mapping = await start({
      ...options,
      handler: async (event) => {
        // Slow enough that stop() lands mid-stream, with an invocation in flight.
        await new Promise((resolve) => setTimeout(resolve, 50));
        firstRun.push(...signature(event).split(','));
      },
    });
    await waitFor('some records', () => firstRun.length >= 20);
    await stop(mapping);
    const committed = await committedOffsets(groupId, topic);
    const invokedCount = firstRun.length;
    expect(invokedCount).toBeLessThan(total);
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const key = `${topic}-${partition}`;
      const offsets = firstRun.filter((entry) => entry.startsWith(`${key}@`)).map((entry) => Number(entry.split('@')[1]));
      // stop() drained: whatever the first run invoked is committed, and nothing beyond it.
      expect(committed.get(key) ?? -1).toBe(offsets.length === 0 ? -1 : Math.max(...offsets) + 1);
    }

    const secondRun: string[] = [];
    const restarted = await start({
      ...options,
      handler: async (event) => {
        secondRun.push(...signature(event).split(','));
      },
    });
    await waitFor('the rest', async () => (await restarted.lag()) === 0);
    expect(secondRun.filter((entry) => firstRun.includes(entry))).toEqual([]);
    expect(new Set([...firstRun, ...secondRun]).size).toBe(total);
    expect(firstRun.length + secondRun.length).toBe(total);
    for (let partition = 0; partition < PARTITIONS; partition += 1) {
      const key = `${topic}-${partition}`;
      const resumedAt = secondRun.find((entry) => entry.startsWith(`${key}@`));
      const from = committed.get(key) ?? -1;
      if (resumedAt !== undefined) expect(Number(resumedAt.split('@')[1])).toBe(from < 0 ? 0 : from);
    }
  });

  it('lag() reports the records not yet committed', async () => {
    const { topic, groupId } = await newTopic();
    await produce(topic, 30);
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let invocations = 0;
    const mapping = await start({
      topics: [topic],
      groupId,
      batchSize: 10,
      maxBatchingWindowMs: 50,
      startingPosition: 'TRIM_HORIZON',
      handler: async () => {
        invocations += 1;
        await gate;
      },
    });
    await waitFor('the first invocation', () => invocations > 0);
    expect(await mapping.lag()).toBe(30);
    release();
    await waitFor('lag 0', async () => (await mapping.lag()) === 0);
    await produce(topic, 6, 30);
    // Nothing new is committed before the batching window and the invocation; lag then drains again.
    await waitFor('lag 0 after new records', async () => (await mapping.lag()) === 0);
    expect(await committedOffsets(groupId, topic)).toEqual(new Map(Array.from({ length: PARTITIONS }, (_, p) => [`${topic}-${p}`, 12])));
  });

  it('invokes with fewer than batchSize records once the batching window has passed, gathering what arrived meanwhile', async () => {
    const { topic, groupId } = await newTopic();
    const batches: number[] = [];
    let firstInvocationAt = 0;
    await start({
      topics: [topic],
      groupId,
      batchSize: 1_000,
      maxBatchingWindowMs: 1_000,
      startingPosition: 'TRIM_HORIZON',
      handler: async (event) => {
        firstInvocationAt ||= Date.now();
        batches.push(flatten(event).length);
      },
    });
    await produce(topic, 5);
    const producedAt = Date.now();
    await waitFor('the 5 records', () => batches.reduce((a, b) => a + b, 0) === 5, 30_000);
    // Not held forever, and not invoked record by record: the window gathered all five.
    expect(batches).toEqual([5]);
    // The window held the first record back (a lower bound, with slack for the fetch racing the produce ack).
    expect(firstInvocationAt - producedAt).toBeGreaterThanOrEqual(800);
  });

  it('stays safe with two members in one group: every record is invoked and committed, none is lost', async () => {
    const { topic, groupId } = await newTopic();
    const seen = new Set<string>();
    const options = {
      topics: [topic],
      groupId,
      batchSize: 10,
      maxBatchingWindowMs: 50,
      startingPosition: 'TRIM_HORIZON' as const,
      handler: async (event: MSKEvent) => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        for (const entry of signature(event).split(',')) seen.add(entry);
      },
    };
    await produce(topic, 60);
    const first = await start(options);
    await waitFor('some records', () => seen.size >= 10);
    // A second member forces a rebalance while the first is mid-stream.
    const second = await startEventSourceMapping({ brokers: brokers as string, functionName: 'esm-test-2', logger: quiet, ...options });
    running.push(second);
    await produce(topic, 60, 60);
    await waitFor('every record', () => seen.size === 120, 90_000);
    await waitFor('everything committed', async () => (await first.lag()) === 0, 90_000);
    expect(await committedOffsets(groupId, topic)).toEqual(new Map(Array.from({ length: PARTITIONS }, (_, p) => [`${topic}-${p}`, 40])));
  });

  it('splits batches so that no event exceeds the 6 MB payload limit', async () => {
    const { topic, groupId } = await newTopic();
    const big = 'x'.repeat(900 * 1024);
    // One record per request: the broker caps a produce request's record batch at 1 MB.
    for (let i = 0; i < 8; i += 1) await producer.send({ topic, messages: [{ key: `big-${i}`, value: big, partition: 0 }] });
    const sizes: number[] = [];
    const counts: number[] = [];
    const mapping = await start({
      topics: [topic],
      groupId,
      batchSize: 100,
      maxBatchingWindowMs: 500,
      startingPosition: 'TRIM_HORIZON',
      handler: async (event) => {
        sizes.push(Buffer.byteLength(JSON.stringify(event)));
        counts.push(flatten(event).length);
      },
    });
    await waitFor('all big records', async () => (await mapping.lag()) === 0);
    expect(counts.reduce((a, b) => a + b, 0)).toBe(8);
    expect(counts.length).toBeGreaterThan(1);
    for (const size of sizes) expect(size).toBeLessThanOrEqual(6 * 1024 * 1024);
  });
});
