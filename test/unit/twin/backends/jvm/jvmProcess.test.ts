import { tailText } from '../../../../../twin/backends/jvm/jvmProcess';

describe('tailText', () => {
  test('keeps the last non-empty lines', () => {
    expect(tailText('a\n\nb\nc\n', 2)).toBe('b\nc');
  });
});
