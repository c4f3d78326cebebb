#!/usr/bin/env -S npx tsx
/**
 * The `pulse` command line. `pulse local` runs the whole pipeline on this machine; `pulse doctor`
 * says what this machine lacks for it (and for the tests) and how to get it.
 */
import { Command, Option } from 'commander';
import { BACKENDS } from '../twin/backends/choice';
import { defaultCacheDir } from '../twin/backends/jvm';
import { startLocalPipeline } from '../twin/local';
import { LOCAL_DEFAULTS, REDELIVERY_MODES, environmentOptions, parseLocalOptions, portOf, type RawLocalOptions } from '../twin/options';
import { blockers, formatDoctorReport, runDoctor, systemProbes } from '../twin/setup/doctor';
import { formatStatus } from '../twin/status';

// Commander only collects the options as text (and shows the defaults in --help); twin/options.ts
// checks them, with the same schema whether they come from here or from a caller in code.

/** `--backend`, shared by `local` and `doctor` so that both mean the same thing by it. */
function backendOption(): Option {
  return new Option(
    '--backend <backend>',
    `${BACKENDS.join(', ')}. ` +
      'docker: Redpanda, Redpanda Console and LocalStack or DynamoDB Local from docker-compose.local.yml; ' +
      'jvm: start Apache Kafka and DynamoDB Local on the JVM; external: use KAFKA_BROKERS and DYNAMODB_ENDPOINT as they are; ' +
      'auto: docker when a Docker engine answers, jvm otherwise',
  ).default(LOCAL_DEFAULTS.backend);
}

const program = new Command()
  .name('pulse')
  .description('Pulse: real-time event analytics on Kafka, Lambda and DynamoDB')
  .showHelpAfterError();

program
  .command('local')
  .description('run the whole pipeline on this machine: broker, DynamoDB, consumers, producer, HTTP API')
  .addOption(backendOption())
  .addOption(new Option('--port <port>', 'port of the HTTP API and dashboard').default(LOCAL_DEFAULTS.port))
  .option('--host <address>', 'interface the HTTP API listens on; 0.0.0.0 to be reachable from outside (e.g. published from a container)', LOCAL_DEFAULTS.host)
  .option('--no-producer', 'do not run the scheduled producer (send your own events to the broker)')
  .addOption(new Option('--rate <events/s>', 'producer rate, events per second per stream').default(LOCAL_DEFAULTS.rate))
  .option('--data-dir <dir>', 'keep the JVM backend\'s broker and tables in this folder across runs (default: start empty)')
  .addOption(
    new Option(
      '--redelivery <mode>',
      `${REDELIVERY_MODES.join(' or ')}: how a failed batch is retried: same (identical boundaries) or rebatch (re-planned from the committed offsets with other sizes, as AWS may)`,
    ).default(LOCAL_DEFAULTS.redelivery),
  )
  .addHelpText(
    'after',
    `
Environment:
  KAFKA_BROKERS          broker list (default ${LOCAL_DEFAULTS.kafkaBrokers}; jvm starts the broker on its port; docker uses localhost:9092)
  DYNAMODB_ENDPOINT      DynamoDB endpoint (default ${LOCAL_DEFAULTS.dynamoDbEndpoint}; jvm starts DynamoDB Local on its port;
                         docker uses LocalStack at http://localhost:4566 or DynamoDB Local at http://localhost:8000)
  EVENTS_TABLE           events table name (default ${LOCAL_DEFAULTS.eventsTable})
  AGGREGATES_TABLE       aggregates table name (default ${LOCAL_DEFAULTS.aggregatesTable})
  LOCALSTACK_AUTH_TOKEN  docker: run LocalStack (read from the environment or .env); without it, DynamoDB Local
  PULSE_CACHE_DIR        where the JVM backend caches Apache Maven and its artifacts (default ~/.cache/pulse)

Checks first what it needs (as \`pulse doctor\` does: Node.js, Java 17+ for jvm, free ports, a writable
cache) and names what is missing. The first jvm start downloads Apache Maven and the jars from Maven
Central (about 130 MB). Prints "ready: <url>" once the API answers and every consumer has joined its
group; Ctrl-C drains and stops.`,
  )
  .action(async (raw: RawLocalOptions) => {
    const started = Date.now();
    const log = (message: string) => process.stderr.write(`${message}\n`);
    const pipeline = await startLocalPipeline({ ...parseLocalOptions({ ...raw, ...environmentOptions(process.env) }), onProgress: log });
    console.log(`ready: ${pipeline.url} (in ${((Date.now() - started) / 1000).toFixed(1)} s; Kafka ${pipeline.kafkaBrokers}, DynamoDB ${pipeline.dynamoDbEndpoint})`);
    console.log(`dashboard: ${pipeline.url}/ · API: ${pipeline.url}/v1/streams · OpenAPI: ${pipeline.url}/openapi.json`);

    const interactive = process.stdout.isTTY === true;
    let lastPrinted = 0;
    let lastConsumers = '';
    const statusTimer = setInterval(() => {
      const snapshot = pipeline.status.snapshot();
      const line = formatStatus(snapshot);
      // A consumer that crashed or came back is news: a log shows it at once, not within 10 s.
      const consumers = `${snapshot.consumers.running}/${snapshot.consumers.crashes}`;
      if (interactive) {
        process.stdout.write(`\r\x1b[2K${line}`);
      } else if (Date.now() - lastPrinted >= 10_000 || consumers !== lastConsumers) {
        lastPrinted = Date.now();
        console.log(line);
      }
      lastConsumers = consumers;
    }, 1000);

    // One Ctrl-C can arrive twice: the terminal signals npm, tsx and this process, and tsx relays
    // its copy. A second signal within this window is the same request, not an impatient user.
    const SAME_SIGNAL_WINDOW_MS = 1_000;
    let stoppingSince: number | undefined;
    const shutdown = (signal: string) => {
      if (stoppingSince !== undefined) {
        if (Date.now() - stoppingSince < SAME_SIGNAL_WINDOW_MS) return;
        // process.exit runs the 'exit' handlers, which SIGKILL the JVMs; their parent watch would stop them anyway.
        log(`\n${signal} again: exiting without draining (the next start resumes from the last committed offsets)`);
        process.exit(130);
      }
      stoppingSince = Date.now();
      clearInterval(statusTimer);
      log(`\n${signal}: draining consumers and stopping (Ctrl-C again to force)`);
      pipeline.stop().then(
        () => {
          log('stopped');
          process.exit(0);
        },
        (error: unknown) => {
          log(`stop failed: ${(error as Error).message}`);
          process.exit(1);
        },
      );
    };
    for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(signal, () => shutdown(signal));
    // A closed terminal makes writes fail; the shutdown must still run.
    for (const stream of [process.stdout, process.stderr]) stream.on('error', () => undefined);
  });

