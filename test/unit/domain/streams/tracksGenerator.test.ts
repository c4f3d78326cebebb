import { seededRandom } from '../../../../lambdas/domain/random';
import { trackEventSchema } from '../../../../lambdas/domain/streams/tracks';
import { GENERATED_GENRES, catalogueTrack, generateTrack, type CatalogueTrack } from '../../../../lambdas/domain/streams/tracksGenerator';

const nowMs = Date.parse('2026-11-25T04:07:30Z');

const catalogue: CatalogueTrack[] = ((random) => Array.from({ length: 6000 }, () => catalogueTrack(random)))(seededRandom(31));

function mean(values: readonly number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

/** Pearson's correlation of two fields over the catalogue. */
function correlation(x: keyof CatalogueTrack, y: keyof CatalogueTrack): number {
  const xs = catalogue.map((track) => Number(track[x]));
  const ys = catalogue.map((track) => Number(track[y]));
  const [mx, my] = [mean(xs), mean(ys)];
  const covariance = mean(xs.map((value, index) => (value - mx) * ((ys[index] as number) - my)));
  return covariance / Math.sqrt(mean(xs.map((value) => (value - mx) ** 2)) * mean(ys.map((value) => (value - my) ** 2)));
}

const ofGenre = (genre: string) => catalogue.filter((track) => track.track_genre === genre);

describe('generateTrack', () => {
  it('generates events the schema accepts, three in four with a timestamp up to 2 s before now', () => {
    // Prepare
    const random = seededRandom(5);

    // Act
    const events = Array.from({ length: 2000 }, () => generateTrack(random, nowMs));
    const stamped = events.filter((event) => event.timestamp !== undefined).map((event) => Date.parse(event.timestamp as string));

    // Assess
    expect(events.map((event) => trackEventSchema.safeParse(event)).filter((result) => !result.success)).toEqual([]);
    expect(stamped.length / events.length).toBeGreaterThan(0.7);
    expect(stamped.length / events.length).toBeLessThan(0.8);
    expect(Math.max(...stamped)).toBeLessThanOrEqual(nowMs);
    expect(Math.min(...stamped)).toBeGreaterThanOrEqual(nowMs - 2000);
  });

  it('generates the same tracks from the same seed, and others from another', () => {
    // Act
    const first = ((random) => Array.from({ length: 30 }, () => generateTrack(random, nowMs)))(seededRandom(11));
    const again = ((random) => Array.from({ length: 30 }, () => generateTrack(random, nowMs)))(seededRandom(11));
    const other = ((random) => Array.from({ length: 30 }, () => generateTrack(random, nowMs)))(seededRandom(12));

    // Assess
    expect(again).toEqual(first);
    expect(other).not.toEqual(first);
  });
});

describe('catalogueTrack', () => {
  it('gives every track a distinct id of 22 base-62 characters', () => {
    // Act
    const ids = catalogue.map((track) => track.track_id);

    // Assess
    expect(ids.every((id) => /^[0-9A-Za-z]{22}$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('draws every genre, pop the most often', () => {
    // Act
    const counts = GENERATED_GENRES.map((genre) => ofGenre(genre).length);

    // Assess
    expect(counts.every((count) => count > 0)).toBe(true);
    expect(Math.max(...counts)).toBe(ofGenre('pop').length);
  });

  it('skews popularity by genre, with about one track in ten never played lately', () => {
    // Act
    const popularity = (genre: string) => mean(ofGenre(genre).map((track) => track.popularity));
    const unplayed = catalogue.filter((track) => track.popularity === 0).length / catalogue.length;

    // Assess
    expect(popularity('pop') - popularity('classical')).toBeGreaterThan(20);
    expect(popularity('hip-hop')).toBeGreaterThan(popularity('jazz'));
    expect(unplayed).toBeGreaterThan(0.08);
    expect(unplayed).toBeLessThan(0.15);
    expect(Math.max(...catalogue.map((track) => track.popularity))).toBeLessThanOrEqual(100);
  });

  it('keeps every audio feature within 0 to 1 and loudness at most 0 dB', () => {
    // Prepare
    const features = ['danceability', 'energy', 'speechiness', 'acousticness', 'instrumentalness', 'liveness', 'valence'] as const;

    // Act
    const outside = catalogue.filter((track) => features.some((feature) => track[feature] < 0 || track[feature] > 1) || track.loudness > 0);

    // Assess
    expect(outside).toEqual([]);
  });

  it('correlates features as real catalogues do', () => {
    // Act
    const major = mean(catalogue.filter((track) => track.mode === 1).map((track) => track.valence));
    const minor = mean(catalogue.filter((track) => track.mode === 0).map((track) => track.valence));

    // Assess
    expect(correlation('energy', 'loudness')).toBeGreaterThan(0.6);
    expect(correlation('energy', 'acousticness')).toBeLessThan(-0.6);
    expect(correlation('valence', 'danceability')).toBeGreaterThan(0.2);
    expect(major).toBeGreaterThan(minor);
  });

  it('makes classical long and never explicit, hip-hop often explicit, no track under 30 s', () => {
    // Act
    const seconds = (genre: string) => mean(ofGenre(genre).map((track) => track.duration_ms / 1000));
    const explicitShare = (genre: string) => ofGenre(genre).filter((track) => track.explicit).length / ofGenre(genre).length;

    // Assess
    expect(seconds('classical')).toBeGreaterThan(seconds('pop') + 90);
    expect(explicitShare('classical')).toBe(0);
    expect(explicitShare('hip-hop')).toBeGreaterThan(0.35);
    expect(Math.min(...catalogue.map((track) => track.duration_ms))).toBeGreaterThanOrEqual(30_000);
  });

  it('credits several artists on some tracks, separated by ";", and names some albums after their single', () => {
    // Act
    const featuring = catalogue.filter((track) => track.artists.includes(';')).length / catalogue.length;
    const singles = catalogue.filter((track) => track.album_name === track.track_name).length / catalogue.length;

    // Assess
    expect(featuring).toBeGreaterThan(0.1);
    expect(featuring).toBeLessThan(0.3);
    expect(singles).toBeGreaterThan(0.3);
    expect(singles).toBeLessThan(0.5);
  });
});
