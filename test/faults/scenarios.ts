/**
 * The fault-injection scenarios: each runs the real pipeline (Kafka broker and DynamoDB Local on
 * the JVM, the same handler modules as AWS) while one kind of fault strikes, then compares what
 * the pipeline stored, counted and dead-lettered with a ground truth read back from the topics.
 * Used by the integration tests (which require lost = 0 and double-counted = 0) and by
 * `npm run faults`, which writes docs/RELIABILITY.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { AggregatesRepository } from '../../lambdas/adapters/dynamodb/aggregatesRepository';
import { createDocumentClient } from '../../lambdas/adapters/dynamodb/client';
import { DEFAULT_VALIDATION_LIMITS } from '../../lambdas/config/settings';
import type { AggregateDelta } from '../../lambdas/domain/aggregation';
import { seededRandom, type RandomSource } from '../../lambdas/domain/random';
import { STREAMS } from '../../lambdas/domain/streams/registry';
import { createAggregationHandler } from '../../lambdas/handlers/aggregation';
import { findFreePort, startDynamoDbLocal, startKafkaBroker, type DynamoDbLocalHandle, type KafkaBrokerHandle } from '../../twin/backends/jvm';
import { startLocalPipeline, type LocalPipeline } from '../../twin/local';
import { POISON_CASES } from '../helpers/poisonRecords';
import { aView, aTicket, bytesOf } from '../helpers/events';
import {
  OutsideProducer,
  generatedTraffic,
  groundTruth,
  readTopics,
  reportOf,
  settle,
  type FaultReport,
  type GroundTruth,
  type Measurement,
  type OutgoingRecord,
  type PipelineStore,
  type TopicRecord,
} from './harness';

/** A scenario's report, with what the tests look at beyond it. */
export interface ScenarioResult {
  readonly report: FaultReport;
  readonly truth: GroundTruth;
  readonly measured: Measurement;
  /** Problems beyond the totals (JVMs left behind, dead letters with the wrong reason). */
  readonly problems: readonly string[];
}

/** Options every scenario takes. */
export interface ScenarioOptions {
  /** Events the outside producer sends. */
  readonly events: number;
  readonly onProgress?: (message: string) => void;
}

/**
 * The streams the scenarios send: those whose records the harness's by-hand ground truth
 * (`classifyGenerated` and `groundTruth` in harness.ts) knows how to count. A stream registered
 * later joins once that ground truth covers it.
 */
const TRAFFIC_STREAMS = STREAMS.filter((stream) => stream.name === 'orders' || stream.name === 'tickets');
const STREAM_TOPICS = TRAFFIC_STREAMS.map((stream) => stream.name);
const quiet = () => undefined;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Sends `total` generated events in `rounds` rounds, `pauseMs` apart, calling `between` after round `at`. */
async function sendInRounds(producer: OutsideProducer, total: number, rounds: number, pauseMs: number, seed: number, between?: { at: number; run: () => Promise<void> }): Promise<void> {
  const perRound = Math.ceil(total / rounds);
  for (let round = 0; round < rounds; round += 1) {
    const count = Math.min(perRound, total - round * perRound);
    if (count > 0) await producer.send(generatedTraffic(count, Date.now(), seededRandom(seed + round), TRAFFIC_STREAMS));
    if (between?.at === round) await between.run();
    await sleep(pauseMs);
  }
}

/** A broker and DynamoDB Local of the scenario's own, on free ports, with state kept in `dataDir` when given. */
async function startServices(dataDir?: string): Promise<{ broker: KafkaBrokerHandle; dynamo: DynamoDbLocalHandle; kafkaPort: number; dynamoPort: number }> {
  const [kafkaPort, dynamoPort] = [await findFreePort(), await findFreePort()];
  const [broker, dynamo] = await Promise.all([
    startKafkaBroker({ port: kafkaPort, ...(dataDir ? { dataDir: path.join(dataDir, 'kafka') } : {}) }),
    startDynamoDbLocal({ port: dynamoPort, ...(dataDir ? { dataDir: path.join(dataDir, 'dynamodb') } : {}) }),
  ]);
  return { broker, dynamo, kafkaPort, dynamoPort };
}

