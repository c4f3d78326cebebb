/**
 * A real, non-JavaScript Kafka client for the tests: `java/PulseJavaClient.java`, compiled once per
 * source with the ECJ the twin's artifacts bring and run on the Kafka client jars the twin
 * resolves, so batches are compressed exactly as an ordinary Java service compresses them.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { CompressionCodec } from '../../lambdas/adapters/kafka';
import { compileJavaSource, resolveJvmArtifacts } from '../../twin/backends/jvm';

const CLASS_NAME = 'PulseJavaClient';
const SOURCE_FILE = path.join(__dirname, 'java', `${CLASS_NAME}.java`);
/** A Java client that has not finished by then is killed, so no test leaves one behind. */
const RUN_TIMEOUT_MS = 90_000;

/** A record as the Java client sends and reads it: text key and value. */
export interface JavaRecord {
  readonly key: string;
  readonly value: string;
}

/** Runs the compiled Java client; see the module comment. */
export class JavaKafkaClient {
  private constructor(private readonly classpath: string) {}

  /**
   * Resolves the twin's JVM artifacts (cached) and compiles the client if this source was never compiled.
   * @throws Error when Java or the artifacts are missing, or the source does not compile
   */
  static async build(): Promise<JavaKafkaClient> {
    const artifacts = await resolveJvmArtifacts();
    const text = fs.readFileSync(SOURCE_FILE, 'utf8');
    // The compiler keeps the source beside the classes, so both live in a folder of this build's own.
    const outDir = path.join(os.tmpdir(), `pulse-java-client-${createHash('sha256').update(text).update(artifacts.kafkaClasspath).digest('hex').slice(0, 12)}`, 'classes');
    if (!fs.existsSync(path.join(outDir, `${CLASS_NAME}.class`))) {
      // Compiled aside and moved into place, so a concurrent or interrupted build never leaves half a directory.
      const staging = `${outDir}.partial-${process.pid}`;
      await compileJavaSource({ className: CLASS_NAME, text }, staging, artifacts.kafkaClasspath);
      fs.rmSync(outDir, { recursive: true, force: true });
      fs.renameSync(staging, outDir);
    }
    return new JavaKafkaClient(`${outDir}${path.delimiter}${artifacts.kafkaClasspath}`);
  }

  /** Sends the records to `topic` with the Java producer's `compression.type=<codec>`, keyed, and waits for every ack. */
  async produce(brokers: string, topic: string, codec: CompressionCodec, records: readonly JavaRecord[]): Promise<void> {
    const input = records.map(({ key, value }) => `${key}\t${value}\n`).join('');
    const output = (await this.run(['produce', brokers, topic, codec], Buffer.from(input))).toString('utf8');
    if (!output.includes(`sent ${records.length}`)) throw new Error(`the Java producer did not confirm ${records.length} records: ${output}`);
  }

  /** The first `count` records of every partition of `topic`, as the Java consumer decodes them (fewer if `timeoutMs` passes first). */
  async consume(brokers: string, topic: string, count: number, timeoutMs = 30_000): Promise<JavaRecord[]> {
    const output = (await this.run(['consume', brokers, topic, String(count), String(timeoutMs)], Buffer.alloc(0))).toString('utf8');
    return output
      .split('\n')
      .filter((line) => line.includes('\t'))
      .map((line) => ({ key: line.slice(0, line.indexOf('\t')), value: line.slice(line.indexOf('\t') + 1) }));
  }

  /** `data` through the codec stream a Java producer compresses a batch's records with. */
  compress(codec: CompressionCodec, data: Buffer): Promise<Buffer> {
    return this.run(['compress', codec], data);
  }

  /** `data` through the codec stream a Java consumer decompresses a batch's records with. */
  decompress(codec: CompressionCodec, data: Buffer): Promise<Buffer> {
    return this.run(['decompress', codec], data);
  }

  private run(args: readonly string[], input: Buffer): Promise<Buffer> {
    return new Promise((resolve, reject) => {
      const child = spawn('java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', '-cp', this.classpath, CLASS_NAME, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
      const stdout: Buffer[] = [];
      let stderr = '';
      const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
      child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
      child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString('utf8')).slice(-4000)));
      child.once('error', (error) => {
        clearTimeout(timer);
        reject(error);
      });
      child.once('close', (code, signal) => {
        clearTimeout(timer);
        if (code === 0) resolve(Buffer.concat(stdout));
        else reject(new Error(`java ${CLASS_NAME} ${args.join(' ')} failed (${signal ?? `exit code ${code}`}):\n${stderr}`));
      });
      child.stdin.end(input);
    });
  }
}
