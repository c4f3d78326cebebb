import { formatBound, resolveRange } from '../../../../lambdas/handlers/query/range';
import { badRequestMessageOf } from '../../../helpers/apiErrors';

const NOW = Date.parse('2026-11-25T04:30:00Z');

describe('resolveRange', () => {
  it('is the last hour ending now when no bound is given', () => {
    // Act
    const range = resolveRange({}, NOW);

    // Assess
    expect(range).toEqual({ fromMs: NOW - 3_600_000, toMs: NOW });
  });

  it('refuses a reversed range naming from and to', () => {
    // Act
    const message = badRequestMessageOf(() => resolveRange({ from: NOW, to: NOW - 1 }, NOW));

    // Assess
    expect(message).toBe('from (2026-11-25T04:30:00Z) must be before to (2026-11-25T04:29:59.999Z); the range is [from, to)');
  });
});

describe('formatBound', () => {
  it('drops zero milliseconds and keeps others', () => {
    // Act
    const bounds = [formatBound(NOW), formatBound(NOW + 5)];

    // Assess
    expect(bounds).toEqual(['2026-11-25T04:30:00Z', '2026-11-25T04:30:00.005Z']);
  });
});
