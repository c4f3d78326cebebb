/**
 * Realistic random catalogue tracks, shaped like rows of the public Spotify tracks dataset: genres
 * in unequal shares with their own popularity (pop and hip-hop high, classical and ambient low,
 * about one track in ten never played lately, popularity 0), and audio features drawn around each
 * genre's profile and correlated as in real catalogues: loud tracks are energetic, energetic ones
 * are less acoustic, major keys and energy lift valence, valence lifts danceability.
 */
import { pick, pickWeighted, randomInt, type RandomSource } from '../random';
import type { TrackEvent } from './tracks';

/** A track with every column of the dataset (in its order, after the unnamed index column). */
export interface CatalogueTrack {
  readonly track_id: string;
  /** Names separated by `;`. */
  readonly artists: string;
  readonly album_name: string;
  readonly track_name: string;
  /** 0 to 100. */
  readonly popularity: number;
  /** Length in ms. */
  readonly duration_ms: number;
  readonly explicit: boolean;
  readonly danceability: number;
  readonly energy: number;
  /** Pitch class, 0 (C) to 11 (B). */
  readonly key: number;
  /** Average loudness in dB (negative). */
  readonly loudness: number;
  /** 1 major, 0 minor. */
  readonly mode: number;
  readonly speechiness: number;
  readonly acousticness: number;
  readonly instrumentalness: number;
  readonly liveness: number;
  readonly valence: number;
  /** Beats per minute. */
  readonly tempo: number;
  /** Beats per bar. */
  readonly time_signature: number;
  readonly track_genre: string;
}

/** A genre's share of the catalogue and the centre of its tracks' popularity and features. */
interface GenreProfile {
  readonly genre: string;
  readonly share: number;
  readonly popularity: number;
  readonly energy: number;
  readonly valence: number;
  readonly danceability: number;
  /** Added to the acousticness that low energy implies. */
  readonly acoustic: number;
  readonly speechiness: number;
  /** Share of its tracks without vocals. */
  readonly instrumental: number;
  /** Beats per minute, lowest and highest. */
  readonly tempo: readonly [number, number];
  /** Typical length, in seconds. */
  readonly seconds: number;
  /** Share of its tracks with explicit lyrics. */
  readonly explicit: number;
}

