/**
 * The dashboard page: reads the streams and their display hints from the API, lays out a section
 * per stream, and reads every series of the chosen range, again every few seconds while the range
 * is live. The state
 * of the last refresh (its range and how many have completed) is kept on `<main>` as data
 * attributes, so that tests and curious people can see what the charts were drawn from.
 */
import type { StreamsBody } from '../../lambdas/handlers/query/schemas';
import { ApiReadError, readSeries, readStreams } from './api';
import { html } from './dom';
import { formatBucket, formatClock, formatTime, formatUtcOffset } from './format';
import { streamViews } from './presentation';
import {
  choiceFromFragment,
  choiceToFragment,
  DEFAULT_PRESET,
  fixedRangeProblem,
  PRESETS,
  refreshIntervalMs,
  resolveRange,
  type RangeChoice,
  type ResolvedRange,
} from './range';
import { StreamSection, type SeriesResult } from './streamSection';

/** How long to wait before asking again for the streams when the API did not answer. */
const STREAMS_RETRY_MS = 3_000;

function byId<T extends HTMLElement>(id: string): T {
  const element = document.getElementById(id);
  if (!element) throw new Error(`the page has no #${id}`);
  return element as T;
}

const root = byId<HTMLElement>('dashboard');
const presets = byId<HTMLElement>('presets');
const customToggle = byId<HTMLButtonElement>('custom-toggle');
const customForm = byId<HTMLFormElement>('custom');
const customFrom = byId<HTMLInputElement>('custom-from');
const customTo = byId<HTMLInputElement>('custom-to');
const customProblem = byId<HTMLElement>('custom-problem');
const liveButton = byId<HTMLButtonElement>('live');
const liveLabel = byId<HTMLElement>('live-label');
const status = byId<HTMLElement>('status');
const rangeLabel = byId<HTMLElement>('range-label');

/** The API's longest range, from `GET /v1/streams`; the fragment is read once it is known. */
let maxRangeDays = 0;
let choice: RangeChoice = { kind: 'preset', preset: DEFAULT_PRESET };
let paused = false;
let sections: StreamSection[] = [];
let inFlight: AbortController | undefined;
let timer: ReturnType<typeof setTimeout> | undefined;
let refreshes = 0;

/** `datetime-local` inputs hold local wall time without a zone. */
function toLocalInput(epochMs: number): string {
  const date = new Date(epochMs - new Date(epochMs).getTimezoneOffset() * 60_000);
  return date.toISOString().slice(0, 16);
}

function describeRange(range: ResolvedRange): string {
  const withDate = range.toMs - range.fromMs > 86_400_000 || new Date(range.fromMs).getDate() !== new Date(range.toMs).getDate();
  const span = `${formatTime(range.fromMs, withDate)} – ${formatTime(range.toMs, withDate)}`;
  const name = choice.kind === 'preset' ? `Last ${choice.preset.label}` : 'Fixed range';
  return `${name} · ${span} · ${formatBucket(range.bucketMs)}`;
}

/** Reflects the choice and the live state in the controls and the URL. */
function showControls(): void {
  for (const button of presets.querySelectorAll<HTMLButtonElement>('button')) {
    button.setAttribute('aria-pressed', String(choice.kind === 'preset' && choice.preset.id === button.dataset.range));
  }
  customToggle.setAttribute('aria-pressed', String(choice.kind === 'fixed'));
  const live = choice.kind === 'preset' && !paused;
  liveButton.disabled = choice.kind === 'fixed';
  liveButton.setAttribute('aria-pressed', String(live));
  liveButton.classList.toggle('on', live);
  liveLabel.textContent = choice.kind === 'fixed' ? 'Fixed range' : paused ? 'Paused' : 'Live';
  history.replaceState(null, '', `#${choiceToFragment(choice)}`);
}

function choose(next: RangeChoice): void {
  choice = next;
  showControls();
  void refresh();
}

function schedule(range: ResolvedRange): void {
  clearTimeout(timer);
  if (range.live && !paused) timer = setTimeout(() => void refresh(), refreshIntervalMs(range));
}

