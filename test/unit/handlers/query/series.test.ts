import type { AggregatePoint } from '../../../../lambdas/adapters/dynamodb/aggregatesRepository';
import { filterPoints, rankGroups, sortPoints } from '../../../../lambdas/handlers/query/series';

function point(windowStart: string, group: Record<string, string>, count: number, sum?: number): AggregatePoint {
  return { windowStart, windowEnd: windowStart, group, count, ...(sum === undefined ? {} : { sum, min: sum, max: sum }) };
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
    const points = [0.1, 0.1, 0.1].map((sum) => point('t', { category: 'toys' }, 1, sum));

    // Act
    const [top] = rankGroups(points, { by: 'sum', limit: 10, groupBy: ['category'], scale: 2 });

    // Assess
    expect(top).toEqual({ group: { category: 'toys' }, count: 3, sum: 0.3 });
  });

  it('ranks a larger sum first even with fewer events', () => {
    // Prepare
    const points = [point('t', { c: 'few' }, 1, 999.99), point('t', { c: 'many' }, 50, 10)];

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
