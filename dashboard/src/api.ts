/**
 * The dashboard's reads of the query API. Paths are relative to the page, so the dashboard talks
 * to whatever origin served it (API Gateway, the local twin) and nothing else; the page's
 * Content-Security-Policy would refuse any other origin anyway.
 */
import type { SeriesBody, StreamsBody } from '../../lambdas/handlers/query/schemas';

/** A failed read, with the API's own message (which says what to change) when it sent one. */
export class ApiReadError extends Error {
  override readonly name = 'ApiReadError';

  constructor(
    message: string,
    /** HTTP status; 0 when the API could not be reached. */
    readonly status: number,
  ) {
    super(message);
  }
}

async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  let response: Response;
  try {
    response = await fetch(path, { signal, cache: 'no-store', headers: { accept: 'application/json' } });
  } catch (error) {
    if ((error as Error).name === 'AbortError') throw error;
    throw new ApiReadError('the API cannot be reached', 0);
  }
  const body = (await response.json().catch(() => undefined)) as { message?: unknown } | undefined;
  if (!response.ok) {
    const message = typeof body?.message === 'string' ? body.message : `the API answered ${response.status}`;
    throw new ApiReadError(message, response.status);
  }
  return body as T;
}

/** `GET /v1/streams`. */
export function readStreams(signal?: AbortSignal): Promise<StreamsBody> {
  return getJson<StreamsBody>('v1/streams', signal);
}

/** `GET /v1/streams/{stream}/aggregations/{aggregation}` over `[fromMs, toMs)`. */
export function readSeries(stream: string, aggregation: string, fromMs: number, toMs: number, signal?: AbortSignal): Promise<SeriesBody> {
  const query = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString() });
  return getJson<SeriesBody>(`v1/streams/${encodeURIComponent(stream)}/aggregations/${encodeURIComponent(aggregation)}?${query}`, signal);
}
