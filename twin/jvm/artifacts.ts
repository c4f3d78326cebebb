import { execFile, spawn } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { currentHost, installCommand } from '../host';
import { tailText } from './jvmProcess';
import { ensureMavenDistribution } from './mavenDistribution';

const execFileAsync = promisify(execFile);

/** Classpaths and native libraries of the twin's JVM services, all inside the cache. */
export interface JvmArtifacts {
  /** Runtime classpath of `org.apache.kafka:kafka_2.13` plus its log4j SLF4J binding, led by the parent watch. */
  kafkaClasspath: string;
  /** Runtime classpath of DynamoDB Local, led by the parent watch and the launcher that binds it to 127.0.0.1. */
  dynamoDbClasspath: string;
  /** Directory holding sqlite4java's native library, for `-Djava.library.path`. */
  sqliteNativeDir: string;
}

export interface ResolveJvmArtifactsOptions {
  /**
   * Defaults to `$PULSE_CACHE_DIR`, else `~/.cache/pulse`. The Maven repository is `<cacheDir>/m2`,
   * Apache Maven itself `<cacheDir>/maven` (see ./mavenDistribution).
   */
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

/** Minimum Java feature release: Kafka 4 brokers and DynamoDB Local 3 both need 17. */
export const MIN_JAVA_VERSION = 17;

/** Main class to run with {@link JvmArtifacts.dynamoDbClasspath} instead of DynamoDB Local's ServerRunner. */
export const DYNAMODB_LOCAL_LAUNCHER_CLASS = 'PulseDynamoDbLocal';

/**
 * DynamoDB Local has no option to choose its bind address (Jetty listens on every interface), and
 * the twin must only listen on loopback. This launcher does what ServerRunner does, minus
 * telemetry, but sets the Jetty connector's host first. It is compiled once per cache key.
 */
const DYNAMODB_LOCAL_LAUNCHER_SOURCE = `import java.lang.reflect.Field;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/** Starts DynamoDB Local bound to the host in -Dpulse.bindHost (default 127.0.0.1). */
public final class ${DYNAMODB_LOCAL_LAUNCHER_CLASS} {
  public static void main(String[] args) {
    String host = System.getProperty("pulse.bindHost", "127.0.0.1");
    try {
      DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
      Field field = DynamoDBProxyServer.class.getDeclaredField("server");
      field.setAccessible(true);
      Server server = (Server) field.get(proxy);
      for (Connector connector : server.getConnectors()) {
        ((ServerConnector) connector).setHost(host);
      }
      proxy.start();
      System.out.println("DynamoDB Local listening on " + host + ":" + ((ServerConnector) server.getConnectors()[0]).getLocalPort());
    } catch (Throwable e) {
      // Jetty's non-daemon threads would otherwise keep a half-started JVM alive.
      e.printStackTrace();
      System.exit(1);
    }
  }
}
`;

/** Main class that runs another main class and stops the JVM when its parent process is gone. */
export const PARENT_WATCH_CLASS = 'PulseParentWatch';

/**
 * The twin's JVMs must never outlive it, however it dies (SIGKILL of its process group, a closed
 * terminal), or they keep holding the ports and the data dir's locks. Node cannot make the kernel
 * signal a child when the parent dies on every platform, but a pipe works everywhere: the twin
 * holds the write end of the JVM's standard input, the kernel closes it when the twin's process
 * ends, and this watch then shuts the JVM down (shutdown hooks run, so Kafka closes its logs),
 * halting it if that takes longer than 10 s.
 */
const PARENT_WATCH_SOURCE = `import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.util.Arrays;

/** Runs the main class named by the first argument; exits when standard input reaches its end. */
public final class ${PARENT_WATCH_CLASS} {
  private static final long HALT_AFTER_MS = 10_000;

  public static void main(String[] args) throws Throwable {
    Thread watch = new Thread(() -> {
      byte[] buffer = new byte[64];
      try {
        while (System.in.read(buffer) >= 0) {
          // Nothing is ever written; reading only waits for the end of the stream.
        }
      } catch (Throwable ignored) {
        // A broken pipe is an end too.
      }
      System.out.println("[pulse] the process that started this JVM is gone; shutting down");
      Thread halt = new Thread(() -> {
        try {
          Thread.sleep(HALT_AFTER_MS);
        } catch (InterruptedException ignored) {
          return;
        }
        Runtime.getRuntime().halt(1);
      }, "pulse-halt");
      halt.setDaemon(true);
      halt.start();
      System.exit(0);
    }, "pulse-parent-watch");
    watch.setDaemon(true);
    watch.start();
    Method main = Class.forName(args[0]).getMethod("main", String[].class);
    try {
      main.invoke(null, (Object) Arrays.copyOfRange(args, 1, args.length));
    } catch (InvocationTargetException e) {
      throw e.getCause();
    }
  }
}
`;

/** Bump when the cache layout or the Maven invocations change without the pom changing. */
const CACHE_LAYOUT_VERSION = '1';
const POM_FILE = path.join(__dirname, 'pom.xml');
const READY_FILE = 'artifacts.json';
/** Maven 3.8's console library emits colour resets even in batch mode; they do not belong in logs. */
const ANSI_ESCAPE = new RegExp(`${String.fromCharCode(27)}\\[[0-9;]*m`, 'g');

/** How to get a JDK on this machine, e.g. "install a JDK 17+: sudo apt-get update && …". */
function javaAdvice(): string {
  return `install a JDK ${MIN_JAVA_VERSION}+: ${installCommand('jdk', currentHost())} (or use --backend docker or external)`;
}

/**
 * The cache directory used when none is given: `$PULSE_CACHE_DIR`, else `~/.cache/pulse`.
 *
 * Why: the jars (~120 MB) must survive between runs and checkouts, outside the work tree.
 */
export function defaultCacheDir(): string {
  return process.env.PULSE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'pulse');
}

