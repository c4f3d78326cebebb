import { csvField, eventsCsv, seriesCsv, toCsv } from '../../../../lambdas/handlers/query/csv';

describe('csvField', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['carriage\rreturn', '"carriage\rreturn"'],
    [' padded ', ' padded '],
  ])('writes %p as %p', (value, field) => {
    // Act
    const written = csvField(value);

    // Assess
    expect(written).toBe(field);
  });

  it('writes numbers and booleans as text, null and absent as nothing, objects as JSON', () => {
    // Act
    const fields = [19.99, false, null, undefined, { a: 1 }].map(csvField);

    // Assess
    expect(fields).toEqual(['19.99', 'false', '', '', '"{""a"":1}"']);
  });
});

describe('toCsv', () => {
  it('ends every record, the header included, with CRLF', () => {
    // Act
    const text = toCsv(['a', 'b'], [[1, 2]]);

    // Assess
    expect(text).toBe('a,b\r\n1,2\r\n');
  });
});

describe('seriesCsv', () => {
  it('writes only the header for an empty series', () => {
    // Act
    const text = seriesCsv([], { name: 'revenue', description: '', groupBy: [], measures: ['count', 'sum', 'min', 'max'] });

    // Assess
    expect(text).toBe('windowStart,windowEnd,count,sum,min,max\r\n');
  });
});

describe('eventsCsv', () => {
  it('writes an empty document for an empty page, which has no keys to name columns after', () => {
    // Act
    const text = eventsCsv([]);

    // Assess
    expect(text).toBe('');
  });
});
