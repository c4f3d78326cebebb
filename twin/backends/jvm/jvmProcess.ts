/**
 * The life cycle the twin's JVM services share: started in their own process group (so that a
 * terminal's Ctrl-C reaches the twin first, which drains its consumers before it stops them),
 * watched until ready, stopped by the twin, and never outliving it however it dies: each JVM runs
 * under a parent watch (see `PARENT_WATCH_CLASS`) that stops it when the twin's end of its
 * standard input closes, which the kernel does when the twin's process ends, even by SIGKILL.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';
import { PARENT_WATCH_CLASS } from './java';
import { removePidFile, writePidFile } from './previousRuns';

/** What a caller chooses when starting one of the JVM services. */
export interface JvmServiceOptions {
  /** Port on 127.0.0.1; each service has its usual default. */
  port?: number;
  /** Keeps the service's state here across runs; without it the state is temporary and deleted on stop. */
  dataDir?: string;
  /** Where the jars are cached; see `resolveJvmArtifacts`. */
  cacheDir?: string;
  onProgress?: (message: string) => void;
}

/** What a JVM service needs to be started, watched until ready and stopped. */
export interface JvmServiceSpec {
  /** Human name used in messages, e.g. "Kafka broker". */
  name: string;
  /** JVM flags (memory, GC, system properties). */
  jvmFlags: readonly string[];
  classpath: string;
  /** The service's own main class; it runs under the parent watch. */
  mainClass: string;
  /** The service's program arguments. */
  args: readonly string[];
  cwd: string;
  /** Receives the JVM's stdout and stderr; truncated at each start so it holds one run. */
  logFile: string;
  port: number;
  /** Told to the user when the port turns out to be taken, e.g. "stop the other broker or pass --port <free port>". */
  portInUseAdvice: string;
  /** Resolves once the service answers a real request; throws (quickly) while it does not. */
  probe: () => Promise<void>;
  readyTimeoutMs: number;
  onProgress?: (message: string) => void;
  /** A directory to delete once the JVM has exited: on stop, on a failed start and when Node exits. */
  temporaryDir?: string;
  /** Where the JVM's pid is kept while it runs, so that the next start can wait for a JVM a killed twin left stopping. */
  pidFile: string;
}

/** The `java` arguments of a service: its flags and classpath, then the parent watch running its main class. */
export function javaArgsOf(spec: Pick<JvmServiceSpec, 'jvmFlags' | 'classpath' | 'mainClass' | 'args'>): string[] {
  return [...spec.jvmFlags, '-cp', spec.classpath, PARENT_WATCH_CLASS, spec.mainClass, ...spec.args];
}

/** A started JVM service. */
export interface RunningJvmService {
  /** Milliseconds from spawning the JVM to the first successful probe. */
  readyAfterMs: number;
  /** SIGTERM, then SIGKILL after 15 s; safe to call more than once. */
  stop(): Promise<void>;
}

const POLL_INTERVAL_MS = 250;
const PROGRESS_INTERVAL_MS = 5_000;
const GRACEFUL_STOP_MS = 15_000;
const PORT_IN_USE_PATTERN = /Address already in use|BindException|Failed to bind/;

/**
 * Binds 127.0.0.1:0 and returns the port the OS chose.
 *
 * Why: tests and the broker's controller listener need ports nobody else uses, so a developer's
 * running twin on the default ports is left alone.
 */
export function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : undefined;
      server.close(() => (port === undefined ? reject(new Error('the OS returned no port for 127.0.0.1:0')) : resolve(port)));
    });
  });
}

/**
 * Throws a user-facing error if something already listens on 127.0.0.1:`port`.
 *
 * Why: a JVM that cannot bind dies after seconds of start-up with the cause buried in its log;
 * checking first gives an immediate, actionable message.
 */
export function assertPortFree(port: number, advice: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'EADDRINUSE' ? portInUseError(port, advice) : error);
    });
    server.listen(port, '127.0.0.1', () => server.close(() => resolve()));
  });
}

function portInUseError(port: number, advice: string): Error {
  return new Error(`port ${port} is in use: ${advice}`);
}

/**
 * Returns the last `lines` lines of a text file, or '' if it cannot be read.
 *
 * Why: start-up failures quote the end of the JVM's log, where the cause is.
 */
