import { PIPELINE } from '../../../lambdas/config/pipeline';
import { DEFAULT_ERROR_HANDLING, pipelinePlan, topicPlansOf, type MappingErrorHandling } from '../../../lambdas/config/plan';
import { HANDLER_NAMES, HANDLER_VARIABLES } from '../../../lambdas/config/settings';
import { TABLE_DEFINITIONS } from '../../../lambdas/config/tables';
import { findStream } from '../../../lambdas/domain/streams/registry';
import type { AnyStreamDefinition } from '../../../lambdas/domain/streams/types';

function registered(name: string): AnyStreamDefinition {
  const stream = findStream(name);
  if (!stream) throw new Error(`stream ${name} is not registered`);
  return stream;
}

/** A stream no registry knows: the plan must carry it everywhere from its definition alone. */
const clicks: AnyStreamDefinition = { ...registered('orders'), name: 'clicks' };

describe('topicPlansOf', () => {
  it('lists each registered stream’s topic followed by its dead-letter topic', () => {
    // Act
    const topics = topicPlansOf().map((topic) => topic.name);

    // Assess
    expect(topics).toEqual(['orders', 'orders.dlq', 'tickets', 'tickets.dlq', 'sales', 'sales.dlq', 'tracks', 'tracks.dlq']);
  });

  it('gives dead-letter topics room for a record the size of the largest the pipeline accepts', () => {
    // Act
    const [topic, deadLetter] = topicPlansOf([registered('tickets')]);

    // Assess
    expect(topic).toMatchObject({ name: 'tickets', stream: 'tickets', deadLetter: false, partitions: PIPELINE.topics.partitions, config: {} });
    expect(deadLetter).toMatchObject({
      name: 'tickets.dlq',
      stream: 'tickets',
      deadLetter: true,
      config: { 'max.message.bytes': String(PIPELINE.topics.deadLetterMaxMessageBytes) },
    });
  });
});

describe('pipelinePlan', () => {
  it('carries a new stream to its topics and to one mapping per consumer, each with its own consumer group', () => {
    // Act
    const plan = pipelinePlan({ streams: [clicks], values: {} });

    // Assess
    expect(plan.topics.map((topic) => topic.name)).toEqual(['clicks', 'clicks.dlq']);
    expect(plan.mappings.map(({ consumer, topic, groupId, deadLetterTopic }) => ({ consumer, topic, groupId, deadLetterTopic }))).toEqual([
      { consumer: 'enrichment', topic: 'clicks', groupId: 'pulse-enrichment-clicks', deadLetterTopic: 'clicks.dlq' },
      { consumer: 'aggregation', topic: 'clicks', groupId: 'pulse-aggregation-clicks', deadLetterTopic: 'clicks.dlq' },
    ]);
  });

  it('batches each consumer as the pipeline settings say', () => {
    // Act
    const plan = pipelinePlan({ values: {} });

    // Assess
    for (const mapping of plan.mappings) {
      const settings = PIPELINE.consumers[mapping.consumer];
      expect(mapping).toMatchObject({ batchSize: settings.batchSize, maxBatchingWindowMs: settings.maxBatchingWindowMs, startingPosition: settings.startingPosition });
    }
    expect(plan.mappings).toHaveLength(plan.consumers.length * plan.streams.length);
  });

  it('gives every function exactly the variables it reads, and no others', () => {
    // Prepare
    const values = { EVENTS_TABLE: 'pulse-events', AGGREGATES_TABLE: 'pulse-aggregates', KAFKA_BROKERS: '127.0.0.1:9092', POWERTOOLS_LOG_LEVEL: 'WARN' };

    // Act
    const plan = pipelinePlan({ values });

    // Assess
    expect(plan.functions.enrichment.environment).toEqual({ KAFKA_BROKERS: '127.0.0.1:9092', EVENTS_TABLE: 'pulse-events', POWERTOOLS_LOG_LEVEL: 'WARN' });
    expect(plan.functions.query.environment).toEqual({ EVENTS_TABLE: 'pulse-events', AGGREGATES_TABLE: 'pulse-aggregates', POWERTOOLS_LOG_LEVEL: 'WARN' });
    expect(plan.functions.kafkaTopics.environment).toEqual({ POWERTOOLS_LOG_LEVEL: 'WARN' });
    for (const handler of HANDLER_NAMES) {
      expect(Object.keys(plan.functions[handler].environment).every((variable) => (HANDLER_VARIABLES[handler] as readonly string[]).includes(variable))).toBe(true);
    }
  });

  it('applies the deployment’s error handling to every mapping', () => {
    // Prepare
    const errorHandling: MappingErrorHandling = { retryPolicy: { maximumRetryAttempts: 3, maximumRecordAgeMs: 600_000, bisectBatchOnError: true }, onFailure: 'kafka' };

    // Act
    const plan = pipelinePlan({ values: {}, errorHandling });

    // Assess
    expect(plan.mappings.every((mapping) => mapping.errorHandling === errorHandling)).toBe(true);
    expect(pipelinePlan({ values: {} }).mappings[0]?.errorHandling).toBe(DEFAULT_ERROR_HANDLING);
  });

  it('lists the tables of the pipeline', () => {
    // Act
    const plan = pipelinePlan({ values: {} });

    // Assess
    expect(plan.tables).toBe(TABLE_DEFINITIONS);
  });
});
