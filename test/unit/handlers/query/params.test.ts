import { badRequestMessageOf } from '../../../helpers/apiErrors';
import {
  eventsParameters,
  formatBound,
  parseParameters,
  readQueryParameters,
  resolveRange,
  seriesParameters,
} from '../../../../lambdas/handlers/query/params';

const NOW = Date.parse('2026-11-25T04:30:00Z');


describe('readQueryParameters', () => {
  it('percent-decodes names and values but keeps + as a plus, so offsets survive unencoded', () => {
    // Act
    const parameters = readQueryParameters('from=2026-11-25T05:00:00+01:00&group=ros%C3%A9%20wine');

    // Assess
    expect(Object.fromEntries(parameters)).toEqual({ from: '2026-11-25T05:00:00+01:00', group: 'rosé wine' });
  });

  it('reads a name without = as an empty value and skips empty pairs', () => {
    // Act
    const parameters = readQueryParameters('format&&limit=5');

    // Assess
    expect(Object.fromEntries(parameters)).toEqual({ format: '', limit: '5' });
  });

  it('prefers the raw query string, where API Gateway joins repeated names with commas', () => {
    // Act
    const message = badRequestMessageOf(() => readQueryParameters('group=a&group=b', { group: 'a,b' }));

    // Assess
    expect(message).toBe('group: given more than once; give it once');
  });

  it('falls back to queryStringParameters when there is no raw query string', () => {
    // Act
    const parameters = readQueryParameters('', { limit: '5', cursor: undefined });

    // Assess
    expect(Object.fromEntries(parameters)).toEqual({ limit: '5' });
  });
});

describe('parseParameters', () => {
  it.each([
    ['2026-11-25T04:00:00Z', '2026-11-25T04:00:00.000Z'],
    ['2026-11-25T05:00:00+01:00', '2026-11-25T04:00:00.000Z'],
    ['2026-11-24T23:00:00-05:00', '2026-11-25T04:00:00.000Z'],
    ['2026-11-25T04:00:00.123Z', '2026-11-25T04:00:00.123Z'],
  ])('reads from=%s as %s', (text, utc) => {
    // Act
    const { from } = parseParameters(seriesParameters, new Map([['from', text]]));

    // Assess
    expect(new Date(from as number).toISOString()).toBe(utc);
  });

  it.each(['2026-11-25', '2026-11-25T04:00Z', '2026-11-25T04:00:00+0100', '2026-02-30T00:00:00Z', '1795579200000', ''])(
    'refuses from=%p as not an ISO-8601 date-time with a zone',
    (text) => {
      // Act
      const message = badRequestMessageOf(() => parseParameters(seriesParameters, new Map([['from', text]])));

      // Assess
      expect(message).toBe('from: must be an ISO-8601 date-time with a zone, e.g. 2026-11-25T04:00:00Z');
    },
  );

  it('names every invalid parameter at once', () => {
    // Act
    const message = badRequestMessageOf(() => parseParameters(eventsParameters, new Map([['limit', '0'], ['format', 'xml']])));

    // Assess
    expect(message).toBe('limit: must be a whole number from 1 to 500; format: must be json or csv');
  });

  it('gives the defaults of absent parameters', () => {
    // Act
    const parameters = parseParameters(eventsParameters, new Map());

    // Assess
    expect(parameters).toEqual({ limit: 50, format: 'json' });
  });
});

describe('resolveRange', () => {
  it('is the last hour ending now when no bound is given', () => {
    // Act
    const range = resolveRange({}, NOW);

    // Assess
    expect(range).toEqual({ fromMs: NOW - 3_600_000, toMs: NOW });
  });

  it('refuses a reversed range naming from and to', () => {
    // Act
    const message = badRequestMessageOf(() => resolveRange({ from: NOW, to: NOW - 1 }, NOW));

    // Assess
    expect(message).toBe('from (2026-11-25T04:30:00Z) must be before to (2026-11-25T04:29:59.999Z); the range is [from, to)');
  });
});

describe('formatBound', () => {
  it('drops zero milliseconds and keeps others', () => {
    // Act
    const bounds = [formatBound(NOW), formatBound(NOW + 5)];

    // Assess
    expect(bounds).toEqual(['2026-11-25T04:30:00Z', '2026-11-25T04:30:00.005Z']);
  });
});