function storeOf(brokers: string, dynamoDbEndpoint: string): PipelineStore {
  const suffix = randomUUID().slice(0, 8);
  return { brokers, dynamoDbEndpoint, eventsTable: `faults-events-${suffix}`, aggregatesTable: `faults-aggregates-${suffix}` };
}

async function startPipeline(store: PipelineStore, extra: Partial<Parameters<typeof startLocalPipeline>[0]> = {}): Promise<LocalPipeline> {
  return startLocalPipeline({
    backend: 'external',
    port: await findFreePort(),
    producer: false,
    rate: 1,
    kafkaBrokers: store.brokers,
    dynamoDbEndpoint: store.dynamoDbEndpoint,
    eventsTable: store.eventsTable,
    aggregatesTable: store.aggregatesTable,
    onProgress: quiet,
    ...extra,
  });
}

async function finish(scenario: { fault: string; injection: string; command: string }, store: PipelineStore, problems: string[], classify?: Parameters<typeof groundTruth>[1]): Promise<ScenarioResult> {
  const truth = groundTruth(await readTopics(store.brokers, STREAM_TOPICS), classify);
  const measured = await settle(store, truth);
  return { report: reportOf(scenario, truth, measured), truth, measured, problems };
}

/**
 * An aggregates store whose writer dies after a random part of a batch's writes, with
 * probability `rate` per invocation, as a function killed between two conditional writes.
 */
export function crashingAggregates(repository: Pick<AggregatesRepository, 'applyDeltas'>, rate: number, random: RandomSource): Pick<AggregatesRepository, 'applyDeltas'> & { crashes(): number; invocations(): number } {
  let crashes = 0;
  let invocations = 0;
  return {
    crashes: () => crashes,
    invocations: () => invocations,
    applyDeltas: async (deltas: readonly AggregateDelta[]) => {
      invocations += 1;
      // The first always crashes, so that every run exercises a retry.
      if (invocations > 1 && random.next() >= rate) return repository.applyDeltas(deltas);
      crashes += 1;
      await repository.applyDeltas(deltas.slice(0, Math.floor(random.next() * deltas.length)));
      throw new Error('injected crash after partial writes');
    },
  };
}

/** The aggregation function crashes after part of its writes; each crashed batch is redelivered re-batched. */
export async function aggregationCrashes(options: ScenarioOptions & { crashRate: number }): Promise<ScenarioResult> {
  const { broker, dynamo } = await startServices();
  const store = storeOf(broker.brokers, dynamo.endpoint);
  const documents = createDocumentClient({ endpoint: dynamo.endpoint });
  const crashing = crashingAggregates(new AggregatesRepository(documents, { tableName: store.aggregatesTable, retentionMs: DEFAULT_VALIDATION_LIMITS.retentionMs }), options.crashRate, seededRandom(11));
  const producer = new OutsideProducer(store.brokers);
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await startPipeline(store, {
      redelivery: 'rebatch',
      consumers: { aggregation: { invoke: createAggregationHandler({ aggregates: crashing, limits: DEFAULT_VALIDATION_LIMITS }), close: async () => undefined } },
    });
    options.onProgress?.(`sending ${options.events} events in 10 rounds; the aggregation function crashes in ${options.crashRate * 100}% of invocations`);
    await sendInRounds(producer, options.events, 10, 300, 1);
    const result = await finish(
      {
        fault: 'aggregation function crashes after part of its writes; the batch is redelivered re-batched',
        injection: `applyDeltas writes a random prefix of the batch's items, then throws, in ${options.crashRate * 100}% of invocations; the event source mapping re-plans the failed records with another batch size (redelivery: rebatch)`,
        command: `npm run faults -- --scenario aggregation-crashes --events ${options.events}`,
      },
      store,
      [],
    );
    if (crashing.crashes() === 0) return { ...result, problems: ['no invocation crashed: the scenario injected nothing'] };
    options.onProgress?.(`${crashing.invocations()} invocations, ${crashing.crashes()} crashed`);
    return result;
  } finally {
    await producer.close();
    await pipeline?.stop();
    documents.destroy();
    await Promise.all([broker.stop(), dynamo.stop()]);
  }
}

