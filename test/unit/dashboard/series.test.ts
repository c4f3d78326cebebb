import type { SeriesPoint } from '../../../lambdas/handlers/query/schemas';
import { assignSlots, chartData, groupLabel, timeTicks, totalOf, valueTicks } from '../../../dashboard/src/series';
import type { ResolvedRange } from '../../../dashboard/src/range';

const MINUTE = 60_000;
const FROM = Date.parse('2026-11-25T04:00:00Z');
const RANGE: ResolvedRange = { fromMs: FROM, toMs: FROM + 3 * MINUTE, bucketMs: MINUTE, live: true };

function point(minute: number, group: Record<string, string>, count: number, sum?: number): SeriesPoint {
  const windowStart = new Date(FROM + minute * MINUTE).toISOString().replace('.000Z', 'Z');
  const windowEnd = new Date(FROM + (minute + 1) * MINUTE).toISOString().replace('.000Z', 'Z');
  return { windowStart, windowEnd, group, count, ...(sum === undefined ? {} : { sum: String(sum), min: String(sum), max: String(sum) }) };
}

describe('chartData', () => {
  it('puts each point in its bucket and group, with zeros where a group had nothing', () => {
    // Prepare
    const points = [point(0, { type: 'view' }, 3), point(0, { type: 'purchase' }, 1), point(2, { type: 'view' }, 5)];

    // Act
    const data = chartData(points, RANGE, 'count', { ungrouped: 'events' });

    // Assess
    expect(data.buckets).toEqual([FROM, FROM + MINUTE, FROM + 2 * MINUTE]);
    expect(data.groups.map((group) => [group.label, group.values, group.total])).toEqual([
      ['purchase', [1, 0, 0], 1],
      ['view', [3, 0, 5], 8],
    ]);
    expect(data.stackTotals).toEqual([4, 0, 5]);
    expect(data.total).toBe(9);
  });

  it('adds sums exactly to the cent, where floating point would drift', () => {
    // Prepare: 0.1 + 0.2 is 0.30000000000000004 in binary floating point.
    const points = [point(0, {}, 1, 0.1), point(1, {}, 1, 0.2), point(2, {}, 2, 1000.07)];

    // Act
    const data = chartData(points, RANGE, 'sum', { ungrouped: 'revenue' });

    // Assess
    expect(data.groups).toEqual([expect.objectContaining({ label: 'revenue', values: [0.1, 0.2, 1000.07], counts: [1, 1, 2], total: 1000.37, totalCount: 4 })]);
  });

  it('folds minute points into coarser buckets and drops points outside the range', () => {
    // Prepare
    const range: ResolvedRange = { fromMs: FROM, toMs: FROM + 10 * MINUTE, bucketMs: 5 * MINUTE, live: false };
    const points = [point(0, {}, 1), point(4, {}, 2), point(5, {}, 4), point(10, {}, 100), point(-1, {}, 100)];

    // Act
    const data = chartData(points, range, 'count', { ungrouped: 'events' });

    // Assess
    expect(data.stackTotals).toEqual([3, 4]);
  });

  it('stacks ordered groups first, each in the colour of its place in the order, the others by name after them', () => {
    // Prepare
    const points = [point(0, { priority: 'high' }, 1), point(0, { priority: 'urgent' }, 1), point(0, { priority: 'low' }, 1)];

    // Act
    const data = chartData(points, RANGE, 'count', { ungrouped: 'tickets', groupOrder: ['low', 'medium', 'high'] });

    // Assess
    expect(data.groups.map((group) => [group.label, group.colour])).toEqual([
      ['low', 0],
      ['high', 2],
      ['urgent', 3],
    ]);
  });
});

describe('assignSlots', () => {
  it('gives other groups the palette slots the ordered ones left free', () => {
    // Act
    const slots = assignSlots(['b', 'a', 'k', 'c'], ['k']);

    // Assess
    expect(slots).toEqual([
      { label: 'k', slot: 0 },
      { label: 'a', slot: 1 },
      { label: 'b', slot: 2 },
      { label: 'c', slot: 3 },
    ]);
  });
});

describe('totalOf', () => {
  it('totals a measure over all points, or over one group', () => {
    // Prepare
    const points = [point(0, { priority: 'high' }, 2), point(1, { priority: 'low' }, 5), point(2, { priority: 'high' }, 1)];

    // Assess
    expect(totalOf(points, 'count')).toBe(8);
    expect(totalOf(points, 'count', { priority: 'high' })).toBe(3);
    expect(totalOf([point(0, {}, 1, 0.1), point(1, {}, 1, 0.2)], 'sum')).toBe(0.3);
  });
});

describe('groupLabel', () => {
  it('joins the values of a group and names an ungrouped series', () => {
    // Assess
    expect(groupLabel({ channel: 'web', category: 'books' }, 'x')).toBe('web · books');
    expect(groupLabel({}, 'revenue')).toBe('revenue');
  });
});

describe('valueTicks', () => {
  it.each([
    [0, true, [0, 1]],
    [3, true, [0, 1, 2, 3]],
    [97, true, [0, 25, 50, 75, 100]],
    [5400, false, [0, 2000, 4000, 6000]],
    [0.7, false, [0, 0.2, 0.4, 0.6, 0.8]],
  ])('gives round ticks up to at least %d (integers only: %s)', (max, integers, ticks) => {
    // Assess
    expect(valueTicks(max, 4, integers)).toEqual(ticks);
  });
});

describe('timeTicks', () => {
  it('labels an hour every 10 minutes on whole minutes of local time', () => {
    // Act
    const ticks = timeTicks(FROM + 30_000, FROM + 60 * MINUTE, 8, 0);

    // Assess
    expect(ticks.map((tick) => new Date(tick).toISOString().slice(11, 16))).toEqual(['04:10', '04:20', '04:30', '04:40', '04:50']);
  });

  it('aligns labels to whole local hours in a zone with a half-hour offset', () => {
    // Act: UTC+05:30, a day in 6 labels at most.
    const ticks = timeTicks(FROM, FROM + 1440 * MINUTE, 6, 330);

    // Assess
    expect(ticks.every((tick) => (tick + 330 * MINUTE) % (360 * MINUTE) === 0)).toBe(true);
    expect(ticks).toHaveLength(4);
  });
});
