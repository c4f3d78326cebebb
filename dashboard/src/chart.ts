/**
 * One chart card: a title, the range's total, stacked bars per bucket drawn in SVG, a legend with
 * each group's total, and a tooltip for the bucket under the pointer. Drawn in SVG rather than
 * with a chart library: a few hundred bars need no more, the page stays a few kilobytes, and
 * every bar carries its window, group and value as attributes, so a test reads exactly what is
 * drawn. Colours come from CSS classes: the page's CSP allows no inline styles.
 */
import { html, isoMinute, svg } from './dom';
import { describeScale, formatTick, formatTime, formatValue } from './format';
import type { ChartSpec } from './presentation';
import { timeTicks, valueTicks, type ChartData, type GroupSeries } from './series';

const HEIGHT = 200;
const MARGIN = { top: 12, right: 8, bottom: 24 } as const;
/** Room per time label, so labels never overlap. */
const PIXELS_PER_TIME_LABEL = 90;
/** Room per character of a value label, for the left margin. */
const PIXELS_PER_DIGIT = 7;
/** The lowest top of a count axis. */
const MIN_COUNT_SCALE = 4;
/** Palette slots defined in the style sheet (`.s0` … `.s9`). */
const PALETTE_SIZE = 10;

/** What a chart shows now: data, or why there is none. */
export type ChartState = { readonly kind: 'loading' } | { readonly kind: 'error'; readonly message: string } | { readonly kind: 'ready'; readonly data: ChartData; readonly live: boolean };

const swatchClass = (group: Pick<GroupSeries, 'colour'>): string => `s${group.colour % PALETTE_SIZE}`;

/** A chart card on the page; `render` redraws it for a state and the card's current width. */
export class ChartView {
  readonly element: HTMLElement;
  private readonly figure: HTMLElement;
  private readonly plot: SVGSVGElement;
  private readonly tooltip: HTMLElement;
  /** Loading, empty and error messages, over the plot: HTML, so a long API message wraps. */
  private readonly note: HTMLElement;
  private readonly legend: HTMLElement;
  private readonly headline: HTMLElement;
  private readonly subtitle: HTMLElement;
  private state: ChartState = { kind: 'loading' };

  constructor(private readonly spec: ChartSpec) {
    this.headline = html('span', { class: 'headline' });
    this.subtitle = html('p', { class: 'subtitle' });
    this.plot = svg('svg', { class: 'plot', role: 'img', 'aria-label': spec.title, height: HEIGHT });
    this.tooltip = html('div', { class: 'tooltip', role: 'status', hidden: '' });
    this.note = html('p', { class: 'note' }, ['Loading…']);
    this.figure = html('div', { class: 'figure' }, [this.plot, this.note, this.tooltip]);
    this.legend = html('ul', { class: 'legend', 'aria-label': `${spec.title}: totals by group` });
    this.element = html(
      'article',
      {
        class: `card chart tone-${spec.tone}`,
        'data-testid': 'chart',
        'data-stream': spec.stream,
        'data-aggregation': spec.aggregation,
        'data-measure': spec.measure,
        'data-state': 'loading',
      },
      [html('header', {}, [html('div', {}, [html('h3', { title: spec.description }, [spec.title]), this.subtitle]), this.headline]), this.figure, this.legend],
    );
    this.plot.addEventListener('pointermove', (event) => this.hover(event));
    this.plot.addEventListener('pointerleave', () => this.unhover());
  }

  /** Shows `state`, redrawing at the card's current width. */
  render(state: ChartState = this.state): void {
    this.state = state;
    this.element.dataset.state = state.kind;
    this.unhover();
    const width = Math.max(240, this.figure.clientWidth);
    this.plot.setAttribute('width', String(width));
    this.plot.setAttribute('viewBox', `0 0 ${width} ${HEIGHT}`);
    if (state.kind !== 'ready') {
      this.showNote(state.kind === 'loading' ? 'Loading…' : state.message, state.kind);
      this.plot.replaceChildren();
      this.legend.replaceChildren();
      this.headline.textContent = '';
      delete this.element.dataset.total;
      return;
    }
    const { data } = state;
    this.element.dataset.total = String(data.total);
    this.headline.replaceChildren(html('b', {}, [formatValue(data.total, this.spec.measure, this.spec.decimals)]), ` ${this.spec.measure === 'sum' ? 'total' : this.spec.countNoun}`);
    this.subtitle.textContent = describeScale(this.spec.measure, this.spec.groupBy, data.bucketMs);
    this.plot.replaceChildren(...this.draw(data, width, state.live));
    this.legend.replaceChildren(...this.legendItems(data));
    this.showNote(data.total === 0 ? 'No events in this range' : undefined, 'empty');
  }

  private showNote(text: string | undefined, kind: string): void {
    this.note.hidden = text === undefined;
    this.note.className = `note ${kind}`;
    this.note.textContent = text ?? '';
  }

  private geometry(data: ChartData, width: number) {
    const counts = this.spec.measure === 'count';
    // A floor for counts, so that one dead letter is not drawn as tall as a flood of them.
    const max = Math.max(counts ? MIN_COUNT_SCALE : 0, ...data.stackTotals);
    const ticks = valueTicks(max, 4, counts);
    const top = ticks[ticks.length - 1] ?? 1;
    const left = 12 + PIXELS_PER_DIGIT * Math.max(...ticks.map((tick) => formatTick(tick).length));
    const plotWidth = width - left - MARGIN.right;
    const plotHeight = HEIGHT - MARGIN.top - MARGIN.bottom;
    const step = plotWidth / Math.max(1, data.buckets.length);
    const y = (value: number) => MARGIN.top + plotHeight - (value / top) * plotHeight;
    return { ticks, left, plotWidth, plotHeight, step, y };
  }