/**
 * Extracts the feature release (8, 11, 17, 21...) from `java -version` output, or undefined.
 *
 * Why: both services refuse to run below Java 17, and saying so up front beats a
 * `UnsupportedClassVersionError` in a log file.
 */
export function parseJavaMajorVersion(versionOutput: string): number | undefined {
  const match = /version "(\d+)(?:\.(\d+))?[^"]*"/.exec(versionOutput);
  if (!match?.[1]) return undefined;
  const first = Number(match[1]);
  // Java 8 and older report "1.<major>".
  return first === 1 && match[2] !== undefined ? Number(match[2]) : first;
}

/**
 * Key of a resolved artifact set: a hash of everything that decides what Maven and the launcher
 * compilation produce.
 *
 * Why: a warm start must skip Maven entirely, yet any edit to the pom must resolve again.
 */
export function artifactsCacheKey(pomXml: string): string {
  return createHash('sha256')
    .update(`${CACHE_LAYOUT_VERSION}\0${pomXml}\0${DYNAMODB_LOCAL_LAUNCHER_SOURCE}\0${PARENT_WATCH_SOURCE}`)
    .digest('hex')
    .slice(0, 16);
}

/**
 * Parses one Maven batch-mode line "Downloaded from <repo>: <url> (<size> <unit> at ...)" into
 * bytes, or undefined for any other line.
 *
 * Why: Maven's per-file lines are too noisy to show, so they are summed into one progress line.
 */
