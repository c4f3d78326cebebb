/**
 * Benchmarks of the local twin, written to BENCHMARKS.md with the command that produced them:
 * time to `ready:` from a cold and a warm artifact cache, end-to-end throughput on the JVM
 * backend, and aggregate totals against a ground truth when the aggregation consumer crashes
 * between writes and its batches are retried.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { Command, InvalidArgumentError, Option } from 'commander';
import { COMPRESSION_CODECS, createKafkaPort, type CompressionCodec } from '../lambdas/adapters/kafka';
import { AggregatesRepository } from '../lambdas/adapters/dynamodb/aggregatesRepository';
import { createDocumentClient } from '../lambdas/adapters/dynamodb/client';
import { PIPELINE, consumerGroupId } from '../lambdas/config/pipeline';
import { DEFAULT_VALIDATION_LIMITS } from '../lambdas/config/settings';
import { AGGREGATES_TABLE } from '../lambdas/config/tables';
import { seededRandom } from '../lambdas/domain/random';
import { STREAMS } from '../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../lambdas/domain/streams/types';
import { createAggregationHandler } from '../lambdas/handlers/aggregation';
import { startEventSourceMapping } from '../twin/lambda/eventSourceMapping';
import { findFreePort, startDynamoDbLocal, startKafkaBroker } from '../twin/backends/jvm';
import { startLocalPipeline } from '../twin/local';
import { createTable } from '../twin/provision';
import { crashingAggregates } from '../test/faults/scenarios';

interface BenchOptions {
  events: number;
  crashRate: number;
  cold: boolean;
  output: string;
  compression: CompressionCodec;
}

const log = (message: string) => process.stderr.write(`[bench] ${message}\n`);
const seconds = (ms: number) => (ms / 1000).toFixed(1);

/** Runs `pulse local` as a user would and times the `ready:` line and the Ctrl-C shutdown. */
async function timeToReady(cacheDir: string | undefined): Promise<{ readyMs: number; stopMs: number }> {
  const [kafkaPort, dynamoPort, apiPort] = [await findFreePort(), await findFreePort(), await findFreePort()];
  const started = Date.now();
  const child = spawn(process.execPath, [require.resolve('tsx/cli'), 'bin/pulse.ts', 'local', '--backend', 'jvm', '--no-producer', '--port', String(apiPort)], {
    env: {
      ...process.env,
      KAFKA_BROKERS: `127.0.0.1:${kafkaPort}`,
      DYNAMODB_ENDPOINT: `http://127.0.0.1:${dynamoPort}`,
      ...(cacheDir ? { PULSE_CACHE_DIR: cacheDir } : {}),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let output = '';
  const readyMs = await new Promise<number>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('ready: ')) resolve(Date.now() - started);
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    void exited.then(() => reject(new Error(`pulse local exited before ready:\n${output.slice(-2000)}`)));
  });
  const stopping = Date.now();
  child.kill('SIGINT');
  await exited;
  return { readyMs, stopMs: Date.now() - stopping };
}

/** The streams the benchmark sends and counts by hand (see `groundTruth`), so its figures stay comparable run to run. */
const BENCH_STREAMS = STREAMS.filter((stream) => stream.name === 'orders' || stream.name === 'tickets');

/** Events an outside client sends: orders and tickets near now, one in twenty invalid. */
function makeEvents(count: number): { topic: string; key: string; value: string }[] {
  const random = seededRandom(42);
  const now = Date.now();
  return Array.from({ length: count }, (_, index) => {
    if (index % 20 === 19) return { topic: (BENCH_STREAMS[index % BENCH_STREAMS.length] as AnyStreamDefinition).name, key: 'bad', value: '{"truncated": ' };
    const stream = BENCH_STREAMS[index % BENCH_STREAMS.length] as AnyStreamDefinition;
    const event = stream.generate(random, now - Math.floor(random.next() * 120_000));
    return { topic: stream.name, key: stream.partitionKey(event), value: JSON.stringify(event) };
  });
}

/** Counts by hand, independent of the pipeline: events per stream, invalid records, revenue in cents. */
function groundTruth(events: { topic: string; value: string }[]) {
  const truth = { orders: 0, tickets: 0, invalid: 0, purchases: 0, revenueCents: 0 };
  for (const { topic, value } of events) {
    let event: { type?: string; price?: number; quantity?: number };
    try {
      event = JSON.parse(value);
    } catch {
      truth.invalid += 1;
      continue;
    }
    truth[topic as 'orders' | 'tickets'] += 1;
    if (topic === 'orders' && event.type === 'purchase') {
      truth.purchases += 1;
      // Generated prices have at most two decimals, so cents × quantity is exact.
      truth.revenueCents += Math.round((event.price as number) * 100) * (event.quantity as number);
    }
  }
  return truth;
}

