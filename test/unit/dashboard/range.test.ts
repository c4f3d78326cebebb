import {
  bucketFor,
  choiceFromFragment,
  choiceToFragment,
  DEFAULT_PRESET,
  fixedRangeProblem,
  PRESETS,
  refreshIntervalMs,
  resolveRange,
  type Preset,
} from '../../../dashboard/src/range';

const MINUTE = 60_000;
const NOW = Date.parse('2026-11-25T04:30:25Z');
const preset = (id: string) => PRESETS.find((candidate) => candidate.id === id) as Preset;

describe('bucketFor', () => {
  it.each([
    [15 * MINUTE, 1],
    [60 * MINUTE, 1],
    [120 * MINUTE, 1],
    [360 * MINUTE, 5],
    [1440 * MINUTE, 15],
    [7 * 1440 * MINUTE, 180],
    [31 * 1440 * MINUTE, 720],
  ])('draws a range of %d ms in buckets of %d minutes, at most 120 bars', (durationMs, minutes) => {
    // Act
    const bucketMs = bucketFor(durationMs);

    // Assess
    expect(bucketMs).toBe(minutes * MINUTE);
    expect(durationMs / bucketMs).toBeLessThanOrEqual(120);
  });
});

describe('resolveRange', () => {
  it('ends a preset at the end of the minute holding now, so the minute being filled is the last bar', () => {
    // Act
    const range = resolveRange({ kind: 'preset', preset: DEFAULT_PRESET }, NOW);

    // Assess
    expect(range).toEqual({ fromMs: Date.parse('2026-11-25T03:31:00Z'), toMs: Date.parse('2026-11-25T04:31:00Z'), bucketMs: MINUTE, live: true });
  });

  it('aligns a day to quarter-hour buckets', () => {
    // Act
    const range = resolveRange({ kind: 'preset', preset: preset('24h') }, NOW);

    // Assess
    expect(range).toEqual({ fromMs: Date.parse('2026-11-24T04:45:00Z'), toMs: Date.parse('2026-11-25T04:45:00Z'), bucketMs: 15 * MINUTE, live: true });
  });

  it('widens a fixed range to whole buckets and does not refresh it', () => {
    // Act
    const range = resolveRange({ kind: 'fixed', fromMs: Date.parse('2026-11-20T10:00:30Z'), toMs: Date.parse('2026-11-20T10:59:10Z') }, NOW);

    // Assess
    expect(range).toEqual({ fromMs: Date.parse('2026-11-20T10:00:00Z'), toMs: Date.parse('2026-11-20T11:00:00Z'), bucketMs: MINUTE, live: false });
  });
});

describe('refreshIntervalMs', () => {
  it('reads minute bars every 5 s and coarser bars every 30 s', () => {
    // Assess
    expect(refreshIntervalMs(resolveRange({ kind: 'preset', preset: preset('1h') }, NOW))).toBe(5_000);
    expect(refreshIntervalMs(resolveRange({ kind: 'preset', preset: preset('6h') }, NOW))).toBe(30_000);
  });
});

describe('fixedRangeProblem', () => {
  it.each([
    [NaN, NOW, 'choose both a start and an end'],
    [NOW, NOW, 'the start must be before the end'],
    [NOW - 32 * 1440 * MINUTE, NOW, 'a range may span at most 31 days'],
    [NOW - 31 * 1440 * MINUTE, NOW, undefined],
  ])('says what is wrong with [%d, %d) under the API limit of 31 days', (fromMs, toMs, problem) => {
    // Assess
    expect(fixedRangeProblem(fromMs, toMs, 31)).toBe(problem);
  });

  it('states the limit the API gives', () => {
    // Assess
    expect(fixedRangeProblem(NOW - 8 * 1440 * MINUTE, NOW, 7)).toBe('a range may span at most 7 days');
  });
});

describe('URL fragment', () => {
  it('round-trips a preset and a fixed range', () => {
    // Prepare
    const fixed = { kind: 'fixed' as const, fromMs: Date.parse('2026-11-20T10:00:00Z'), toMs: Date.parse('2026-11-20T12:00:00Z') };

    // Act
    const fragments = [choiceToFragment({ kind: 'preset', preset: preset('6h') }), choiceToFragment(fixed)];

    // Assess
    expect(fragments).toEqual(['range=6h', 'from=2026-11-20T10:00:00.000Z&to=2026-11-20T12:00:00.000Z']);
    expect(choiceFromFragment(`#${fragments[0]}`, 31)).toEqual({ kind: 'preset', preset: preset('6h') });
    expect(choiceFromFragment(`#${fragments[1]}`, 31)).toEqual(fixed);
  });

  it.each(['', '#range=2y', '#from=yesterday&to=today', '#from=2026-11-20T12:00:00Z&to=2026-11-20T10:00:00Z', '#from=2026-10-01T00:00:00Z&to=2026-11-20T00:00:00Z'])('opens the default hour for the fragment %p', (fragment) => {
    // Assess
    expect(choiceFromFragment(fragment, 31)).toEqual({ kind: 'preset', preset: DEFAULT_PRESET });
  });
});
