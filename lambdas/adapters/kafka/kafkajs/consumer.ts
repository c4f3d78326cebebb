/**
 * The kafkajs implementation of {@link ConsumerGroupMember}: a consumer that never commits on its
 * own, hands each fetched batch to the caller and reports joins, rebalances and crashes.
 */
import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import type { BatchControls, ConsumedRecord, ConsumerGroupMember, ConsumerGroupOptions, FetchedBatch, PartitionOffset } from '../port';

function headersOf(message: KafkaMessage): [string, Buffer][] {
  const headers: [string, Buffer][] = [];
  for (const [name, value] of Object.entries(message.headers ?? {})) {
    if (value === undefined) continue;
    // kafkajs folds a repeated header into an array, and hands a null value through although its type says otherwise.
    for (const one of Array.isArray(value) ? value : [value]) headers.push([name, one === null ? Buffer.alloc(0) : Buffer.from(one)]);
  }
  return headers;
}

/**
 * The record batch's timestamp type. kafkajs keeps the batch attributes on each message without
 * declaring them; reading them is this adapter's business alone.
 */
function timestampTypeOf(message: KafkaMessage): ConsumedRecord['timestampType'] {
  const context = (message as { batchContext?: { timestampType?: number } }).batchContext;
  return context?.timestampType === 1 ? 'LOG_APPEND_TIME' : 'CREATE_TIME';
}

/** A consumer group member over a kafkajs consumer. */
export class KafkajsConsumerGroupMember implements ConsumerGroupMember {
  constructor(
    private readonly consumer: Consumer,
    private readonly options: ConsumerGroupOptions,
  ) {
    const { events } = options;
    consumer.on(consumer.events.REBALANCING, () => events?.onRebalance?.());
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      events?.onJoin?.(Object.entries(payload.memberAssignment).flatMap(([topic, partitions]) => partitions.map((partition) => `${topic}-${partition}`)));
    });
    consumer.on(consumer.events.CRASH, ({ payload }) => events?.onCrash?.(payload.error, payload.restart));
  }

  async start(onBatch: (batch: FetchedBatch, controls: BatchControls) => Promise<void>): Promise<void> {
    await this.consumer.connect();
    await this.consumer.subscribe({ topics: [...this.options.topics], fromBeginning: this.options.fromBeginning });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.options.partitionsConsumedConcurrently,
      eachBatch: async ({ batch, resolveOffset, heartbeat, isRunning, isStale }: EachBatchPayload) => {
        if (!isRunning() || isStale() || batch.messages.length === 0) return;
        const records = batch.messages.map(
          (message): ConsumedRecord => ({
            topic: batch.topic,
            partition: batch.partition,
            offset: message.offset,
            timestamp: message.timestamp,
            timestampType: timestampTypeOf(message),
            key: message.key,
            value: message.value,
            headers: headersOf(message),
          }),
        );
        await onBatch(
          { topic: batch.topic, partition: batch.partition, records },
          { markFetched: (offset) => resolveOffset(offset), heartbeat, isActive: () => isRunning() && !isStale() },
        );
      },
    });
  }

  async commit(offsets: readonly PartitionOffset[]): Promise<void> {
    await this.consumer.commitOffsets(offsets.map(({ topic, partition, offset }) => ({ topic, partition, offset })));
  }

  pause(): void {
    this.consumer.pause(this.options.topics.map((topic) => ({ topic })));
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}
