/**
 * Exact decimal arithmetic for measures. Sums of money must equal the ground truth to the cent
 * however many events are folded, which binary floating point does not give; so measures are
 * carried as bigints of their smallest unit (cents for scale 2) and written as exact decimal text
 * (DynamoDB numbers, JSON and CSV) at the edge, never through a double.
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
  const magnitude = shift >= 0 ? BigInt(digits) * 10n ** BigInt(shift) : divideRounded(BigInt(digits), 10n ** BigInt(-shift));
  return negative ? -magnitude : magnitude;
}

/**
 * `numerator ÷ divisor` rounded half away from zero, exactly: `divideRounded(-25n, 10n) === -3n`.
 * The one rounding rule of every exact decimal in Pulse (amounts, cents, minutes).
 *
 * @param divisor - positive
 */
export function divideRounded(numerator: bigint, divisor: bigint): bigint {
  if (divisor <= 0n) throw new RangeError(`divisor must be positive, got ${divisor}`);
  const magnitude = numerator < 0n ? -numerator : numerator;
  const rounded = magnitude / divisor + ((magnitude % divisor) * 2n >= divisor ? 1n : 0n);
  return numerator < 0n ? -rounded : rounded;
}

/**
 * Largest magnitude of one measured value, in smallest units (cents at scale 2): 15 significant
 * digits, what a double holds exactly as a decimal (IEEE 754 binary64, DBL_DIG = 15), so that an
 * event's value survives every trip through a JSON number. Sums are bigints and have no such
 * ceiling: DynamoDB keeps 38 significant digits, room for 10^23 such values in one item
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/Constraints.html#limits-data-types).
 */
export const MAX_MEASURED_SCALED = 999_999_999_999_999n;

/**
 * Exact decimal text of a scaled integer: `formatScaled(-1999n, 2) === '-19.99'`,
 * `formatScaled(500n, 2) === '5'` (trailing fraction zeros dropped, as DynamoDB stores numbers).
 */
export function formatScaled(scaled: bigint, scale: number): string {
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale).replace(/0+$/, '');
  return `${negative ? '-' : ''}${whole}${fraction === '' ? '' : `.${fraction}`}`;
}

const DECIMAL_TEXT = /^(-?)(\d+)(?:\.(\d+))?(?:[eE]([-+]?\d+))?$/;

/**
 * The scaled integer of an exact decimal text (`'19.99'`, `'1.999E1'`, as DynamoDB or JSON write
 * numbers): `parseScaled('19.9', 2) === 1990n`.
 *
 * @throws RangeError when the text is not a decimal number or has more fraction digits than `scale`
 */
export function parseScaled(text: string, scale: number): bigint {
  const match = DECIMAL_TEXT.exec(text.trim());
  if (!match) throw new RangeError(`not a decimal number: ${JSON.stringify(text)}`);
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  // value = (whole.fraction) × 10^exponent; as an integer of digits shifted by `scale`.
  const digits = BigInt(`${whole}${fraction}`);
  const shift = Number(exponent) - fraction.length + scale;
  let magnitude: bigint;
  if (shift >= 0) {
    magnitude = digits * 10n ** BigInt(shift);
  } else {
    const divisor = 10n ** BigInt(-shift);
    if (digits % divisor !== 0n) throw new RangeError(`${text} has more than ${scale} decimal places`);
    magnitude = digits / divisor;
  }
  return sign === '-' ? -magnitude : magnitude;
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
  return scaledToNumber(divideRounded(product, 10n ** BigInt(EXACT_SCALE - scale)), scale);
}

/**
 * The number nearest the exact decimal `scaled × 10^-scale`: `scaledToNumber(1999n, 2) === 19.99`.
 * Exact (so that {@link toScaledBigInt} gives `scaled` back) up to 15 significant digits.
 */
export function scaledToNumber(scaled: bigint, scale: number): number {
  // A bigint prints every digit, so this parses as the double nearest the exact decimal, at any size.
  return Number(`${scaled}e-${scale}`);
}