const GENRES: readonly GenreProfile[] = [
  { genre: 'pop', share: 14, popularity: 62, energy: 0.65, valence: 0.55, danceability: 0.68, acoustic: 0, speechiness: 0.06, instrumental: 0.02, tempo: [90, 130], seconds: 205, explicit: 0.12 },
  { genre: 'hip-hop', share: 10, popularity: 58, energy: 0.65, valence: 0.5, danceability: 0.75, acoustic: 0, speechiness: 0.2, instrumental: 0.02, tempo: [80, 160], seconds: 200, explicit: 0.5 },
  { genre: 'rock', share: 9, popularity: 50, energy: 0.78, valence: 0.5, danceability: 0.5, acoustic: 0, speechiness: 0.05, instrumental: 0.05, tempo: [100, 160], seconds: 235, explicit: 0.08 },
  { genre: 'dance', share: 7, popularity: 55, energy: 0.75, valence: 0.55, danceability: 0.7, acoustic: 0, speechiness: 0.06, instrumental: 0.05, tempo: [118, 130], seconds: 200, explicit: 0.06 },
  { genre: 'latin', share: 7, popularity: 57, energy: 0.72, valence: 0.65, danceability: 0.72, acoustic: 0, speechiness: 0.08, instrumental: 0.02, tempo: [90, 180], seconds: 210, explicit: 0.15 },
  { genre: 'indie', share: 6, popularity: 45, energy: 0.55, valence: 0.45, danceability: 0.55, acoustic: 0.1, speechiness: 0.05, instrumental: 0.1, tempo: [90, 150], seconds: 225, explicit: 0.07 },
  { genre: 'k-pop', share: 5, popularity: 56, energy: 0.75, valence: 0.6, danceability: 0.68, acoustic: 0, speechiness: 0.07, instrumental: 0.02, tempo: [95, 140], seconds: 205, explicit: 0.05 },
  { genre: 'edm', share: 5, popularity: 48, energy: 0.85, valence: 0.4, danceability: 0.62, acoustic: 0, speechiness: 0.06, instrumental: 0.25, tempo: [124, 132], seconds: 230, explicit: 0.05 },
  { genre: 'r-n-b', share: 5, popularity: 50, energy: 0.58, valence: 0.5, danceability: 0.68, acoustic: 0, speechiness: 0.1, instrumental: 0.02, tempo: [70, 130], seconds: 215, explicit: 0.3 },
  { genre: 'metal', share: 4, popularity: 38, energy: 0.9, valence: 0.3, danceability: 0.42, acoustic: 0, speechiness: 0.08, instrumental: 0.1, tempo: [100, 190], seconds: 265, explicit: 0.15 },
  { genre: 'jazz', share: 4, popularity: 32, energy: 0.38, valence: 0.5, danceability: 0.58, acoustic: 0.3, speechiness: 0.05, instrumental: 0.35, tempo: [70, 180], seconds: 290, explicit: 0 },
  { genre: 'classical', share: 4, popularity: 25, energy: 0.18, valence: 0.25, danceability: 0.33, acoustic: 0.6, speechiness: 0.05, instrumental: 0.85, tempo: [60, 150], seconds: 360, explicit: 0 },
  { genre: 'country', share: 4, popularity: 40, energy: 0.6, valence: 0.58, danceability: 0.58, acoustic: 0.2, speechiness: 0.04, instrumental: 0.01, tempo: [80, 170], seconds: 205, explicit: 0.03 },
  { genre: 'ambient', share: 3, popularity: 30, energy: 0.22, valence: 0.15, danceability: 0.3, acoustic: 0.4, speechiness: 0.04, instrumental: 0.8, tempo: [60, 120], seconds: 300, explicit: 0 },
  { genre: 'folk', share: 3, popularity: 36, energy: 0.4, valence: 0.48, danceability: 0.53, acoustic: 0.5, speechiness: 0.04, instrumental: 0.05, tempo: [80, 140], seconds: 220, explicit: 0.02 },
  { genre: 'reggae', share: 3, popularity: 38, energy: 0.62, valence: 0.72, danceability: 0.74, acoustic: 0.1, speechiness: 0.1, instrumental: 0.05, tempo: [70, 100], seconds: 230, explicit: 0.1 },
  { genre: 'techno', share: 3, popularity: 35, energy: 0.82, valence: 0.3, danceability: 0.68, acoustic: 0, speechiness: 0.06, instrumental: 0.7, tempo: [125, 140], seconds: 380, explicit: 0.02 },
  { genre: 'french', share: 3, popularity: 42, energy: 0.55, valence: 0.52, danceability: 0.6, acoustic: 0.2, speechiness: 0.07, instrumental: 0.02, tempo: [80, 140], seconds: 215, explicit: 0.08 },
  { genre: 'acoustic', share: 3, popularity: 40, energy: 0.35, valence: 0.45, danceability: 0.55, acoustic: 0.6, speechiness: 0.04, instrumental: 0.05, tempo: [80, 140], seconds: 215, explicit: 0 },
  { genre: 'soul', share: 2, popularity: 40, energy: 0.55, valence: 0.6, danceability: 0.62, acoustic: 0.2, speechiness: 0.06, instrumental: 0.02, tempo: [70, 130], seconds: 210, explicit: 0.02 },
];

/** The genres the generator draws, in catalogue order. */
export const GENERATED_GENRES: readonly string[] = GENRES.map((profile) => profile.genre);

const ADJECTIVES = ['Golden', 'Electric', 'Silent', 'Midnight', 'Broken', 'Velvet', 'Neon', 'Wild', 'Lost', 'Paper', 'Crimson', 'Endless', 'Sweet', 'Hollow', 'Bright', 'Cold', 'Fading', 'Secret', 'Little', 'Blue'];
const NOUNS = ['Hearts', 'Echoes', 'Summer', 'River', 'Lights', 'Dreams', 'Roads', 'Fire', 'Skyline', 'Waves', 'Shadows', 'Horizon', 'Letters', 'Stars', 'Garden', 'Rain', 'City', 'Mirrors', 'Ocean', 'Thunder'];
const FIRST_NAMES = ['Lina', 'Marcus', 'Aya', 'Diego', 'Noor', 'Elliot', 'Sofia', 'Kenji', 'Amara', 'Jonas', 'Chloé', 'Mateo', 'Ines', 'Tariq', 'Hana', 'Oscar', 'Zoé', 'Ravi', 'Maya', 'Lucas'];
const LAST_NAMES = ['Moreau', 'Okafor', 'Lindqvist', 'Park', 'Santos', 'Keller', 'Nakamura', 'Brennan', 'Haddad', 'Rossi', 'Dubois', 'Ivanova', 'Mensah', 'García', 'Kowalski', 'Laurent', 'Tanaka', 'Silva', 'Novak', 'Fischer'];
const VERSIONS = [' - Remastered', ' - Live', ' - Acoustic', ' (Radio Edit)', ' - Remix'];
const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A standard normal deviate (Box–Muller). */
function gaussian(random: RandomSource): number {
  return Math.sqrt(-2 * Math.log(1 - random.next())) * Math.cos(2 * Math.PI * random.next());
}

