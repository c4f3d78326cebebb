/**
 * Randomness for event generators behind an interface, so tests and load runs can replay the
 * same events from a seed.
 */

/** Uniform numbers in [0, 1). */
export interface RandomSource {
  next(): number;
}

/** The platform generator, for the producer. */
export const systemRandom: RandomSource = { next: () => Math.random() };

/** A small seeded generator (mulberry32): the same seed yields the same sequence. */
export function seededRandom(seed: number): RandomSource {
  let state = seed >>> 0;
  return {
    next() {
      state = (state + 0x6d2b79f5) >>> 0;
      let t = state;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}

/** An integer in [min, max]. */
export function randomInt(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}

/** One element of a non-empty list. */
export function pick<T>(random: RandomSource, items: readonly T[]): T {
  return items[Math.floor(random.next() * items.length)] as T;
}

/** One element by weight; weights need not sum to 1. */
export function pickWeighted<T>(random: RandomSource, items: readonly (readonly [T, number])[]): T {
  const total = items.reduce((sum, [, weight]) => sum + weight, 0);
  let point = random.next() * total;
  for (const [item, weight] of items) {
    point -= weight;
    if (point < 0) return item;
  }
  return (items[items.length - 1] as readonly [T, number])[0];
}

/** A random id of hex digits, for event ids. */
export function randomHexId(random: RandomSource, length = 24): string {
  let id = '';
  while (id.length < length) id += Math.floor(random.next() * 16).toString(16);
  return id;
}
