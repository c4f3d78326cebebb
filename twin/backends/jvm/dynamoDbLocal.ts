import * as fs from 'node:fs';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { defaultCacheDir, resolveJvmArtifacts } from './artifacts';
import { DYNAMODB_LOCAL_LAUNCHER_CLASS } from './java';
import { assertPortFree, startJvmService, type JvmServiceOptions } from './jvmProcess';
import { pidFileOf, removeAbandonedTemporaryDirs, temporaryDirPrefix, waitForPreviousJvm } from './previousRuns';

/** Options of DynamoDB Local; `port` defaults to 8000, `dataDir` keeps the tables (`-dbPath`) instead of memory. */
export type DynamoDbLocalOptions = JvmServiceOptions;

/** A running DynamoDB Local. */
export interface DynamoDbLocalHandle {
  /** Endpoint for AWS SDK clients, "http://127.0.0.1:<port>". */
  endpoint: string;
  /** Stops DynamoDB Local (SIGTERM, SIGKILL after 15 s) and deletes its temporary directory; idempotent. */
  stop(): Promise<void>;
}

export const DEFAULT_DYNAMODB_PORT = 8000;
const READY_TIMEOUT_MS = 60_000;

/** Same rationale as the broker's flags: C1 only and the default CDS archive start fastest. */
export const DYNAMODB_JVM_FLAGS = [
  '-Xmx512m',
  '-XX:TieredStopAtLevel=1',
  '-Xshare:auto',
  '-XX:+UseSerialGC',
  '-XX:+ExitOnOutOfMemoryError',
  '-Djava.awt.headless=true',
];

/** Dummy credentials DynamoDB Local accepts; with -sharedDb they do not select a database. */
export const DYNAMODB_LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' } as const;

/**
 * DynamoDB Local's program arguments.
 *
 * Why -sharedDb: without it DynamoDB Local keeps one database per access key and region, so a
 * handler configured with other dummy credentials than the CLI would see no tables.
 */
export function dynamoDbLocalArgs(opts: { port: number; dataDir?: string }): string[] {
  const storage = opts.dataDir === undefined ? ['-inMemory'] : ['-dbPath', opts.dataDir];
  return ['-port', String(opts.port), '-sharedDb', '-disableTelemetry', ...storage];
}

async function listTablesOnce(client: DynamoDBClient): Promise<void> {
  await client.send(new ListTablesCommand({ Limit: 1 }));
}

/**
 * Starts a real DynamoDB Local on 127.0.0.1 and resolves once `ListTables` succeeds.
 *
 * Why: conditional writes and ReturnValuesOnConditionCheckFailure must behave as in DynamoDB;
 * DynamoDB Local is AWS's own implementation of the API.
 */
export async function startDynamoDbLocal(opts: DynamoDbLocalOptions = {}): Promise<DynamoDbLocalHandle> {
  const port = opts.port ?? DEFAULT_DYNAMODB_PORT;
  const portInUseAdvice = 'stop the other DynamoDB Local or pass another port';
  const dataDir = opts.dataDir === undefined ? undefined : path.resolve(opts.dataDir);
  const pidFile = pidFileOf('dynamodb', port, dataDir, opts.cacheDir ?? defaultCacheDir());
  // A DynamoDB Local a killed twin left shutting down still holds the port and its database.
  await waitForPreviousJvm(pidFile, 'DynamoDB Local', opts.onProgress);
  await assertPortFree(port, portInUseAdvice);
  const artifacts = await resolveJvmArtifacts({ cacheDir: opts.cacheDir, onProgress: opts.onProgress });

  removeAbandonedTemporaryDirs('dynamodb');
  // In memory there is no data dir, but the log still needs a home until stop().
  const dir = dataDir ?? fs.mkdtempSync(temporaryDirPrefix('dynamodb'));
  const temporaryDir = dataDir === undefined ? dir : undefined;
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'us-east-1',
    credentials: DYNAMODB_LOCAL_CREDENTIALS,
    maxAttempts: 1,
    requestHandler: { connectionTimeout: 1_000, requestTimeout: 2_000 },
  });
  try {
    fs.mkdirSync(dir, { recursive: true });
    opts.onProgress?.(`starting DynamoDB Local on ${endpoint} (${dataDir ? `data: ${dataDir}` : 'in memory'})`);
    const service = await startJvmService({
      name: 'DynamoDB Local',
      jvmFlags: [...DYNAMODB_JVM_FLAGS, `-Djava.library.path=${artifacts.sqliteNativeDir}`, '-Dpulse.bindHost=127.0.0.1'],
      classpath: artifacts.dynamoDbClasspath,
      mainClass: DYNAMODB_LOCAL_LAUNCHER_CLASS,
      args: dynamoDbLocalArgs({ port, dataDir }),
      pidFile,
      cwd: dir,
      logFile: path.join(dir, 'dynamodb-local.log'),
      port,
      portInUseAdvice,
      probe: () => listTablesOnce(client),
      readyTimeoutMs: READY_TIMEOUT_MS,
      onProgress: opts.onProgress,
      temporaryDir,
    });
    opts.onProgress?.(`DynamoDB Local ready on ${endpoint} in ${(service.readyAfterMs / 1000).toFixed(1)} s`);
    return { endpoint, stop: service.stop };
  } catch (error) {
    if (temporaryDir) await fs.promises.rm(temporaryDir, { recursive: true, force: true });
    throw error;
  } finally {
    client.destroy();
  }
}
