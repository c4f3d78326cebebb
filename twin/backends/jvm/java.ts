/**
 * The Java the twin's JVM services need: the version check with the advice that gets a JDK, and
 * the small Java programs the twin compiles itself (the parent watch every JVM runs under, and
 * the DynamoDB Local launcher), kept as `.java` files in `./java` and compiled with ECJ.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { currentHost, installCommand } from '../../setup/host';
import { tailText } from './jvmProcess';

const execFileAsync = promisify(execFile);

/** Minimum Java feature release: Kafka 4 brokers and DynamoDB Local 3 both need 17. */
export const MIN_JAVA_VERSION = 17;

/** A Java source file and the class it declares. */
export interface JavaSource {
  readonly className: string;
  readonly text: string;
}

/** The source of `./java/<className>.java`. */
function javaSource(className: string): JavaSource {
  return { className, text: fs.readFileSync(path.join(__dirname, 'java', `${className}.java`), 'utf8') };
}

/**
 * Main class that runs another main class and stops the JVM when its parent process is gone:
 * the twin's JVMs never outlive it, however it dies (see the class's own comment for how).
 */
export const PARENT_WATCH_CLASS = 'PulseParentWatch';

/**
 * Main class to run with DynamoDB Local's classpath instead of its ServerRunner: DynamoDB Local
 * cannot choose its bind address, and the twin must only listen on loopback.
 */
export const DYNAMODB_LOCAL_LAUNCHER_CLASS = 'PulseDynamoDbLocal';

/** The parent watch's source. */
export const PARENT_WATCH_SOURCE: JavaSource = javaSource(PARENT_WATCH_CLASS);
/** The DynamoDB Local launcher's source. */
export const DYNAMODB_LOCAL_LAUNCHER_SOURCE: JavaSource = javaSource(DYNAMODB_LOCAL_LAUNCHER_CLASS);

/** How to get a JDK on this machine, e.g. "install a JDK 17+: sudo apt-get update && …". */
export function javaAdvice(): string {
  return `install a JDK ${MIN_JAVA_VERSION}+: ${installCommand('jdk', currentHost())} (or use --backend docker or external)`;
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

export async function assertJavaVersion(): Promise<void> {
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

/** Compiles one Java source with ECJ (a plain JRE has no javac) into `outDir`. */
export async function compileJava(ecj: string, source: JavaSource, outDir: string, classpath: string, failure: string): Promise<void> {
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
