import { describeScale, formatBucket, formatUtcOffset, formatValue } from '../../../dashboard/src/format';

describe('formatBucket', () => {
  it.each([
    [1, 'per minute'],
    [15, 'per 15 minutes'],
    [60, 'per hour'],
    [180, 'per 3 hours'],
    [1440, 'per day'],
  ])('names a bucket of %d minutes %p', (minutes, words) => {
    // Assess
    expect(formatBucket(minutes * 60_000)).toBe(words);
  });
});

describe('formatUtcOffset', () => {
  it.each([
    [0, 'UTC+00:00'],
    [60, 'UTC+01:00'],
    [330, 'UTC+05:30'],
    [-210, 'UTC-03:30'],
  ])('writes an offset of %d minutes as %s', (minutes, text) => {
    // Assess
    expect(formatUtcOffset(minutes)).toBe(text);
  });
});

describe('describeScale', () => {
  it('says what a bar stands for', () => {
    // Assess
    expect(describeScale('sum', ['category'], 60_000)).toBe('sum per minute · by category');
    expect(describeScale('count', [], 900_000)).toBe('count per 15 minutes');
  });
});

describe('formatValue', () => {
  it('writes counts whole and sums with the decimals of their aggregation', () => {
    // Assess
    expect(formatValue(1234.5, 'count', 2)).toBe(new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(1235));
    expect(formatValue(5, 'sum', 2)).toBe(new Intl.NumberFormat(undefined, { minimumFractionDigits: 2 }).format(5));
    expect(formatValue(5.4, 'sum', 0)).toBe(new Intl.NumberFormat(undefined, { maximumFractionDigits: 0 }).format(5));
  });
});
