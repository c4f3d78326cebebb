import type { AggregatePoint } from '../../../../lambdas/domain/aggregatePoint';
import { filterPoints, rankGroups, sortPoints, toSeriesPoint } from '../../../../lambdas/handlers/query/series';

/** A point; `cents` is a sum (and min and max) at scale 2. */
function point(windowStart: string, group: Record<string, string>, count: number, cents?: bigint): AggregatePoint {
  return { windowStart, windowEnd: windowStart, group, count, ...(cents === undefined ? {} : { scale: 2, sum: cents, min: cents, max: cents }) };
}

describe('sortPoints', () => {
  it('orders by window start, then by each dimension in turn, in code-unit order', () => {
    // Prepare
    const points = [
      point('2026-11-25T00:01:00Z', { a: 'x', b: '2' }, 1),
      point('2026-11-25T00:00:00Z', { a: 'é', b: '1' }, 1),
      point('2026-11-25T00:00:00Z', { a: 'e', b: '2' }, 1),
      point('2026-11-25T00:00:00Z', { a: 'e', b: '1' }, 1),
    ];

    // Act
    const sorted = sortPoints(points, ['a', 'b']);

    // Assess
    expect(sorted.map((p) => `${p.windowStart.slice(14, 16)} ${p.group.a}${p.group.b}`)).toEqual(['00 e1', '00 e2', '00 é1', '01 x2']);
  });
});

describe('filterPoints', () => {
  it('keeps the points whose dimension equals the value exactly', () => {
    // Act
    const kept = filterPoints([point('t', { category: 'books' }, 1), point('t', { category: 'Books' }, 1)], { dimension: 'category', value: 'books' });

    // Assess
    expect(kept.map((p) => p.group)).toEqual([{ category: 'books' }]);
  });
});

describe('rankGroups', () => {
  it('adds sums as scaled integers so that 0.1 three times is 0.3, not 0.30000000000000004', () => {
    // Prepare
    const points = [10n, 10n, 10n].map((cents) => point('t', { category: 'toys' }, 1, cents));

    // Act
    const [top] = rankGroups(points, { by: 'sum', limit: 10, groupBy: ['category'], scale: 2 });

    // Assess
    expect(top).toEqual({ group: { category: 'toys' }, count: 3, sum: '0.3' });
  });

  it('adds sums beyond 15 digits exactly, and ranks them exactly', () => {
    // Prepare: 10,000 minutes of the largest amount, against one cent more in total.
    const largest = 999_999_999_999_999n;
    const points = [
      ...Array.from({ length: 10_000 }, () => point('t', { c: 'big' }, 1, largest)),
      point('t', { c: 'bigger' }, 1, largest * 10_000n + 1n),
    ];

    // Act
    const ranked = rankGroups(points, { by: 'sum', limit: 10, groupBy: ['c'], scale: 2 });

    // Assess
    expect(ranked).toEqual([
      { group: { c: 'bigger' }, count: 1, sum: '99999999999999900.01' },
      { group: { c: 'big' }, count: 10_000, sum: '99999999999999900' },
    ]);
  });

  it('ranks a larger sum first even with fewer events', () => {
    // Prepare
    const points = [point('t', { c: 'few' }, 1, 99_999n), point('t', { c: 'many' }, 50, 1_000n)];

    // Act
    const ranked = rankGroups(points, { by: 'sum', limit: 10, groupBy: ['c'], scale: 2 });

    // Assess
    expect(ranked.map((item) => item.group.c)).toEqual(['few', 'many']);
  });

  it('keeps groups of several dimensions apart', () => {
    // Prepare
    const points = [point('t', { a: 'x', b: 'y' }, 1), point('t', { a: 'x', b: 'z' }, 2), point('u', { a: 'x', b: 'y' }, 5)];

    // Act
    const ranked = rankGroups(points, { by: 'count', limit: 10, groupBy: ['a', 'b'] });

    // Assess
    expect(ranked).toEqual([
      { group: { a: 'x', b: 'y' }, count: 6 },
      { group: { a: 'x', b: 'z' }, count: 2 },
    ]);
  });
});

describe('toSeriesPoint', () => {
  it('writes measures as exact decimal text at their scale', () => {
    // Act
    const wire = toSeriesPoint({ windowStart: 'a', windowEnd: 'b', group: {}, count: 2, scale: 2, sum: -1999n, min: -2000n, max: 1n });

    // Assess
    expect(wire).toEqual({ windowStart: 'a', windowEnd: 'b', group: {}, count: 2, sum: '-19.99', min: '-20', max: '0.01' });
  });

  it('leaves a count-only point without measures', () => {
    expect(toSeriesPoint({ windowStart: 'a', windowEnd: 'b', group: { type: 'view' }, count: 7 })).toEqual({ windowStart: 'a', windowEnd: 'b', group: { type: 'view' }, count: 7 });
  });
});