export function parseMavenDownloadBytes(line: string): number | undefined {
  const match = /Downloaded from [^:]+: \S+ \((\d+(?:\.\d+)?) (B|kB|MB|GB)/.exec(line);
  if (!match?.[1] || !match[2]) return undefined;
  const units: Record<string, number> = { B: 1, kB: 1e3, MB: 1e6, GB: 1e9 };
  return Number(match[1]) * (units[match[2]] ?? 1);
}

async function assertJavaVersion(): Promise<void> {
  let output: string;
  try {
    const { stdout, stderr } = await execFileAsync('java', ['-version']);
    output = `${stderr}${stdout}`;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason = code === 'ENOENT' ? '`java` was not found on PATH' : `\`java -version\` failed: ${String(error)}`;
    throw new Error(`Java ${MIN_JAVA_VERSION}+ is required for the JVM backend but ${reason}; ${javaAdvice()}`);
  }
  const major = parseJavaMajorVersion(output);
  if (major === undefined || major < MIN_JAVA_VERSION) {
    const found = major === undefined ? `unrecognised \`java -version\` output: ${tailText(output, 3)}` : `found Java ${major}`;
    throw new Error(`Java ${MIN_JAVA_VERSION}+ is required for the JVM backend (${found}); ${javaAdvice()}`);
  }
}

function readCachedArtifacts(dir: string): JvmArtifacts | undefined {
  let cached: JvmArtifacts;
  try {
    cached = JSON.parse(fs.readFileSync(path.join(dir, READY_FILE), 'utf8')) as JvmArtifacts;
  } catch {
    return undefined;
  }
  // Someone may have pruned ~/.cache/pulse/m2; a missing jar means resolving again, not a
  // ClassNotFoundException later.
  const entries = [...cached.kafkaClasspath.split(path.delimiter), ...cached.dynamoDbClasspath.split(path.delimiter)];
  const complete = entries.every((entry) => fs.existsSync(entry)) && fs.existsSync(cached.sqliteNativeDir);
  return complete ? cached : undefined;
}

interface MavenRun {
  /** The `bin/mvn` to run: the pinned distribution in the cache, never one from PATH. */
  mvn: string;
  pom: string;
  repo: string;
  profile: string;
  outDir: string;
  goals: string[];
  log: fs.WriteStream;
  logFile: string;
  onProgress?: (message: string) => void;
}

/** The exact Maven command line for one profile; exported for tests and for the docs. */
export function mavenArgs(run: Pick<MavenRun, 'pom' | 'repo' | 'profile' | 'outDir' | 'goals'>): string[] {
  return [
    '-B',
    '-Dstyle.color=never',
    '-f',
    run.pom,
    `-Dmaven.repo.local=${run.repo}`,
    '-P',
    run.profile,
    `-Dpulse.outDir=${run.outDir}`,
    ...run.goals,
  ];
}

function runMaven(run: MavenRun): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(run.mvn, mavenArgs(run), { stdio: ['ignore', 'pipe', 'pipe'] });
    let files = 0;
    let bytes = 0;
    let lastReport = Date.now();
    let recent = '';
    let partialLine = '';
    const onData = (chunk: Buffer): void => {
      const text = chunk.toString('utf8').replace(ANSI_ESCAPE, '');
      run.log.write(text);
      recent = tailText(recent + text, 40);
      const lines = (partialLine + text).split('\n');
      partialLine = lines.pop() ?? '';
      for (const line of lines) {
        const size = parseMavenDownloadBytes(line);
        if (size === undefined) continue;
        files += 1;
        bytes += size;
      }
      if (files > 0 && Date.now() - lastReport >= 2_000) {
        lastReport = Date.now();
        run.onProgress?.(`Maven (${run.profile}): downloaded ${files} files, ${(bytes / 1e6).toFixed(1)} MB so far`);
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('error', (error: NodeJS.ErrnoException) => {
      reject(new Error(`Maven (${run.mvn}) could not be started: ${error.message}; delete ${path.dirname(path.dirname(run.mvn))} to download it again`));
    });
    child.once('close', (code) => {
      if (code === 0) {
        if (files > 0) run.onProgress?.(`Maven (${run.profile}): downloaded ${files} files, ${(bytes / 1e6).toFixed(1)} MB`);
        resolve();
        return;
      }
      reject(
        new Error(
          `Maven failed (exit code ${code}) resolving the ${run.profile} artifacts of ${run.pom}; ` +
            `check access to Maven Central and ${run.repo}. Full output: ${run.logFile}. Last lines:\n${recent}`,
        ),
      );
    });
  });
}

