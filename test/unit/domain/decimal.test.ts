import { MAX_MEASURED_SCALED, divideRounded, formatScaled, multiplyRounded, parseScaled, scaledToNumber, toScaledBigInt } from '../../../lambdas/domain/decimal';
import { randomInt, seededRandom } from '../../../lambdas/domain/random';

describe('multiplyRounded', () => {
  it('rounds 1.005 × 1 to 1.01 on the decimal value, where binary floating point gives 1.00', () => {
    // Prepare
    const price = 1.005;

    // Act
    const amount = multiplyRounded(price, 1, 2);

    // Assess
    expect(amount).toBe(1.01);
  });

  it('multiplies 0.1 × 3 to exactly 0.3', () => {
    // Act
    const amount = multiplyRounded(0.1, 3, 2);

    // Assess
    expect(amount).toBe(0.3);
  });

  it.each([
    [0.125, 1, 0.13],
    [2.675, 1, 2.68],
    [1.115, 3, 3.35],
    [0.004, 1, 0],
    [0.005, 1, 0.01],
    [19.99, 2, 39.98],
    [0, 5, 0],
  ])('rounds %p × %p half away from zero to %p', (value, multiplier, expected) => {
    // Act
    const amount = multiplyRounded(value, multiplier, 2);

    // Assess
    expect(amount).toBe(expected);
  });

  it.each([
    [-1.005, 1, -1.01],
    [-0.125, 1, -0.13],
    [-0.1, 3, -0.3],
    [1.005, -1, -1.01],
  ])('rounds the negative product %p × %p away from zero to %p', (value, multiplier, expected) => {
    // Act
    const amount = multiplyRounded(value, multiplier, 2);

    // Assess
    expect(amount).toBe(expected);
  });

  it('returns 0, not -0, when a small negative product rounds to nothing', () => {
    // Act
    const amount = multiplyRounded(-0.004, 1, 2);

    // Assess
    expect(Object.is(amount, 0)).toBe(true);
  });

  it.each([
    [2.5, 1, 3],
    [-2.5, 1, -3],
    [0.49, 1, 0],
    [1.5, 3, 5],
  ])('rounds %p × %p to the whole number %p at scale 0', (value, multiplier, expected) => {
    // Act
    const amount = multiplyRounded(value, multiplier, 0);

    // Assess
    expect(amount).toBe(expected);
  });

  it.each([
    [99999999.99, 9999, 999899999900.01],
    [1234567.891, 3, 3703703.67],
    [45035996273.70495, 1, 45035996273.7],
  ])('keeps every cent of the large product %p × %p', (value, multiplier, expected) => {
    // Act
    const amount = multiplyRounded(value, multiplier, 2);

    // Assess
    expect(amount).toBe(expected);
  });

  it.each([
    [1e19, 1, 1e19],
    [5e20, 2, 1e21],
    [1e300, 1, 1e300],
  ])('returns a finite amount for the very large product %p × %p', (value, multiplier, expected) => {
    // Act
    const amount = multiplyRounded(value, multiplier, 2);

    // Assess
    expect(amount).toBe(expected);
  });

  it.each([[1.5], [Number.MAX_SAFE_INTEGER + 1], [Number.NaN]])('rejects the multiplier %p, which is not a safe integer', (multiplier) => {
    // Act
    const act = () => multiplyRounded(10, multiplier, 2);

    // Assess
    expect(act).toThrow(RangeError);
  });

  it.each([[Number.NaN], [Number.POSITIVE_INFINITY]])('rejects the value %p, which is not finite', (value) => {
    // Act
    const act = () => multiplyRounded(value, 1, 2);

    // Assess
    expect(act).toThrow(/not a finite number/);
  });
});

describe('toScaledBigInt', () => {
  it.each([
    [19.99, 2, 1999n],
    [0.1, 2, 10n],
    [0.005, 2, 1n],
    [-0.005, 2, -1n],
    [0.0049, 2, 0n],
    [1.5e-7, 2, 0n],
    [123, 0, 123n],
    [1e21, 2, 10n ** 23n],
    [1.005, 20, 100500000000000000000n],
  ])('scales %p at scale %p to %p', (value, scale, expected) => {
    // Act
    const scaled = toScaledBigInt(value, scale);

    // Assess
    expect(scaled).toBe(expected);
  });
});

