import { ensureRankable, groupFilterOf, type ResolvedAggregation } from '../../../../lambdas/handlers/query/catalogue';
import { badRequestMessageOf } from '../../../helpers/apiErrors';

function aggregation(groupBy: string[], scale?: number): ResolvedAggregation {
  return {
    stream: 'orders',
    description: { name: 'custom', groupBy, measures: scale === undefined ? ['count'] : ['count', 'sum', 'min', 'max'] },
    ...(scale === undefined ? {} : { scale }),
  };
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
    const message = badRequestMessageOf(() => groupFilterOf(aggregation(['category', 'channel']), 'books'));

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