  private draw(data: ChartData, width: number, live: boolean): SVGElement[] {
    const { ticks, left, plotWidth, step, y } = this.geometry(data, width);
    const nodes: SVGElement[] = [];
    for (const tick of ticks) {
      nodes.push(svg('line', { class: 'grid', x1: left, x2: left + plotWidth, y1: y(tick), y2: y(tick) }));
      nodes.push(svg('text', { class: 'tick', x: left - 6, y: y(tick) + 4, 'text-anchor': 'end' }, [formatTick(tick)]));
    }
    const first = data.buckets[0] ?? 0;
    const end = first + data.buckets.length * data.bucketMs;
    const withDate = end - first > 86_400_000;
    const offset = -new Date(first).getTimezoneOffset();
    for (const tick of timeTicks(first, end, Math.max(2, Math.floor(plotWidth / PIXELS_PER_TIME_LABEL)), offset)) {
      const x = left + ((tick - first) / data.bucketMs) * step;
      nodes.push(svg('line', { class: 'axis', x1: x, x2: x, y1: HEIGHT - MARGIN.bottom, y2: HEIGHT - MARGIN.bottom + 4 }));
      nodes.push(svg('text', { class: 'tick', x, y: HEIGHT - 6, 'text-anchor': 'middle' }, [formatTime(tick, withDate)]));
    }
    const gap = step > 4 ? Math.min(4, step * 0.2) : 0;
    const bars = svg('g', { class: 'bars' });
    data.buckets.forEach((bucket, index) => {
      let base = 0;
      const partial = live && index === data.buckets.length - 1;
      for (const group of data.groups) {
        const value = group.values[index] ?? 0;
        if (value <= 0) continue;
        const top = y(base + value);
        bars.append(
          svg('rect', {
            class: `bar ${swatchClass(group)}${partial ? ' partial' : ''}`,
            x: left + index * step + gap / 2,
            y: top,
            width: Math.max(1, step - gap),
            height: Math.max(0.5, y(base) - top),
            'data-window': isoMinute(bucket),
            'data-group': group.label,
            'data-value': value,
            'data-count': group.counts[index] ?? 0,
          }),
        );
        base += value;
      }
    });
    nodes.push(bars);
    nodes.push(svg('line', { class: 'axis', x1: left, x2: left + plotWidth, y1: y(0), y2: y(0) }));
    nodes.push(svg('rect', { class: 'band', x: left, y: MARGIN.top, width: Math.max(1, step), height: HEIGHT - MARGIN.top - MARGIN.bottom, visibility: 'hidden' }));
    return nodes;
  }

  private legendItems(data: ChartData): HTMLElement[] {
    const groups = [...data.groups].sort((a, b) => b.total - a.total || (a.label < b.label ? -1 : 1));
    return groups.map((group) =>
      html('li', { 'data-group': group.label, 'data-total': group.total, 'data-count': group.totalCount }, [
        html('span', { class: `swatch ${swatchClass(group)}`, 'aria-hidden': 'true' }),
        html('span', { class: 'name' }, [group.label]),
        html('span', { class: 'value' }, [formatValue(group.total, this.spec.measure, this.spec.decimals)]),
      ]),
    );
  }

  /** Shows the bucket under the pointer: a band over it and a tooltip with each group's value. */
  private hover(event: PointerEvent): void {
    if (this.state.kind !== 'ready') return;
    const { data } = this.state;
    const width = this.figure.clientWidth;
    const { left, step } = this.geometry(data, width);
    const x = event.clientX - this.plot.getBoundingClientRect().left;
    const index = Math.floor((x - left) / step);
    const bucket = data.buckets[index];
    if (bucket === undefined) return this.unhover();
    const band = this.plot.querySelector('.band');
    band?.setAttribute('x', String(left + index * step));
    band?.setAttribute('visibility', 'visible');
    const rows = data.groups.filter((group) => (group.counts[index] ?? 0) > 0).sort((a, b) => (b.values[index] ?? 0) - (a.values[index] ?? 0));
    const withDate = data.buckets.length * data.bucketMs > 86_400_000;
    const count = rows.reduce((sum, group) => sum + (group.counts[index] ?? 0), 0);
    this.tooltip.replaceChildren(
      html('div', { class: 'when' }, [`${formatTime(bucket, withDate)} – ${formatTime(bucket + data.bucketMs, withDate)}`]),
      ...rows.map((group) =>
        html('div', { class: 'row' }, [
          html('span', { class: `swatch ${swatchClass(group)}` }),
          html('span', { class: 'name' }, [group.label]),
          html('span', { class: 'value' }, [formatValue(group.values[index] ?? 0, this.spec.measure, this.spec.decimals)]),
        ]),
      ),
      html('div', { class: 'sum' }, [
        rows.length === 0 ? 'nothing' : this.spec.measure === 'sum' ? `${formatValue(data.stackTotals[index] ?? 0, 'sum', this.spec.decimals)} from ${count} ${this.spec.countNoun}` : `${formatValue(count, 'count', 0)} ${this.spec.countNoun}`,
      ]),
    );
    this.tooltip.hidden = false;
    // Beside the pointer, flipped to the left in the right half so it stays inside the card.
    const flip = x > width / 2;
    this.tooltip.style.left = flip ? '' : `${x + 14}px`;
    this.tooltip.style.right = flip ? `${width - x + 14}px` : '';
  }

  private unhover(): void {
    this.tooltip.hidden = true;
    this.plot.querySelector('.band')?.setAttribute('visibility', 'hidden');
  }
}
