/**
 * One stream on the page: its title, the headline totals of the range and its charts, dead
 * letters last. It turns one refresh's series into what each part shows.
 */
import type { SeriesPoint } from '../../lambdas/handlers/query/schemas';
import { ChartView } from './chart';
import { html } from './dom';
import { formatRate, formatValue } from './format';
import type { ChartSpec, StreamView, TotalSpec } from './presentation';
import type { ResolvedRange } from './range';
import { chartData, totalOf } from './series';

/** One refresh's answer for an aggregation: its points, or the API's message. */
export type SeriesResult = { readonly ok: true; readonly points: readonly SeriesPoint[] } | { readonly ok: false; readonly message: string };

/** A headline number: its value over the range and the rate per minute, so ranges compare. */
class TotalView {
  readonly element: HTMLElement;
  private readonly value: HTMLElement;
  private readonly detail: HTMLElement;

  constructor(
    private readonly stream: string,
    private readonly spec: TotalSpec,
  ) {
    this.value = html('span', { class: 'value' }, ['–']);
    this.detail = html('span', { class: 'detail' }, ['\u00a0']);
    this.element = html('div', { class: `total tone-${spec.tone}`, 'data-testid': 'total', 'data-stream': stream, 'data-key': spec.key }, [
      html('span', { class: 'label' }, [spec.label]),
      this.value,
      this.detail,
    ]);
  }

  update(result: SeriesResult | undefined, range: ResolvedRange): void {
    if (!result?.ok) {
      this.value.textContent = '–';
      this.detail.textContent = result ? 'unavailable' : '\u00a0';
      delete this.element.dataset.value;
      return;
    }
    const total = totalOf(result.points, this.spec.measure, this.spec.group);
    this.element.dataset.value = String(total);
    this.element.classList.toggle('nonzero', total > 0);
    this.value.textContent = formatValue(total, this.spec.measure, this.spec.decimals);
    this.detail.textContent = `${formatRate(total / ((range.toMs - range.fromMs) / 60_000))} / min`;
  }
}

/** A stream's section of the page. */
export class StreamSection {
  readonly element: HTMLElement;
  private readonly totals: TotalView[];
  private readonly charts: { spec: ChartSpec; view: ChartView }[];

  constructor(readonly view: StreamView) {
    this.totals = view.totals.map((spec) => new TotalView(view.name, spec));
    this.charts = view.charts.map((spec) => ({ spec, view: new ChartView(spec) }));
    this.element = html('section', { class: 'stream', 'data-testid': 'stream', 'data-stream': view.name, 'aria-labelledby': `stream-${view.name}` }, [
      html('header', { class: 'stream-header' }, [
        html('h2', { id: `stream-${view.name}` }, [view.title]),
        html('p', { class: 'description' }, [view.description]),
      ]),
      html('div', { class: 'totals' }, this.totals.map((total) => total.element)),
      html('div', { class: 'charts' }, this.charts.map((chart) => chart.view.element)),
    ]);
  }

  /** Draws every chart as loading; called once, before the first answer. */
  renderLoading(): void {
    for (const chart of this.charts) chart.view.render({ kind: 'loading' });
  }

  /** Shows one refresh: `results` holds every aggregation of {@link StreamView.aggregations}. */
  update(range: ResolvedRange, results: ReadonlyMap<string, SeriesResult>): void {
    this.view.totals.forEach((spec, index) => this.totals[index]?.update(results.get(spec.aggregation), range));
    for (const { spec, view } of this.charts) {
      const result = results.get(spec.aggregation);
      if (!result) continue;
      view.render(result.ok ? { kind: 'ready', data: chartData(result.points, range, spec.measure, { ungrouped: spec.seriesLabel, groupOrder: spec.groupOrder }), live: range.live } : { kind: 'error', message: result.message });
    }
  }

  /** Redraws at the current width (after a resize). */
  redraw(): void {
    for (const chart of this.charts) chart.view.render();
  }
}
