/**
 * `tracks`: a music catalogue replayed through Kafka, one event per track, with the columns of the
 * public Spotify tracks dataset as field names (`track_id`, `track_genre`, `duration_ms` …), so
 * that a CSV row of it is an event once its numbers and booleans are typed. Its questions: how
 * many tracks of each genre, and how popular (average = sum ÷ count at read time); how many of
 * each mood.
 *
 * Event time: the event's own `timestamp` when it carries one, else the Kafka record time (a row
 * of the dataset has no time of its own; it happens when it is replayed).
 */
import { z } from 'zod';
import { divideRounded, scaledToNumber } from '../decimal';
import { nonBlank, unitInterval } from './fields';
import { normaliseCategory } from './orders';
import { generateTrack } from './tracksGenerator';
import type { StreamDefinition } from './types';

/** A raw `tracks` event; unknown extra fields (the dataset's `key`, `loudness`, `mode` …) are kept. */
export const trackEventSchema = z.looseObject({
  /** The catalogue's id of the track (Spotify's are 22 base-62 characters): the event id and Kafka key. */
  track_id: z.string().min(1).max(64),
  track_name: nonBlank(1000),
  /** The performing artists' names, separated by `;` as in the dataset. */
  artists: nonBlank(2000),
  album_name: nonBlank(1000),
  /** Genre as the catalogue spells it (`alt-rock`, `k-pop`); grouped case- and space-insensitively. */
  track_genre: nonBlank(),
  /** 0 (never played lately) to 100 (most played now). */
  popularity: z.number().int().min(0).max(100),
  /** Length in ms. */
  duration_ms: z.number().int().min(1),
  /** Explicit lyrics. */
  explicit: z.boolean(),
  /** 0 to 1: how suitable for dancing. */
  danceability: unitInterval,
  /** 0 to 1: perceived intensity and activity. */
  energy: unitInterval,
  /** 0 to 1: musical positiveness (high is cheerful, low is sad or angry). */
  valence: unitInterval,
  /** Estimated tempo in beats per minute. */
  tempo: z.number().min(0),
  /** ISO-8601 with zone: when present, the event time; else the Kafka record time is. */
  timestamp: z.iso.datetime({ offset: true }).optional(),
});

/** A raw `tracks` event. */
export type TrackEvent = z.infer<typeof trackEventSchema>;

/**
 * The quadrants of the valence–energy plane (Russell's circumplex of affect, as music-mood
 * research uses it), each half split at 0.5, which counts as high:
 *
 *                 valence < 0.5   valence ≥ 0.5
 *   energy ≥ 0.5      tense           happy
 *   energy < 0.5      sad             calm
 */
export type Mood = 'happy' | 'tense' | 'sad' | 'calm';

/** Where the valence and energy scales are split into low and high; the value itself is high. */
export const MOOD_THRESHOLD = 0.5;

/** The mood quadrant of a valence and an energy, each from 0 to 1. */
export function moodOf(valence: number, energy: number): Mood {
  const energetic = energy >= MOOD_THRESHOLD;
  if (valence >= MOOD_THRESHOLD) return energetic ? 'happy' : 'calm';
  return energetic ? 'tense' : 'sad';
}

/** `duration_ms` in minutes, rounded half away from zero to two decimals: 230666 ms is 3.84 min. */
export function durationMinutesOf(durationMs: number): number {
  return scaledToNumber(divideRounded(BigInt(durationMs) * 100n, 60_000n), 2);
}

/** A `tracks` event after enrichment. */
export type EnrichedTrackEvent = TrackEvent & {
  /** Normalised as `orders` categories are: NFC, trimmed, inner white space collapsed, lower-cased. */
  track_genre: string;
  /** Length in minutes, to two decimals. */
  duration_min: number;
  mood: Mood;
};

/**
 * Enriches one validated `tracks` event. It sets no `minute`: the event time may be the record's,
 * which the event does not know; the aggregates are windowed on it all the same.
 */
export function enrichTrack(event: TrackEvent): EnrichedTrackEvent {
  return {
    ...event,
    track_genre: normaliseCategory(event.track_genre),
    duration_min: durationMinutesOf(event.duration_ms),
    mood: moodOf(event.valence, event.energy),
  };
}

/** The `tracks` stream. */
export const tracksStream: StreamDefinition<TrackEvent, EnrichedTrackEvent> = {
  name: 'tracks',
  description: 'Music catalogue replayed track by track: genre, popularity and mood',
  schema: trackEventSchema,
  eventId: (event) => event.track_id,
  partitionKey: (event) => event.track_id,
  eventTime: (event, recordTimestampMs) => event.timestamp ?? recordTimestampMs,
  enrich: enrichTrack,
  generate: generateTrack,
  aggregations: [
    {
      name: 'by_genre',
      description: 'Tracks per minute by genre, with their popularity (0–100; average = sum ÷ count)',
      groupBy: ['track_genre'],
      measure: { field: 'popularity', scale: 0 },
    },
    { name: 'by_mood', description: 'Tracks per minute by mood quadrant of valence and energy', groupBy: ['mood'] },
  ],
};