async function readAll(range: ResolvedRange, signal: AbortSignal): Promise<Map<string, SeriesResult>[]> {
  return Promise.all(
    sections.map(async (section) => {
      const entries = await Promise.all(
        section.view.aggregations.map(async (aggregation): Promise<[string, SeriesResult]> => {
          try {
            const body = await readSeries(section.view.name, aggregation, range.fromMs, range.toMs, signal);
            return [aggregation, { ok: true, points: body.points }];
          } catch (error) {
            if (!(error instanceof ApiReadError)) throw error;
            return [aggregation, { ok: false, message: error.message }];
          }
        }),
      );
      return new Map(entries);
    }),
  );
}

/** Reads every series of the current range and redraws; a newer refresh cancels an older one. */
async function refresh(): Promise<void> {
  clearTimeout(timer);
  inFlight?.abort();
  const controller = new AbortController();
  inFlight = controller;
  const range = resolveRange(choice, Date.now());
  rangeLabel.textContent = describeRange(range);
  let results: Map<string, SeriesResult>[];
  try {
    results = await readAll(range, controller.signal);
  } catch (error) {
    if ((error as Error).name === 'AbortError') return;
    throw error;
  }
  sections.forEach((section, index) => section.update(range, results[index] ?? new Map()));
  const failures = results.flatMap((result) => [...result.values()]).filter((result) => !result.ok).length;
  refreshes += 1;
  Object.assign(root.dataset, { state: 'ready', from: new Date(range.fromMs).toISOString(), to: new Date(range.toMs).toISOString(), bucketMs: String(range.bucketMs), refreshes: String(refreshes) });
  status.textContent = failures === 0 ? `Updated ${formatClock(Date.now())}` : `${failures} series unavailable · ${formatClock(Date.now())}`;
  status.classList.toggle('problem', failures > 0);
  schedule(range);
}

/** The streams, asked for until the API answers: the page may open before the API is up. */
async function loadListing(): Promise<StreamsBody> {
  for (;;) {
    try {
      return await readStreams();
    } catch (error) {
      const message = error instanceof ApiReadError ? error.message : String(error);
      root.replaceChildren(html('p', { class: 'loading problem' }, [`Cannot read the streams: ${message}. Retrying…`]));
      await new Promise((resolve) => setTimeout(resolve, STREAMS_RETRY_MS));
    }
  }
}

function bindControls(): void {
  presets.replaceChildren(...PRESETS.map((preset) => html('button', { type: 'button', 'data-range': preset.id }, [preset.label])));
  presets.addEventListener('click', (event) => {
    const preset = PRESETS.find((candidate) => candidate.id === (event.target as HTMLElement).closest('button')?.dataset.range);
    if (!preset) return;
    customForm.hidden = true;
    paused = false;
    choose({ kind: 'preset', preset });
  });
  customToggle.addEventListener('click', () => {
    const range = resolveRange(choice, Date.now());
    customFrom.value = toLocalInput(range.fromMs);
    customTo.value = toLocalInput(range.toMs);
    customProblem.textContent = '';
    customForm.hidden = !customForm.hidden;
  });
  customForm.addEventListener('submit', (event) => {
    event.preventDefault();
    const fromMs = new Date(customFrom.value).getTime();
    const toMs = new Date(customTo.value).getTime();
    const problem = fixedRangeProblem(fromMs, toMs, maxRangeDays);
    customProblem.textContent = problem ?? '';
    if (problem !== undefined) return;
    customForm.hidden = true;
    choose({ kind: 'fixed', fromMs, toMs });
  });
  liveButton.addEventListener('click', () => {
    paused = !paused;
    showControls();
    if (!paused) void refresh();
    else clearTimeout(timer);
  });
  window.addEventListener('hashchange', () => choose(choiceFromFragment(location.hash, maxRangeDays)));
  // A hidden tab stops asking; it catches up at once when shown again.
  document.addEventListener('visibilitychange', () => {
    if (document.hidden) clearTimeout(timer);
    else if (choice.kind === 'preset' && !paused) void refresh();
  });
  byId('zone').textContent = `Times in ${formatUtcOffset(-new Date().getTimezoneOffset())}`;
}

async function start(): Promise<void> {
  const listing = await loadListing();
  maxRangeDays = listing.limits.maxRangeDays;
  choice = choiceFromFragment(location.hash, maxRangeDays);
  bindControls();
  showControls();
  sections = streamViews(listing).map((view) => new StreamSection(view));
  root.replaceChildren(...sections.map((section) => section.element));
  for (const section of sections) section.renderLoading();
  let frame = 0;
  new ResizeObserver(() => {
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => sections.forEach((section) => section.redraw()));
  }).observe(root);
  await refresh();
}

void start();