async function produce(brokers: string, events: { topic: string; key: string; value: string }[], compression: CompressionCodec): Promise<number> {
  const producer = createKafkaPort({ kind: 'brokers', brokers: [brokers] }).publisher('bench-client', { compression });
  const started = Date.now();
  for (let start = 0; start < events.length; start += 1000) {
    const chunk = events.slice(start, start + 1000);
    for (const topic of ['orders', 'tickets']) {
      await producer.send(topic, chunk.filter((event) => event.topic === topic).map(({ key, value }) => ({ key, value })));
    }
  }
  const elapsed = Date.now() - started;
  await producer.disconnect();
  return elapsed;
}

async function aggregateTotals(repository: AggregatesRepository) {
  const from = Date.now() - 3 * 3_600_000;
  const to = Date.now() + 3_600_000;
  const sum = async (stream: string, aggregation: string) =>
    (await repository.querySeries(stream, aggregation, from, to)).reduce(
      (totals, point) => ({ count: totals.count + point.count, cents: totals.cents + (point.sum ?? 0n) }),
      { count: 0, cents: 0n },
    );
  const [orders, tickets, ordersInvalid, ticketsInvalid, revenue] = await Promise.all([
    sum('orders', 'events_by_type'),
    sum('tickets', 'by_type'),
    sum('orders', 'invalid'),
    sum('tickets', 'invalid'),
    sum('orders', 'revenue'),
  ]);
  return { orders: orders.count, tickets: tickets.count, invalid: ordersInvalid.count + ticketsInvalid.count, purchases: revenue.count, revenueCents: revenue.cents };
}

