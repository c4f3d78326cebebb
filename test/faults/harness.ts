/**
 * What every fault-injection scenario shares: an outside producer, a ground truth read back from
 * the topics and computed by hand (no Pulse code decides what is valid or what it is worth), and
 * a measurement of what the pipeline stored, counted and dead-lettered, read straight from the
 * tables and the dead-letter topics.
 */
import { DynamoDBClient, ScanCommand, type AttributeValue } from '@aws-sdk/client-dynamodb';
import { Kafka, Partitioners, logLevel, type Producer } from 'kafkajs';

/** A record to send. */
export interface OutgoingRecord {
  readonly topic: string;
  readonly key: string | null;
  readonly value: Buffer | null;
  /** Kafka record timestamp (ms since the epoch); the broker's clock when absent. */
  readonly timestamp?: number;
}

/** A record as read back from a topic. */
export interface TopicRecord {
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
  readonly timestamp: number;
  readonly key: string | null;
  readonly value: Buffer | null;
  readonly headers: Readonly<Record<string, string[]>>;
}

/** Counts by measure key (`orders/events_by_type/type=view`, `orders/revenue/cents`, `orders/invalid/reason=schema`). */
export type Totals = Map<string, bigint>;

/** What the pipeline should hold, computed from the records in the topics. */
export interface GroundTruth {
  readonly records: number;
  readonly totals: Totals;
  /** `<stream>#<event id>` of every valid event. */
  readonly validIds: ReadonlySet<string>;
  readonly invalid: number;
}

/** What the pipeline holds. */
export interface Measurement {
  readonly totals: Totals;
  readonly storedIds: ReadonlySet<string>;
  /** Invalid records with at least one dead letter (by source topic, partition and offset). */
  readonly deadLetters: number;
}

/** One row of the reliability report. */
export interface FaultReport {
  readonly fault: string;
  readonly injection: string;
  readonly eventsIn: number;
  readonly stored: number;
  readonly counted: number;
  readonly deadLettered: number;
  readonly lost: number;
  readonly doubleCounted: number;
  readonly command: string;
}

const STREAM_TOPICS = ['orders', 'tickets'] as const;
const DAY_MS = 86_400_000;

const quietKafka = (brokers: string, clientId: string) => new Kafka({ clientId, brokers: brokers.split(','), logLevel: logLevel.NOTHING });

/**
 * An idempotent producer that keeps a send going through a broker restart: a failed send is
 * retried (the records may then be in the topic twice, which the ground truth, read back from the
 * topic, accounts for).
 */
export class OutsideProducer {
  private producer: Producer | undefined;

  constructor(private readonly brokers: string) {}

