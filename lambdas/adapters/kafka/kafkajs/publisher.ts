/**
 * The kafkajs implementation of {@link KafkaPublisher}: an idempotent producer, connected on first
 * use and kept for the life of the execution environment (MSK limits new IAM connections per
 * broker), split into requests the broker takes, and reconnected before its IAM session ends.
 */
import { Partitioners, type IHeaders, type Kafka, type Producer } from 'kafkajs';
import { MessageTooLargeError, type CompressionCodec, type KafkaPublisher, type OutgoingHeader, type OutgoingMessage } from '../port';
import { assertCanCompress, kafkajsCompressionOf } from './codecs';

/**
 * Most bytes of messages in one produce request. A broker checks a record batch as a whole
 * against the topic's `max.message.bytes` (1 MiB by default on Kafka and MSK:
 * https://kafka.apache.org/documentation/#topicconfigs_max.message.bytes), so a request of many
 * large messages would be refused although each fits; a message larger than this goes alone.
 */
export const MAX_REQUEST_BYTES = 512 * 1024;

/** How long before its IAM session ends a connection is replaced, in ms. */
export const SESSION_RENEWAL_MARGIN_MS = 60_000;

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

/** kafkajs takes a map whose repeated names hold lists; every value is kept, in order per name. */
export function toKafkajsHeaders(headers: readonly OutgoingHeader[]): IHeaders {
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

/** kafkajs's protocol errors for a message or batch over the broker's size limit. */
const TOO_LARGE_ERRORS = new Set(['MESSAGE_TOO_LARGE', 'RECORD_LIST_TOO_LARGE']);

/** What the publisher tells the client it builds: the expiry of each IAM token signed. */
export interface SessionHooks {
  onTokenSigned(expiresAtMs: number): void;
}

/** An idempotent kafkajs producer; see the module comment. */
export class KafkajsPublisher implements KafkaPublisher {
  private producer: Producer | undefined;
  private connecting: Promise<Producer> | undefined;
  /** Earliest end of an IAM session of the current connections; never for plaintext. */
  private sessionEndsAt = Number.POSITIVE_INFINITY;

  /**
   * @param compression - codec of every batch it sends
   * @throws Error when this process cannot compress with `compression` (zstd before Node.js 22.15)
   */
  constructor(
    private readonly kafka: Kafka | ((hooks: SessionHooks) => Promise<Kafka>),
    private readonly now: () => number = Date.now,
    private readonly compression: CompressionCodec = 'none',
  ) {
    // At construction, i.e. a Lambda's cold start or a tool's start, not at the first send.
    assertCanCompress(compression);
  }

  async send(topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    if (this.producer && this.now() >= this.sessionEndsAt - SESSION_RENEWAL_MARGIN_MS) await this.disconnect();
    const producer = await this.connected();
    for (const request of requestsOf(messages)) {
      try {
        await producer.send({
          topic,
          acks: -1,
          compression: kafkajsCompressionOf(this.compression),
          messages: request.messages.map((message) => ({
            key: message.key,
            value: message.value,
            headers: message.headers ? toKafkajsHeaders(message.headers) : undefined,
            ...(message.timestamp === undefined ? {} : { timestamp: String(message.timestamp) }),
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
    this.sessionEndsAt = Number.POSITIVE_INFINITY;
    await producer?.disconnect();
  }

  private connected(): Promise<Producer> {
    this.connecting ??= (async () => {
      const hooks: SessionHooks = { onTokenSigned: (expiresAtMs) => (this.sessionEndsAt = Math.min(this.sessionEndsAt, expiresAtMs)) };
      const kafka = typeof this.kafka === 'function' ? await this.kafka(hooks) : this.kafka;
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
