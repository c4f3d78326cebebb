import { eventsCsv, seriesCsv, toCsv } from '../../../../lambdas/handlers/query/csv';
import { LosslessNumber } from '../../../../lambdas/domain/eventJson';

describe('toCsv', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    [' padded ', ' padded '],
  ])('writes %p as %p', (value, field) => {
    // Act
    const text = toCsv(['h'], [[value]]);

    // Assess
    expect(text).toBe(`h\r\n${field}\r\n`);
  });

  it('ends every record, the header included, with CRLF', () => {
    // Act
    const text = toCsv(['a', 'b'], [[1, 2]]);

    // Assess
    expect(text).toBe('a,b\r\n1,2\r\n');
  });

  it('writes numbers and booleans as text, null and absent as nothing, objects as JSON', () => {
    // Act
    const text = toCsv(['a', 'b', 'c', 'd', 'e'], [[19.99, false, null, undefined, { a: 1 }]]);

    // Assess
    expect(text).toBe('a,b,c,d,e\r\n19.99,false,,,"{""a"":1}"\r\n');
  });

  it.each([
    ['=HYPERLINK("http://evil")', `"'=HYPERLINK(""http://evil"")"`],
    ['+1+1', "'+1+1"],
    ['-2+3+cmd|calc', "'-2+3+cmd|calc"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tleading tab', "'\tleading tab"],
    ['\rleading return', `"'\rleading return"`],
    ['\uFF1Dfull-width equals', "'\uFF1Dfull-width equals"],
  ])('escapes the text %p against formula injection as %p', (value, field) => {
    // Act
    const text = toCsv(['h'], [[value]]);

    // Assess
    expect(text).toBe(`h\r\n${field}\r\n`);
  });

  it('writes negative numbers and measures as numbers, never escaped', () => {
    // Act
    const text = toCsv(['n', 'cents'], [[-5, -1999n]], 2);

    // Assess
    expect(text).toBe('n,cents\r\n-5,-19.99\r\n');
  });
});

describe('seriesCsv', () => {
  it('writes only the header for an empty series', () => {
    // Act
    const text = seriesCsv([], { groupBy: [], measures: ['count', 'sum', 'min', 'max'] });

    // Assess
    expect(text).toBe('windowStart,windowEnd,count,sum,min,max\r\n');
  });

  it('writes sums beyond 15 digits as exact decimal text and escapes a group that looks like a formula', () => {
    // Act
    const text = seriesCsv(
      [
        {
          windowStart: '2026-11-25T04:07:00Z',
          windowEnd: '2026-11-25T04:08:00Z',
          group: { category: '=cmd' },
          count: 10_000,
          scale: 2,
          sum: 9_999_999_999_999_990_000n,
          min: 999_999_999_999_999n,
          max: 999_999_999_999_999n,
        },
      ],
      { groupBy: ['category'], measures: ['count', 'sum', 'min', 'max'] },
    );

    // Assess
    expect(text).toBe(
      'windowStart,windowEnd,category,count,sum,min,max\r\n' +
        "2026-11-25T04:07:00Z,2026-11-25T04:08:00Z,'=cmd,10000,99999999999999900,9999999999999.99,9999999999999.99\r\n",
    );
  });
});

describe('eventsCsv', () => {
  it('writes an empty document for an empty page, which has no keys to name columns after', () => {
    // Act
    const text = eventsCsv([]);

    // Assess
    expect(text).toBe('');
  });

  it('writes integers kept as text exactly, as numbers, negative ones unescaped', () => {
    // Act
    const text = eventsCsv([{ eventId: 'a', big: new LosslessNumber('9007199254740993'), negative: new LosslessNumber('-9007199254740993') }]);

    // Assess
    expect(text).toBe('eventId,big,negative\r\na,9007199254740993,-9007199254740993\r\n');
  });

  it('unions the columns of a page in order of first appearance', () => {
    // Act
    const text = eventsCsv([{ a: 1 }, { b: '@x', a: 2 }]);

    // Assess
    expect(text).toBe("a,b\r\n1,\r\n2,'@x\r\n");
  });
});
