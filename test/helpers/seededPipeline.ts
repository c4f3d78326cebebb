/**
 * The whole twin on the integration broker and DynamoDB Local, in tables of its own, holding a
 * recent history of realistic traffic: what the read-side tests (browser, fuzzing) look at.
 *
 * The consumer groups are shared by every pipeline of one integration run (one broker), so a
 * pipeline may also fold records an earlier test file left unconsumed. The tests therefore take
 * their expectations from the API; this helper only waits until at least the produced history is
 * folded and the totals have stopped moving.
 */
import type { LocalPipeline } from '../../twin/local';
import { INVALID_AGGREGATION_NAME, STREAMS } from '../../lambdas/domain/streams/registry';
import { INVALID_KEY, produceRecords, recentHistory, type HistoryOptions, type HistoryRecord } from './history';
import { startTestPipeline } from './testPipeline';

/** A running pipeline and what was produced into it. */
export interface SeededPipeline {
  readonly pipeline: LocalPipeline;
  readonly history: ReadonlyMap<string, readonly HistoryRecord[]>;
  /** Where the history ends; it starts `minutes` before. */
  readonly nowMs: number;
}

/** Totals per stream the API reports: valid events and invalid records over the history's range. */
async function apiTotals(url: string, fromMs: number, toMs: number): Promise<number[]> {
  const range = `from=${new Date(fromMs).toISOString()}&to=${new Date(toMs).toISOString()}`;
  const totals: number[] = [];
  for (const stream of STREAMS) {
    // An aggregation without a filter folds every valid event of its stream.
    const all = stream.aggregations.find((aggregation) => aggregation.where === undefined);
    for (const name of [all?.name, INVALID_AGGREGATION_NAME]) {
      if (name === undefined) continue;
      const response = await fetch(`${url}/v1/streams/${stream.name}/aggregations/${name}?${range}`);
      const body = (await response.json()) as { points: { count: number }[] };
      totals.push(body.points.reduce((sum, point) => sum + point.count, 0));
    }
  }
  return totals;
}

/** What the history should add up to, in the order of {@link apiTotals}. */
function producedTotals(history: ReadonlyMap<string, readonly HistoryRecord[]>): number[] {
  return STREAMS.flatMap((stream) => {
    const records = history.get(stream.name) ?? [];
    const invalid = records.filter((record) => record.key === INVALID_KEY).length;
    const all = stream.aggregations.some((aggregation) => aggregation.where === undefined);
    return [...(all ? [records.length - invalid] : []), invalid];
  });
}

/**
 * Starts the twin with unique tables, produces {@link recentHistory} and waits until the API
 * shows it all, unchanged over two polls.
 */
export async function startSeededPipeline(history: Omit<HistoryOptions, 'nowMs'>, timeoutMs = 90_000): Promise<SeededPipeline> {
  const brokers = process.env.KAFKA_BROKERS as string;
  const pipeline = await startTestPipeline();
  try {
    const nowMs = Date.now();
    const records = recentHistory({ ...history, nowMs });
    await produceRecords(brokers, records);
    const expected = producedTotals(records);
    const fromMs = nowMs - (history.minutes + 1) * 60_000;
    const deadline = Date.now() + timeoutMs;
    let previous: number[] = [];
    for (;;) {
      const totals = await apiTotals(pipeline.url, fromMs, nowMs + 60_000);
      const complete = totals.every((total, index) => total >= (expected[index] ?? 0));
      if (complete && JSON.stringify(totals) === JSON.stringify(previous)) return { pipeline, history: records, nowMs };
      if (Date.now() > deadline) throw new Error(`the history was not folded within ${timeoutMs} ms: API totals ${totals}, produced ${expected}`);
      previous = totals;
      await new Promise((resolve) => setTimeout(resolve, 1_000));
    }
  } catch (error) {
    await pipeline.stop();
    throw error;
  }
}
