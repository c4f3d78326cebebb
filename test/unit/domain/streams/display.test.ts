import { aggregationDisplayOf, totalsOf } from '../../../../lambdas/domain/streams/display';
import { describeStream, STREAMS } from '../../../../lambdas/domain/streams/registry';

describe('aggregationDisplayOf', () => {
  it('fills in every hint an aggregation leaves out from what it is', () => {
    // Act
    const display = aggregationDisplayOf({ name: 'by_genre', description: 'Tracks by genre', groupBy: ['genre'], measure: { field: 'popularity', scale: 1 } });

    // Assess
    expect(display).toEqual({ title: 'Tracks by genre', unit: 'events', chart: 'sum', seriesLabel: 'by_genre', groupOrder: [], decimals: 1, tone: 'normal' });
  });

  it('charts the count of an aggregation without a measured field, with no decimals', () => {
    // Act
    const display = aggregationDisplayOf({ name: 'by_team', description: 'Tickets by team', groupBy: ['team'], display: { unit: 'tickets' } });

    // Assess
    expect(display).toMatchObject({ chart: 'count', decimals: 0, unit: 'tickets' });
  });
});

describe('totalsOf', () => {
  it('counts the events of the first aggregation and totals each measured one when the stream gives no totals, dead letters last', () => {
    // Act
    const totals = totalsOf(undefined, [{ name: 'all', measured: false, title: 'All' }, { name: 'amount', measured: true, title: 'Amount' }], 'invalid');

    // Assess
    expect(totals).toEqual([
      { key: 'events', label: 'Events', aggregation: 'all', measure: 'count', tone: 'normal' },
      { key: 'amount', label: 'Amount', aggregation: 'amount', measure: 'sum', tone: 'normal' },
      { key: 'dead_letters', label: 'Dead letters', aggregation: 'invalid', measure: 'count', tone: 'bad' },
    ]);
  });
});

describe('display hints of the registered streams', () => {
  it.each(STREAMS.map((stream) => [stream.name, stream] as const))('%s: every total names an aggregation of the stream, a sum only of a measured one, a group only of its dimensions', (_name, stream) => {
    // Prepare
    const described = describeStream(stream);
    const byName = new Map(described.aggregations.map((aggregation) => [aggregation.name, aggregation]));

    // Act
    const wrong = described.display.totals.filter((total) => {
      const aggregation = byName.get(total.aggregation);
      const dimensionsKnown = Object.keys(total.group ?? {}).every((dimension) => aggregation?.groupBy.includes(dimension));
      return !aggregation || (total.measure === 'sum' && !aggregation.measures.includes('sum')) || !dimensionsKnown;
    });

    // Assess
    expect(wrong).toEqual([]);
  });

  it.each(STREAMS.map((stream) => [stream.name, stream] as const))('%s: orders groups only of grouped aggregations, and charts a sum only of a measured one', (_name, stream) => {
    // Act
    const wrong = describeStream(stream).aggregations.filter(
      ({ display, groupBy, measures }) => (display.groupOrder.length > 0 && groupBy.length === 0) || (display.chart === 'sum' && !measures.includes('sum')),
    );

    // Assess
    expect(wrong).toEqual([]);
  });
});
