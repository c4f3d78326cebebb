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
  send(topic: string, messages: readonly OutgoingMessage[]): Promise<void>;
  disconnect(): Promise<void>;
}

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
    await producer.send({
      topic,
      acks: -1,
      messages: messages.map((message) => ({
        key: message.key,
        value: message.value,
        headers: message.headers ? toKafkajsHeaders(message.headers) : undefined,
      })),
    });
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
