/**
 * The dashboard as a person sees it: the twin on the test broker with an hour of realistic
 * traffic, the page loaded in headless Chromium. The charts must show the points and totals the
 * API returns for the range the page shows, refresh on their own, and fetch nothing from any
 * origin but the page's own. A screenshot is left in `test-artifacts/dashboard.png`.
 */
import type { Browser, Page } from 'playwright-core';
import { STREAMS } from '../../../lambdas/domain/streams/registry';
import { seededRandom } from '../../../lambdas/domain/random';
import type { SeriesBody, StreamsBody, TopBody } from '../../../lambdas/handlers/query/schemas';
import { artifactPath } from '../../helpers/artifacts';
import { CHROMIUM_INSTALL_TIMEOUT_MS, ensureChromium, launchChromium } from '../../helpers/browser';
import { produceRecords, type HistoryRecord } from '../../helpers/history';
import { startSeededPipeline, type SeededPipeline } from '../../helpers/seededPipeline';

/** What the page shows, read from the attributes its charts and totals carry. */
interface Snapshot {
  readonly from: string;
  readonly to: string;
  readonly bucketMs: number;
  readonly refreshes: number;
  readonly charts: readonly {
    readonly stream: string;
    readonly aggregation: string;
    readonly measure: 'count' | 'sum';
    readonly state: string;
    readonly total: number;
    readonly bars: readonly { window: string; group: string; value: number; count: number }[];
    readonly legend: readonly { group: string; total: number }[];
  }[];
  readonly totals: readonly { stream: string; key: string; value: number }[];
}

/** The DOM as far as the snapshot reads it (the test project compiles without the DOM library). */
interface ElementLike {
  getAttribute(name: string): string | null;
  querySelectorAll(selector: string): ArrayLike<ElementLike>;
}

/** Reads the page in one go, so that a refresh cannot land halfway. */
function snapshotOf(page: Page): Promise<Snapshot> {
  return page.evaluate(() => {
    const document = (globalThis as unknown as { document: ElementLike }).document;
    const all = (root: ElementLike, selector: string) => Array.from(root.querySelectorAll(selector));
    const text = (element: ElementLike, name: string) => element.getAttribute(name) ?? '';
    const number = (element: ElementLike, name: string) => Number(element.getAttribute(name));
    const main = all(document, '[data-testid=dashboard]')[0] as ElementLike;
    return {
      from: text(main, 'data-from'),
      to: text(main, 'data-to'),
      bucketMs: number(main, 'data-bucket-ms'),
      refreshes: number(main, 'data-refreshes'),
      charts: all(document, '[data-testid=chart]').map((chart) => ({
        stream: text(chart, 'data-stream'),
        aggregation: text(chart, 'data-aggregation'),
        measure: text(chart, 'data-measure') as 'count' | 'sum',
        state: text(chart, 'data-state'),
        total: number(chart, 'data-total'),
        bars: all(chart, 'rect.bar').map((bar) => ({
          window: text(bar, 'data-window'),
          group: text(bar, 'data-group'),
          value: number(bar, 'data-value'),
          count: number(bar, 'data-count'),
        })),
        legend: all(chart, '.legend li').map((item) => ({ group: text(item, 'data-group'), total: number(item, 'data-total') })),
      })),
      totals: all(document, '[data-testid=total]').map((total) => ({ stream: text(total, 'data-stream'), key: text(total, 'data-key'), value: number(total, 'data-value') })),
    };
  });
}

/** Money compared in cents, counts as they are: both sides are decimal text of exact values. */
const cents = (value: number) => Math.round(value * 100);

