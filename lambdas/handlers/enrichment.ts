/**
 * Enrichment consumer: validates and enriches each record, stores valid events in the `events`
 * table (idempotent by event id) and sends invalid ones, bytes untouched, to `<stream>.dlq`.
 * An invalid record never fails the batch; only a failure to store or dead-letter does, so
 * nothing is lost.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../adapters/logging';
import { createMetrics, recordTallies, type PipelineMetrics } from '../adapters/metrics';
import { PIPELINE_METRICS } from '../config/metrics';
import { PIPELINE, deadLetterTopic } from '../config/pipeline';
import { loadSettings, requireSetting, validationLimitsOf } from '../config/settings';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { EventsRepository, type EventToStore } from '../adapters/dynamodb/eventsRepository';
import { createKafka, kafkaConnectionOf } from '../adapters/kafka/client';
import { recordsOf, type KafkaRecord } from '../adapters/kafka/mskEvent';
import { KafkajsPublisher, type KafkaPublisher, type OutgoingMessage } from '../adapters/kafka/publisher';
import { tallyByStream, validateBatch } from '../domain/batch';
import type { InvalidRecord, ValidationLimits } from '../domain/validation';
import type { HandlerInstance } from './handlerInstance';

/** Header names of a dead letter; the original headers are kept beside them. */
export const DEAD_LETTER_HEADERS = {
  reason: 'pulse-reason',
  detail: 'pulse-detail',
  sourceTopic: 'pulse-source-topic',
  sourcePartition: 'pulse-source-partition',
  sourceOffset: 'pulse-source-offset',
  sourceTimestamp: 'pulse-source-timestamp',
} as const;

/** What the enrichment handler needs. */
export interface EnrichmentDependencies {
  readonly events: Pick<EventsRepository, 'putEvents'>;
  readonly deadLetters: KafkaPublisher;
  readonly limits: ValidationLimits;
  readonly logger?: Logger;
  /** Per stream: events stored, dead letters and the newest record's age. */
  readonly metrics?: PipelineMetrics;
  /** Clock for the record-age metric; injectable for tests. */
  readonly now?: () => number;
}

/** What one invocation did. */
export interface EnrichmentResult {
  readonly stored: number;
  readonly deadLettered: number;
}

/** The dead letter of an invalid record: original key and value, original headers plus why and where from. */
export function deadLetterOf(record: KafkaRecord, invalid: InvalidRecord): OutgoingMessage {
  const headers: Record<string, Buffer | string | Buffer[]> = {};
  for (const [name, bytes] of record.headers) {
    const existing = headers[name];
    headers[name] = existing === undefined ? bytes : [...(Array.isArray(existing) ? existing : [existing as Buffer]), bytes];
  }
  headers[DEAD_LETTER_HEADERS.reason] = invalid.reason;
  // Header values are bytes on the wire; cap the detail so a huge schema report cannot bloat the record.
  headers[DEAD_LETTER_HEADERS.detail] = invalid.detail.slice(0, 1024);
  headers[DEAD_LETTER_HEADERS.sourceTopic] = record.topic;
  headers[DEAD_LETTER_HEADERS.sourcePartition] = String(record.partition);
  headers[DEAD_LETTER_HEADERS.sourceOffset] = String(record.offset);
  headers[DEAD_LETTER_HEADERS.sourceTimestamp] = String(record.timestampMs);
  return { key: record.key, value: record.value, headers };
}

/** Builds the handler around its dependencies. */
export function createEnrichmentHandler(dependencies: EnrichmentDependencies): (event: unknown) => Promise<EnrichmentResult> {
  const { events, deadLetters, limits, logger, metrics, now = Date.now } = dependencies;
  return async (event) => {
    const validated = validateBatch(recordsOf(event), limits);
    const toStore: EventToStore[] = [];
    const letters = new Map<string, OutgoingMessage[]>();
    for (const { record, stream, result } of validated) {
      if (result.valid) {
        toStore.push({ stream: stream.name, eventId: result.eventId, eventTimeMs: result.eventTimeMs, enriched: result.enriched });
        continue;
      }
      const topic = deadLetterTopic(stream.name);
      const list = letters.get(topic) ?? [];
      list.push(deadLetterOf(record, result));
      letters.set(topic, list);
    }
    await Promise.all([
      events.putEvents(toStore),
      ...[...letters].map(([topic, messages]) => deadLetters.send(topic, messages)),
    ]);
    const outcome = { stored: toStore.length, deadLettered: validated.length - toStore.length };
    logger?.info('batch enriched', { records: validated.length, ...outcome });
    if (metrics) {
      recordTallies(metrics, tallyByStream(validated), { valid: PIPELINE_METRICS.eventsStored, invalid: PIPELINE_METRICS.deadLetters }, now());
      metrics.publish();
    }
    return outcome;
  };
}

/** The handler as configured by an environment, with a way to close its Kafka connection. */
export function enrichmentFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerInstance<EnrichmentResult> {
  const settings = loadSettings(env);
  const connection = kafkaConnectionOf(settings);
  const deadLetters = new KafkajsPublisher(() => createKafka(connection, `${PIPELINE.projectName}-enrichment`));
  const invoke = createEnrichmentHandler({
    events: new EventsRepository(createDocumentClient({ endpoint: settings.DYNAMODB_ENDPOINT, region: settings.AWS_REGION }), {
      tableName: requireSetting(settings, 'EVENTS_TABLE', 'the enrichment function writes valid events there'),
      retentionMs: settings.PULSE_EVENTS_RETENTION_DAYS * 86_400_000,
    }),
    deadLetters,
    limits: validationLimitsOf(settings),
    logger: createLogger('enrichment', env),
    metrics: createMetrics('enrichment', env),
  });
  return { invoke, close: () => deadLetters.disconnect() };
}

let environmentHandler: HandlerInstance<EnrichmentResult> | undefined;

/** The Lambda entry point; dependencies are built once per execution environment. */
export const handler = (event: unknown): Promise<EnrichmentResult> => {
  environmentHandler ??= enrichmentFromEnvironment();
  return environmentHandler.invoke(event);
};
