/**
 * Valid `orders` and `tickets` events, with overrides for the one thing a test is about. An
 * override of `undefined` removes the field, so `anOrder({ price: undefined })` has no price.
 */
import type { EventObject } from '../../lambdas/domain/streams/types';

/** A fixed instant the factories' event times sit in: 2026-11-25 04:07:15.250 UTC. */
export const EVENT_TIME = '2026-11-25T04:07:15.250Z';

/** The epoch milliseconds of `EVENT_TIME`. */
export const EVENT_TIME_MS = Date.parse(EVENT_TIME);

/** `base` with `overrides` applied; an override of `undefined` removes the field. */
export function withOverrides(base: EventObject, overrides: EventObject): EventObject {
  const event: EventObject = { ...base, ...overrides };
  for (const [field, value] of Object.entries(overrides)) {
    if (value === undefined) delete event[field];
  }
  return event;
}

/** A valid purchase of two books at 19.99; override any field. */
export function anOrder(overrides: EventObject = {}): EventObject {
  return withOverrides(
    {
      eventId: 'ord-0001',
      type: 'purchase',
      userId: 42,
      productId: 'p-7',
      category: 'Books',
      price: 19.99,
      quantity: 2,
      channel: 'web',
      ts: EVENT_TIME,
    },
    overrides,
  );
}

/** A valid view (no price, no quantity); override any field. */
export function aView(overrides: EventObject = {}): EventObject {
  return anOrder({ eventId: 'ord-view-0001', type: 'view', price: undefined, quantity: undefined, ...overrides });
}

/** A valid high-priority incident ticket; override any field. */
export function aTicket(overrides: EventObject = {}): EventObject {
  return withOverrides(
    {
      ticketId: 't-0001',
      clientId: 7,
      createdAt: EVENT_TIME,
      request: 'Checkout fails with error 502 after payment',
      type: 'incident',
      priority: 'high',
    },
    overrides,
  );
}

/** An event as the bytes a producer sends. */
export function bytesOf(event: unknown): Buffer {
  return Buffer.from(JSON.stringify(event), 'utf8');
}
