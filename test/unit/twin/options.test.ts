import { ConfigurationError } from '../../../lambdas/config/errors';
import { PIPELINE } from '../../../lambdas/config/pipeline';
import { LOCAL_DEFAULTS, environmentOptions, parseLocalOptions, portOf } from '../../../twin/options';

describe('parseLocalOptions', () => {
  it('gives the defaults that --help shows when nothing is set', () => {
    // Act
    const options = parseLocalOptions({});

    // Assess
    expect(options).toEqual({
      backend: 'auto',
      port: 3000,
      host: '127.0.0.1',
      producer: true,
      rate: PIPELINE.producer.eventsPerSecondPerStream,
      kafkaBrokers: 'localhost:9092',
      dynamoDbEndpoint: 'http://localhost:8000',
      eventsTable: 'pulse-events',
      aggregatesTable: 'pulse-aggregates',
      redelivery: 'same',
    });
    expect(options).toMatchObject(LOCAL_DEFAULTS);
  });

  it('reads command-line text and a caller’s typed values alike', () => {
    // Act
    const fromCli = parseLocalOptions({ port: '3001', rate: '0.5', backend: 'jvm', producer: false, dataDir: '.pulse' });
    const fromCode = parseLocalOptions({ port: 3001, rate: 0.5, backend: 'jvm', producer: false, dataDir: '.pulse' });

    // Assess
    expect(fromCli).toEqual(fromCode);
    expect(fromCli).toMatchObject({ port: 3001, rate: 0.5 });
  });

  it('names every bad option at once, by the flag or variable that sets it, with what is valid', () => {
    // Act
    const parsing = () =>
      parseLocalOptions({ backend: 'dockr', port: '80a', rate: '-1', redelivery: 'never', kafkaBrokers: 'localhost', eventsTable: 'ev' }, 'pulse local');

    // Assess
    expect(parsing).toThrow(ConfigurationError);
    expect(parsing).toThrow(
      [
        'invalid `pulse local` options:',
        '  - --backend: must be one of auto, docker, jvm, external (got "dockr")',
        '  - --port: must be a port from 1 to 65535 (got "80a")',
        '  - --rate: must be a number of events per second from 0 up (got "-1")',
        '  - KAFKA_BROKERS: must be host:port[,host:port…] such as localhost:9092 (got "localhost")',
        '  - EVENTS_TABLE: must be a DynamoDB table name (3 to 255 letters, digits, _, . or -) (got "ev")',
        '  - --redelivery: must be one of same, rebatch (got "never")',
      ].join('\n'),
    );
  });

  it.each([
    ['localhost:8000', 'DYNAMODB_ENDPOINT: must be an http:// or https:// URL such as http://localhost:8000 (got "localhost:8000")'],
    ['http://localhost', 'DYNAMODB_ENDPOINT: must name its port, such as http://localhost:8000 (got "http://localhost")'],
  ])('refuses the DynamoDB endpoint %p, which names no port to start DynamoDB Local on', (dynamoDbEndpoint, message) => {
    // Act
    const parsing = () => parseLocalOptions({ dynamoDbEndpoint });

    // Assess
    expect(parsing).toThrow(message);
  });

  it('names the command the options were given to', () => {
    // Act
    const parsing = () => parseLocalOptions({ port: 0 }, 'pulse doctor');

    // Assess
    expect(parsing).toThrow('invalid `pulse doctor` options:\n  - --port: must be a port from 1 to 65535 (got "0")');
  });
});

describe('environmentOptions', () => {
  it('reads where the broker and DynamoDB are and the table names, leaving the rest to the defaults', () => {
    // Prepare
    const env = { KAFKA_BROKERS: 'broker:29092', DYNAMODB_ENDPOINT: 'http://dynamodb:8000', EVENTS_TABLE: 'my-events', PATH: '/usr/bin' };

    // Act
    const options = parseLocalOptions(environmentOptions(env));

    // Assess
    expect(options).toMatchObject({ kafkaBrokers: 'broker:29092', dynamoDbEndpoint: 'http://dynamodb:8000', eventsTable: 'my-events', aggregatesTable: 'pulse-aggregates' });
  });
});

describe('portOf', () => {
  it.each([
    ['localhost:9092', 9092],
    ['broker-1:19092,broker-2:19093', 19092],
    ['[::1]:9094', 9094],
    ['http://localhost:8000', 8000],
    ['http://127.0.0.1:4566/', 4566],
  ])('gives the port of %p', (address, port) => {
    // Act
    const found = portOf(address);

    // Assess
    expect(found).toBe(port);
  });
});