/** Pids of processes whose command line mentions `text` (Linux /proc). */
export function processesMentioning(text: string): number[] {
  const pids: number[] = [];
  for (const entry of fs.existsSync('/proc') ? fs.readdirSync('/proc') : []) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const commandLine = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      // A zombie keeps its pid until reaped, but holds no port and no file.
      const state = /^\S+ \(.*\) (\S)/.exec(fs.readFileSync(`/proc/${entry}/stat`, 'utf8'))?.[1];
      if (commandLine.includes(text) && state !== 'Z') pids.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return pids;
}

/** `pulse local` in a process group of its own, as a user runs `npm start`. */
export class TwinProcess {
  private child: ChildProcess | undefined;
  private output = '';

  constructor(private readonly args: readonly string[], private readonly env: NodeJS.ProcessEnv) {}

  /** What the current run printed so far, standard output and error. */
  get printed(): string {
    return this.output;
  }

  /** Starts it and resolves at its `ready:` line. */
  async start(timeoutMs = 240_000): Promise<void> {
    this.output = '';
    const child = spawn(process.execPath, [require.resolve('tsx/cli'), path.join(__dirname, '..', '..', 'bin', 'pulse.ts'), 'local', ...this.args], {
      env: { ...process.env, ...this.env },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    this.child = child;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`pulse local was not ready within ${timeoutMs} ms:\n${this.output.slice(-3000)}`)), timeoutMs);
      child.stdout?.on('data', (chunk: Buffer) => {
        this.output += chunk.toString();
        if (this.output.includes('ready: ')) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.stderr?.on('data', (chunk: Buffer) => (this.output += chunk.toString()));
      void exited.then(() => {
        clearTimeout(timer);
        reject(new Error(`pulse local exited before ready:\n${this.output.slice(-3000)}`));
      });
    });
  }

  /** Sends `signal` to its whole process group, as a terminal or `kill -- -<pgid>` does. */
  signalGroup(signal: NodeJS.Signals): void {
    const pid = this.child?.pid;
    if (pid === undefined) return;
    try {
      process.kill(-pid, signal);
    } catch {
      // Already gone.
    }
  }

  /** Stops it with Ctrl-C, and kills the group if that takes over 60 s. */
  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.signalGroup('SIGINT');
    const timer = setTimeout(() => this.signalGroup('SIGKILL'), 60_000);
    await exited;
    clearTimeout(timer);
  }
}