/** Compiles one Java source with ECJ (a plain JRE has no javac) into `outDir`. */
async function compileJava(ecj: string, source: { className: string; text: string }, outDir: string, classpath: string, failure: string): Promise<void> {
  const sourceDir = path.join(outDir, '..', `${path.basename(outDir)}-src`);
  const sourceFile = path.join(sourceDir, `${source.className}.java`);
  fs.mkdirSync(sourceDir, { recursive: true });
  fs.writeFileSync(sourceFile, source.text);
  const args = ['-jar', ecj, '-17', '-nowarn', '-encoding', 'UTF-8', ...(classpath ? ['-cp', classpath] : [])];
  try {
    await execFileAsync('java', [...args, '-d', outDir, sourceFile]);
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`${failure}:\n${tailText(`${stdout}${stderr}`, 20)}`);
  }
}

async function compileLauncher(stagingDir: string, mavenClasspath: string): Promise<void> {
  const ecj = path.join(stagingDir, 'tools', 'ecj.jar');
  await compileJava(
    ecj,
    { className: DYNAMODB_LOCAL_LAUNCHER_CLASS, text: DYNAMODB_LOCAL_LAUNCHER_SOURCE },
    path.join(stagingDir, 'launcher'),
    mavenClasspath,
    `compiling the DynamoDB Local launcher failed (did the DynamoDB Local version in ${POM_FILE} change its classes?)`,
  );
  await compileJava(ecj, { className: PARENT_WATCH_CLASS, text: PARENT_WATCH_SOURCE }, path.join(stagingDir, 'watch'), '', 'compiling the parent watch failed');
}

function readClasspathFile(file: string): string[] {
  return fs
    .readFileSync(file, 'utf8')
    .trim()
    .split(path.delimiter)
    .filter((entry) => entry !== '');
}

