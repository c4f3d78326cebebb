import {
  INVALID_AGGREGATION_NAME,
  STREAMS,
  describeAggregations,
  findStream,
  measuresOf,
  streamOfTopic,
} from '../../../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../../../lambdas/domain/streams/types';

function registered(name: string): AnyStreamDefinition {
  const stream = findStream(name);
  if (!stream) throw new Error(`stream ${name} is not registered`);
  return stream;
}

describe('STREAMS', () => {
  it('registers orders, tickets, sales and tracks', () => {
    // Act
    const names = STREAMS.map((stream) => stream.name);

    // Assess
    expect(names).toEqual(['orders', 'tickets', 'sales', 'tracks']);
  });
});

describe('describeAggregations', () => {
  it('describes the orders aggregations with their groups and measures, invalid last', () => {
    // Act
    const descriptions = describeAggregations(registered('orders'));

    // Assess
    expect(descriptions.map(({ name, groupBy, measures }) => ({ name, groupBy, measures }))).toEqual([
      { name: 'events_by_type', groupBy: ['type'], measures: ['count'] },
      { name: 'revenue', groupBy: [], measures: ['count', 'sum', 'min', 'max'] },
      { name: 'revenue_by_category', groupBy: ['category'], measures: ['count', 'sum', 'min', 'max'] },
      { name: 'invalid', groupBy: ['reason'], measures: ['count'] },
    ]);
  });

  it('describes the tickets aggregations, invalid last', () => {
    // Act
    const descriptions = describeAggregations(registered('tickets'));

    // Assess
    expect(descriptions.map(({ name, groupBy }) => ({ name, groupBy }))).toEqual([
      { name: 'by_type', groupBy: ['type'] },
      { name: 'by_priority', groupBy: ['priority'] },
      { name: 'by_team', groupBy: ['team'] },
      { name: INVALID_AGGREGATION_NAME, groupBy: ['reason'] },
    ]);
  });

  it('describes the sales aggregations: revenue in cents by category and channel, stock movements by type', () => {
    // Act
    const descriptions = describeAggregations(registered('sales'));

    // Assess
    expect(descriptions.map(({ name, groupBy, measures }) => ({ name, groupBy, measures }))).toEqual([
      { name: 'revenue_by_category', groupBy: ['category'], measures: ['count', 'sum', 'min', 'max'] },
      { name: 'revenue_by_channel', groupBy: ['sales_channel'], measures: ['count', 'sum', 'min', 'max'] },
      { name: 'stock_movements_by_type', groupBy: ['adjustment_type'], measures: ['count', 'sum', 'min', 'max'] },
      { name: INVALID_AGGREGATION_NAME, groupBy: ['reason'], measures: ['count'] },
    ]);
  });

  it('describes the tracks aggregations: popularity by genre, count by mood', () => {
    // Act
    const descriptions = describeAggregations(registered('tracks'));

    // Assess
    expect(descriptions.map(({ name, groupBy, measures }) => ({ name, groupBy, measures }))).toEqual([
      { name: 'by_genre', groupBy: ['track_genre'], measures: ['count', 'sum', 'min', 'max'] },
      { name: 'by_mood', groupBy: ['mood'], measures: ['count'] },
      { name: INVALID_AGGREGATION_NAME, groupBy: ['reason'], measures: ['count'] },
    ]);
  });

  it('gives every aggregation a description', () => {
    // Act
    const missing = STREAMS.flatMap((stream) => describeAggregations(stream)).filter((description) => description.description.trim() === '');

    // Assess
    expect(missing).toEqual([]);
  });

  it('returns copies, so a caller cannot change the stream declaration', () => {
    // Prepare
    const stream = registered('orders');
    const [first] = describeAggregations(stream);

    // Act
    (first?.groupBy as string[]).push('channel');

    // Assess
    expect(stream.aggregations[0]?.groupBy).toEqual(['type']);
  });
});

describe('measuresOf', () => {
  it('gives count only to an aggregation without a measured field', () => {
    // Act
    const measures = measuresOf({});

    // Assess
    expect(measures).toEqual(['count']);
  });

  it('gives count, sum, min and max to an aggregation with a measured field', () => {
    // Act
    const measures = measuresOf({ measure: { field: 'amount', scale: 2 } });

    // Assess
    expect(measures).toEqual(['count', 'sum', 'min', 'max']);
  });
});

describe('streamOfTopic', () => {
  it.each([['orders'], ['tickets'], ['sales'], ['tracks']])('finds the stream of the topic %s', (topic) => {
    // Act
    const stream = streamOfTopic(topic);

    // Assess
    expect(stream.name).toBe(topic);
  });

  it('throws for an unknown topic, naming it and the registered streams', () => {
    // Act
    const act = () => streamOfTopic('orders.dlq');

    // Assess
    expect(act).toThrow('no stream is registered for topic "orders.dlq" (registered: orders, tickets, sales, tracks)');
  });
});

describe('findStream', () => {
  it('returns undefined for a name no stream has', () => {
    // Act
    const stream = findStream('payments');

    // Assess
    expect(stream).toBeUndefined();
  });
});