/** SIGKILL of the whole twin, JVMs' parent included, mid-stream; then a restart on the same data dir. */
export async function twinKilled(options: ScenarioOptions): Promise<ScenarioResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-faults-twin-'));
  const [kafkaPort, dynamoPort, apiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const store: PipelineStore = {
    brokers: `127.0.0.1:${kafkaPort}`,
    dynamoDbEndpoint: `http://127.0.0.1:${dynamoPort}`,
    eventsTable: 'pulse-events',
    aggregatesTable: 'pulse-aggregates',
  };
  const twin = new TwinProcess(['--backend', 'jvm', '--no-producer', '--data-dir', dataDir, '--port', String(apiPort)], {
    KAFKA_BROKERS: store.brokers,
    DYNAMODB_ENDPOINT: store.dynamoDbEndpoint,
  });
  const problems: string[] = [];
  const producer = new OutsideProducer(store.brokers);
  try {
    options.onProgress?.('starting pulse local (jvm backend, --data-dir)');
    await twin.start();
    const half = Math.floor(options.events / 2);
    await producer.send(generatedTraffic(half, Date.now(), seededRandom(2), TRAFFIC_STREAMS));
    await producer.close();
    // Mid-stream: the consumers are still working through the batch when the group dies.
    await sleep(700);
    options.onProgress?.('SIGKILL to the process group of pulse local');
    twin.signalGroup('SIGKILL');
    const deadline = Date.now() + 30_000;
    while (processesMentioning(dataDir).length > 0 && Date.now() < deadline) await sleep(250);
    const left = processesMentioning(dataDir);
    if (left.length > 0) problems.push(`processes of the killed twin still run 30 s later: ${left.join(', ')}`);
    options.onProgress?.('restarting pulse local on the same data dir');
    await twin.start();
    await producer.send(generatedTraffic(options.events - half, Date.now(), seededRandom(3), TRAFFIC_STREAMS));
    return await finish(
      {
        fault: 'SIGKILL of the whole twin (its JVMs\' parent) mid-stream, then a restart on the same --data-dir',
        injection: '`kill -KILL -- -<pgid>` of `pulse local --backend jvm --data-dir <dir>` 0.7 s after the first half of the events was sent; no JVM of it may run 30 s later; then `pulse local` again on the same data dir and ports',
        command: `npm run faults -- --scenario twin-killed --events ${options.events}`,
      },
      store,
      problems,
    );
  } finally {
    await producer.close();
    await twin.stop();
    twin.signalGroup('SIGKILL');
    for (const pid of processesMentioning(dataDir)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}


/** The broker stops and starts again (same data dir and port) while events are produced and consumed. */
export async function brokerRestart(options: ScenarioOptions): Promise<ScenarioResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-faults-broker-'));
  const services = await startServices(dataDir);
  let broker = services.broker;
  const store = storeOf(broker.brokers, services.dynamo.endpoint);
  const producer = new OutsideProducer(store.brokers);
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await startPipeline(store);
    await sendInRounds(producer, options.events, 10, 200, 40, {
      at: 3,
      run: async () => {
        options.onProgress?.('stopping the broker for 3 s');
        await broker.stop();
        await sleep(3_000);
        broker = await startKafkaBroker({ port: services.kafkaPort, dataDir: path.join(dataDir, 'kafka') });
        options.onProgress?.('broker back');
      },
    });
    return await finish(
      {
        fault: 'the Kafka broker restarts while the producer and the consumers run',
        injection: 'the broker is stopped (SIGTERM) after 4 of 10 rounds of sends, and started again 3 s later on the same port and log dir; sends during the outage are retried by the producer',
        command: `npm run faults -- --scenario broker-restart --events ${options.events}`,
      },
      store,
      [],
    );
  } finally {
    await producer.close();
    await pipeline?.stop();
    await Promise.all([broker.stop(), services.dynamo.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

/** DynamoDB Local is stopped for `outageMs` while events flow, then comes back with its data. */
export async function dynamoDbOutage(options: ScenarioOptions & { outageMs: number }): Promise<ScenarioResult> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-faults-dynamodb-'));
  const services = await startServices(dataDir);
  let dynamo = services.dynamo;
  const store = storeOf(services.broker.brokers, dynamo.endpoint);
  const producer = new OutsideProducer(store.brokers);
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await startPipeline(store);
    const half = Math.floor(options.events / 2);
    await producer.send(generatedTraffic(half, Date.now(), seededRandom(5), TRAFFIC_STREAMS));
    options.onProgress?.(`stopping DynamoDB Local for ${options.outageMs / 1000} s`);
    await dynamo.stop();
    await producer.send(generatedTraffic(options.events - half, Date.now(), seededRandom(6), TRAFFIC_STREAMS));
    await sleep(options.outageMs);
    dynamo = await startDynamoDbLocal({ port: services.dynamoPort, dataDir: path.join(dataDir, 'dynamodb') });
    options.onProgress?.('DynamoDB Local back');
    return await finish(
      {
        fault: `DynamoDB Local stopped for ${options.outageMs / 1000} s, then back`,
        injection: `DynamoDB Local is stopped (SIGTERM) after half the events were sent, the other half is sent during the outage, and it starts again ${options.outageMs / 1000} s later on the same port and data`,
        command: `npm run faults -- --scenario dynamodb-outage --events ${options.events}`,
      },
      store,
      [],
    );
  } finally {
    await producer.close();
    await pipeline?.stop();
    await Promise.all([services.broker.stop(), dynamo.stop()]);
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
}

const POISON_KEY = /^poison-(\d+)$/;

/**
 * Every kind of poison record, each followed on its partition (same key) by a valid record that
 * must be processed. The truth of a poison record is its case's expected outcome.
 */
export async function poisonRecords(options: Omit<ScenarioOptions, 'events'>): Promise<ScenarioResult> {
  const { broker, dynamo } = await startServices();
  const store = storeOf(broker.brokers, dynamo.endpoint);
  const producer = new OutsideProducer(store.brokers);
  let pipeline: LocalPipeline | undefined;
  try {
    pipeline = await startPipeline(store);
    const now = Date.now();
    const records: OutgoingRecord[] = POISON_CASES.flatMap((poison, index) => {
      const key = `poison-${index}`;
      const followUp = poison.stream === 'orders' ? aView({ eventId: `follow-${index}`, ts: new Date(now - 1_000).toISOString() }) : aTicket({ ticketId: `follow-${index}`, createdAt: new Date(now - 1_000).toISOString() });
      return [
        { topic: poison.stream, key, value: poison.value(now, key), timestamp: poison.recordTimestamp ?? now },
        { topic: poison.stream, key, value: bytesOf(followUp), timestamp: now },
      ];
    });
    options.onProgress?.(`sending ${POISON_CASES.length} kinds of poison, each followed by a valid record on its partition`);
    for (const record of records) await producer.send([record]);
    const outcomes = new Map<string, string>();
    const classify = (record: TopicRecord) => {
      const text = record.value?.toString('utf8') ?? '';
      const follow = /"(eventId|ticketId)":"(follow-\d+)"/.exec(text);
      if (follow) return { valid: true as const, id: follow[2] as string, event: JSON.parse(text) as Record<string, unknown> };
      const index = Number(POISON_KEY.exec(record.key ?? '')?.[1] ?? -1);
      const poison = POISON_CASES[index];
      if (!poison) throw new Error(`a record of the poison scenario has no case: ${record.topic}-${record.partition}@${record.offset}`);
      outcomes.set(`${record.topic}-${record.partition}@${record.offset}`, poison.outcome);
      if (poison.outcome !== 'stored') return { valid: false as const, reason: poison.outcome };
      return { valid: true as const, id: record.key as string, event: JSON.parse(text) as Record<string, unknown> };
    };
    const result = await finish(
      {
        fault: `${POISON_CASES.length} kinds of poison record, each followed by a valid record on the same partition`,
        injection: 'one record per kind (test/helpers/poisonRecords.ts): DynamoDB number range, nesting, empty and lone-surrogate names, key sizes, lone surrogates, record timestamps outside the date range, non-UTF-8, malformed and non-object JSON, null and empty values, ~1 MB values, wrong types, unknown enums, far-future and ancient times; each then followed by a valid record with the same key',
        command: 'npm run faults -- --scenario poison',
      },
      store,
      [],
      classify,
    );
    const problems = [...result.problems, ...(await deadLetterReasonProblems(store.brokers, outcomes))];
    return { ...result, problems };
  } finally {
    await producer.close();
    await pipeline?.stop();
    await Promise.all([broker.stop(), dynamo.stop()]);
  }
}

/** Dead letters whose last `pulse-reason` is not the expected one, or records dead-lettered that should have been stored. */
async function deadLetterReasonProblems(brokers: string, expected: ReadonlyMap<string, string>): Promise<string[]> {
  const problems: string[] = [];
  for (const letter of await readTopics(brokers, STREAM_TOPICS.map((topic) => `${topic}.dlq`))) {
    const source = `${letter.headers['pulse-source-topic']?.at(-1)}-${letter.headers['pulse-source-partition']?.at(-1)}@${letter.headers['pulse-source-offset']?.at(-1)}`;
    const reason = letter.headers['pulse-reason']?.at(-1);
    const wanted = expected.get(source);
    if (wanted !== reason) problems.push(`${source} was dead-lettered as ${reason}, expected ${wanted ?? 'no dead letter'}`);
  }
  return problems;
}

/** Every scenario by the name `npm run faults -- --scenario` takes. */
export const SCENARIOS = {
  'aggregation-crashes': (options: ScenarioOptions) => aggregationCrashes({ ...options, crashRate: 0.3 }),
  'twin-killed': twinKilled,
  'broker-restart': brokerRestart,
  'dynamodb-outage': (options: ScenarioOptions) => dynamoDbOutage({ ...options, outageMs: 30_000 }),
  poison: poisonRecords,
} as const;

/** A scenario's name. */
export type ScenarioName = keyof typeof SCENARIOS;