describe('formatScaled and parseScaled', () => {
  it.each([
    [1999n, 2, '19.99'],
    [500n, 2, '5'],
    [-5n, 2, '-0.05'],
    [0n, 2, '0'],
    [-42n, 0, '-42'],
    [1230n, 2, '12.3'],
  ])('writes %p at scale %p as %p', (scaled, scale, text) => {
    // Act
    const written = formatScaled(scaled, scale);

    // Assess
    expect(written).toBe(text);
  });

  it.each([
    ['19.99', 2, 1999n],
    ['12.3', 2, 1230n],
    ['5', 2, 500n],
    ['-0.05', 2, -5n],
    ['1.999E1', 2, 1999n],
    ['1E+2', 0, 100n],
    ['100000000000000000000000000000000000.01', 2, 10000000000000000000000000000000000001n],
  ])('reads %p at scale %p as %p', (text, scale, scaled) => {
    // Act
    const read = parseScaled(text, scale);

    // Assess
    expect(read).toBe(scaled);
  });

  it('refuses text with more decimal places than the scale, or no number at all', () => {
    expect(() => parseScaled('1.005', 2)).toThrow('1.005 has more than 2 decimal places');
    expect(() => parseScaled('abc', 2)).toThrow('not a decimal number: "abc"');
  });

  it('round-trips 10,000 random cent amounts, positive and negative, exactly, far beyond 15 digits', () => {
    // Prepare
    const random = seededRandom(2026);
    const cents = Array.from({ length: 10_000 }, () => BigInt(randomInt(random, -10_000_000_00, 10_000_000_00)) * 10n ** BigInt(randomInt(random, 0, 20)));

    // Act
    const mismatches = cents.filter((scaled) => parseScaled(formatScaled(scaled, 2), 2) !== scaled);

    // Assess
    expect(mismatches).toEqual([]);
  });

  it('sums 10,000 events of the largest measured value exactly, where a double would round', () => {
    // Prepare
    const values = Array.from({ length: 10_000 }, () => MAX_MEASURED_SCALED);

    // Act
    const sum = values.reduce((total, value) => total + value, 0n);

    // Assess
    expect(formatScaled(sum, 2)).toBe('99999999999999900');
    expect(formatScaled(MAX_MEASURED_SCALED, 2)).toBe('9999999999999.99');
    expect(sum > BigInt(Number.MAX_SAFE_INTEGER)).toBe(true);
  });

  it('sums random prices to the same total as exact bigint arithmetic on their cents', () => {
    // Prepare
    const random = seededRandom(7);
    const cents = Array.from({ length: 5_000 }, () => randomInt(random, 1, 150_000));
    const prices = cents.map((value) => value / 100);
    const expected = cents.reduce((total, value) => total + BigInt(value), 0n);

    // Act
    const sum = prices.reduce((total, price) => total + toScaledBigInt(price, 2), 0n);

    // Assess
    expect(sum).toBe(expected);
  });
});

describe('divideRounded', () => {
  it.each([
    [25n, 10n, 3n],
    [24n, 10n, 2n],
    [-25n, 10n, -3n],
    [-24n, 10n, -2n],
    [0n, 7n, 0n],
    [10n ** 40n + 5n, 10n, 10n ** 39n + 1n],
  ])('rounds %p ÷ %p half away from zero to %p', (numerator, divisor, expected) => {
    // Act
    const quotient = divideRounded(numerator, divisor);

    // Assess
    expect(quotient).toBe(expected);
  });

  it('throws for a divisor that is not positive', () => {
    // Act
    const act = () => divideRounded(1n, 0n);

    // Assess
    expect(act).toThrow('divisor must be positive, got 0');
  });
});

describe('scaledToNumber', () => {
  it.each([
    [1999n, 2, 19.99],
    [-1999n, 2, -19.99],
    [7n, 0, 7],
    [MAX_MEASURED_SCALED, 2, 9_999_999_999_999.99],
  ])('gives %p at scale %p as %p, which toScaledBigInt turns back', (scaled, scale, expected) => {
    // Act
    const value = scaledToNumber(scaled, scale);

    // Assess
    expect(value).toBe(expected);
    expect(toScaledBigInt(value, scale)).toBe(scaled);
  });
});
