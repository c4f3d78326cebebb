/**
 * One verified download: a file fetched over HTTPS is hashed while it streams to disk and only
 * becomes visible under its final name once its digest matches the pinned one.
 *
 * Why pinned digests: the twin and the tests fetch executables (Apache Maven, pip) on first use,
 * and a pin in the source makes a corrupted or altered download fail instead of run.
 */
import { createHash, randomBytes } from 'node:crypto';
import { once } from 'node:events';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';

/** A digest to check a download against: the algorithm and the lower-case hex value. */
export interface PinnedDigest {
  readonly algorithm: 'sha256' | 'sha512';
  readonly hex: string;
}

/** What to download and where to. */
export interface VerifiedDownloadOptions {
  /** An https URL. */
  readonly url: string;
  /** The destination; written next to it under a temporary name, then renamed. */
  readonly file: string;
  readonly digest: PinnedDigest;
  /** Names the download in progress lines and errors, e.g. "Apache Maven 3.9.16". */
  readonly label: string;
  /** Receives "<label>: downloaded X of Y MB" every {@link PROGRESS_INTERVAL_MS}. */
  readonly onProgress?: (message: string) => void;
  /** Gives up when no byte arrives for this long. Default {@link DEFAULT_IDLE_TIMEOUT_MS}. */
  readonly idleTimeoutMs?: number;
}

/** What a finished download took. */
export interface VerifiedDownloadResult {
  readonly bytes: number;
  readonly elapsedMs: number;
}

/** Default of {@link VerifiedDownloadOptions.idleTimeoutMs}: one minute without data. */
export const DEFAULT_IDLE_TIMEOUT_MS = 60_000;
const PROGRESS_INTERVAL_MS = 2_000;

/** Bytes as megabytes with one decimal, the unit of every progress line ("9.3"). */
export function megabytes(bytes: number): string {
  return (bytes / 1e6).toFixed(1);
}

/**
 * Downloads `url` to `file`, failing unless its digest equals `digest`.
 *
 * @returns the size in bytes and the time taken in milliseconds
 * @throws Error naming the URL when the server answers other than 200, the connection fails or
 *   stalls for `idleTimeoutMs`, or the digest differs (the partial file is deleted in every case)
 * @example
 * await downloadVerified({ url, file: '/cache/pip.whl', digest: { algorithm: 'sha256', hex }, label: 'pip 25.3' });
 */
export async function downloadVerified(options: VerifiedDownloadOptions): Promise<VerifiedDownloadResult> {
  const started = Date.now();
  const idleTimeoutMs = options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS;
  const partial = `${options.file}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
  fs.mkdirSync(path.dirname(options.file), { recursive: true });
  const abort = new AbortController();
  let idleTimer: NodeJS.Timeout | undefined;
  const armIdleTimer = (): void => {
    clearTimeout(idleTimer);
    idleTimer = setTimeout(() => abort.abort(new Error(`no data for ${Math.round(idleTimeoutMs / 1000)} s`)), idleTimeoutMs);
  };
  const fail = (reason: string): Error => new Error(`downloading ${options.label} from ${options.url} failed: ${reason}`);
  // Opened synchronously so that an unwritable cache fails here, by name, not as a stream event.
  const out = fs.createWriteStream('', { fd: fs.openSync(partial, 'w') });
  out.on('error', (error) => abort.abort(error));
  try {
    armIdleTimer();
    let response: Response;
    try {
      response = await fetch(options.url, { signal: abort.signal });
    } catch (error) {
      throw fail(describeFetchError(error, abort.signal));
    }
    if (response.status !== 200 || response.body === null) throw fail(`the server answered ${response.status} ${response.statusText}`);
    const total = Number(response.headers.get('content-length') ?? NaN);
    const hash = createHash(options.digest.algorithm);
    let bytes = 0;
    let lastReport = Date.now();
    try {
      for await (const chunk of Readable.fromWeb(response.body as WebReadableStream<Uint8Array>)) {
        armIdleTimer();
        const buffer = chunk as Buffer;
        hash.update(buffer);
        bytes += buffer.length;
        if (!out.write(buffer)) await once(out, 'drain');
        if (Date.now() - lastReport >= PROGRESS_INTERVAL_MS) {
          lastReport = Date.now();
          const of = Number.isFinite(total) ? ` of ${megabytes(total)}` : '';
          options.onProgress?.(`${options.label}: downloaded ${megabytes(bytes)}${of} MB`);
        }
      }
    } catch (error) {
      throw fail(describeFetchError(error, abort.signal));
    }
    out.end();
    await once(out, 'close');
    const actual = hash.digest('hex');
    if (actual !== options.digest.hex.toLowerCase()) {
      throw fail(
        `its ${options.digest.algorithm} is ${actual}, not the pinned ${options.digest.hex}; the file was corrupted or ` +
          'altered on the way and has been deleted: try again, and report it if it persists',
      );
    }
    fs.renameSync(partial, options.file);
    return { bytes, elapsedMs: Date.now() - started };
  } finally {
    clearTimeout(idleTimer);
    if (!out.closed) {
      out.destroy();
      await once(out, 'close');
    }
    fs.rmSync(partial, { force: true });
  }
}

/** The cause of a failed fetch in words: undici hides the network error in `cause`. */
function describeFetchError(error: unknown, signal: AbortSignal): string {
  if (signal.aborted) return signal.reason instanceof Error ? signal.reason.message : String(signal.reason);
  const cause = (error as { cause?: unknown }).cause;
  const causeText = cause instanceof Error ? `: ${cause.message}` : '';
  return `${error instanceof Error ? error.message : String(error)}${causeText}`;
}
