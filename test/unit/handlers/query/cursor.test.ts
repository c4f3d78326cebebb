import { boundsOfCursor, encodeListingCursor, parseListingCursor } from '../../../../lambdas/handlers/query/cursor';
import { badRequestMessageOf } from '../../../helpers/apiErrors';

const cursor = { stream: 'orders', fromMs: 1_000, toMs: 2_000, after: { eventTimeMs: 1_500, eventId: 'o-1' } };

describe('listing cursor', () => {
  it('round-trips the stream, the range and the position as URL-safe text', () => {
    // Act
    const text = encodeListingCursor(cursor);

    // Assess
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(parseListingCursor(text)).toEqual(cursor);
  });

  it('writes its version into the cursor', () => {
    // Act
    const state = JSON.parse(Buffer.from(encodeListingCursor(cursor), 'base64url').toString('utf8')) as { v: number };

    // Assess
    expect(state.v).toBe(1);
  });

  it.each([
    ['text that is not base64 JSON', 'not base64 json'],
    ['a field of the wrong type', Buffer.from('{"v":1,"s":"orders","f":"1","t":2,"at":1,"id":"x"}').toString('base64url')],
    ['another version', Buffer.from('{"v":2,"s":"orders","f":1,"t":2,"at":1,"id":"x"}').toString('base64url')],
    ['the unversioned format of earlier builds', Buffer.from('{"s":"orders","f":1,"t":2,"p":"eyJkIjoiMjAyNi0xMS0yNSJ9"}').toString('base64url')],
  ])('reads %s as no cursor', (_case, text) => {
    // Act
    const parsed = parseListingCursor(text);

    // Assess
    expect(parsed).toBeUndefined();
  });
});

describe('boundsOfCursor', () => {
  it('takes the range of the cursor when from and to are omitted or equal to it', () => {
    // Act
    const bounds = [boundsOfCursor(cursor, 'orders', {}), boundsOfCursor(cursor, 'orders', { from: 1_000, to: 2_000 })];

    // Assess
    expect(bounds).toEqual([
      { from: 1_000, to: 2_000 },
      { from: 1_000, to: 2_000 },
    ]);
  });

  it('refuses a to that differs from the range of the cursor', () => {
    // Act
    const message = badRequestMessageOf(() => boundsOfCursor(cursor, 'orders', { to: 3_000 }));

    // Assess
    expect(message).toBe('to: differs from the range the cursor was made for; send the same from and to, or omit them');
  });

  it('refuses the cursor of another stream', () => {
    // Act
    const message = badRequestMessageOf(() => boundsOfCursor(cursor, 'tickets', {}));

    // Assess
    expect(message).toBe('cursor: belongs to the listing of stream orders, not tickets');
  });
});
