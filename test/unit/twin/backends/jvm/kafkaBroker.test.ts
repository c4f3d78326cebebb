import { kafkaServerProperties, newClusterId, storageFormatArgs, storageFormatError } from '../../../../../twin/backends/jvm/kafkaBroker';

describe('newClusterId', () => {
  test('never returns an id that starts with "-" over many draws', () => {
    // Prepare
    const ids = Array.from({ length: 20_000 }, () => newClusterId());

    // Assess: one id in 64 would start with '-' if nothing redrew it.
    expect(ids.filter((id) => id.startsWith('-'))).toEqual([]);
    expect(ids.every((id) => /^[A-Za-z0-9_][A-Za-z0-9_-]{21}$/.test(id))).toBe(true);
  });

  test('draws again when the bytes would give a leading "-"', () => {
    // Prepare: the first draw encodes to '-…', the second does not.
    const draws = [Buffer.alloc(16, 0xf8), Buffer.alloc(16, 0x01)];
    const random = jest.fn((size: number) => (draws.shift() as Buffer).subarray(0, size));

    // Act
    const id = newClusterId(random);

    // Assess
    expect(random).toHaveBeenCalledTimes(2);
    expect(id).toBe(Buffer.alloc(16, 0x01).toString('base64url'));
  });
});

describe('storageFormatArgs', () => {
  test('attaches every value with "=" so that no value can be read as an option', () => {
    const args = storageFormatArgs({ classpath: '/cp', propertiesFile: '/data/server.properties', clusterId: '-abc' });

    expect(args.slice(-4)).toEqual(['kafka.tools.StorageTool', 'format', '--cluster-id=-abc', '--config=/data/server.properties']);
  });
});

describe('storageFormatError', () => {
  test("reports the tool's own output first and gives no directory advice for an argument error", () => {
    const error = storageFormatError('/data/logs', 'kafka-storage: error: argument --cluster-id/-t: expected one argument');

    expect(error.message).toBe(
      'formatting the Kafka storage in /data/logs failed: kafka-storage said:\nkafka-storage: error: argument --cluster-id/-t: expected one argument',
    );
    expect(error.message).not.toMatch(/delete/);
  });

  test('advises deleting the directory when the tool says it holds another format', () => {
    const error = storageFormatError('/data/logs', 'Log directory /data/logs is already formatted. Use --ignore-formatted');

    expect(error.message).toMatch(/^formatting the Kafka storage in \/data\/logs failed: kafka-storage said:\nLog directory/);
    expect(error.message).toMatch(/delete it to start this broker empty/);
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