async function resolveWithMaven(cacheDir: string, finalDir: string, onProgress?: (m: string) => void): Promise<JvmArtifacts> {
  const repo = path.join(cacheDir, 'm2');
  const stagingDir = `${finalDir}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  const logFile = path.join(cacheDir, 'maven.log');
  fs.mkdirSync(stagingDir, { recursive: true });
  const log = fs.createWriteStream(logFile);
  try {
    const mvn = await ensureMavenDistribution({ cacheDir, onProgress });
    const common = { mvn, pom: POM_FILE, repo, log, logFile, onProgress };
    onProgress?.(`resolving the Kafka broker with Maven into ${repo} (the first run downloads ~120 MB; log: ${logFile})`);
    await runMaven({ ...common, profile: 'kafka', outDir: path.join(stagingDir, 'kafka'), goals: ['dependency:build-classpath@classpath'] });
    onProgress?.('resolving DynamoDB Local with Maven');
    const dynamoDir = path.join(stagingDir, 'dynamodb');
    await runMaven({
      ...common,
      profile: 'dynamodb',
      outDir: dynamoDir,
      goals: ['dependency:build-classpath@classpath', 'dependency:copy-dependencies@native', 'dependency:copy@compiler'],
    });
    const dynamoClasspath = readClasspathFile(path.join(dynamoDir, 'classpath.txt'));
    onProgress?.('compiling the DynamoDB Local launcher');
    await compileLauncher(dynamoDir, dynamoClasspath.join(path.delimiter));
  } catch (error) {
    fs.rmSync(stagingDir, { recursive: true, force: true });
    throw error;
  } finally {
    await new Promise((resolve) => log.end(resolve));
  }

  // A concurrent resolver (another twin, a test run) may have finished first, and its JVMs may be
  // using that copy: keep it. Otherwise move the finished set into place in one step, so that a
  // crash never leaves a half-resolved directory that looks complete.
  const finishedMeanwhile = readCachedArtifacts(finalDir);
  if (finishedMeanwhile) {
    fs.rmSync(stagingDir, { recursive: true, force: true });
    return finishedMeanwhile;
  }
  fs.rmSync(finalDir, { recursive: true, force: true });
  fs.renameSync(stagingDir, finalDir);
  const dynamoDir = path.join(finalDir, 'dynamodb');
  const watchDir = path.join(dynamoDir, 'watch');
  const artifacts: JvmArtifacts = {
    kafkaClasspath: [watchDir, ...readClasspathFile(path.join(finalDir, 'kafka', 'classpath.txt'))].join(path.delimiter),
    dynamoDbClasspath: [watchDir, path.join(dynamoDir, 'launcher'), ...readClasspathFile(path.join(dynamoDir, 'classpath.txt'))].join(
      path.delimiter,
    ),
    sqliteNativeDir: path.join(dynamoDir, 'native'),
  };
  const readyTemp = path.join(finalDir, `${READY_FILE}.${process.pid}`);
  fs.writeFileSync(readyTemp, JSON.stringify(artifacts, null, 2));
  fs.renameSync(readyTemp, path.join(finalDir, READY_FILE));
  return artifacts;
}

/**
 * Returns the classpaths of the Kafka broker and DynamoDB Local, running Maven only when the
 * cache holds no complete set for the current pom.
 *
 * Why: the twin runs real JVM services without Docker or manual downloads; Maven Central is
 * the one source both the laptop and CI can reach, and the cache makes later starts instant.
 */
export async function resolveJvmArtifacts(opts: ResolveJvmArtifactsOptions = {}): Promise<JvmArtifacts> {
  const cacheDir = path.resolve(opts.cacheDir ?? defaultCacheDir());
  await assertJavaVersion();
  const finalDir = artifactsDir(cacheDir);
  const cached = readCachedArtifacts(finalDir);
  if (cached) return cached;
  fs.mkdirSync(cacheDir, { recursive: true });
  return resolveWithMaven(cacheDir, finalDir, opts.onProgress);
}

/**
 * Compiles one Java source against `classpath` into `outDir` with the ECJ of the resolved artifact
 * set.
 *
 * Why: tests and tools that need a small Java program (a real Java Kafka client, say) get a
 * compiler on a JRE-only machine without another download.
 * @throws Error when the artifacts are not resolved yet (call {@link resolveJvmArtifacts} first), or with ECJ's output when the source does not compile
 */
export async function compileJavaSource(source: { className: string; text: string }, outDir: string, classpath: string, cacheDir: string = defaultCacheDir()): Promise<void> {
  const ecj = path.join(artifactsDir(path.resolve(cacheDir)), 'dynamodb', 'tools', 'ecj.jar');
  if (!fs.existsSync(ecj)) throw new Error(`no Java compiler at ${ecj}: resolve the JVM artifacts first (resolveJvmArtifacts)`);
  await compileJava(ecj, source, outDir, classpath, `compiling ${source.className} failed`);
}

/** `<cacheDir>/jvm/<key of the current pom>`: where a complete artifact set lives. */
function artifactsDir(cacheDir: string): string {
  return path.join(cacheDir, 'jvm', artifactsCacheKey(fs.readFileSync(POM_FILE, 'utf8')));
}

/**
 * The complete artifact set of the current pom in `cacheDir`, or undefined when a start would
 * have to resolve (download) it first. Reads only; runs neither Java nor Maven.
 *
 * Why: `pulse doctor` reports whether the first start still has to download.
 */
export function findCachedJvmArtifacts(cacheDir: string = defaultCacheDir()): JvmArtifacts | undefined {
  return readCachedArtifacts(artifactsDir(path.resolve(cacheDir)));
}
