import {
  durationMinutesOf,
  enrichTrack,
  moodOf,
  trackEventSchema,
  tracksStream,
  type TrackEvent,
} from '../../../../lambdas/domain/streams/tracks';
import { aTrack } from '../../../helpers/salesTracksEvents';
import { schemaIssuePaths } from '../../../helpers/schemaIssues';

function parsed(event: Record<string, unknown>): TrackEvent {
  return trackEventSchema.parse(event);
}

const issuePaths = (event: Record<string, unknown>): string[] => schemaIssuePaths(trackEventSchema, event);

describe('trackEventSchema', () => {
  it.each([
    ['a track with every dataset column and a timestamp', aTrack()],
    ['a track without timestamp, as a dataset row replayed', aTrack({ timestamp: undefined })],
    ['popularity 0 and 100', aTrack({ popularity: 100 })],
    ['features at both ends', aTrack({ danceability: 0, energy: 1, valence: 0 })],
    ['a tempo of 0 (none detected)', aTrack({ tempo: 0 })],
    ['explicit lyrics', aTrack({ explicit: true })],
    ['a zoned timestamp', aTrack({ timestamp: '2026-11-25T13:07:15+09:00' })],
  ])('accepts %s', (_case, event) => {
    // Act
    const result = trackEventSchema.safeParse(event);

    // Assess
    expect(result.success).toBe(true);
  });

  it.each([
    ['a track id of 65 characters', { track_id: 'x'.repeat(65) }, 'track_id'],
    ['no track id', { track_id: undefined }, 'track_id'],
    ['a blank track name', { track_name: ' ' }, 'track_name'],
    ['no artists', { artists: '' }, 'artists'],
    ['artists as a list', { artists: ['Lina Moreau'] }, 'artists'],
    ['a blank album', { album_name: '\t' }, 'album_name'],
    ['a blank genre', { track_genre: '  ' }, 'track_genre'],
    ['popularity 101', { popularity: 101 }, 'popularity'],
    ['popularity -1', { popularity: -1 }, 'popularity'],
    ['a fractional popularity', { popularity: 64.5 }, 'popularity'],
    ['a duration of 0 ms', { duration_ms: 0 }, 'duration_ms'],
    ['a fractional duration', { duration_ms: 215_400.5 }, 'duration_ms'],
    ['explicit as the dataset text "False"', { explicit: 'False' }, 'explicit'],
    ['danceability over 1', { danceability: 1.2 }, 'danceability'],
    ['negative energy', { energy: -0.1 }, 'energy'],
    ['valence over 1', { valence: 1.001 }, 'valence'],
    ['a negative tempo', { tempo: -120 }, 'tempo'],
    ['a timestamp without zone', { timestamp: '2026-11-25T04:07:15' }, 'timestamp'],
    ['a timestamp in epoch ms', { timestamp: 1_795_579_635_250 }, 'timestamp'],
  ])('rejects %s, naming the field', (_case, overrides, field) => {
    // Act
    const paths = issuePaths(aTrack(overrides));

    // Assess
    expect(paths).toEqual([field]);
  });

  it('keeps the dataset columns it does not name, and any other extra field', () => {
    // Prepare
    const event = aTrack({ playlist: 'Morning Run' });

    // Act
    const result = trackEventSchema.parse(event);

    // Assess
    expect(result).toEqual(event);
    expect(result).toMatchObject({ loudness: -6.41, time_signature: 4, playlist: 'Morning Run' });
  });
});

describe('moodOf', () => {
  it.each([
    [0.9, 0.9, 'happy'],
    [0.1, 0.9, 'tense'],
    [0.1, 0.1, 'sad'],
    [0.9, 0.1, 'calm'],
    [0.5, 0.5, 'happy'],
    [0.4999, 0.5, 'tense'],
    [0.5, 0.4999, 'calm'],
    [0.4999, 0.4999, 'sad'],
  ])('puts valence %p and energy %p in the quadrant %p, 0.5 counting as high', (valence, energy, mood) => {
    // Act
    const result = moodOf(valence, energy);

    // Assess
    expect(result).toBe(mood);
  });
});

describe('durationMinutesOf', () => {
  it.each([
    [230_666, 3.84],
    [215_400, 3.59],
    [60_000, 1],
    [29_700, 0.5],
    [29_699, 0.49],
    [1, 0],
    [5_237_295, 87.29],
  ])('gives %p ms as %p min, rounded half away from zero', (durationMs, minutes) => {
    // Act
    const result = durationMinutesOf(durationMs);

    // Assess
    expect(result).toBe(minutes);
  });
});

describe('enrichTrack', () => {
  it('adds the duration in minutes and the mood, and normalises the genre', () => {
    // Act
    const enriched = enrichTrack(parsed(aTrack({ track_genre: ' K-Pop ', valence: 0.2, energy: 0.8 })));

    // Assess
    expect(enriched).toMatchObject({ track_genre: 'k-pop', duration_min: 3.59, mood: 'tense' });
  });

  it('keeps the original fields, extra ones included, and leaves its input untouched', () => {
    // Prepare
    const event = parsed(aTrack({ playlist: 'Morning Run' }));
    const copy = structuredClone(event);

    // Act
    const first = enrichTrack(event);
    const second = enrichTrack(event);

    // Assess
    expect(first).toEqual({ ...event, duration_min: 3.59, mood: 'happy' });
    expect(second).toEqual(first);
    expect(event).toEqual(copy);
  });
});

describe('tracksStream', () => {
  const recordTimeMs = Date.parse('2026-11-25T04:10:00.125Z');

  it('takes the event id and the Kafka key from track_id', () => {
    // Prepare
    const event = parsed(aTrack());

    // Act
    const identity = [tracksStream.eventId(event), tracksStream.partitionKey(event)];

    // Assess
    expect(identity).toEqual(['0aB3xYz9QkLm2NpR7sTuVw', '0aB3xYz9QkLm2NpR7sTuVw']);
  });

  it('takes the event time from the timestamp when the track carries one', () => {
    // Act
    const eventTime = tracksStream.eventTime(parsed(aTrack({ timestamp: '2026-11-25T05:07:15.250+01:00' })), recordTimeMs);

    // Assess
    expect(eventTime).toBe('2026-11-25T05:07:15.250+01:00');
  });

  it('takes the event time from the Kafka record when the track carries none', () => {
    // Act
    const eventTime = tracksStream.eventTime(parsed(aTrack({ timestamp: undefined })), recordTimeMs);

    // Assess
    expect(eventTime).toBe(recordTimeMs);
  });
});
