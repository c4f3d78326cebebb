#!/usr/bin/env -S npx tsx
/**
 * `npm run generate:tracks-sample`: writes `data/tracks-sample.csv`, generated catalogue tracks in
 * the column layout of the public Spotify tracks dataset (see
 * `lambdas/domain/streams/tracksDataset.ts`), or with `--check` only says whether it is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Command, InvalidArgumentError } from 'commander';
import {
  TRACKS_SAMPLE_COMMAND,
  TRACKS_SAMPLE_DEFAULTS,
  TRACKS_SAMPLE_PATH,
  tracksSampleCsv,
  tracksSampleProblem,
} from '../lambdas/domain/streams/tracksDataset';

const REPO_ROOT = path.join(__dirname, '..');

function wholeNumber(name: string, min: number) {
  return (text: string): number => {
    const value = Number(text);
    if (!Number.isSafeInteger(value) || value < min) throw new InvalidArgumentError(`${name} must be a whole number of at least ${min}, got "${text}"`);
    return value;
  };
}

interface Options {
  readonly check?: boolean;
  readonly seed: number;
  readonly rows: number;
  readonly output: string;
}

const program = new Command()
  .name('generate-tracks-sample')
  .description(
    `write ${TRACKS_SAMPLE_PATH}: generated tracks in the columns of the Spotify tracks dataset on Kaggle, ` +
      'from a seed, so the same options always write the same bytes; commit the result after changing the generator',
  )
  .option('--check', 'write nothing; exit 1 when the file differs from what the options generate')
  .option('--seed <n>', 'seed of the generator', wholeNumber('--seed', 0), TRACKS_SAMPLE_DEFAULTS.seed)
  .option('--rows <n>', 'tracks to write', wholeNumber('--rows', 1), TRACKS_SAMPLE_DEFAULTS.rows)
  .option('--output <file>', 'where to write, relative to the repository root', TRACKS_SAMPLE_PATH)
  .showHelpAfterError()
  .action((options: Options) => {
    const file = path.resolve(REPO_ROOT, options.output);
    const sample = { seed: options.seed, rows: options.rows };
    if (options.check) {
      const problem = tracksSampleProblem(file, sample);
      if (problem) {
        process.stderr.write(`the tracks sample is stale; run \`${TRACKS_SAMPLE_COMMAND}\` and commit the result: ${problem}\n`);
        process.exitCode = 1;
        return;
      }
      console.log(`${options.output} is fresh (${sample.rows} rows, seed ${sample.seed})`);
      return;
    }
    const csv = tracksSampleCsv(sample);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, csv);
    console.log(`wrote ${options.output}: ${sample.rows} rows, ${Buffer.byteLength(csv)} bytes, seed ${sample.seed}`);
  });

try {
  program.parse(process.argv);
} catch (error) {
  process.stderr.write(`generate-tracks-sample: ${(error as Error).message}\n`);
  process.exit(1);
}
