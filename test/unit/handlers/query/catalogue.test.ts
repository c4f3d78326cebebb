import { ensureRankable, groupFilterOf, type ResolvedAggregation } from '../../../../lambdas/handlers/query/catalogue';
import { ApiError } from '../../../../lambdas/handlers/query/http';

function aggregation(groupBy: string[], scale?: number): ResolvedAggregation {
  return {
    stream: 'orders',
    description: { name: 'custom', description: '', groupBy, measures: scale === undefined ? ['count'] : ['count', 'sum', 'min', 'max'] },
    ...(scale === undefined ? {} : { scale }),
  };
}

function messageOf(action: () => unknown): string {
  try {
    action();
  } catch (error) {
    if (error instanceof ApiError && error.status === 400) return error.message;
    throw error;
  }
  throw new Error('expected a 400');
}

describe('groupFilterOf', () => {
  it('filters on the one dimension of a grouped aggregation', () => {
    // Act
    const filter = groupFilterOf(aggregation(['category']), 'books');

    // Assess
    expect(filter).toEqual({ dimension: 'category', value: 'books' });
  });

  it('refuses `group` on an aggregation of several dimensions, which one value cannot address', () => {
    // Act
    const message = messageOf(() => groupFilterOf(aggregation(['category', 'channel']), 'books'));

    // Assess
    expect(message).toBe('group: orders/custom is grouped by category, channel; one value cannot select a group');
  });
});

describe('ensureRankable', () => {
  it('accepts by=sum on a measured grouped aggregation', () => {
    // Act
    const check = () => ensureRankable(aggregation(['category'], 2), 'sum');

    // Assess
    expect(check).not.toThrow();
  });
});
