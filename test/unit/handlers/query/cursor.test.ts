import { decodeListingCursor, encodeListingCursor, rangeOfCursor } from '../../../../lambdas/handlers/query/cursor';
import { ApiError } from '../../../../lambdas/handlers/query/http';

const cursor = { stream: 'orders', fromMs: 1_000, toMs: 2_000, after: { eventTimeMs: 1_500, eventId: 'o-1' } };

describe('listing cursor', () => {
  it('round-trips the stream, the range and the position as URL-safe text', () => {
    // Act
    const text = encodeListingCursor(cursor);

    // Assess
    expect(text).toMatch(/^[A-Za-z0-9_-]+$/);
    expect(decodeListingCursor(text, 'orders')).toEqual(cursor);
  });

  it.each([
    'not base64 json',
    Buffer.from('{"v":1,"s":"orders","f":"1","t":2,"at":1,"id":"x"}').toString('base64url'),
    Buffer.from('{"v":2,"s":"orders","f":1,"t":2,"at":1,"id":"x"}').toString('base64url'),
    Buffer.from('{"s":"orders","f":1,"t":2,"p":"eyJkIjoiMjAyNi0xMS0yNSJ9"}').toString('base64url'),
  ])('refuses %p as a 400 naming cursor', (text) => {
    // Act
    const decode = () => decodeListingCursor(text, 'orders');

    // Assess
    expect(decode).toThrow(ApiError);
    expect(decode).toThrow('cursor: not a cursor this API returned; start again without it');
  });

  it('takes the range of the cursor when from and to are omitted or equal to it', () => {
    // Act
    const bounds = [rangeOfCursor(cursor, {}), rangeOfCursor(cursor, { from: 1_000, to: 2_000 })];

    // Assess
    expect(bounds).toEqual([
      { from: 1_000, to: 2_000 },
      { from: 1_000, to: 2_000 },
    ]);
  });

  it('refuses a to that differs from the range of the cursor', () => {
    // Act
    const resolve = () => rangeOfCursor(cursor, { to: 3_000 });

    // Assess
    expect(resolve).toThrow('to: differs from the range the cursor was made for; send the same from and to, or omit them');
  });
});