/** `value` kept within [0, 1] and rounded to `digits` decimals, as the dataset prints features. */
function feature(value: number, digits = 3): number {
  const factor = 10 ** digits;
  return Math.round(Math.min(1, Math.max(0, value)) * factor) / factor;
}

function artistName(random: RandomSource): string {
  const kind = random.next();
  if (kind < 0.6) return `${pick(random, FIRST_NAMES)} ${pick(random, LAST_NAMES)}`;
  if (kind < 0.85) return `The ${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}`;
  return pick(random, LAST_NAMES);
}

function trackTitle(random: RandomSource): string {
  const title = random.next() < 0.7 ? `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}` : `${pick(random, NOUNS)} of ${pick(random, NOUNS)}`;
  return random.next() < 0.1 ? `${title}${pick(random, VERSIONS)}` : title;
}

/** One catalogue track of a genre drawn by its share, every feature near the genre's profile. */
export function catalogueTrack(random: RandomSource): CatalogueTrack {
  const profile = pickWeighted(random, GENRES.map((genre) => [genre, genre.share] as const));
  const artists = Array.from({ length: pickWeighted(random, [[1, 80], [2, 15], [3, 5]] as const) }, () => artistName(random));
  const trackName = trackTitle(random);
  const mode = random.next() < 0.63 ? 1 : 0;
  const energy = feature(profile.energy + 0.15 * gaussian(random));
  const valence = feature(profile.valence + 0.3 * (energy - profile.energy) + (mode === 1 ? 0.05 : -0.05) + 0.17 * gaussian(random));
  const unplayed = random.next() < 0.1;
  const seconds = Math.max(30, profile.seconds * (1 + 0.2 * gaussian(random)));
  return {
    track_id: Array.from({ length: 22 }, () => pick(random, [...BASE62])).join(''),
    artists: artists.join(';'),
    // About four in ten tracks are singles: the album bears the track's name.
    album_name: random.next() < 0.4 ? trackName : `${pick(random, ADJECTIVES)} ${pick(random, NOUNS)}${random.next() < 0.15 ? ' (Deluxe Edition)' : ''}`,
    track_name: trackName,
    popularity: unplayed ? 0 : Math.round(Math.min(100, Math.max(0, profile.popularity + 16 * gaussian(random)))),
    duration_ms: Math.round(seconds * 1000),
    explicit: random.next() < profile.explicit,
    danceability: feature(profile.danceability + 0.2 * (valence - 0.5) + 0.1 * gaussian(random)),
    energy,
    key: randomInt(random, 0, 11),
    loudness: Math.round(Math.min(0, -24 + 19 * energy + 2 * gaussian(random)) * 1000) / 1000,
    mode,
    speechiness: feature(profile.speechiness * (0.5 + random.next()) + 0.01 * Math.abs(gaussian(random)), 4),
    acousticness: feature(0.95 - energy + 0.5 * profile.acoustic + 0.12 * gaussian(random), 4),
    instrumentalness: random.next() < profile.instrumental ? feature(0.5 + 0.5 * random.next()) : feature(random.next() ** 4 * 0.01, 6),
    liveness: feature(0.05 - 0.12 * Math.log(1 - random.next()), 4),
    valence,
    tempo: Math.round((profile.tempo[0] + random.next() * (profile.tempo[1] - profile.tempo[0])) * 1000) / 1000,
    time_signature: pickWeighted(random, [[4, 90], [3, 8], [5, 2]] as const),
    track_genre: profile.genre,
  };
}

/**
 * A realistic random `tracks` event at `nowMs`: a catalogue track with every dataset column (the
 * ones the schema does not name are kept as extra fields). Three in four carry a `timestamp` up
 * to 2 s before `nowMs`; the others, as rows replayed from the dataset, are placed at their
 * Kafka record time.
 */
export function generateTrack(random: RandomSource, nowMs: number): TrackEvent {
  const track = catalogueTrack(random);
  const stamped = random.next() < 0.75;
  return stamped ? { ...track, timestamp: new Date(nowMs - randomInt(random, 0, 2000)).toISOString() } : { ...track };
}
