/** The shapes of `pulse doctor`: what it checks about, what it asks the machine, what it finds. */
import type { BackendChoice, ResolvedBackend } from '../../backends/choice';
import type { DockerEngineStatus } from '../../backends/docker/engine';
import type { ChromiumLocation, Host, PythonVenvStatus } from '../host';

/** The Node.js major release the project supports (package.json `engines`). */
export const MIN_NODE_VERSION = 20;
/** What a first start of the JVM backend downloads, measured from an empty cache (README). */
export const FIRST_RUN_DOWNLOAD_MB = 130;

/** `ok`: present; `warn`: works another way (see the detail); `missing`: absent; `skipped`: not needed here. */
export type CheckStatus = 'ok' | 'warn' | 'missing' | 'skipped';
/** What a check is needed for: a missing `start` check makes `npm start` (and the doctor) fail. */
export type CheckNeed = 'start' | 'test' | 'optional';

/** One line of the doctor's table. */
export interface CheckResult {
  readonly name: string;
  readonly status: CheckStatus;
  readonly neededFor: CheckNeed;
  /** What was found, or why it is missing. */
  readonly detail: string;
  /** The command or step that gets it; set when the status is `missing` or `warn`. */
  readonly fix?: string;
}

/** What the checks are about: the backend asked for, the ports and the cache `pulse local` would use. */
export interface DoctorContext {
  readonly backend: BackendChoice;
  /** Port and interface of the HTTP API (`--port`, `--host`). */
  readonly apiPort: number;
  readonly apiHost: string;
  /** Ports the jvm backend would start the broker and DynamoDB Local on. */
  readonly kafkaPort: number;
  readonly dynamoDbPort: number;
  readonly cacheDir: string;
}

/** What the cache holds. */
export interface CacheFacts {
  /** `true`, or why the cache (or the nearest existing folder above it) cannot be written. */
  readonly writable: true | string;
  /** Total size in bytes, and per top-level entry (m2, maven, jvm, pytools, …). */
  readonly bytes: number;
  readonly parts: readonly { readonly name: string; readonly bytes: number }[];
  /** The pinned Apache Maven is unpacked and verified. */
  readonly maven: boolean;
  /** The Kafka and DynamoDB Local classpaths of the current pom are complete. */
  readonly jvmArtifacts: boolean;
}

/** The outcome of `java -version`: its output (stderr), or why it did not run. */
export type JavaProbe = { readonly output: string } | { readonly error: string };

/** Everything the checks ask the machine; {@link systemProbes} for the real one. */
export interface DoctorProbes {
  readonly host: Host;
  /** `process.version`, e.g. "v20.20.2". */
  readonly nodeVersion: string;
  java(): Promise<JavaProbe>;
  /** `true` when nothing listens on host:port, else why not (e.g. "in use"). */
  port(port: number, host: string): Promise<true | string>;
  cache(dir: string): CacheFacts;
  /** The path of a command on PATH, or undefined. */
  which(command: string): string | undefined;
  docker(): Promise<DockerEngineStatus>;
  chromium(): ChromiumLocation;
  pythonVenv(): PythonVenvStatus;
  /** `undefined` when an HTTPS HEAD of the URL succeeds, else the error. */
  reachable(url: string): Promise<string | undefined>;
}

/**
 * Which checks to run: all of them (`pulse doctor`), or only those a start needs, with no
 * network, for a backend already chosen (`pulse local`, which has asked Docker itself).
 */
export type DoctorScope = 'doctor' | { readonly start: ResolvedBackend };

/** The doctor's findings: the backend it checked for, and one result per check. */
export interface DoctorReport {
  readonly backend: ResolvedBackend | { readonly backend: undefined; readonly reason: string };
  readonly results: readonly CheckResult[];
}
