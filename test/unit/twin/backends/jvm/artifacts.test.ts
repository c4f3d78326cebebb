import { artifactsCacheKey } from '../../../../../twin/backends/jvm/artifacts';

describe('artifactsCacheKey', () => {
  test('is stable for the same pom and changes with any edit', () => {
    const pom = '<project><properties><kafka.version>4.4.0</kafka.version></properties></project>';
    expect(artifactsCacheKey(pom)).toBe(artifactsCacheKey(pom));
    expect(artifactsCacheKey(pom)).toMatch(/^[0-9a-f]{16}$/);
    expect(artifactsCacheKey(pom.replace('4.4.0', '4.3.1'))).not.toBe(artifactsCacheKey(pom));
  });
});
