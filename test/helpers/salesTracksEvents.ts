/**
 * Valid `sales` and `tracks` events, with overrides for the one thing a test is about (an override
 * of `undefined` removes the field), at the same instant as the `orders` and `tickets` factories.
 */
import type { EventObject } from '../../lambdas/domain/streams/types';
import { EVENT_TIME, withOverrides } from './events';

/**
 * A valid order line: 3 bottles of red at 39.90 € with 15 % off, 101.75 € charged (the exact
 * 101.745 to the cent); override any field.
 */
export function aSale(overrides: EventObject = {}): EventObject {
  return withOverrides(
    {
      event_id: 'evt-0001',
      event_type: 'ORDER_CREATED',
      event_timestamp: EVENT_TIME,
      order_line_id: 'SO-100234-1',
      customer_id: 'C004213',
      product_id: 'SKU-R004',
      product_name: 'Saint-Émilion Grand Cru 2018',
      category: 'Rouge',
      quantity: 3,
      unit_price: 39.9,
      discount: 0.15,
      total_price: 101.75,
      bottle_size_l: 0.75,
      sales_channel: 'Boutique',
    },
    overrides,
  );
}

/** A valid stock adjustment: 2 bottles broken in the Bordeaux warehouse; override any field. */
export function anAdjustment(overrides: EventObject = {}): EventObject {
  return withOverrides(
    {
      event_id: 'evt-0002',
      event_type: 'INVENTORY_ADJUSTED',
      event_timestamp: EVENT_TIME,
      product_id: 'SKU-R004',
      warehouse: 'BDX-01',
      adjustment_type: 'BREAKAGE',
      quantity_change: -2,
    },
    overrides,
  );
}

/** A valid track as a dataset row replayed with its own timestamp; override any field (`timestamp: undefined` for none). */
export function aTrack(overrides: EventObject = {}): EventObject {
  return withOverrides(
    {
      track_id: '0aB3xYz9QkLm2NpR7sTuVw',
      artists: 'Lina Moreau;The Velvet Echoes',
      album_name: 'Paper Lights',
      track_name: 'Golden Hour',
      popularity: 64,
      duration_ms: 215_400,
      explicit: false,
      danceability: 0.712,
      energy: 0.655,
      key: 5,
      loudness: -6.41,
      mode: 1,
      speechiness: 0.0412,
      acousticness: 0.183,
      instrumentalness: 0.0000021,
      liveness: 0.109,
      valence: 0.581,
      tempo: 118.02,
      time_signature: 4,
      track_genre: 'pop',
      timestamp: EVENT_TIME,
    },
    overrides,
  );
}