export function tailFile(file: string, lines = 30): string {
  try {
    return tailText(fs.readFileSync(file, 'utf8'), lines);
  } catch {
    return '';
  }
}

/** Returns the last `lines` non-empty lines of `text`. */
export function tailText(text: string, lines = 30): string {
  return text
    .split(/\r?\n/)
    .filter((line) => line.trim() !== '')
    .slice(-lines)
    .join('\n');
}

/** Resolves with `true` once `promise` settles, or `false` after `ms`; the timer never outlives it. */
async function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  try {
    return await Promise.race([promise.then(() => true), timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Spawns `java` for a long-running service, waits until its probe succeeds and returns a handle.
 *
 * Why: the Kafka broker and DynamoDB Local share the same life cycle rules: output to a log file,
 * fail fast with the log's tail if the JVM dies or never gets ready, never outlive the Node process.
 */
export async function startJvmService(spec: JvmServiceSpec): Promise<RunningJvmService> {
  const logFd = fs.openSync(spec.logFile, 'w');
  let child: ChildProcess;
  try {
    // Its own process group: a terminal's Ctrl-C goes to the foreground group, and the JVMs must
    // outlive it until the twin has drained its consumers and stops them itself. Standard input is
    // a pipe the twin never writes to: its end is what the parent watch waits on.
    child = spawn('java', javaArgsOf(spec), { cwd: spec.cwd, stdio: ['pipe', logFd, logFd], detached: true });
  } finally {
    fs.closeSync(logFd);
  }
  // The pipe must not keep the twin's event loop alive, nor fail it when the JVM goes first.
  child.stdin?.on('error', () => undefined);
  (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  if (child.pid !== undefined) writePidFile(spec.pidFile, child.pid);
  const startedAt = Date.now();
  let exitDescription: string | undefined;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitDescription = signal !== null ? `was killed by ${signal}` : `exited with code ${code}`;
      resolve();
    });
    child.once('error', (error) => {
      exitDescription = `could not be started (${error.message})`;
      resolve();
    });
  });
  // A synchronous kill is all an 'exit' handler can do; the broker and SQLite recover from it on
  // the next start, whereas an orphaned JVM would keep holding the ports.
  const killOnExit = (): void => {
    child.kill('SIGKILL');
    if (spec.temporaryDir) fs.rmSync(spec.temporaryDir, { recursive: true, force: true });
  };
  process.on('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      if (exitDescription === undefined) {
        child.kill('SIGTERM');
        if (!(await settlesWithin(exited, GRACEFUL_STOP_MS))) {
          child.kill('SIGKILL');
          await exited;
        }
      }
      process.off('exit', killOnExit);
      removePidFile(spec.pidFile, child.pid);
      if (spec.temporaryDir) await fs.promises.rm(spec.temporaryDir, { recursive: true, force: true });
    })());

  const failStart = async (reason: string): Promise<never> => {
    const log = tailFile(spec.logFile);
    await stop();
    const tail = `Last lines of ${spec.logFile}:\n${log || '(empty)'}`;
    // Another process may have taken the port after the up-front check, or the broker's internal
    // controller port; the log says which.
    if (PORT_IN_USE_PATTERN.test(log)) {
      throw new Error(`port ${spec.port} or another port of the ${spec.name} is in use: ${spec.portInUseAdvice}. ${tail}`);
    }
    throw new Error(`${spec.name} ${reason}. ${tail}`);
  };

  const deadline = startedAt + spec.readyTimeoutMs;
  let nextProgressAt = startedAt + PROGRESS_INTERVAL_MS;
  let lastProbeError = '';
  for (;;) {
    if (exitDescription !== undefined) return failStart(`${exitDescription} before it was ready`);
    try {
      await spec.probe();
      return { readyAfterMs: Date.now() - startedAt, stop };
    } catch (error) {
      lastProbeError = error instanceof Error ? error.message : String(error);
    }
    const now = Date.now();
    if (now >= deadline) {
      return failStart(
        `was not ready after ${Math.round(spec.readyTimeoutMs / 1000)} s (last probe error: ${lastProbeError})`,
      );
    }
    if (now >= nextProgressAt) {
      spec.onProgress?.(`waiting for ${spec.name} (${Math.round((now - startedAt) / 1000)} s)`);
      nextProgressAt = now + PROGRESS_INTERVAL_MS;
    }
    await settlesWithin(exited, POLL_INTERVAL_MS);
  }
}
