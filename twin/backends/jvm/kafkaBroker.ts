import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { createKafkaPort } from '../../../lambdas/adapters/kafka';
import { defaultCacheDir, resolveJvmArtifacts } from './artifacts';
import { assertPortFree, findFreePort, startJvmService, tailText, type JvmServiceOptions } from './jvmProcess';
import { pidFileOf, removeAbandonedTemporaryDirs, temporaryDirPrefix, waitForPreviousJvm } from './previousRuns';

const execFileAsync = promisify(execFile);

/** Options of the broker; `port` is the client (PLAINTEXT) listener, default 9092. */
export interface KafkaBrokerOptions extends JvmServiceOptions {
  /**
   * KRaft cluster id used when the data dir is formatted for the first time (ignored when it is
   * already formatted). @default a random id made as Kafka's `Uuid.randomUuid()` makes one
   */
  clusterId?: string;
}

/** A running single-node Kafka broker. */
export interface KafkaBrokerHandle {
  /** Bootstrap address for clients, "127.0.0.1:<port>". */
  brokers: string;
  /** Stops the broker (SIGTERM, SIGKILL after 15 s) and deletes a temporary data dir; idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_KAFKA_PORT = 9092;
const READY_TIMEOUT_MS = 90_000;
const NODE_ID = 1;
const LOG_DIR_NAME = 'kraft-combined-logs';

/**
 * JVM flags for a broker that starts fast and stays small on a laptop.
 * C1 only (TieredStopAtLevel=1) cuts start-up JIT work, which dominates a short-lived twin's CPU
 * time; the default CDS archive (-Xshare:auto) maps the JDK's classes instead of parsing them.
 */
export const KAFKA_JVM_FLAGS = [
  '-Xms128m',
  '-Xmx512m',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/**
 * The broker's server.properties for a combined broker+controller KRaft node on loopback.
 *
 * Why: a pure function of the ports and the log directory, so a kept data dir can restart on
 * new ports (the static voter list lives in this file, not in the formatted storage).
 */
export function kafkaServerProperties(opts: { port: number; controllerPort: number; logDir: string }): string {
  const settings: Record<string, string | number | boolean> = {
    'process.roles': 'broker,controller',
    'node.id': NODE_ID,
    'controller.quorum.voters': `${NODE_ID}@127.0.0.1:${opts.controllerPort}`,
    listeners: `PLAINTEXT://127.0.0.1:${opts.port},CONTROLLER://127.0.0.1:${opts.controllerPort}`,
    'advertised.listeners': `PLAINTEXT://127.0.0.1:${opts.port}`,
    'controller.listener.names': 'CONTROLLER',
    'inter.broker.listener.name': 'PLAINTEXT',
    'listener.security.protocol.map': 'PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT',
    'log.dirs': opts.logDir,
    // Three partitions let one Lambda-style invocation carry records of several partitions, as
    // MSK event source mappings do, so per-partition ordering bugs show up locally.
    'num.partitions': 3,
    // One node cannot hold more than one replica of the internal topics.
    'offsets.topic.replication.factor': 1,
    // One partition each: fifty (the default) take seconds to load on first use, during which
    // consumers and idempotent producers get "coordinator is loading" errors.
    'offsets.topic.num.partitions': 1,
    'transaction.state.log.num.partitions': 1,
    'transaction.state.log.replication.factor': 1,
    'transaction.state.log.min.isr': 1,
    'share.coordinator.state.topic.replication.factor': 1,
    'share.coordinator.state.topic.min.isr': 1,
    // Consumers join at once instead of waiting 3 s for others that will never come.
    'group.initial.rebalance.delay.ms': 0,
    // Topics come from the project's definitions; a typo must fail, not create a topic.
    'auto.create.topics.enable': false,
    // As MSK's Kafka 3.x brokers do (Kafka 4 refuses record timestamps over an hour ahead, KIP-1030):
    // a producer with a broken clock reaches the consumers there, so the twin must let it through.
    'log.message.timestamp.after.max.ms': '9223372036854775807',
  };
  return `${Object.entries(settings)
    .map(([key, value]) => `${key}=${value}`)
    .join('\n')}\n`;
}

/** Kafka 4 logs through log4j2 and ships no default configuration outside its distribution. */
const LOG4J2_PROPERTIES = `status = warn
# log4j's own shutdown hook would stop logging halfway through the broker's clean shutdown.
shutdownHook = disable
appender.console.type = Console
appender.console.name = STDOUT
appender.console.layout.type = PatternLayout
appender.console.layout.pattern = [%d] %p %m (%c)%n
rootLogger.level = info
rootLogger.appenderRef.stdout.ref = STDOUT
# The request logger and the state-change log are only useful when debugging Kafka itself.
logger.request.name = kafka.request.logger
logger.request.level = warn
logger.state.name = state.change.logger
logger.state.level = warn
`;

/**
 * A random KRaft cluster id as Kafka's `Uuid.randomUuid()` makes one: 16 random bytes in URL-safe
 * base64 without padding, drawn again while the text starts with `-`, because Kafka's own command
 * line tools would read such an id as an option (Kafka's `Uuid.java` redraws for that reason).
 */
export function newClusterId(random: (size: number) => Buffer = randomBytes): string {
  for (;;) {
    const id = random(16).toString('base64url');
    if (!id.startsWith('-')) return id;
  }
}

/**
 * The `kafka-storage format` arguments. Values are attached with `=` so that no value, generated
 * or given, can be taken for an option (an id starting with `-` once failed 1 start in 64).
 */
export function storageFormatArgs(opts: { classpath: string; propertiesFile: string; clusterId: string }): string[] {
  return [
    ...KAFKA_JVM_FLAGS,
    '-cp',
    opts.classpath,
    'kafka.tools.StorageTool',
    'format',
    `--cluster-id=${opts.clusterId}`,
    `--config=${opts.propertiesFile}`,
  ];
}

/** What the storage tool says when the directory holds another cluster's or a half-written format. */
const FORMATTED_STATE_PATTERN = /already formatted|meta\.properties|Invalid cluster\.id|mismatch/i;

/**
 * The error of a failed `kafka-storage format`: the tool's own output first, then advice only
 * when the output points at the directory's state.
 */
export function storageFormatError(logDir: string, output: string): Error {
  const tail = tailText(output, 20) || '(no output)';
  const advice = FORMATTED_STATE_PATTERN.test(output)
    ? `\n${logDir} holds a previous or half-written format; delete it to start this broker empty.`
    : '';
  return new Error(`formatting the Kafka storage in ${logDir} failed: kafka-storage said:\n${tail}${advice}`);
}

async function formatStorage(classpath: string, propertiesFile: string, logDir: string, clusterId: string): Promise<void> {
  if (fs.existsSync(path.join(logDir, 'meta.properties'))) return;
  try {
    await execFileAsync('java', storageFormatArgs({ classpath, propertiesFile, clusterId }));
  } catch (error) {
    const { stdout = '', stderr = '', message } = error as { stdout?: string; stderr?: string; message: string };
    throw storageFormatError(logDir, `${stdout}${stderr}` || message);
  }
}

/** One readiness probe: connect, describe the cluster, load the group coordinator; fail fast, never retry. */
async function probeOnce(brokers: string): Promise<void> {
  const admin = await createKafkaPort({ kind: 'brokers', brokers: [brokers] }).admin('pulse-twin-readiness', { connectionTimeoutMs: 1_000, requestTimeoutMs: 2_000, retries: 0 });
  try {
    await admin.probe();
  } finally {
    await admin.close().catch(() => undefined);
  }
}

/**
 * Starts a real single-node Kafka broker (KRaft, combined broker+controller) on 127.0.0.1 and
 * resolves once a kafkajs admin gets an answer from `describeCluster()`.
 *
 * Why: the twin runs the Lambda handlers against the same broker software as MSK, not a mock.
 */
export async function startKafkaBroker(opts: KafkaBrokerOptions = {}): Promise<KafkaBrokerHandle> {
  const port = opts.port ?? DEFAULT_KAFKA_PORT;
  const portInUseAdvice = 'stop the other broker or pass --port <free port>';
  const dataDir = opts.dataDir === undefined ? undefined : path.resolve(opts.dataDir);
  const pidFile = pidFileOf('kafka', port, dataDir, opts.cacheDir ?? defaultCacheDir());
  // A broker a killed twin left shutting down still holds the port and the log dir's lock.
  await waitForPreviousJvm(pidFile, 'Kafka broker', opts.onProgress);
  // Before resolving, so a taken port fails in milliseconds rather than after a Maven run.
  await assertPortFree(port, portInUseAdvice);
  const artifacts = await resolveJvmArtifacts({ cacheDir: opts.cacheDir, onProgress: opts.onProgress });

  removeAbandonedTemporaryDirs('kafka');
  const dir = dataDir ?? fs.mkdtempSync(temporaryDirPrefix('kafka'));
  const temporaryDir = opts.dataDir === undefined ? dir : undefined;
  try {
    fs.mkdirSync(dir, { recursive: true });
    const logDir = path.join(dir, LOG_DIR_NAME);
    const propertiesFile = path.join(dir, 'server.properties');
    const log4jFile = path.join(dir, 'log4j2.properties');
    const controllerPort = await findFreePort();
    fs.writeFileSync(propertiesFile, kafkaServerProperties({ port, controllerPort, logDir }));
    fs.writeFileSync(log4jFile, LOG4J2_PROPERTIES);
    await formatStorage(artifacts.kafkaClasspath, propertiesFile, logDir, opts.clusterId ?? newClusterId());

    const brokers = `127.0.0.1:${port}`;
    opts.onProgress?.(`starting Kafka broker on ${brokers} (data: ${dir})`);
    const service = await startJvmService({
      name: 'Kafka broker',
      jvmFlags: [...KAFKA_JVM_FLAGS, `-Dlog4j2.configurationFile=${log4jFile}`],
      classpath: artifacts.kafkaClasspath,
      mainClass: 'kafka.Kafka',
      args: [propertiesFile],
      pidFile,
      cwd: dir,
      logFile: path.join(dir, 'broker.log'),
      port,
      portInUseAdvice,
      probe: () => probeOnce(brokers),
      readyTimeoutMs: READY_TIMEOUT_MS,
      onProgress: opts.onProgress,
      temporaryDir,
    });
    opts.onProgress?.(`Kafka broker ready on ${brokers} in ${(service.readyAfterMs / 1000).toFixed(1)} s`);
    return { brokers, stop: service.stop };
  } catch (error) {
    // startJvmService already deleted it after a failed JVM; this covers failures before that.
    if (temporaryDir) await fs.promises.rm(temporaryDir, { recursive: true, force: true });
    throw error;
  }
}