  async send(records: readonly OutgoingRecord[], timeoutMs = 180_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const byTopic = new Map<string, OutgoingRecord[]>();
    for (const record of records) byTopic.set(record.topic, [...(byTopic.get(record.topic) ?? []), record]);
    for (;;) {
      try {
        this.producer ??= await this.connect();
        await this.producer.sendBatch({
          topicMessages: [...byTopic].map(([topic, list]) => ({
            topic,
            messages: list.map((record) => ({
              key: record.key,
              value: record.value,
              ...(record.timestamp === undefined ? {} : { timestamp: String(record.timestamp) }),
            })),
          })),
        });
        return;
      } catch (error) {
        await this.producer?.disconnect().catch(() => undefined);
        this.producer = undefined;
        // A refusal (a record the broker will never take) is the scenario's bug, not an outage to wait out.
        if ((error as { retriable?: boolean }).retriable === false) throw error;
        if (Date.now() > deadline) throw new Error(`could not send for ${timeoutMs} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, 500));
      }
    }
  }

  async close(): Promise<void> {
    await this.producer?.disconnect().catch(() => undefined);
    this.producer = undefined;
  }

  private async connect(): Promise<Producer> {
    const producer = quietKafka(this.brokers, 'pulse-faults-producer').producer({
      idempotent: true,
      maxInFlightRequests: 1,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await producer.connect();
    return producer;
  }
}

/** Every record of `topics`, read with a consumer of its own from the start to the current end. */
export async function readTopics(brokers: string, topics: readonly string[]): Promise<TopicRecord[]> {
  const kafka = quietKafka(brokers, 'pulse-faults-reader');
  const admin = kafka.admin();
  await admin.connect();
  const ends = new Map<string, bigint>();
  try {
    for (const topic of topics) {
      for (const { partition, high } of await admin.fetchTopicOffsets(topic)) ends.set(`${topic}-${partition}`, BigInt(high));
    }
  } finally {
    await admin.disconnect();
  }
  const expected = [...ends.values()].reduce((sum, high) => sum + high, 0n);
  const records: TopicRecord[] = [];
  if (expected === 0n) return records;
  const consumer = kafka.consumer({ groupId: `pulse-faults-reader-${Date.now()}-${Math.random().toString(16).slice(2)}`, maxWaitTimeInMs: 200 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topics: [...topics], fromBeginning: true });
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`read ${records.length} of ${expected} records of ${topics.join(', ')} within 120 s`)), 120_000);
      consumer
        .run({
          eachMessage: async ({ topic, partition, message }) => {
            if (BigInt(message.offset) >= (ends.get(`${topic}-${partition}`) ?? 0n)) return;
            const headers: Record<string, string[]> = {};
            for (const [name, value] of Object.entries(message.headers ?? {})) {
              headers[name] = (Array.isArray(value) ? value : [value]).map((one) => String(one ?? ''));
            }
            records.push({ topic, partition, offset: Number(message.offset), timestamp: Number(message.timestamp), key: message.key?.toString() ?? null, value: message.value, headers });
            if (BigInt(records.length) >= expected) {
              clearTimeout(timer);
              resolve();
            }
          },
        })
        .catch(reject);
    });
  } finally {
    await consumer.disconnect();
  }
  return records;
}

/** Adds `amount` under `key`. */
function add(totals: Totals, key: string, amount: bigint): void {
  totals.set(key, (totals.get(key) ?? 0n) + amount);
}

/** Cents of a price with at most two decimals, times a quantity, by hand: `19.99` × 2 → 3998. */
export function centsOf(price: number, quantity: number): bigint {
  const [whole, fraction = ''] = String(price).split('.');
  return (BigInt(whole ?? '0') * 100n + BigInt(fraction.padEnd(2, '0').slice(0, 2) || '0')) * BigInt(quantity);
}

/** The event as a producer meant it, or why it is not one, by the design's own words only. */
type Classified = { valid: true; id: string; event: Record<string, unknown> } | { valid: false; reason: string };

/**
 * Classifies a record of the scenarios' traffic (generated events and garbage): JSON objects with
 * an id and an event time within 90 days before and 5 minutes after the record time are valid.
 */
function classifyGenerated(topic: string, record: TopicRecord): Classified {
  let event: unknown;
  try {
    event = JSON.parse(record.value?.toString('utf8') ?? '');
  } catch {
    return { valid: false, reason: record.value === null || record.value.length === 0 ? 'not_an_object' : 'malformed_json' };
  }
  if (typeof event !== 'object' || event === null || Array.isArray(event)) return { valid: false, reason: 'not_an_object' };
  const fields = event as Record<string, unknown>;
  const id = topic === 'orders' ? fields.eventId : fields.ticketId;
  const time = Date.parse(String(topic === 'orders' ? fields.ts : fields.createdAt));
  if (typeof id !== 'string') return { valid: false, reason: 'schema' };
  if (time < record.timestamp - 90 * DAY_MS) return { valid: false, reason: 'too_late' };
  if (time > record.timestamp + 5 * 60_000) return { valid: false, reason: 'too_early' };
  return { valid: true, id, event: fields };
}

/**
 * The ground truth of records in the stream topics. `classify` may override the outcome of a
 * record (the poison scenario knows each record's expected outcome from its own table).
 */
export function groundTruth(records: readonly TopicRecord[], classify: (record: TopicRecord) => Classified = (record) => classifyGenerated(record.topic, record)): GroundTruth {
  const totals: Totals = new Map();
  const validIds = new Set<string>();
  let invalid = 0;
  for (const record of records) {
    const outcome = classify(record);
    if (!outcome.valid) {
      invalid += 1;
      add(totals, `${record.topic}/invalid/reason=${outcome.reason}`, 1n);
      continue;
    }
    validIds.add(`${record.topic}#${outcome.id}`);
    const { event } = outcome;
    add(totals, `${record.topic}/${record.topic === 'orders' ? 'events_by_type' : 'by_type'}/type=${String(event.type)}`, 1n);
    if (record.topic === 'orders' && event.type === 'purchase') {
      add(totals, 'orders/revenue/count', 1n);
      add(totals, 'orders/revenue/cents', centsOf(event.price as number, event.quantity as number));
    }
  }
  return { records: records.length, totals, validIds, invalid };
}

async function scanAll(client: DynamoDBClient, table: string, projection: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(new ScanCommand({ TableName: table, ProjectionExpression: projection, ExclusiveStartKey: start, ConsistentRead: true }));
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Cents of a DynamoDB number written at scale 2 (`12.3` → 1230), by hand. */
function centsOfText(text: string): bigint {
  const [whole, fraction = ''] = text.split('.');
  const negative = (whole ?? '').startsWith('-');
  const magnitude = BigInt((whole ?? '0').replace('-', '')) * 100n + BigInt(fraction.padEnd(2, '0') || '0');
  return negative ? -magnitude : magnitude;
}

/** Where a scenario's pipeline keeps its state. */
export interface PipelineStore {
  readonly brokers: string;
  readonly dynamoDbEndpoint: string;
  readonly eventsTable: string;
  readonly aggregatesTable: string;
}

/** What the pipeline holds: aggregate totals and stored ids from the tables, dead letters from the `.dlq` topics. */
export async function measure(store: PipelineStore): Promise<Measurement> {
  const client = new DynamoDBClient({ endpoint: store.dynamoDbEndpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
  const totals: Totals = new Map();
  const storedIds = new Set<string>();
  try {
    const aggregates = await scanAggregates(client, store.aggregatesTable);
    for (const item of aggregates) {
      const stream = item.stream?.S ?? '';
      const aggregation = item.aggregation?.S ?? '';
      const group = Object.entries(item.group?.M ?? {})
        .map(([name, value]) => `${name}=${value.S ?? ''}`)
        .join('&');
      const count = BigInt(item.count?.N ?? '0');
      if (aggregation === 'revenue') {
        add(totals, 'orders/revenue/count', count);
        add(totals, 'orders/revenue/cents', centsOfText(item.sum?.N ?? '0'));
      } else if (aggregation === 'events_by_type' || aggregation === 'by_type' || aggregation === 'invalid') {
        add(totals, `${stream}/${aggregation}/${group}`, count);
      }
    }
    for (const item of await scanAll(client, store.eventsTable, 'pk')) storedIds.add(item.pk?.S ?? '');
  } finally {
    client.destroy();
  }
  // Dead letters are written at least once: a batch redelivered after a crash writes its letters
  // again. What counts is that every invalid record has one, so they are counted by source record.
  const sources = new Set<string>();
  for (const letter of await readTopics(store.brokers, STREAM_TOPICS.map((topic) => `${topic}.dlq`))) {
    const last = (name: string) => letter.headers[name]?.at(-1) ?? '?';
    sources.add(`${last('pulse-source-topic')}-${last('pulse-source-partition')}@${last('pulse-source-offset')}`);
  }
  return { totals, storedIds, deadLetters: sources.size };
}

/** Every aggregate item's stream, aggregation, group, count and sum. */
async function scanAggregates(client: DynamoDBClient, table: string): Promise<Record<string, AttributeValue>[]> {
  const items: Record<string, AttributeValue>[] = [];
  let start: Record<string, AttributeValue> | undefined;
  do {
    const page = await client.send(
      new ScanCommand({
        TableName: table,
        ProjectionExpression: '#stream, #aggregation, #group, #count, #sum',
        ExpressionAttributeNames: { '#stream': 'stream', '#aggregation': 'aggregation', '#group': 'group', '#count': 'count', '#sum': 'sum' },
        ExclusiveStartKey: start,
        ConsistentRead: true,
      }),
    );
    items.push(...(page.Items ?? []));
    start = page.LastEvaluatedKey;
  } while (start);
  return items;
}

/** Records lost and counted twice: the shortfall and the excess of every measure against the truth, plus valid events not stored. */
export function compare(truth: GroundTruth, measured: Measurement): { lost: number; doubleCounted: number; missingIds: string[] } {
  let lost = 0n;
  let doubleCounted = 0n;
  for (const key of new Set([...truth.totals.keys(), ...measured.totals.keys()])) {
    // Cents are money, not records: a wrong sum shows as lost or double-counted purchases in the other keys.
    if (key.endsWith('/cents')) continue;
    const difference = (measured.totals.get(key) ?? 0n) - (truth.totals.get(key) ?? 0n);
    if (difference < 0n) lost -= difference;
    else doubleCounted += difference;
  }
  const missingIds = [...truth.validIds].filter((id) => !measured.storedIds.has(id));
  return { lost: Number(lost) + missingIds.length, doubleCounted: Number(doubleCounted), missingIds };
}

/** Whether the measured totals, revenue in cents included, and stored events equal the truth. */
export function matches(truth: GroundTruth, measured: Measurement): boolean {
  const keys = new Set([...truth.totals.keys(), ...measured.totals.keys()]);
  return [...keys].every((key) => (truth.totals.get(key) ?? 0n) === (measured.totals.get(key) ?? 0n)) && [...truth.validIds].every((id) => measured.storedIds.has(id));
}

/** Polls until `measured` equals `truth` or `timeoutMs` passes; returns the last measurement. */
export async function settle(store: PipelineStore, truth: GroundTruth, timeoutMs = 180_000): Promise<Measurement> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const measured = await measure(store);
    if ((matches(truth, measured) && measured.deadLetters >= truth.invalid) || Date.now() > deadline) return measured;
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** The report row of a settled scenario. */
export function reportOf(scenario: { fault: string; injection: string; command: string }, truth: GroundTruth, measured: Measurement): FaultReport {
  const { lost, doubleCounted } = compare(truth, measured);
  const counted = [...measured.totals].filter(([key]) => !key.endsWith('/cents') && !key.startsWith('orders/revenue/')).reduce((sum, [, value]) => sum + Number(value), 0);
  return {
    fault: scenario.fault,
    injection: scenario.injection,
    eventsIn: truth.records,
    stored: measured.storedIds.size,
    counted,
    deadLettered: measured.deadLetters,
    lost,
    doubleCounted,
    command: scenario.command,
  };
}

/** Random events of both streams near `nowMs`, keyed by entity, with one in twenty garbage. */
export function generatedTraffic(count: number, nowMs: number, random: { next(): number }, streams: readonly { name: string; generate: (r: { next(): number }, t: number) => Record<string, unknown>; partitionKey: (e: Record<string, unknown>) => string }[]): OutgoingRecord[] {
  return Array.from({ length: count }, (_, index) => {
    const stream = streams[index % streams.length] as (typeof streams)[number];
    if (index % 20 === 19) return { topic: stream.name, key: 'garbage', value: Buffer.from('{"truncated": ') };
    const event = stream.generate(random, nowMs - Math.floor(random.next() * 60_000));
    return { topic: stream.name, key: stream.partitionKey(event), value: Buffer.from(JSON.stringify(event)) };
  });
}
