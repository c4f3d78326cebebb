import { artifactsCacheKey, mavenArgs, parseJavaMajorVersion, parseMavenDownloadBytes } from '../../../../twin/jvm/artifacts';
import { dynamoDbLocalArgs } from '../../../../twin/jvm/dynamoDbLocal';
import { tailText } from '../../../../twin/jvm/jvmProcess';
import { kafkaServerProperties } from '../../../../twin/jvm/kafkaBroker';

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

describe('artifactsCacheKey', () => {
  test('is stable for the same pom and changes with any edit', () => {
    const pom = '<project><properties><kafka.version>4.4.0</kafka.version></properties></project>';
    expect(artifactsCacheKey(pom)).toBe(artifactsCacheKey(pom));
    expect(artifactsCacheKey(pom)).toMatch(/^[0-9a-f]{16}$/);
    expect(artifactsCacheKey(pom.replace('4.4.0', '4.3.1'))).not.toBe(artifactsCacheKey(pom));
  });
});

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

describe('kafkaServerProperties', () => {
  const properties = kafkaServerProperties({ port: 19092, controllerPort: 19093, logDir: '/data/logs' });
  const settings = new Map(
    properties
      .trim()
      .split('\n')
      .map((line) => line.split('=', 2) as [string, string]),
  );

  test('listens on loopback only, with the controller on its own port', () => {
    expect(settings.get('listeners')).toBe('PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093');
    expect(settings.get('advertised.listeners')).toBe('PLAINTEXT://127.0.0.1:19092');
    expect(settings.get('controller.quorum.voters')).toBe('1@127.0.0.1:19093');
  });

  test('is a single combined node with the twin defaults', () => {
    expect(settings.get('process.roles')).toBe('broker,controller');
    expect(settings.get('num.partitions')).toBe('3');
    expect(settings.get('offsets.topic.replication.factor')).toBe('1');
    expect(settings.get('transaction.state.log.replication.factor')).toBe('1');
    expect(settings.get('group.initial.rebalance.delay.ms')).toBe('0');
    expect(settings.get('auto.create.topics.enable')).toBe('false');
    expect(settings.get('log.dirs')).toBe('/data/logs');
  });
});

describe('dynamoDbLocalArgs', () => {
  test('keeps data in memory unless a data dir is given', () => {
    expect(dynamoDbLocalArgs({ port: 8000 })).toEqual(['-port', '8000', '-sharedDb', '-disableTelemetry', '-inMemory']);
    expect(dynamoDbLocalArgs({ port: 8001, dataDir: '/d' })).toEqual(['-port', '8001', '-sharedDb', '-disableTelemetry', '-dbPath', '/d']);
  });
});

describe('tailText', () => {
  test('keeps the last non-empty lines', () => {
    expect(tailText('a\n\nb\nc\n', 2)).toBe('b\nc');
  });
});