describe('dashboard in headless Chromium (twin on the test broker)', () => {
  let seeded: SeededPipeline;
  let browser: Browser;
  let page: Page;
  let listing: StreamsBody;
  const requests: string[] = [];
  const policyViolations: string[] = [];

  async function api<T>(path: string): Promise<T> {
    const response = await fetch(`${seeded.pipeline.url}${path}`);
    if (!response.ok) throw new Error(`GET ${path} answered ${response.status}: ${await response.text()}`);
    return (await response.json()) as T;
  }

  const isGrouped = (stream: string, aggregation: string) =>
    (listing.streams.find((s) => s.name === stream)?.aggregations.find((a) => a.name === aggregation)?.groupBy.length ?? 0) > 0;
  const rangeOf = (snapshot: Snapshot) => `from=${encodeURIComponent(snapshot.from)}&to=${encodeURIComponent(snapshot.to)}`;
  const series = (stream: string, aggregation: string, snapshot: Snapshot) => api<SeriesBody>(`/v1/streams/${stream}/aggregations/${aggregation}?${rangeOf(snapshot)}`);
  const top = (stream: string, aggregation: string, by: 'count' | 'sum', snapshot: Snapshot) =>
    api<TopBody>(`/v1/streams/${stream}/aggregations/${aggregation}/top?by=${by}&limit=100&${rangeOf(snapshot)}`);

  async function readyPage(): Promise<Snapshot> {
    await page.waitForSelector('main[data-state=ready]');
    await page.waitForFunction(() => {
      const document = (globalThis as unknown as { document: ElementLike }).document;
      return Array.from(document.querySelectorAll('[data-testid=chart]')).every((chart) => chart.getAttribute('data-state') === 'ready');
    });
    return snapshotOf(page);
  }

  // Its own hook: on a fresh Debian container this installs Chromium with apt-get first.
  beforeAll(() => ensureChromium(), CHROMIUM_INSTALL_TIMEOUT_MS);

  beforeAll(async () => {
    seeded = await startSeededPipeline({ minutes: 55, perMinute: 14, seed: 20261125 });
    listing = await api<StreamsBody>('/v1/streams');
    browser = await launchChromium();
    page = await browser.newPage({ viewport: { width: 1440, height: 900 }, deviceScaleFactor: 1 });
    page.on('request', (request) => requests.push(request.url()));
    page.on('console', (message) => {
      if (/Content Security Policy/i.test(message.text())) policyViolations.push(message.text());
    });
    await page.goto(`${seeded.pipeline.url}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await seeded?.pipeline.stop();
  });

  it('draws every stream’s minute points exactly as the API returns them for the range it shows', async () => {
    // Act
    const snapshot = await readyPage();
    await page.screenshot({ path: artifactPath('dashboard.png'), fullPage: true });

    // Assess
    expect(new Set(snapshot.charts.map((chart) => chart.stream))).toEqual(new Set(STREAMS.map((stream) => stream.name)));
    expect(snapshot.bucketMs).toBe(60_000);
    for (const chart of snapshot.charts) {
      const grouped = isGrouped(chart.stream, chart.aggregation);
      const { points } = await series(chart.stream, chart.aggregation, snapshot);
      const expected = points
        .map((point) => ({ window: point.windowStart, group: grouped ? Object.values(point.group).join(' · ') : '*', value: chart.measure === 'sum' ? cents(Number(point.sum ?? 0)) : point.count, count: point.count }))
        .filter((bar) => bar.value > 0);
      const drawn = chart.bars.map((bar) => ({ ...bar, group: grouped ? bar.group : '*', value: chart.measure === 'sum' ? cents(bar.value) : bar.value }));
      const order = (a: { window: string; group: string }, b: { window: string; group: string }) => (a.window + a.group < b.window + b.group ? -1 : 1);

      expect({ chart: `${chart.stream}/${chart.aggregation}`, bars: [...drawn].sort(order) }).toEqual({ chart: `${chart.stream}/${chart.aggregation}`, bars: [...expected].sort(order) });
      expect(chart.bars.length).toBeGreaterThan(0);
    }
  });

  it('shows legend totals and headline totals equal to the API’s rankings and sums over the range', async () => {
    // Prepare
    const snapshot = await snapshotOf(page);
    const total = (stream: string, key: string) => snapshot.totals.find((t) => t.stream === stream && t.key === key)?.value;
    const sumOf = async (stream: string, aggregation: string, measure: 'count' | 'sum') =>
      (await series(stream, aggregation, snapshot)).points.reduce((sum, point) => sum + (measure === 'sum' ? cents(Number(point.sum ?? 0)) : point.count), 0);

    // Act
    const rankings = await Promise.all(
      snapshot.charts
        .filter((chart) => isGrouped(chart.stream, chart.aggregation))
        .map(async (chart) => ({ chart, items: (await top(chart.stream, chart.aggregation, chart.measure, snapshot)).items })),
    );
    const revenueByCategory = await top('orders', 'revenue_by_category', 'sum', snapshot);
    const highPriority = (await top('tickets', 'by_priority', 'count', snapshot)).items.find((item) => item.group.priority === 'high');

    // Assess: each legend is the API's ranking of the same range.
    for (const { chart, items } of rankings) {
      const legend = Object.fromEntries(chart.legend.map((item) => [item.group, chart.measure === 'sum' ? cents(item.total) : item.total]));
      const ranked = Object.fromEntries(items.map((item) => [Object.values(item.group).join(' · '), chart.measure === 'sum' ? cents(Number(item.sum ?? 0)) : item.count]));
      expect({ chart: chart.aggregation, legend }).toEqual({ chart: chart.aggregation, legend: ranked });
    }
    // The headline numbers, each from the API independently of the charts.
    expect(total('orders', 'events')).toBe(await sumOf('orders', 'events_by_type', 'count'));
    expect(total('orders', 'purchases')).toBe(await sumOf('orders', 'revenue', 'count'));
    expect(cents(total('orders', 'revenue') ?? NaN)).toBe(await sumOf('orders', 'revenue', 'sum'));
    expect(cents(total('orders', 'revenue') ?? NaN)).toBe(revenueByCategory.items.reduce((sum, item) => sum + cents(Number(item.sum ?? 0)), 0));
    expect(total('orders', 'dead_letters')).toBe(await sumOf('orders', 'invalid', 'count'));
    expect(total('tickets', 'tickets')).toBe(await sumOf('tickets', 'by_type', 'count'));
    expect(total('tickets', 'high_priority')).toBe(highPriority?.count ?? 0);
    expect(total('tickets', 'dead_letters')).toBe(await sumOf('tickets', 'invalid', 'count'));
    expect(total('orders', 'events')).toBeGreaterThan(500);
    expect(total('orders', 'dead_letters')).toBeGreaterThan(0);
  });

  it('refreshes on its own: events produced after loading appear without a reload', async () => {
    // Prepare
    await page.evaluate(() => Object.assign(globalThis, { notReloaded: true }));
    const before = await snapshotOf(page);
    const eventsBefore = before.totals.find((t) => t.stream === 'orders' && t.key === 'events')?.value ?? 0;
    const random = seededRandom(7);
    const fresh: HistoryRecord[] = Array.from({ length: 9 }, () => {
      const order = STREAMS[0]?.generate(random, Date.now()) as Record<string, unknown>;
      return { key: String(order.userId), value: Buffer.from(JSON.stringify(order)), timestamp: String(Date.now()) };
    });

    // Act
    await produceRecords(process.env.KAFKA_BROKERS as string, new Map([['orders', fresh]]));
    await page.waitForFunction((target) => {
      const document = (globalThis as unknown as { document: ElementLike }).document;
      const total = Array.from(document.querySelectorAll('[data-testid=total][data-stream=orders][data-key=events]'))[0];
      return Number(total?.getAttribute('data-value')) >= target;
    }, eventsBefore + fresh.length);

    // Assess
    const after = await snapshotOf(page);
    expect(after.refreshes).toBeGreaterThan(before.refreshes);
    expect(await page.evaluate(() => (globalThis as unknown as { notReloaded?: boolean }).notReloaded)).toBe(true);
    const eventsAfter = after.totals.find((t) => t.stream === 'orders' && t.key === 'events')?.value;
    expect(eventsAfter).toBe((await series('orders', 'events_by_type', after)).points.reduce((sum, point) => sum + point.count, 0));
  });

  it('switches to six hours in five-minute bars from the range picker, and keeps the choice in the URL', async () => {
    // Act
    await page.getByRole('button', { name: '6 hours' }).click();
    await page.waitForSelector('main[data-bucket-ms="300000"][data-state=ready]');

    // Assess
    const snapshot = await snapshotOf(page);
    expect(Date.parse(snapshot.to) - Date.parse(snapshot.from)).toBe(6 * 3_600_000);
    expect(new URL(page.url()).hash).toBe('#range=6h');
    expect(await page.getByTestId('range-label').textContent()).toMatch(/^Last 6 hours · .* · per 5 minutes$/);
    const events = snapshot.charts.find((chart) => chart.stream === 'orders' && chart.aggregation === 'events_by_type');
    expect(events?.total).toBe((await series('orders', 'events_by_type', snapshot)).points.reduce((sum, point) => sum + point.count, 0));
  });

  it('makes no request to any origin but its own, and breaks none of its security policy', async () => {
    // Prepare
    const origin = new URL(seeded.pipeline.url).origin;
    const response = await page.goto(`${seeded.pipeline.url}/`);
    await readyPage();

    // Assess
    expect(response?.headers()['content-security-policy']).toMatch(/^default-src 'self';/);
    expect(requests.length).toBeGreaterThan(10);
    expect(requests.filter((url) => new URL(url).origin !== origin)).toEqual([]);
    expect(policyViolations).toEqual([]);
  });
});
