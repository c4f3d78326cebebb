import { mavenArgs, parseMavenDownloadBytes } from '../../../../../twin/backends/jvm/maven';

describe('parseMavenDownloadBytes', () => {
  test('reads the size of a batch-mode download line', () => {
    const line =
      '[INFO] Downloaded from central: https://repo.maven.apache.org/maven2/org/apache/kafka/kafka_2.13/4.4.0/kafka_2.13-4.4.0.jar (6.6 MB at 21 MB/s)';
    expect(parseMavenDownloadBytes(line)).toBe(6.6e6);
    expect(parseMavenDownloadBytes('[INFO] Downloaded from central: https://x/y.pom (1.9 kB at 95 kB/s)')).toBe(1900);
  });

  test('ignores every other line', () => {
    expect(parseMavenDownloadBytes('[INFO] Downloading from central: https://x/y.jar')).toBeUndefined();
    expect(parseMavenDownloadBytes('[INFO] BUILD SUCCESS')).toBeUndefined();
  });
});

describe('mavenArgs', () => {
  test('runs in batch mode against the project cache with one profile', () => {
    expect(
      mavenArgs({ pom: '/p/pom.xml', repo: '/c/m2', profile: 'kafka', outDir: '/c/out', goals: ['dependency:build-classpath@classpath'] }),
    ).toEqual([
      '-B',
      '-Dstyle.color=never',
      '-f',
      '/p/pom.xml',
      '-Dmaven.repo.local=/c/m2',
      '-P',
      'kafka',
      '-Dpulse.outDir=/c/out',
      'dependency:build-classpath@classpath',
    ]);
  });
});
