/**
 * Where a valid `sales` or `tracks` event must be counted, worked out from its raw fields the way
 * a person would, without the stream's own code: the ground truth that folds are checked against.
 * Sales revenue is read from the shop's own `total_price` (which the generator computes in integer
 * cents), not from the enrichment's `net_amount`; a mood from the quadrant table by hand.
 */
import type { EventObject } from '../../lambdas/domain/streams/types';

/** One aggregate an event lands in, with its value in smallest units (cents, bottles, popularity points). */
export interface ExpectedPlacement {
  readonly aggregation: string;
  readonly group: Record<string, string>;
  readonly value?: bigint;
}

/** The aggregates of a valid `sales` event whose channel has no inner white space or accent (as generated). */
export function expectedSalesPlacements(event: EventObject): ExpectedPlacement[] {
  if (event.event_type === 'INVENTORY_ADJUSTED') {
    return [{ aggregation: 'stock_movements_by_type', group: { adjustment_type: String(event.adjustment_type) }, value: BigInt(Number(event.quantity_change)) }];
  }
  const cents = BigInt(Math.round(Number(event.total_price) * 100));
  return [
    { aggregation: 'revenue_by_category', group: { category: String(event.category) }, value: cents },
    { aggregation: 'revenue_by_channel', group: { sales_channel: String(event.sales_channel).trim().toLowerCase() }, value: cents },
  ];
}

/** The aggregates of a valid `tracks` event whose genre is already lower-case and trimmed (as generated). */
export function expectedTracksPlacements(event: EventObject): ExpectedPlacement[] {
  const highValence = Number(event.valence) >= 0.5;
  const highEnergy = Number(event.energy) >= 0.5;
  const mood = highEnergy ? (highValence ? 'happy' : 'tense') : highValence ? 'calm' : 'sad';
  return [
    { aggregation: 'by_genre', group: { track_genre: String(event.track_genre) }, value: BigInt(Number(event.popularity)) },
    { aggregation: 'by_mood', group: { mood } },
  ];
}

/** The instant a `tracks` event is counted at: its own timestamp, else its record's. */
export function expectedTrackTimeMs(event: EventObject, recordTimestampMs: number): number {
  return typeof event.timestamp === 'string' ? Date.parse(event.timestamp) : recordTimestampMs;
}
