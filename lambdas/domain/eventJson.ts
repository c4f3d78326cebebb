/**
 * Event values as JSON: parsed without losing a digit, checked against what the code and the
 * store can carry, and written back as text.
 *
 * `JSON.parse` rounds a number to the nearest double: `9007199254740993` becomes
 * `9007199254740992`, `1e400` becomes `Infinity` (written back as `null`). Pulse keeps unknown
 * fields as they were sent, so a number a double cannot hold exactly is kept as its source text
 * (a `LosslessNumber` of lossless-json) and written back verbatim. Numbers a double holds exactly
 * stay plain numbers, so stream code only ever sees `number`s in the fields it declares.
 */
import { LosslessNumber, isLosslessNumber, parse as parseLossless, stringify as stringifyLossless } from 'lossless-json';

export { LosslessNumber, isLosslessNumber } from 'lossless-json';

/**
 * Text that may hold a number a double cannot carry exactly: 16 or more digits (and dots) in a
 * row, or an exponent of three digits. Any JSON number with at most 15 significant digits and an
 * exponent within ±99 is held exactly by a double (DBL_DIG = 15), so text without either needs
 * only `JSON.parse`. A match inside a string merely costs the slower parse.
 */
const MAYBE_INEXACT_NUMBER = /[0-9][0-9.]{15}|[eE][-+]?[0-9]{3}/;

/** Sign, significant digits without leading or trailing zeros, and the exponent of their last digit. */
function canonicalDecimal(text: string): string {
  const match = /^(-?)(\d*)(?:\.(\d*))?(?:[eE]([-+]?\d+))?$/.exec(text);
  if (!match) return text;
  const [, sign, whole = '', fraction = '', exponent = '0'] = match;
  const all = `${whole}${fraction}`;
  const significant = all.replace(/^0+/, '');
  if (significant === '') return '0';
  const trimmed = significant.replace(/0+$/, '');
  const lastDigitExponent = BigInt(exponent) - BigInt(fraction.length) + BigInt(significant.length - trimmed.length);
  return `${sign}${trimmed}e${lastDigitExponent}`;
}

/**
 * A JSON number's value: a plain number when the nearest double equals the decimal exactly
 * (`2.50`, `1e300`, `0.30000000000000004`), else its text kept in a `LosslessNumber`.
 */
export function exactNumberOf(text: string): number | LosslessNumber {
  const value = Number(text);
  if (Number.isFinite(value) && canonicalDecimal(String(value)) === canonicalDecimal(text)) return value;
  return new LosslessNumber(text);
}

/** A parsed JSON document and whether any of its numbers is kept as text. */
export interface ParsedDocument {
  readonly value: unknown;
  /** True when some number was kept as a `LosslessNumber`; write it back with {@link stringifyDocument}. */
  readonly hasInexactNumbers: boolean;
}

/**
 * The exact form of a document `JSON.parse` gave as `plain`: `plain` itself unless the text holds
 * a number a double cannot carry exactly, in which case the text is parsed again with such
 * numbers kept as `LosslessNumber`s. Call it only once {@link checkDocument} accepted `plain`:
 * lossless-json parses recursively, so the depth bound is what keeps its stack safe.
 */
export function exactDocument(text: string, plain: unknown): ParsedDocument {
  if (!MAYBE_INEXACT_NUMBER.test(text)) return { value: plain, hasInexactNumbers: false };
  let inexact = false;
  const value = parseLossless(text, null, {
    parseNumber: (number) => {
      const exact = exactNumberOf(number);
      if (isLosslessNumber(exact)) inexact = true;
      return exact;
    },
    // As JSON.parse does: the last of repeated member names wins.
    onDuplicateKey: ({ newValue }) => newValue,
  });
  return inexact ? { value, hasInexactNumbers: true } : { value: plain, hasInexactNumbers: false };
}

/** What {@link checkDocument} enforces. */
export interface DocumentLimits {
  /** Deepest nesting of objects and arrays, the top-level object being level 1. */
  readonly maxDepth: number;
}

/** A node waiting to be checked; the parent chain names its path only when a message needs it. */
interface PendingNode {
  readonly value: unknown;
  readonly depth: number;
  readonly name?: string | number;
  readonly parent?: PendingNode;
}

/** Where a node sits, for messages: `tree.0.1`, `(root)`. */
function pathOf(node: PendingNode | undefined): string {
  const names: (string | number)[] = [];
  for (let at = node; at?.parent !== undefined; at = at.parent) names.unshift(at.name as string | number);
  return names.length === 0 ? '(root)' : names.join('.');
}

/**
 * Why a parsed document cannot be carried, if it cannot: nesting deeper than `maxDepth`, or a
 * string (value or member name) that is not well-formed Unicode (a lone surrogate such as the JSON
 * text `"\ud800"`, which parses but cannot be encoded as UTF-8 or percent-encoded).
 *
 * Iterative, so that a hostile document cannot overflow the stack here.
 */
export function checkDocument(value: unknown, limits: DocumentLimits): string | undefined {
  const stack: PendingNode[] = [{ value, depth: 0 }];
  while (stack.length > 0) {
    const node = stack.pop() as PendingNode;
    const current = node.value;
    if (typeof current === 'string') {
      if (!current.isWellFormed()) return `${pathOf(node)}: text is not valid Unicode (a lone surrogate)`;
      continue;
    }
    if (typeof current !== 'object' || current === null || isLosslessNumber(current)) continue;
    const depth = node.depth + 1;
    if (depth > limits.maxDepth) return `${pathOf(node)}: nested deeper than ${limits.maxDepth} levels of objects and arrays`;
    if (Array.isArray(current)) {
      for (let index = 0; index < current.length; index += 1) stack.push({ value: current[index], depth, name: index, parent: node });
      continue;
    }
    for (const name of Object.keys(current)) {
      if (!name.isWellFormed()) return `${pathOf(node)}: a member name is not valid Unicode (a lone surrogate)`;
      stack.push({ value: (current as Record<string, unknown>)[name], depth, name, parent: node });
    }
  }
  return undefined;
}

/** JSON text of a document, numbers kept as text written verbatim. */
export function stringifyDocument(value: unknown, hasInexactNumbers: boolean): string {
  return hasInexactNumbers ? (stringifyLossless(value) as string) : JSON.stringify(value);
}
