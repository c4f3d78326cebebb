/**
 * Producing to Kafka behind a small interface, so the client library can be swapped and the
 * handlers unit-tested without a broker.
 */
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';

/** One record header: Kafka allows a name to repeat, so headers are a list, not a map. */
export type OutgoingHeader = readonly [name: string, value: Buffer | string];

/** One message to produce. */
export interface OutgoingMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  /** In order; a repeated name keeps every value, in order. */
  readonly headers?: readonly OutgoingHeader[];
}

/** kafkajs takes a map whose repeated names hold lists; every value is kept, in order per name. */
function toKafkajsHeaders(headers: readonly OutgoingHeader[]): IHeaders {
  const byName = new Map<string, (Buffer | string)[]>();
  for (const [name, value] of headers) {
    const values = byName.get(name);
    if (values) values.push(value);
    else byName.set(name, [value]);
  }
  const copy: IHeaders = {};
  for (const [name, values] of byName) copy[name] = values.length === 1 ? (values[0] as Buffer | string) : values;
  return copy;
}

/** Produces messages; implementations are idempotent (no duplicates from their own retries). */
export interface KafkaPublisher {
  /**
   * Sends the messages in order.
   * @throws MessageTooLargeError when the broker refuses one message for its size; those before it were sent
   */
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

/** The broker refused one message as larger than the topic takes (`max.message.bytes`). */
export class MessageTooLargeError extends Error {
  override readonly name = 'MessageTooLargeError';

  constructor(
    /** Position in the `send` call's messages; every message before it was sent. */
    readonly index: number,
    /** Bytes of the refused message's key, value and headers. */
    readonly bytes: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Most bytes of messages in one produce request. A broker checks a record batch as a whole
 * against the topic's `max.message.bytes` (1 MiB by default on Kafka and MSK:
 * https://kafka.apache.org/documentation/#topicconfigs_max.message.bytes), so a request of many
 * large messages would be refused although each fits; a message larger than this goes alone.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** Bytes of a message on the wire, near enough to keep a request under {@link MAX_REQUEST_BYTES}. */
export function messageBytes(message: OutgoingMessage): number {
  const length = (data: Buffer | string | null) => (data === null ? 0 : typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength);
  return length(message.key) + length(message.value) + (message.headers ?? []).reduce((sum, [name, value]) => sum + Buffer.byteLength(name) + length(value), 0);
}

/** Consecutive runs of messages of at most `maxBytes` each (a larger message alone), with the index of each run's first message. */
export function requestsOf(messages: readonly OutgoingMessage[], maxBytes = MAX_REQUEST_BYTES): { readonly start: number; readonly messages: OutgoingMessage[] }[] {
  const requests: { start: number; messages: OutgoingMessage[] }[] = [];
  let bytes = 0;
  messages.forEach((message, index) => {
    const size = messageBytes(message);
    const last = requests[requests.length - 1];
    if (last && bytes + size <= maxBytes) {
      last.messages.push(message);
      bytes += size;
    } else {
      requests.push({ start: index, messages: [message] });
      bytes = size;
    }
  });
  return requests;
}

/** kafkajs's protocol errors for a message or batch over the broker's size limit. */
const TOO_LARGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/**
 * An idempotent kafkajs producer, connected on first use and kept for the life of the execution
 * environment. Idempotence needs at most one request in flight per connection in kafkajs.
 */
export class KafkajsPublisher implements KafkaPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;

  constructor(private readonly kafka: Kafka | (() => Promise<Kafka>)) {}

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    const producer = await this.connected();
    for (const request of requestsOf(messages)) {
      try {
        await producer.send({
          topic,
          acks: -1,
          messages: request.messages.map((message) => ({
            key: message.key,
            value: message.value,
            headers: message.headers ? toKafkajsHeaders(message.headers) : undefined,
          })),
        });
      } catch (error) {
        const type = (error as { type?: unknown }).type;
        if (request.messages.length !== 1 || typeof type !== 'string' || !TOO_LARGE_ERRORS.has(type)) throw error;
        const [only] = request.messages as [OutgoingMessage];
        throw new MessageTooLargeError(request.start, messageBytes(only), `${topic} refused a message of ${messageBytes(only)} bytes: ${(error as Error).message}`);
      }
    }
  }

  async disconnect(): Promise<void> {
    const producer = this.producer;
    this.producer = undefined;
    this.connecting = undefined;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    this.connecting ??= (async () => {
      const kafka = typeof this.kafka === 'function' ? await this.kafka() : this.kafka;
      // murmur2 on the key, as the Java client partitions, so an entity's events land where any other producer would put them.
      const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1, createPartitioner: Partitioners.DefaultPartitioner });
      await producer.connect();
      this.producer = producer;
      return producer;
    })().catch((error: unknown) => {
      this.connecting = undefined;
      throw error;
    });
    return this.connecting;
  }
}
