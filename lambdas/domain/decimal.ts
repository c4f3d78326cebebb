/**
 * Exact decimal arithmetic for measures. Sums of money must equal the ground truth to the cent
 * however many events are folded, which binary floating point does not give; so measures are
 * carried as integers of their smallest unit (cents for scale 2) and only turned back into
 * numbers at the edge.
 */

/**
 * The exact decimal digits of a finite number as JavaScript prints it (its shortest round-trip
 * form), as a scaled bigint: `toScaledBigInt(19.99, 2) === 1999n`. Extra digits are rounded half
 * away from zero.
 */
export function toScaledBigInt(value: number, scale: number): bigint {
  if (!Number.isFinite(value)) {
    throw new RangeError(`not a finite number: ${value}`);
  }
  const [mantissa, exponentText] = value.toExponential().split('e') as [string, string];
  const negative = mantissa.startsWith('-');
  const digits = mantissa.replace(/^-/, '').replace('.', '');
  // value = digits × 10^(exponent − (digits.length − 1)); shift by `scale` more places.
  const shift = Number(exponentText) - (digits.length - 1) + scale;
  let magnitude: bigint;
  if (shift >= 0) {
    magnitude = BigInt(digits) * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    const whole = BigInt(digits);
    magnitude = whole / divisor + ((whole % divisor) * 2n >= divisor ? 1n : 0n);
  }
  return negative ? -magnitude : magnitude;
}

/**
 * Largest scaled integer handled: 15 significant digits is what a double holds exactly as a
 * decimal, so every value up to this survives the trip through a DynamoDB number and back.
 */
export const MAX_EXACT_SCALED = 999_999_999_999_999;

/** `toScaledBigInt` as a number, the form measures are folded in; throws beyond `MAX_EXACT_SCALED`. */
export function toScaledInteger(value: number, scale: number): number {
  const scaled = toScaledBigInt(value, scale);
  if (scaled > BigInt(MAX_EXACT_SCALED) || scaled < -BigInt(MAX_EXACT_SCALED)) {
    throw new RangeError(`${value} at scale ${scale} exceeds the exactly representable range (15 significant digits)`);
  }
  return Number(scaled);
}

/** The number a scaled integer stands for (`fromScaledInteger(1999, 2) === 19.99`). */
export function fromScaledInteger(scaled: number, scale: number): number {
  // Division is correctly rounded, so this is the double nearest the exact decimal, the same one
  // that parsing "19.99" gives; powers of ten up to 10^22 are exact doubles.
  return scaled / 10 ** scale;
}

/** Enough fractional digits to hold any price-like double exactly before rounding. */
const EXACT_SCALE = 20;

/**
 * `value × multiplier` rounded half away from zero to `scale` decimal places, computed on the
 * decimal digits of `value` so that `multiplyRounded(1.005, 1, 2) === 1.01` (binary floating point
 * gives 1.00). Used for line amounts, which must match what a person computes by hand.
 */
export function multiplyRounded(value: number, multiplier: number, scale: number): number {
  if (!Number.isSafeInteger(multiplier)) {
    throw new RangeError(`multiplier must be a safe integer, got ${multiplier}`);
  }
  const product = toScaledBigInt(value, EXACT_SCALE) * BigInt(multiplier);
  const divisor = 10n ** BigInt(EXACT_SCALE - scale);
  const magnitude = product < 0n ? -product : product;
  const rounded = magnitude / divisor + ((magnitude % divisor) * 2n >= divisor ? 1n : 0n);
  // A bigint prints every digit, so this parses as the double nearest the exact decimal, at any size.
  return Number(`${product < 0n ? -rounded : rounded}e-${scale}`);
}
