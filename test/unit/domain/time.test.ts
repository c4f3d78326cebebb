import { WINDOW_MS, dayOf, daysBetween, formatInstant, formatMinute, parseInstant, windowStartOf } from '../../../lambdas/domain/time';

const at = (iso: string): number => Date.parse(iso);

describe('windowStartOf and formatMinute', () => {
  it('floors a zoned time to its UTC minute: 2026-11-25T05:00:30+01:00 → 2026-11-25T04:00:00Z', () => {
    // Prepare
    const epochMs = parseInstant('2026-11-25T05:00:30+01:00');

    // Act
    const minute = formatMinute(windowStartOf(epochMs));

    // Assess
    expect(minute).toBe('2026-11-25T04:00:00Z');
  });

  it('keeps 59.999 s in the same minute', () => {
    // Act
    const minute = formatMinute(windowStartOf(at('2026-11-25T04:07:59.999Z')));

    // Assess
    expect(minute).toBe('2026-11-25T04:07:00Z');
  });

  it('starts a new minute at exactly 00.000 s', () => {
    // Act
    const minute = formatMinute(windowStartOf(at('2026-11-25T04:08:00.000Z')));

    // Assess
    expect(minute).toBe('2026-11-25T04:08:00Z');
  });

  it('floors times before 1970 down, not towards zero', () => {
    // Act
    const start = windowStartOf(-1);

    // Assess
    expect(start).toBe(-WINDOW_MS);
  });

  it('formats a minute without milliseconds', () => {
    // Act
    const text = formatMinute(at('2026-11-25T04:07:00.000Z'));

    // Assess
    expect(text).toBe('2026-11-25T04:07:00Z');
  });
});

describe('formatInstant', () => {
  it('formats an instant in UTC with milliseconds', () => {
    // Act
    const text = formatInstant(at('2026-11-25T05:07:15.25+01:00'));

    // Assess
    expect(text).toBe('2026-11-25T04:07:15.250Z');
  });
});

describe('dayOf', () => {
  it('gives the UTC day, which for a zoned time just after midnight is the day before', () => {
    // Act
    const day = dayOf(at('2026-11-25T00:30:00+01:00'));

    // Assess
    expect(day).toBe('2026-11-24');
  });
});

describe('daysBetween', () => {
  it('lists both days of a range across midnight, oldest first', () => {
    // Act
    const days = daysBetween(at('2026-11-24T23:30:00Z'), at('2026-11-25T00:30:00Z'));

    // Assess
    expect(days).toEqual(['2026-11-24', '2026-11-25']);
  });

  it('excludes the day that starts exactly at the (exclusive) end', () => {
    // Act
    const days = daysBetween(at('2026-11-24T10:00:00Z'), at('2026-11-25T00:00:00Z'));

    // Assess
    expect(days).toEqual(['2026-11-24']);
  });

  it('includes the day that starts exactly at the (inclusive) start', () => {
    // Act
    const days = daysBetween(at('2026-11-25T00:00:00Z'), at('2026-11-25T00:00:00.001Z'));

    // Assess
    expect(days).toEqual(['2026-11-25']);
  });

  it('lists every day of a range over a month end', () => {
    // Act
    const days = daysBetween(at('2026-11-29T12:00:00Z'), at('2026-12-02T12:00:00Z'));

    // Assess
    expect(days).toEqual(['2026-11-29', '2026-11-30', '2026-12-01', '2026-12-02']);
  });

  it('lists no day for an empty range', () => {
    // Prepare
    const instant = at('2026-11-25T12:00:00Z');

    // Act
    const days = daysBetween(instant, instant);

    // Assess
    expect(days).toEqual([]);
  });
});

describe('parseInstant', () => {
  it('parses an ISO-8601 time with a zone offset', () => {
    // Act
    const epochMs = parseInstant('2026-11-25T05:00:30+01:00');

    // Assess
    expect(epochMs).toBe(at('2026-11-25T04:00:30Z'));
  });

  it('rejects text that is not a timestamp, quoting it', () => {
    // Act
    const act = () => parseInstant('yesterday');

    // Assess
    expect(act).toThrow(new RangeError('not an ISO-8601 timestamp: "yesterday"'));
  });
});