async function until(check: () => Promise<boolean>, what: string, timeoutMs = 600_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

async function main(options: BenchOptions): Promise<void> {
  const results: string[] = [];
  const row = (name: string, value: string, note = '') => results.push(`| ${name} | ${value} | ${note} |`);

  if (options.cold) {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-bench-cache-'));
    log('time to ready: cold cache (Maven downloads Kafka and DynamoDB Local)');
    const cold = await timeToReady(cache);
    fs.rmSync(cache, { recursive: true, force: true });
    row('`npm start` to `ready:`, cold cache', `${seconds(cold.readyMs)} s`, 'empty PULSE_CACHE_DIR: Maven resolves ~120 MB from Maven Central');
    row('Ctrl-C to exit (drain and stop), cold run', `${seconds(cold.stopMs)} s`);
  }
  log('time to ready: warm cache');
  await timeToReady(undefined); // fills the default cache if a cold run did not
  const warm = await timeToReady(undefined);
  row('`npm start` to `ready:`, warm cache', `${seconds(warm.readyMs)} s`, 'JVMs start empty; topics and tables created');
  row('Ctrl-C to exit (drain and stop), warm run', `${seconds(warm.stopMs)} s`);

  log('starting a broker and DynamoDB Local for the throughput runs');
  const [broker, dynamo] = await Promise.all([
    startKafkaBroker({ port: await findFreePort() }),
    startDynamoDbLocal({ port: await findFreePort() }),
  ]);
  const documents = createDocumentClient({ endpoint: dynamo.endpoint });
  try {
    const events = makeEvents(options.events);
    const truth = groundTruth(events);
    const aggregatesTable = `bench-aggregates-${randomUUID()}`;
    const pipeline = await startLocalPipeline({
      backend: 'external',
      port: await findFreePort(),
      producer: false,
      rate: 1,
      kafkaBrokers: broker.brokers,
      dynamoDbEndpoint: dynamo.endpoint,
      eventsTable: `bench-events-${randomUUID()}`,
      aggregatesTable,
      onProgress: () => undefined,
    });
    const repository = new AggregatesRepository(documents, { tableName: aggregatesTable, retentionMs: 86_400_000 });
    log(`throughput: ${options.events} events through enrichment and aggregation`);
    const started = Date.now();
    const produceMs = await produce(broker.brokers, events, options.compression);
    let totals = await aggregateTotals(repository);
    await until(async () => {
      totals = await aggregateTotals(repository);
      const snapshot = await pipeline.status.sample();
      log(`  aggregated ${totals.orders + totals.tickets + totals.invalid}/${options.events}, lag ${snapshot.lag}`);
      return snapshot.lag === 0 && totals.orders + totals.tickets + totals.invalid === options.events;
    }, 'the pipeline to drain');
    const drainedMs = Date.now() - started;
    await pipeline.stop();
    row('outside client produce rate', `${Math.round(options.events / (produceMs / 1000))} events/s`, `${options.events} events, kafkajs idempotent producer, batches of 1,000, compression ${options.compression}`);
    row('twin sustained, end to end', `${Math.round(options.events / (drainedMs / 1000))} events/s`, 'from first send until both consumers have committed everything and the aggregates hold every event');
    row('aggregates equal ground truth (no failures)', JSON.stringify(totals) === JSON.stringify(truth) ? 'yes' : `NO: ${JSON.stringify(totals)} vs ${JSON.stringify(truth)}`, JSON.stringify(truth));

    log(`exactly-once: aggregation with crashes after partial writes (rate ${options.crashRate})`);
    const crashTable = `bench-crash-${randomUUID()}`;
    const dynamoClient = new DynamoDBClient({ endpoint: dynamo.endpoint, region: 'us-east-1', credentials: { accessKeyId: 'local', secretAccessKey: 'local' } });
    await createTable(dynamoClient, AGGREGATES_TABLE, crashTable);
    dynamoClient.destroy();
    const crashRepository = new AggregatesRepository(documents, { tableName: crashTable, retentionMs: 86_400_000 });
    const crashing = crashingAggregates(crashRepository, options.crashRate, seededRandom(7));
    const aggregate = createAggregationHandler({ limits: DEFAULT_VALIDATION_LIMITS, aggregates: crashing });
    const mappings = await Promise.all(
      ['orders', 'tickets'].map((topic) =>
        startEventSourceMapping({
          brokers: broker.brokers,
          topics: [topic],
          groupId: `${consumerGroupId('aggregation', topic)}-bench-${randomUUID()}`,
          // Small batches: many invocations, so many crash points.
          batchSize: 100,
          maxBatchingWindowMs: PIPELINE.consumers.aggregation.maxBatchingWindowMs,
          startingPosition: 'TRIM_HORIZON',
          functionName: 'bench-aggregation',
          handler: (event) => aggregate(event),
          retryBackoffMs: { initial: 10, max: 100 },
          // A crashed batch is retried with other boundaries, as AWS may deliver it.
          redelivery: 'rebatch',
          logger: { info: () => undefined, warn: () => undefined, error: () => undefined },
        }),
      ),
    );
    const crashStarted = Date.now();
    let crashTotals = await aggregateTotals(crashRepository);
    await until(async () => {
      crashTotals = await aggregateTotals(crashRepository);
      const lags = await Promise.all(mappings.map((mapping) => mapping.lag()));
      return lags.every((lag) => lag === 0);
    }, 'the crashing consumer to drain');
    const crashMs = Date.now() - crashStarted;
    await Promise.all(mappings.map((mapping) => mapping.stop()));
    const equal = JSON.stringify(crashTotals) === JSON.stringify(truth);
    row(
      'aggregates equal ground truth with injected crashes',
      equal ? 'yes' : `NO: ${JSON.stringify(crashTotals)}`,
      `batches of up to 100: ${crashing.invocations()} invocations, ${crashing.crashes()} of them crashed after writing a random part of their items and were re-planned with other boundaries; drained in ${seconds(crashMs)} s`,
    );
    if (!equal) process.exitCode = 1;
  } finally {
    documents.destroy();
    await Promise.all([broker.stop(), dynamo.stop()]);
  }

  const codecFlag = options.compression === PIPELINE.producer.compression ? '' : ` --compression ${options.compression}`;
  const command = `npm run bench -- --events ${options.events} --crash-rate ${options.crashRate}${options.cold ? '' : ' --no-cold'}${codecFlag}`;
  const report = [
    '# Benchmarks',
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}:`,
    `${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}, ${os.platform()} ${os.arch()}.`,
    'The twin runs Apache Kafka and DynamoDB Local on the JVM on the same machine as the benchmark, so these',
    'figures measure the local twin, not AWS: Lambda concurrency and MSK are not involved.',
    '',
    '| measure | result | conditions |',
    '|---|---|---|',
    ...results,
    '',
  ].join('\n');
  fs.writeFileSync(options.output, report);
  log(`written to ${options.output}`);
  process.stdout.write(report);
}

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 100) throw new InvalidArgumentError(`must be an integer ≥ 100, got "${text}"`);
  return value;
}

function rate(text: string): number {
  const value = Number(text);
  if (!(value >= 0 && value < 1)) throw new InvalidArgumentError(`must be a number in [0, 1), got "${text}"`);
  return value;
}

new Command()
  .name('npm run bench --')
  .description('measure the local twin: time to ready (cold and warm cache), throughput, exactly-once under injected crashes')
  .option('--events <n>', 'events an outside client sends for the throughput and crash runs', positiveInteger, 20_000)
  .option('--crash-rate <p>', 'probability that an aggregation invocation crashes after partial writes', rate, 0.3)
  .option('--no-cold', 'skip the cold-cache start (it downloads ~120 MB from Maven Central)')
  .option('--output <file>', 'where to write the report', 'BENCHMARKS.md')
  .addOption(
    new Option('--compression <codec>', "codec of the outside client's batches (the twin's consumers read every one)")
      .choices(COMPRESSION_CODECS)
      .default(PIPELINE.producer.compression),
  )
  .action(main)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`bench: ${(error as Error).message}\n`);
    process.exit(1);
  });
