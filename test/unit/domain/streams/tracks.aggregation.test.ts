/**
 * `tracks` from record bytes to aggregates: the event time comes from the track or from its
 * record, genres are keys that must fit DynamoDB, and a fold gives the totals worked out by hand.
 */
import { DEFAULT_VALIDATION_LIMITS } from '../../../../lambdas/config/settings';
import { applyDelta, encodeGroup, foldBatch, type AggregateState, type FoldRecord } from '../../../../lambdas/domain/aggregation';
import { tracksStream } from '../../../../lambdas/domain/streams/tracks';
import type { AnyStreamDefinition, EventObject } from '../../../../lambdas/domain/streams/types';
import { formatMinute } from '../../../../lambdas/domain/time';
import { validateRecord, type ValidationResult } from '../../../../lambdas/domain/validation';
import { EVENT_TIME_MS, bytesOf } from '../../../helpers/events';
import { aTrack } from '../../../helpers/salesTracksEvents';

const tracks = tracksStream as unknown as AnyStreamDefinition;
const LIMITS = DEFAULT_VALIDATION_LIMITS;
const DAY_MS = 86_400_000;

function validated(event: EventObject, recordTimestampMs: number): ValidationResult {
  return validateRecord(tracks, bytesOf(event), recordTimestampMs, LIMITS);
}

function outcomeOf(result: ValidationResult): string {
  return result.valid ? 'valid' : `${result.reason}: ${result.detail}`;
}

describe('validateRecord on tracks', () => {
  it('places a track that carries a timestamp at that time', () => {
    // Act
    const result = validated(aTrack(), EVENT_TIME_MS + 40_000);

    // Assess
    expect(result).toMatchObject({ valid: true, eventId: '0aB3xYz9QkLm2NpR7sTuVw', eventTimeMs: EVENT_TIME_MS, enriched: { mood: 'happy' } });
  });

  it('places a track without timestamp at its Kafka record time', () => {
    // Prepare
    const recordTs = EVENT_TIME_MS + 40_000;

    // Act
    const result = validated(aTrack({ timestamp: undefined }), recordTs);

    // Assess
    expect(result).toMatchObject({ valid: true, eventTimeMs: recordTs });
  });

  it.each([
    ['a timestamp older than the retention', aTrack({ timestamp: new Date(EVENT_TIME_MS - 91 * DAY_MS).toISOString() }), 'too_late'],
    ['a timestamp an hour ahead of its record', aTrack({ timestamp: new Date(EVENT_TIME_MS + 3_600_000).toISOString() }), 'too_early'],
    ['no timestamp, whatever the record time', aTrack({ timestamp: undefined }), 'valid'],
  ])('applies the time bounds to %s', (_case, event, outcome) => {
    // Act
    const result = validated(event, EVENT_TIME_MS);

    // Assess
    expect(result.valid ? 'valid' : result.reason).toBe(outcome);
  });

  it('accepts a long genre whose aggregate key fits DynamoDB', () => {
    // Act
    const result = validated(aTrack({ track_genre: 'é'.repeat(150) }), EVENT_TIME_MS);

    // Assess
    expect(result.valid).toBe(true);
  });

  it('refuses a genre too long for a DynamoDB sort key as schema, naming it', () => {
    // Act
    const outcome = outcomeOf(validated(aTrack({ track_genre: '🎸'.repeat(100) }), EVENT_TIME_MS));

    // Assess
    expect(outcome).toMatch(/^schema: track_genre: makes a sort key of 1\d{3} bytes; DynamoDB takes at most 1024$/);
  });
});

describe('foldBatch on tracks', () => {
  it('gives the totals worked out by hand, each track in the minute of its timestamp or else of its record', () => {
    // Prepare: minute 04:07 holds EVENT_TIME; the untimed jazz track's record is stamped at 04:08:05.
    const at0407 = EVENT_TIME_MS + 1_000;
    const at0408 = Date.parse('2026-11-25T04:08:05Z');
    const inputs: [EventObject, number][] = [
      [aTrack({ track_id: 'a', popularity: 64 }), at0407],
      [aTrack({ track_id: 'b', track_genre: 'Pop ', popularity: 80, valence: 0.3, energy: 0.9 }), at0407],
      [aTrack({ track_id: 'c', track_genre: 'jazz', popularity: 0, valence: 0.7, energy: 0.2, timestamp: undefined }), at0408],
      [aTrack({ track_id: 'd', track_genre: 'jazz', popularity: 31, valence: 0.2, energy: 0.1 }), at0408],
      [aTrack({ track_id: 'e', popularity: 101 }), at0408],
    ];
    const records: FoldRecord[] = inputs.map(([event, recordTs], offset) => ({
      partition: 'tracks-0',
      offset,
      recordTimestampMs: recordTs,
      result: validated(event, recordTs),
    }));

    // Act
    const totals: Record<string, Omit<AggregateState, 'offsets'>> = {};
    for (const delta of foldBatch(tracks, records).deltas) {
      const { offsets: _offsets, ...measures } = applyDelta(undefined, delta) as AggregateState;
      totals[`${delta.key.aggregation}|${formatMinute(delta.key.windowStartMs).slice(11, 16)}|${encodeGroup(delta.key.group)}`] = measures;
    }

    // Assess
    expect(totals).toEqual({
      'by_genre|04:07|track_genre=pop': { count: 2, sum: 144n, min: 64n, max: 80n },
      'by_genre|04:07|track_genre=jazz': { count: 1, sum: 31n, min: 31n, max: 31n },
      'by_genre|04:08|track_genre=jazz': { count: 1, sum: 0n, min: 0n, max: 0n },
      'by_mood|04:07|mood=happy': { count: 1 },
      'by_mood|04:07|mood=tense': { count: 1 },
      'by_mood|04:07|mood=sad': { count: 1 },
      'by_mood|04:08|mood=calm': { count: 1 },
      'invalid|04:08|reason=schema': { count: 1 },
    });
  });
});
