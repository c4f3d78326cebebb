/**
 * The Docker engine as the twin sees it through the `docker` command line: whether one answers,
 * and a way to run `docker …` to its end.
 *
 * Why through the command line: it is what a developer with Docker already has and can run by hand
 * to see the same thing, and it lets tests put a fake `docker` on PATH instead of needing an engine.
 */
import { spawn } from 'node:child_process';

/** What a finished command printed and how it ended. */
export interface CommandResult {
  /** The exit code; `undefined` when the command could not be started or was killed on timeout. */
  readonly exitCode: number | undefined;
  readonly stdout: string;
  readonly stderr: string;
  /** Why it did not run to an exit code: not found, or timed out. */
  readonly failure?: 'not-found' | 'timeout';
}

/** Options of {@link runCommand}. */
export interface RunCommandOptions {
  /** Killed (SIGKILL) after this long. */
  readonly timeoutMs: number;
  /** The child's environment, PATH included. */
  readonly env: NodeJS.ProcessEnv;
  readonly cwd?: string;
  /** Receives each line the command writes to stderr while it runs (compose reports progress there). */
  readonly onStderrLine?: (line: string) => void;
}

/**
 * Runs a command to its end and returns its output; never rejects.
 *
 * Why never rejects: every caller turns a failure into its own message (fall back to jvm, or
 * name the service and the fix), so a result is easier to handle than an exception.
 */
export function runCommand(command: string, args: readonly string[], options: RunCommandOptions): Promise<CommandResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { env: options.env, cwd: options.cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let pendingLine = '';
    let settled = false;
    const settle = (result: CommandResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(result);
    };
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr += chunk;
      if (!options.onStderrLine) return;
      const lines = (pendingLine + chunk).split(/\r?\n|\r/);
      pendingLine = lines.pop() ?? '';
      for (const line of lines) if (line.trim() !== '') options.onStderrLine(line);
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      // Settle now rather than on 'close': a process the command started may hold its pipes open.
      child.stdout.destroy();
      child.stderr.destroy();
      settle({ exitCode: undefined, stdout, stderr, failure: 'timeout' });
    }, options.timeoutMs);
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle({ exitCode: undefined, stdout, stderr: stderr || error.message, ...(error.code === 'ENOENT' ? { failure: 'not-found' as const } : {}) });
    });
    child.on('close', (code) => {
      if (options.onStderrLine && pendingLine.trim() !== '') options.onStderrLine(pendingLine);
      settle({ exitCode: code ?? undefined, stdout, stderr });
    });
  });
}

/** The first line of what a failed command said, for one-line messages. */
export function firstLine(result: CommandResult): string {
  const text = `${result.stderr}\n${result.stdout}`.split('\n').find((line) => line.trim() !== '');
  return (text ?? `exit code ${result.exitCode ?? 'none'}`).trim();
}

/** Whether a Docker engine answered, and why not. */
export type DockerEngineStatus =
  | { readonly available: true; readonly serverVersion: string; readonly composeVersion: string }
  | { readonly available: false; readonly reason: string };

/** Options of {@link detectDockerEngine}. */
export interface DetectDockerOptions {
  /** The environment `docker` runs in (PATH, DOCKER_HOST, DOCKER_CONTEXT). */
  readonly env?: NodeJS.ProcessEnv;
  /** How long `docker info` may take; a stopped Docker Desktop can hang rather than refuse. */
  readonly timeoutMs?: number;
}

/** Default for {@link DetectDockerOptions.timeoutMs}. */
export const DETECT_TIMEOUT_MS = 5_000;

/**
 * Asks the Docker engine for its version (`docker info`) and checks that `docker compose` exists.
 *
 * Why both: the CLI without an engine (a stopped Docker Desktop, CI) and an engine without the
 * compose plugin are both common, and either means the docker backend cannot run.
 */
export async function detectDockerEngine(options: DetectDockerOptions = {}): Promise<DockerEngineStatus> {
  const env = options.env ?? process.env;
  const timeoutMs = options.timeoutMs ?? DETECT_TIMEOUT_MS;
  const info = await runCommand('docker', ['info', '--format', '{{.ServerVersion}}'], { env, timeoutMs });
  if (info.failure === 'not-found') return { available: false, reason: 'the docker command is not installed' };
  if (info.failure === 'timeout') return { available: false, reason: `docker info did not answer within ${timeoutMs / 1000} s` };
  const serverVersion = info.stdout.trim();
  if (info.exitCode !== 0 || serverVersion === '') return { available: false, reason: `no Docker engine answered (docker info: ${firstLine(info)})` };
  const compose = await runCommand('docker', ['compose', 'version', '--short'], { env, timeoutMs });
  if (compose.exitCode !== 0) {
    return { available: false, reason: `Docker ${serverVersion} answered but the compose plugin is missing (docker compose version: ${firstLine(compose)})` };
  }
  return { available: true, serverVersion, composeVersion: compose.stdout.trim() };
}
