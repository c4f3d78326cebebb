import { CompressionTypes, type Kafka } from 'kafkajs';
import { canCompress } from '../../../../../lambdas/adapters/kafka/kafkajs/codecs';
import { MessageTooLargeError, type OutgoingMessage } from '../../../../../lambdas/adapters/kafka/port';
import { KafkajsPublisher, MAX_REQUEST_BYTES, requestsOf } from '../../../../../lambdas/adapters/kafka/kafkajs/publisher';

const message = (bytes: number, key = 'k'): OutgoingMessage => ({ key, value: Buffer.alloc(bytes - Buffer.byteLength(key), 'x') });

/** A kafkajs client whose producer records its sends and fails the ones `refuse` picks. */
function fakeKafka(refuse: (values: number) => Error | undefined = () => undefined) {
  const sends: { topic: string; sizes: number[] }[] = [];
  const producer = {
    connect: jest.fn(async () => undefined),
    disconnect: jest.fn(async () => undefined),
    send: jest.fn(async ({ topic, messages }: { topic: string; messages: { value: Buffer }[] }) => {
      const error = refuse(messages.length);
      if (error) throw error;
      sends.push({ topic, sizes: messages.map((m) => m.value.byteLength + 1) });
      return [];
    }),
  };
  return { kafka: { producer: () => producer } as unknown as Kafka, sends, producer };
}

describe('requestsOf', () => {
  it('keeps each request under the byte budget, in order, and sends a larger message alone', () => {
    // Act
    const requests = requestsOf([message(300), message(300), message(500), message(2_000), message(10)], 1_000);

    // Assess
    expect(requests.map((request) => [request.start, request.messages.length])).toEqual([
      [0, 2],
      [2, 1],
      [3, 1],
      [4, 1],
    ]);
  });
});

describe('KafkajsPublisher.send', () => {
  it('splits a send of large messages into requests the broker takes', async () => {
    // Prepare: three messages of 300 KiB do not fit one 512 KiB request.
    const { kafka, sends } = fakeKafka();

    // Act
    await new KafkajsPublisher(kafka).send('orders.dlq', [message(300 * 1024), message(300 * 1024), message(1024)]);

    // Assess
    expect(sends.map((send) => send.sizes.length)).toEqual([1, 2]);
    expect(sends.every((send) => send.sizes.reduce((a, b) => a + b, 0) <= MAX_REQUEST_BYTES)).toBe(true);
  });

  it('names the message a broker refuses for its size, once those before it were sent', async () => {
    // Prepare
    const tooLarge = Object.assign(new Error('The request included a message larger than the max message size the server will accept'), { type: 'MESSAGE_TOO_LARGE' });
    let call = 0;
    const { kafka, sends } = fakeKafka(() => (++call === 2 ? tooLarge : undefined));

    // Act
    const sending = new KafkajsPublisher(kafka).send('orders.dlq', [message(400 * 1024), message(900 * 1024), message(10)]);

    // Assess
    await expect(sending).rejects.toMatchObject({ name: 'MessageTooLargeError', index: 1, bytes: 900 * 1024 });
    await expect(sending).rejects.toBeInstanceOf(MessageTooLargeError);
    expect(sends).toHaveLength(1);
  });

  it('rethrows any other failure as it is', async () => {
    // Prepare
    const { kafka } = fakeKafka(() => Object.assign(new Error('broker down'), { type: 'NETWORK' }));

    // Act
    const sending = new KafkajsPublisher(kafka).send('orders.dlq', [message(10)]);

    // Assess
    await expect(sending).rejects.toThrow('broker down');
  });
});

describe('KafkajsPublisher compression', () => {
  it('sends every request with the codec it was given', async () => {
    // Prepare
    const { kafka, producer } = fakeKafka();

    // Act
    await new KafkajsPublisher(kafka, Date.now, 'lz4').send('orders', [message(300 * 1024), message(300 * 1024)]);

    // Assess
    expect(producer.send.mock.calls.map(([request]) => (request as { compression?: number }).compression)).toEqual([CompressionTypes.LZ4, CompressionTypes.LZ4]);
  });

  it('sends uncompressed batches unless told otherwise', async () => {
    // Prepare
    const { kafka, producer } = fakeKafka();

    // Act
    await new KafkajsPublisher(kafka).send('orders', [message(10)]);

    // Assess
    expect(producer.send).toHaveBeenCalledWith(expect.objectContaining({ compression: CompressionTypes.None }));
  });

  it('fails when built, not at its first send, for a codec this Node.js cannot compress', () => {
    // Prepare
    const { kafka } = fakeKafka();

    // Act
    const build = () => new KafkajsPublisher(kafka, Date.now, 'zstd');

    // Assess
    if (canCompress('zstd')) expect(build).not.toThrow();
    else expect(build).toThrow(/zstd compression needs Node\.js 22\.15 or later/);
  });
});

describe('KafkajsPublisher and IAM sessions', () => {
  it('reconnects before the IAM session of its connection ends, and not before', async () => {
    // Prepare: each new client signs a token that expires 15 minutes after it is made.
    let now = Date.parse('2026-11-25T04:00:00Z');
    const clients: { producer: ReturnType<typeof fakeKafka>['producer'] }[] = [];
    const publisher = new KafkajsPublisher(async (hooks) => {
      hooks.onTokenSigned(now + 15 * 60_000);
      const fake = fakeKafka();
      clients.push({ producer: fake.producer });
      return fake.kafka;
    }, () => now);

    // Act
    await publisher.send('orders', [message(10)]);
    now += 13 * 60_000;
    await publisher.send('orders', [message(10)]);
    now += 60_000;
    await publisher.send('orders', [message(10)]);

    // Assess: at 14 minutes the token has 1 minute left, the renewal margin.
    expect(clients).toHaveLength(2);
    expect(clients[0]?.producer.disconnect).toHaveBeenCalledTimes(1);
    expect(clients[1]?.producer.send).toHaveBeenCalledTimes(1);
  });

  it('keeps a plaintext connection, which has no session to end', async () => {
    // Prepare
    let now = 0;
    const { kafka, producer } = fakeKafka();
    const publisher = new KafkajsPublisher(kafka, () => now);

    // Act
    await publisher.send('orders', [message(10)]);
    now += 24 * 3_600_000;
    await publisher.send('orders', [message(10)]);

    // Assess
    expect(producer.connect).toHaveBeenCalledTimes(1);
    expect(producer.disconnect).not.toHaveBeenCalled();
  });
});
