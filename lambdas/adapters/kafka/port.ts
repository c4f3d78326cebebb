/**
 * Kafka behind one port: producing, consuming in a group (batches, rebalances, commits) and
 * administration (topics, offsets, readiness). Handlers, the local twin, the status line and the
 * benchmarks see only these types; one implementation (`./kafkajs`) knows the client library, so
 * another client can be a drop-in.
 */

/** Where the brokers are: a list for a local broker, or an MSK cluster reached with IAM over TLS. */
export type KafkaConnection =
  | { readonly kind: 'brokers'; readonly brokers: readonly string[] }
  | { readonly kind: 'msk-iam'; readonly clusterArn: string; readonly region: string };

/** One record header: Kafka allows a name to repeat, so headers are a list, not a map. */
export type OutgoingHeader = readonly [name: string, value: Buffer | string];

/** One message to produce. */
export interface OutgoingMessage {
  readonly key: Buffer | string | null;
  readonly value: Buffer | string | null;
  /** In order; a repeated name keeps every value, in order. */
  readonly headers?: readonly OutgoingHeader[];
  /** Record timestamp, ms since the epoch; the producer's clock when absent. */
  readonly timestamp?: number;
}

/**
 * How a producer compresses its record batches: the codecs Kafka has. Consumers read every one of
 * them whatever a publisher uses, as Lambda's event source mapping does.
 */
export type CompressionCodec = 'none' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

/** Every {@link CompressionCodec}, for validating a setting or a command-line flag. */
export const COMPRESSION_CODECS: readonly CompressionCodec[] = ['none', 'gzip', 'snappy', 'lz4', 'zstd'];

/** Options of a publisher. */
export interface PublisherOptions {
  /** Codec of the record batches it sends. @default 'none' */
  readonly compression?: CompressionCodec;
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

/** A record as a consumer receives it. */
export interface ConsumedRecord {
  readonly topic: string;
  readonly partition: number;
  /** Decimal text: offsets are 64-bit. */
  readonly offset: string;
  /** Ms since the epoch, as decimal text (it may lie outside the JavaScript date range). */
  readonly timestamp: string;
  readonly timestampType: 'CREATE_TIME' | 'LOG_APPEND_TIME';
  readonly key: Buffer | null;
  readonly value: Buffer | null;
  /** In arrival order; a repeated name is repeated. */
  readonly headers: readonly (readonly [string, Buffer])[];
}

/** Records of one partition fetched together, in offset order. */
export interface FetchedBatch {
  readonly topic: string;
  readonly partition: number;
  readonly records: readonly ConsumedRecord[];
}

/** What a batch callback may do while it holds its batch. */
export interface BatchControls {
  /** Moves the fetch position past `offset` (not the committed offset). */
  markFetched(offset: string): void;
  /** Keeps the group membership while the callback waits. */
  heartbeat(): Promise<void>;
  /** False once the consumer stops or the batch's partition moved to another member. */
  isActive(): boolean;
}

/** A committed position: the next offset to read. */
export interface PartitionOffset {
  readonly topic: string;
  readonly partition: number;
  readonly offset: string;
}

/** What a group member is told of its group. */
export interface ConsumerGroupEvents {
  /** After each join: the partitions assigned to this member, as `<topic>-<partition>`. */
  readonly onJoin?: (assigned: readonly string[]) => void;
  /** A rebalance started: every partition may move. */
  readonly onRebalance?: () => void;
  /** The consumer failed; `willRestart` says whether it starts again by itself. */
  readonly onCrash?: (error: unknown, willRestart: boolean) => void;
}

/** Options of a consumer group member. */
export interface ConsumerGroupOptions {
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without committed offsets starts: the log start (true) or its end. */
  readonly fromBeginning: boolean;
  /** Longest wait of an idle fetch, in ms: bounds how long stopping takes. */
  readonly maxWaitMs: number;
  /** Partitions fetched in parallel. */
  readonly partitionsConsumedConcurrently: number;
  readonly events?: ConsumerGroupEvents;
}

/** One member of a consumer group that commits only when told to. */
export interface ConsumerGroupMember {
  /** Joins the group and calls `onBatch` for each fetched batch; resolves once running. */
  start(onBatch: (batch: FetchedBatch, controls: BatchControls) => Promise<void>): Promise<void>;
  commit(offsets: readonly PartitionOffset[]): Promise<void>;
  /** Stops fetching (locally, at once); what is fetched stays. */
  pause(): void;
  /** Leaves the group and disconnects. */
  stop(): Promise<void>;
}

/** The offsets of one partition: the log start and end (the next offset to be written). */
export interface PartitionBounds {
  readonly partition: number;
  readonly low: bigint;
  readonly high: bigint;
}

/** How new topics are created. */
export interface TopicSettings {
  readonly partitions: number;
  /** Copies of each partition; the broker's default when absent (MSK manages it; a single local broker needs 1). */
  readonly replicationFactor?: number;
  /** Topic-level configuration of a new topic, by name. @default the broker's defaults */
  readonly configOf?: (topic: string) => Readonly<Record<string, string>>;
}

/** Cluster administration over one connection. */
export interface KafkaAdmin {
  /**
   * Creates the topics that do not exist yet; existing ones are not altered.
   * @returns the topics it created
   */
  ensureTopics(topics: readonly string[], settings: TopicSettings): Promise<string[]>;
  /** The bounds of every partition of `topic`. */
  topicOffsets(topic: string): Promise<PartitionBounds[]>;
  /** Committed offsets of a group, by `<topic>-<partition>`; absent when the group committed none there. */
  committedOffsets(groupId: string, topics: readonly string[]): Promise<Map<string, bigint>>;
  /** Resolves when the cluster answers and can coordinate a consumer group; throws otherwise. */
  probe(): Promise<void>;
  close(): Promise<void>;
}

/** Tuning of a client; the defaults suit a broker on loopback. */
export interface KafkaClientOptions {
  /** TCP connection timeout, in ms. */
  readonly connectionTimeoutMs?: number;
  /** Request timeout, in ms. */
  readonly requestTimeoutMs?: number;
  /** Retries of a failed request by the client itself. */
  readonly retries?: number;
}

/** The port: everything Pulse asks of Kafka. */
export interface KafkaPort {
  /**
   * An idempotent producer, connected on first send and kept for the life of the process.
   * @throws Error when this process cannot compress with `options.compression` (zstd before Node.js 22.15)
   */
  publisher(clientId: string, options?: PublisherOptions): KafkaPublisher;
  /** A connected admin client; close it when done. */
  admin(clientId: string, options?: KafkaClientOptions): Promise<KafkaAdmin>;
  /** A consumer group member, not yet started. */
  consumerGroupMember(clientId: string, options: ConsumerGroupOptions): ConsumerGroupMember;
}
