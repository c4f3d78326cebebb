/**
 * The shipped sample of the `tracks` stream, `data/tracks-sample.csv`: generated catalogue tracks
 * in the column layout of the public "Spotify Tracks Dataset" on Kaggle (maharshipandya), so that
 * tools written for that file read this one, and a replay of either sends the same events.
 *
 * Why generated: the real dataset's licence is not the project's, and 114,000 rows are 20 MB. The
 * sample is written by `npm run generate:tracks-sample` from a fixed seed and committed, and a
 * unit test fails when it is stale.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { stringify } from 'csv-stringify/sync';
import { seededRandom } from '../random';
import { catalogueTrack, type CatalogueTrack } from './tracksGenerator';

/**
 * The dataset's header: an unnamed index column (pandas writes the row number there), then the
 * track's columns in their order.
 */
export const TRACKS_DATASET_COLUMNS = [
  '',
  'track_id',
  'artists',
  'album_name',
  'track_name',
  'popularity',
  'duration_ms',
  'explicit',
  'danceability',
  'energy',
  'key',
  'loudness',
  'mode',
  'speechiness',
  'acousticness',
  'instrumentalness',
  'liveness',
  'valence',
  'tempo',
  'time_signature',
  'track_genre',
] as const satisfies readonly ('' | keyof CatalogueTrack)[];

/** Where the sample lives, relative to the repository root. */
export const TRACKS_SAMPLE_PATH = 'data/tracks-sample.csv';

/** The command that rewrites it; named in every staleness message. */
export const TRACKS_SAMPLE_COMMAND = 'npm run generate:tracks-sample';

/** What the sample is generated from. */
export interface TracksSampleOptions {
  readonly seed: number;
  readonly rows: number;
}

/** The committed sample's seed and size: 3,000 rows, about 0.5 MB. */
export const TRACKS_SAMPLE_DEFAULTS: TracksSampleOptions = { seed: 2022, rows: 3000 };

/** One dataset row of a track: its index, then its columns, `explicit` as pandas writes booleans. */
export function datasetRow(index: number, track: CatalogueTrack): (string | number)[] {
  return TRACKS_DATASET_COLUMNS.map((column) => {
    if (column === '') return index;
    const value = track[column];
    return typeof value === 'boolean' ? (value ? 'True' : 'False') : value;
  });
}

/**
 * Tracks as CSV text in the dataset's layout: its header, then one row per track numbered from 0,
 * LF line ends as pandas writes them, fields quoted only when they must be (RFC 4180).
 */
export function tracksCsv(tracks: readonly CatalogueTrack[]): string {
  return stringify([[...TRACKS_DATASET_COLUMNS], ...tracks.map((track, index) => datasetRow(index, track))]);
}

/**
 * The sample as CSV text: `rows` tracks from `seed`.
 *
 * @example
 * fs.writeFileSync(TRACKS_SAMPLE_PATH, tracksSampleCsv(TRACKS_SAMPLE_DEFAULTS));
 */
export function tracksSampleCsv(options: TracksSampleOptions = TRACKS_SAMPLE_DEFAULTS): string {
  const random = seededRandom(options.seed);
  return tracksCsv(Array.from({ length: options.rows }, () => catalogueTrack(random)));
}

/**
 * Why the file at `file` is not what `options` generate, if it is not: missing, or different
 * (with the first line that differs).
 */
export function tracksSampleProblem(file: string, options: TracksSampleOptions = TRACKS_SAMPLE_DEFAULTS): string | undefined {
  if (!fs.existsSync(file)) return `${path.basename(file)} is missing`;
  const expected = tracksSampleCsv(options).split('\n');
  const actual = fs.readFileSync(file, 'utf8').split('\n');
  const line = expected.findIndex((text, index) => actual[index] !== text);
  if (line === -1 && actual.length === expected.length) return undefined;
  const at = line === -1 ? Math.min(actual.length, expected.length) : line;
  return `${path.basename(file)} differs from what seed ${options.seed} and ${options.rows} rows generate, from line ${at + 1}`;
}
