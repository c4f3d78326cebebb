/**
 * `npm run faults`: runs the fault-injection scenarios on the JVM backend and writes
 * docs/RELIABILITY.md: for each fault, how it is injected, events in, stored, counted,
 * dead-lettered, lost and double-counted, and the command that reproduces it.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { FaultReport } from '../test/faults/harness';
import { SCENARIOS, type ScenarioName } from '../test/faults/scenarios';

const log = (message: string) => process.stderr.write(`[faults] ${message}\n`);

function positiveInteger(text: string): number {
  const value = Number(text);
  if (!Number.isInteger(value) || value < 100) throw new InvalidArgumentError(`must be an integer ≥ 100, got "${text}"`);
  return value;
}

function row(report: FaultReport): string {
  const cells = [report.fault, report.injection, report.eventsIn, report.stored, report.counted, report.deadLettered, report.lost, report.doubleCounted, `\`${report.command}\``];
  return `| ${cells.join(' | ')} |`;
}

async function main(options: { scenario: ScenarioName[]; events: number; output: string }): Promise<void> {
  const reports: FaultReport[] = [];
  const failures: string[] = [];
  for (const name of options.scenario) {
    log(`scenario ${name}`);
    const started = Date.now();
    const { report, problems } = await SCENARIOS[name]({ events: options.events, onProgress: (message) => log(`  ${message}`) });
    log(`  done in ${((Date.now() - started) / 1000).toFixed(1)} s: lost ${report.lost}, double-counted ${report.doubleCounted}${problems.length > 0 ? `, problems: ${problems.join('; ')}` : ''}`);
    reports.push(report);
    if (report.lost > 0 || report.doubleCounted > 0 || problems.length > 0) failures.push(name);
  }
  const command = `npm run faults -- --events ${options.events}${options.scenario.length === Object.keys(SCENARIOS).length ? '' : options.scenario.map((name) => ` --scenario ${name}`).join('')}`;
  const text = [
    '# Reliability: faults injected into the running pipeline',
    '',
    `Produced by \`${command}\` on ${new Date().toISOString().slice(0, 10)}: ${os.cpus().length} cores, Node ${process.version}, ${os.platform()} ${os.arch()}.`,
    'Every scenario runs the real pipeline: Apache Kafka and DynamoDB Local on the JVM, the production handler modules',
    'behind the twin\'s emulated event source mappings. The ground truth is read back from the topics and computed by',
    'hand (`test/faults/harness.ts`); what the pipeline holds is read from the tables and the dead-letter topics.',
    '',
    '- **events in**: records in the stream topics at the end (a send retried through an outage may put a record there twice; both count).',
    '- **stored**: distinct events in the `events` table. **counted**: records counted in the aggregates (valid ones by type, invalid ones by reason).',
    '- **dead-lettered**: invalid records with at least one dead letter (letters are written at least once; a batch redelivered after a crash writes its letters again).',
    '- **lost** / **double-counted**: records missing from, or counted more than once in, the aggregates against the truth, plus valid events missing from the table.',
    '',
    'The same scenarios run in `.ci/run` (`test/integration/faults/faults.test.ts`), which fails on any loss or double count.',
    '',
    '| fault | how it is injected | events in | stored | counted | dead-lettered | lost | double-counted | reproduce |',
    '|---|---|---|---|---|---|---|---|---|',
    ...reports.map(row),
    '',
  ].join('\n');
  fs.mkdirSync(path.dirname(options.output), { recursive: true });
  fs.writeFileSync(options.output, text);
  log(`written to ${options.output}`);
  if (failures.length > 0) {
    log(`not exact: ${failures.join(', ')}`);
    process.exitCode = 1;
  }
}

new Command()
  .name('npm run faults --')
  .description('inject faults into the running pipeline (JVM backend) and check that nothing is lost or counted twice; writes docs/RELIABILITY.md')
  .addOption(
    new Option('--scenario <name...>', 'scenarios to run (default: all)')
      .choices(Object.keys(SCENARIOS))
      .default(Object.keys(SCENARIOS)),
  )
  .option('--events <n>', 'events the outside producer sends per scenario (the poison scenario sends its own)', positiveInteger, 2_000)
  .option('--output <file>', 'where to write the report', 'docs/RELIABILITY.md')
  .action(main)
  .parseAsync(process.argv)
  .catch((error: unknown) => {
    process.stderr.write(`faults: ${(error as Error).message}\n`);
    process.exit(1);
  });
