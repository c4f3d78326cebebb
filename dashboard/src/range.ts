/**
 * The time range the dashboard shows: a sliding preset ("last hour") or a fixed one, resolved to
 * whole buckets, and kept in the URL fragment so a reload or a shared link shows the same view.
 * Pure: no DOM, so the rules are unit-tested.
 */

const MINUTE_MS = 60_000;

/** A sliding range ending now. */
export interface Preset {
  readonly id: string;
  readonly label: string;
  readonly durationMs: number;
}

/**
 * The sliding ranges offered. A day is the longest: longer ranges of minute points would be
 * megabytes per refresh, and the API refuses an answer over 6 MiB; a fixed range can go further.
 */
export const PRESETS: readonly Preset[] = [
  { id: '15m', label: '15 min', durationMs: 15 * MINUTE_MS },
  { id: '1h', label: '1 hour', durationMs: 60 * MINUTE_MS },
  { id: '6h', label: '6 hours', durationMs: 360 * MINUTE_MS },
  { id: '24h', label: '24 hours', durationMs: 1440 * MINUTE_MS },
];

/** The preset shown first: the API's own default range. */
export const DEFAULT_PRESET = PRESETS[1] as Preset;

/** What the user chose. */
export type RangeChoice = { readonly kind: 'preset'; readonly preset: Preset } | { readonly kind: 'fixed'; readonly fromMs: number; readonly toMs: number };

/** A range to query and draw: `[fromMs, toMs)` in whole buckets. */
export interface ResolvedRange {
  readonly fromMs: number;
  readonly toMs: number;
  readonly bucketMs: number;
  /** Whether it slides with the clock (and so is worth refreshing). */
  readonly live: boolean;
}

/** Bucket sizes, smallest first; the API's own resolution is one minute. */
const BUCKET_MINUTES = [1, 5, 15, 30, 60, 180, 360, 720, 1440] as const;
const LARGEST_BUCKET_MINUTES = 1440;

/** Most bars in one chart: beyond this they are thinner than a few pixels on a laptop screen. */
export const MAX_BUCKETS = 120;

/** The smallest bucket that keeps a range of this length within {@link MAX_BUCKETS} bars. */
export function bucketFor(durationMs: number): number {
  const minutes = BUCKET_MINUTES.find((size) => durationMs / (size * MINUTE_MS) <= MAX_BUCKETS) ?? LARGEST_BUCKET_MINUTES;
  return minutes * MINUTE_MS;
}

/**
 * The range to show at `nowMs`. A preset ends at the end of the bucket holding now, so the bar
 * being filled is the last one; a fixed range is widened to whole buckets.
 */
export function resolveRange(choice: RangeChoice, nowMs: number): ResolvedRange {
  if (choice.kind === 'preset') {
    const bucketMs = bucketFor(choice.preset.durationMs);
    const toMs = Math.floor(nowMs / bucketMs) * bucketMs + bucketMs;
    return { fromMs: toMs - choice.preset.durationMs, toMs, bucketMs, live: true };
  }
  const bucketMs = bucketFor(choice.toMs - choice.fromMs);
  const fromMs = Math.floor(choice.fromMs / bucketMs) * bucketMs;
  const toMs = Math.ceil(choice.toMs / bucketMs) * bucketMs;
  return { fromMs, toMs, bucketMs, live: false };
}

/**
 * Why a fixed range cannot be shown, or undefined when it can.
 *
 * @param maxRangeDays - the API's longest range, as `GET /v1/streams` states it
 */
export function fixedRangeProblem(fromMs: number, toMs: number, maxRangeDays: number): string | undefined {
  if (!Number.isFinite(fromMs) || !Number.isFinite(toMs)) return 'choose both a start and an end';
  if (fromMs >= toMs) return 'the start must be before the end';
  if (toMs - fromMs > maxRangeDays * 1440 * MINUTE_MS) return `a range may span at most ${maxRangeDays} days`;
  return undefined;
}

/** How often a live range is read again: every few seconds at minute resolution, less often for coarse bars. */
export function refreshIntervalMs(range: ResolvedRange): number {
  return range.bucketMs <= MINUTE_MS ? 5_000 : 30_000;
}

/** The URL fragment of a choice, e.g. `range=1h` or `from=…&to=…`. */
export function choiceToFragment(choice: RangeChoice): string {
  if (choice.kind === 'preset') return `range=${choice.preset.id}`;
  return `from=${new Date(choice.fromMs).toISOString()}&to=${new Date(choice.toMs).toISOString()}`;
}

/**
 * The choice a URL fragment holds; the default preset for anything else, so a bad link still opens.
 *
 * @param maxRangeDays - the API's longest range: a longer fixed range is not one the page can show
 */
export function choiceFromFragment(fragment: string, maxRangeDays: number): RangeChoice {
  const parameters = new URLSearchParams(fragment.replace(/^#/, ''));
  const preset = PRESETS.find((candidate) => candidate.id === parameters.get('range'));
  if (preset) return { kind: 'preset', preset };
  const fromMs = Date.parse(parameters.get('from') ?? '');
  const toMs = Date.parse(parameters.get('to') ?? '');
  if (fixedRangeProblem(fromMs, toMs, maxRangeDays) === undefined) return { kind: 'fixed', fromMs, toMs };
  return { kind: 'preset', preset: DEFAULT_PRESET };
}
