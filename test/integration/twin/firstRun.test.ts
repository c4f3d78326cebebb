/**
 * The first `npm start` on a fresh machine (issue 16): no `mvn` on PATH and an empty cache. The
 * JVM backend must download Apache Maven from Maven Central, resolve Kafka and DynamoDB Local
 * with it, and start both from what it resolved. This downloads about 130 MB on every run, on
 * purpose: a warm cache would prove nothing about a fresh machine.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { Kafka, logLevel } from 'kafkajs';
import { downloadVerified } from '../../../twin/setup/download';
import { findOnPath } from '../../../twin/setup/host';
import { DYNAMODB_LOCAL_CREDENTIALS, findFreePort, resolveJvmArtifacts, startDynamoDbLocal, startKafkaBroker } from '../../../twin/backends/jvm';
import { MAVEN_DISTRIBUTION, isMavenInstalled, mavenDistributionUrl } from '../../../twin/backends/jvm/mavenDistribution';
import { pathWithout, type PathWithout } from '../../helpers/pathWithout';

/** Generous: Maven Central's speed is not ours to choose; about 25 s on the machine this was written on. */
const FIRST_RUN_TIMEOUT_MS = 10 * 60_000;

describe('the JVM backend from an empty cache with no mvn on PATH', () => {
  let cacheDir: string;
  let shadow: PathWithout;
  let savedPath: string | undefined;

  beforeAll(() => {
    cacheDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-first-run-'));
    shadow = pathWithout(['mvn', 'mvnDebug', 'mvnw']);
    savedPath = process.env.PATH;
    // Every child (bin/mvn, java, tar) is spawned with this process's environment.
    process.env.PATH = shadow.PATH;
  });

  afterAll(() => {
    process.env.PATH = savedPath;
    shadow.remove();
    fs.rmSync(cacheDir, { recursive: true, force: true });
  });

  test(
    'downloads Maven, resolves both services with it, and the broker and DynamoDB Local start from the result',
    async () => {
      // Prepare
      expect(findOnPath('mvn')).toBeUndefined();
      expect(findOnPath('java')).toBeDefined();
      const progress: string[] = [];
      const onProgress = (message: string): void => {
        progress.push(message);
        process.stderr.write(`[first run] ${message}\n`);
      };

      // Act
      const started = Date.now();
      const artifacts = await resolveJvmArtifacts({ cacheDir, onProgress });
      process.stderr.write(`[first run] resolved from an empty cache in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);

      // Assess: the pinned Maven came from Maven Central, and every jar is in this cache.
      expect(isMavenInstalled(cacheDir)).toBe(true);
      expect(progress).toContainEqual(expect.stringMatching(new RegExp(`^Apache Maven ${MAVEN_DISTRIBUTION.version}: downloaded [\\d.]+ MB in [\\d.]+ s, sha512 verified$`)));
      expect(progress).toContainEqual(expect.stringMatching(/^Maven \(kafka\): downloaded \d+ files, [\d.]+ MB$/));
      expect(progress).toContainEqual(expect.stringMatching(/^Maven \(dynamodb\): downloaded \d+ files, [\d.]+ MB$/));
      const entries = [...artifacts.kafkaClasspath.split(path.delimiter), ...artifacts.dynamoDbClasspath.split(path.delimiter), artifacts.sqliteNativeDir];
      expect(entries.filter((entry) => !entry.startsWith(cacheDir + path.sep))).toEqual([]);

      // Act: start both services from this cache, as `npm start` does.
      const [kafkaPort, dynamoDbPort] = [await findFreePort(), await findFreePort()];
      const [broker, dynamoDb] = await Promise.allSettled([
        startKafkaBroker({ port: kafkaPort, cacheDir }),
        startDynamoDbLocal({ port: dynamoDbPort, cacheDir }),
      ]);
      try {
        if (broker.status === 'rejected') throw broker.reason;
        if (dynamoDb.status === 'rejected') throw dynamoDb.reason;

        // Assess: each answers a real request.
        const admin = new Kafka({ brokers: [broker.value.brokers], logLevel: logLevel.NOTHING }).admin();
        await admin.connect();
        try {
          expect((await admin.describeCluster()).brokers).toHaveLength(1);
        } finally {
          await admin.disconnect();
        }
        const client = new DynamoDBClient({ endpoint: dynamoDb.value.endpoint, region: 'us-east-1', credentials: DYNAMODB_LOCAL_CREDENTIALS });
        try {
          expect((await client.send(new ListTablesCommand({}))).TableNames).toEqual([]);
        } finally {
          client.destroy();
        }
      } finally {
        await Promise.all([
          broker.status === 'fulfilled' ? broker.value.stop() : undefined,
          dynamoDb.status === 'fulfilled' ? dynamoDb.value.stop() : undefined,
        ]);
      }
    },
    FIRST_RUN_TIMEOUT_MS,
  );

  test('a download whose digest differs from the pin fails by name and leaves no file', async () => {
    // Prepare: the small .sha512 file next to the distribution, pinned to a wrong digest.
    const url = `${mavenDistributionUrl()}.sha512`;
    const file = path.join(cacheDir, 'mismatch', 'apache-maven.sha512');

    // Act
    const result = downloadVerified({ url, file, digest: { algorithm: 'sha256', hex: '0'.repeat(64) }, label: 'checksum file' });

    // Assess
    await expect(result).rejects.toThrow(`downloading checksum file from ${url} failed: its sha256 is `);
    await expect(result).rejects.toThrow(/not the pinned 0{64}; the file was corrupted or altered on the way and has been deleted/);
    expect(fs.readdirSync(path.dirname(file))).toEqual([]);
  });
});
