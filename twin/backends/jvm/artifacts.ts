import { createHash, randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { DYNAMODB_LOCAL_LAUNCHER_SOURCE, PARENT_WATCH_SOURCE, assertJavaVersion, compileJava, type JavaSource } from './java';
import { readClasspathFile, runMaven } from './maven';
import { ensureMavenDistribution } from './mavenDistribution';

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

/** Bump when the cache layout or the Maven invocations change without the pom changing. */
const CACHE_LAYOUT_VERSION = '1';
const POM_FILE = path.join(__dirname, 'pom.xml');
const READY_FILE = 'artifacts.json';
/**
 * The cache directory used when none is given: `$PULSE_CACHE_DIR`, else `~/.cache/pulse`.
 *
 * Why: the jars (~120 MB) must survive between runs and checkouts, outside the work tree.
 */
export function defaultCacheDir(): string {
  return process.env.PULSE_CACHE_DIR ?? path.join(os.homedir(), '.cache', 'pulse');
}

/**
 * Key of a resolved artifact set: a hash of everything that decides what Maven and the launcher
 * compilation produce.
 *
 * Why: a warm start must skip Maven entirely, yet any edit to the pom must resolve again.
 */
export function artifactsCacheKey(pomXml: string): string {
  return createHash('sha256')
    .update(`${CACHE_LAYOUT_VERSION}\0${pomXml}\0${DYNAMODB_LOCAL_LAUNCHER_SOURCE.text}\0${PARENT_WATCH_SOURCE.text}`)
    .digest('hex')
    .slice(0, 16);
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

async function compileLauncher(stagingDir: string, mavenClasspath: string): Promise<void> {
  const ecj = path.join(stagingDir, 'tools', 'ecj.jar');
  await compileJava(
    ecj,
    DYNAMODB_LOCAL_LAUNCHER_SOURCE,
    path.join(stagingDir, 'launcher'),
    mavenClasspath,
    `compiling the DynamoDB Local launcher failed (did the DynamoDB Local version in ${POM_FILE} change its classes?)`,
  );
  await compileJava(ecj, PARENT_WATCH_SOURCE, path.join(stagingDir, 'watch'), '', 'compiling the parent watch failed');
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
export async function compileJavaSource(source: JavaSource, outDir: string, classpath: string, cacheDir: string = defaultCacheDir()): Promise<void> {
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