program
  .command('doctor')
  .description('check this machine for `npm start` and `npm test`: what is there, what is missing, and how to get it')
  .addOption(backendOption())
  .addOption(new Option('--port <port>', 'port of the HTTP API and dashboard to check').default(LOCAL_DEFAULTS.port))
  .option('--host <address>', 'interface the HTTP API would listen on', LOCAL_DEFAULTS.host)
  .addHelpText(
    'after',
    `
Checks: Node.js 20+, Java 17+ (jvm backend), free ports for the broker, DynamoDB Local and the API,
the cache (writable, size, what is cached), tar and Maven Central (first jvm start only), the Docker
engine (optional), Chromium and Python's venv (npm test). Each missing piece comes with the command
that installs it on this machine. Reads KAFKA_BROKERS, DYNAMODB_ENDPOINT and PULSE_CACHE_DIR as
\`pulse local\` does.

Exit code: 0 when \`npm start\` can run, 1 when something it needs is missing (the table says what;
what only the tests need never fails it).`,
  )
  .action(async (given: RawLocalOptions) => {
    const options = parseLocalOptions({ ...given, ...environmentOptions(process.env) }, 'pulse doctor');
    process.stderr.write('checking this machine (Docker, Java, Python and Maven Central may take a few seconds)…\n');
    const report = await runDoctor(
      {
        backend: options.backend,
        apiPort: options.port,
        apiHost: options.host,
        kafkaPort: portOf(options.kafkaBrokers),
        dynamoDbPort: portOf(options.dynamoDbEndpoint),
        cacheDir: defaultCacheDir(),
      },
      systemProbes(),
    );
    process.stdout.write(formatDoctorReport(report));
    process.exitCode = blockers(report).length > 0 ? 1 : 0;
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  process.stderr.write(`pulse: ${(error as Error).message}\n`);
  process.exit(1);
});
