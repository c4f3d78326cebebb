/**
 * The committed `data/tracks-sample.csv` is what its generator writes today, in the layout of the
 * public Spotify tracks dataset, and small enough for the repository.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  TRACKS_SAMPLE_COMMAND,
  TRACKS_SAMPLE_DEFAULTS,
  TRACKS_SAMPLE_PATH,
  datasetRow,
  tracksCsv,
  tracksSampleCsv,
  tracksSampleProblem,
} from '../../../../lambdas/domain/streams/tracksDataset';
import type { CatalogueTrack } from '../../../../lambdas/domain/streams/tracksGenerator';
import { aTrack } from '../../../helpers/salesTracksEvents';

const REPO_ROOT = path.join(__dirname, '..', '..', '..', '..');
const SAMPLE = path.join(REPO_ROOT, TRACKS_SAMPLE_PATH);

/** The header of the dataset's CSV on Kaggle ("Spotify Tracks Dataset", maharshipandya). */
const KAGGLE_HEADER =
  ',track_id,artists,album_name,track_name,popularity,duration_ms,explicit,danceability,energy,key,loudness,mode,' +
  'speechiness,acousticness,instrumentalness,liveness,valence,tempo,time_signature,track_genre';

/** A track with every dataset column: the `tracks` factory's, without its timestamp, with explicit lyrics. */
const track = aTrack({ timestamp: undefined, explicit: true }) as unknown as CatalogueTrack;

let tempDir: string;
beforeEach(() => {
  tempDir = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-tracks-'));
});
afterEach(() => {
  fs.rmSync(tempDir, { recursive: true, force: true });
});

describe('committed tracks sample', () => {
  it('is what the generator writes from its seed', () => {
    // Act
    const problem = tracksSampleProblem(SAMPLE);

    // Assess
    if (problem) throw new Error(`${TRACKS_SAMPLE_PATH} is stale; run \`${TRACKS_SAMPLE_COMMAND}\` and commit the result: ${problem}`);
  });

  it('has the dataset’s header, 3,000 rows and less than 600 KB', () => {
    // Act
    const text = fs.readFileSync(SAMPLE, 'utf8');
    const lines = text.split('\n');

    // Assess
    expect(lines[0]).toBe(KAGGLE_HEADER);
    expect(lines.filter((line) => line !== '')).toHaveLength(TRACKS_SAMPLE_DEFAULTS.rows + 1);
    expect(Buffer.byteLength(text)).toBeLessThan(600 * 1024);
  });
});

describe('datasetRow', () => {

  it('puts the index first and every column in the dataset’s order, a boolean as pandas writes it', () => {
    // Act
    const row = datasetRow(7, track);

    // Assess
    expect(row).toEqual([
      7, '0aB3xYz9QkLm2NpR7sTuVw', 'Lina Moreau;The Velvet Echoes', 'Paper Lights', 'Golden Hour', 64, 215_400, 'True',
      0.712, 0.655, 5, -6.41, 1, 0.0412, 0.183, 0.0000021, 0.109, 0.581, 118.02, 4, 'pop',
    ]);
    expect(datasetRow(0, { ...track, explicit: false })[7]).toBe('False');
  });
});

describe('tracksSampleCsv', () => {
  it('writes the same bytes from the same seed, and others from another', () => {
    // Act
    const first = tracksSampleCsv({ seed: 1, rows: 20 });
    const again = tracksSampleCsv({ seed: 1, rows: 20 });
    const other = tracksSampleCsv({ seed: 2, rows: 20 });

    // Assess
    expect(again).toBe(first);
    expect(other).not.toBe(first);
    expect(first.split('\n')).toHaveLength(22);
  });

});

describe('tracksCsv', () => {
  it('quotes a field holding a comma or a quote, and only such a field', () => {
    // Prepare
    const tricky = { ...track, album_name: 'Paper Lights, Vol. 2', track_name: 'Say "Hello"' };

    // Act
    const row = tracksCsv([tricky]).split('\n')[1];

    // Assess
    expect(row).toBe(
      '0,0aB3xYz9QkLm2NpR7sTuVw,Lina Moreau;The Velvet Echoes,"Paper Lights, Vol. 2","Say ""Hello""",64,215400,True,' +
        '0.712,0.655,5,-6.41,1,0.0412,0.183,0.0000021,0.109,0.581,118.02,4,pop',
    );
  });
});

describe('tracksSampleProblem', () => {
  it('is undefined for a file just written', () => {
    // Prepare
    const file = path.join(tempDir, 'sample.csv');
    fs.writeFileSync(file, tracksSampleCsv({ seed: 3, rows: 10 }));

    // Act
    const problem = tracksSampleProblem(file, { seed: 3, rows: 10 });

    // Assess
    expect(problem).toBeUndefined();
  });

  it.each([
    ['a changed row', (csv: string) => csv.replace(/\n3,[^,]+,/, '\n3,changed,'), 'sample.csv differs from what seed 3 and 10 rows generate, from line 5'],
    ['a missing last row', (csv: string) => csv.split('\n').slice(0, -2).join('\n') + '\n', 'sample.csv differs from what seed 3 and 10 rows generate, from line 11'],
    ['an extra row', (csv: string) => `${csv}10,extra\n`, 'sample.csv differs from what seed 3 and 10 rows generate, from line 12'],
  ])('names the first line of %s', (_case, edit, expected) => {
    // Prepare
    const file = path.join(tempDir, 'sample.csv');
    fs.writeFileSync(file, edit(tracksSampleCsv({ seed: 3, rows: 10 })));

    // Act
    const problem = tracksSampleProblem(file, { seed: 3, rows: 10 });

    // Assess
    expect(problem).toBe(expected);
  });

  it('says when the file is missing', () => {
    // Act
    const problem = tracksSampleProblem(path.join(tempDir, 'nowhere.csv'));

    // Assess
    expect(problem).toBe('nowhere.csv is missing');
  });
});
