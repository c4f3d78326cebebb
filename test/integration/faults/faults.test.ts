/**
 * The fault-injection suite: each fault strikes the real pipeline (Kafka and DynamoDB Local on the
 * JVM, the production handler modules), and every case must end with the aggregates equal to a
 * ground truth read back from the topics, every valid event in the `events` table, every invalid
 * record dead-lettered: lost = 0 and double-counted = 0. `npm run faults` runs the same scenarios
 * and writes docs/RELIABILITY.md.
 */
import { aggregationCrashes, brokerRestart, dynamoDbOutage, poisonRecords, twinKilled, type ScenarioResult } from '../../faults/scenarios';

const MINUTES = 60_000;
const progress = (message: string) => process.stderr.write(`[faults] ${message}\n`);

/** The report, and what went wrong beyond it, in one value so that a failure shows everything. */
function outcome({ report, problems, truth, measured }: ScenarioResult) {
  return {
    lost: report.lost,
    doubleCounted: report.doubleCounted,
    problems,
    everyValidEventStored: [...truth.validIds].every((id) => measured.storedIds.has(id)),
    everyInvalidRecordDeadLettered: measured.deadLetters === truth.invalid,
  };
}

const EXACT = { lost: 0, doubleCounted: 0, problems: [], everyValidEventStored: true, everyInvalidRecordDeadLettered: true };

describe('fault injection on the JVM backend', () => {
  it('keeps totals exact when the aggregation function crashes after part of its writes and batches come back re-batched', async () => {
    const result = await aggregationCrashes({ events: 2_000, crashRate: 0.3, onProgress: progress });

    expect(outcome(result)).toEqual(EXACT);
    expect(result.report.eventsIn).toBe(2_000);
  }, 10 * MINUTES);

  it('leaves no JVM behind after SIGKILL of the twin\'s process group, and resumes exactly on the same data dir', async () => {
    const result = await twinKilled({ events: 2_000, onProgress: progress });

    expect(outcome(result)).toEqual(EXACT);
  }, 10 * MINUTES);

  it('loses and double-counts nothing when the broker restarts under load', async () => {
    const result = await brokerRestart({ events: 2_000, onProgress: progress });

    expect(outcome(result)).toEqual(EXACT);
  }, 10 * MINUTES);

  it('loses and double-counts nothing when DynamoDB Local is down for 30 s', async () => {
    const result = await dynamoDbOutage({ events: 1_000, outageMs: 30_000, onProgress: progress });

    expect(outcome(result)).toEqual(EXACT);
  }, 10 * MINUTES);

  it('stores or dead-letters every kind of poison record with its reason, and processes the valid record after each', async () => {
    const result = await poisonRecords({ onProgress: progress });

    expect(outcome(result)).toEqual(EXACT);
    const followUps = [...result.truth.validIds].filter((id) => id.includes('#follow-'));
    expect(followUps.length).toBeGreaterThanOrEqual(25);
  }, 10 * MINUTES);
});
