import { DYNAMODB_LOCAL_LAUNCHER_SOURCE, PARENT_WATCH_SOURCE, parseJavaMajorVersion } from '../../../../../twin/backends/jvm/java';

describe('parseJavaMajorVersion', () => {
  test.each([
    ['openjdk version "17.0.15" 2025-04-15\nOpenJDK Runtime Environment (build 17.0.15+6-Debian-1deb12u1)', 17],
    ['openjdk version "21" 2023-09-19', 21],
    ['openjdk version "25-ea" 2025-09-16', 25],
    ['java version "1.8.0_381"\nJava(TM) SE Runtime Environment', 8],
    ['openjdk version "11.0.22" 2024-01-16', 11],
  ])('reads %j as Java %i', (output, expected) => {
    expect(parseJavaMajorVersion(output)).toBe(expected);
  });

  test('returns undefined for output that names no version', () => {
    expect(parseJavaMajorVersion('bash: java: command not found')).toBeUndefined();
  });
});

describe('the Java sources the twin compiles', () => {
  test.each([PARENT_WATCH_SOURCE, DYNAMODB_LOCAL_LAUNCHER_SOURCE])('$className.java declares the public class $className', (source) => {
    expect(source.text).toContain(`public final class ${source.className} {`);
  });
});
