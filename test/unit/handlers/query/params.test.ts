import { eventPath, eventsParameters, noParameters, seriesParameters, topParameters } from '../../../../lambdas/handlers/query/params';
import { describeIssues } from '../../../../lambdas/handlers/query/validation';

/** The 400 message the router would answer for `input` under `schema`. */
function messageOf(schema: typeof seriesParameters | typeof eventsParameters | typeof noParameters | typeof eventPath, input: Record<string, string>): string {
  const parsed = schema.safeParse(input);
  if (parsed.success) throw new Error('expected the parameters to be refused');
  return describeIssues(parsed.error.issues, Object.keys(schema.shape));
}

describe('query parameters', () => {
  it.each([
    ['2026-11-25T04:00:00Z', '2026-11-25T04:00:00.000Z'],
    ['2026-11-25T05:00:00+01:00', '2026-11-25T04:00:00.000Z'],
    ['2026-11-24T23:00:00-05:00', '2026-11-25T04:00:00.000Z'],
    ['2026-11-25T04:00:00.123Z', '2026-11-25T04:00:00.123Z'],
  ])('reads from=%s as %s', (text, utc) => {
    // Act
    const { from } = seriesParameters.parse({ from: text });

    // Assess
    expect(new Date(from as number).toISOString()).toBe(utc);
  });

  it.each(['2026-11-25', '2026-11-25T04:00Z', '2026-11-25T04:00:00+0100', '2026-02-30T00:00:00Z', '1795579200000', ''])(
    'refuses from=%p as not an ISO-8601 date-time with a zone',
    (text) => {
      // Act
      const message = messageOf(seriesParameters, { from: text });

      // Assess
      expect(message).toBe('from: must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T04:00:00Z');
    },
  );

  it('names every invalid parameter at once', () => {
    // Act
    const message = messageOf(eventsParameters, { limit: '0', format: 'xml' });

    // Assess
    expect(message).toBe('limit: must be a whole number from 1 to 500; format: must be json or csv');
  });

  it('names only the unknown parameters when there are any, with those the route accepts', () => {
    // Act
    const message = messageOf(seriesParameters, { limit: '0', step: '5m' });

    // Assess
    expect(message).toBe('unknown parameters limit, step; this route accepts from, to, group, format');
  });

  it('says that a route takes no parameters when it takes none', () => {
    // Act
    const message = messageOf(noParameters, { verbose: '1' });

    // Assess
    expect(message).toBe('unknown parameter verbose; this route takes no parameters');
  });

  it('gives the defaults of absent parameters', () => {
    // Act
    const parameters = [eventsParameters.parse({}), topParameters.parse({})];

    // Assess
    expect(parameters).toEqual([
      { limit: 50, format: 'json' },
      { limit: 10, by: 'count' },
    ]);
  });

  it('refuses a cursor this API did not write', () => {
    // Act
    const message = messageOf(eventsParameters, { cursor: 'bm9wZQ' });

    // Assess
    expect(message).toBe('cursor: not a cursor this API returned; start again without it');
  });
});

describe('path parameters', () => {
  it('refuses an event id longer than any key DynamoDB accepts, counted in UTF-8 bytes', () => {
    // Act
    const message = messageOf(eventPath, { stream: 'orders', eventId: 'é'.repeat(513) });

    // Assess
    expect(message).toBe('eventId: must be at most 1024 bytes');
  });
});
