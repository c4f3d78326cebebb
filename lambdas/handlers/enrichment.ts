/**
 * Enrichment consumer: validates and enriches each record, stores valid events in the `events`
 * table (idempotent by event id) and sends invalid ones, bytes untouched, to `<stream>.dlq`.
 * No record fails the batch: an invalid one is dead-lettered with its reason, and one DynamoDB
 * refuses although it passed validation is dead-lettered as `unprocessable`. Only a transient
 * failure to store or to dead-letter fails the batch, so nothing is lost.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import { createLogger } from '../adapters/logging';
import { createMetrics, recordTallies, retryObserver, type PipelineMetrics } from '../adapters/metrics';
import { PIPELINE_METRICS } from '../config/metrics';
import { PIPELINE, deadLetterTopic } from '../config/pipeline';
import { loadSettings, requireSetting, validationLimitsOf } from '../config/settings';
import { createDocumentClient } from '../adapters/dynamodb/client';
import { EventsRepository, type EventToStore } from '../adapters/dynamodb/eventsRepository';
import { recordsOf, type KafkaRecord } from '../adapters/kafka/mskEvent';
import { createKafkaPort, kafkaConnectionOf, MessageTooLargeError, type KafkaPublisher, type OutgoingHeader, type OutgoingMessage } from '../adapters/kafka';
import { tallyByStream, validateBatch } from '../domain/batch';
import { invalid, type InvalidRecord, type ValidationLimits } from '../domain/validation';
import type { HandlerInstance } from './handlerInstance';

/** Header names of a dead letter; the original headers are kept before them. */
export const DEAD_LETTER_HEADERS = {
  reason: 'pulse-reason',
  detail: 'pulse-detail',
  sourceTopic: 'pulse-source-topic',
  sourcePartition: 'pulse-source-partition',
  sourceOffset: 'pulse-source-offset',
  sourceTimestamp: 'pulse-source-timestamp',
  /** Only on a letter sent without the record's value because the topic refused its size: the bytes left out. */
  valueOmitted: 'pulse-value-omitted-bytes',
} as const;

/** Longest `pulse-detail` header, in characters: a huge schema report must not bloat the record. */
const MAX_DETAIL_CHARS = 1024;

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
  /** Of the dead letters, those DynamoDB refused although they passed validation. */
  readonly unprocessable: number;
}

/**
 * The dead letter of an invalid record: its original key, value and headers (every one, in order,
 * even one named like Pulse's own), then Pulse's headers saying why and where from. A reader that
 * takes the last value of a name gets Pulse's.
 */
export function deadLetterOf(record: KafkaRecord, invalid: InvalidRecord): OutgoingMessage {
  const headers: OutgoingHeader[] = [
    ...record.headers,
    [DEAD_LETTER_HEADERS.reason, invalid.reason],
    [DEAD_LETTER_HEADERS.detail, invalid.detail.slice(0, MAX_DETAIL_CHARS)],
    [DEAD_LETTER_HEADERS.sourceTopic, record.topic],
    [DEAD_LETTER_HEADERS.sourcePartition, String(record.partition)],
    [DEAD_LETTER_HEADERS.sourceOffset, String(record.offset)],
    [DEAD_LETTER_HEADERS.sourceTimestamp, String(record.timestampMs)],
  ];
  return { key: record.key, value: record.value, headers };
}

/**
 * A dead letter without its value, for a record the dead-letter topic refuses for its size (the
 * letter's headers make it larger than the record). The record itself stays in its topic, found
 * by the letter's source headers; the letter says how many bytes were left out.
 */
export function withoutValue(letter: OutgoingMessage, bytes: number): OutgoingMessage {
  return { ...letter, value: null, headers: [...(letter.headers ?? []), [DEAD_LETTER_HEADERS.valueOmitted, String(bytes)]] };
}

/** Sends one topic's dead letters; a letter the topic refuses for its size is sent again without its value. */
async function sendToDeadLetterTopic(publisher: KafkaPublisher, topic: string, messages: readonly OutgoingMessage[]): Promise<void> {
  let rest = [...messages];
  while (rest.length > 0) {
    try {
      await publisher.send(topic, rest);
      return;
    } catch (error) {
      if (!(error instanceof MessageTooLargeError)) throw error;
      const refused = rest[error.index] as OutgoingMessage;
      rest = [withoutValue(refused, refused.value === null ? 0 : Buffer.byteLength(refused.value)), ...rest.slice(error.index + 1)];
    }
  }
}

/** Sends dead letters, grouped by their stream's dead-letter topic. */
export async function sendDeadLetters(publisher: KafkaPublisher, letters: readonly { readonly stream: string; readonly message: OutgoingMessage }[]): Promise<void> {
  const byTopic = new Map<string, OutgoingMessage[]>();
  for (const { stream, message } of letters) {
    const topic = deadLetterTopic(stream);
    const list = byTopic.get(topic);
    if (list) list.push(message);
    else byTopic.set(topic, [message]);
  }
  await Promise.all([...byTopic].map(([topic, messages]) => sendToDeadLetterTopic(publisher, topic, messages)));
}

/** Builds the handler around its dependencies. */
export function createEnrichmentHandler(dependencies: EnrichmentDependencies): (event: unknown) => Promise<EnrichmentResult> {
  const { events, deadLetters, limits, logger, metrics, now = Date.now } = dependencies;
  return async (event) => {
    const validated = validateBatch(recordsOf(event), limits);
    const toStore: EventToStore[] = [];
    const sources = new Map<EventToStore, KafkaRecord>();
    const letters: { stream: string; message: OutgoingMessage }[] = [];
    for (const { record, stream, result } of validated) {
      if (result.valid) {
        const stored = { stream: stream.name, eventId: result.eventId, eventTimeMs: result.eventTimeMs, enrichedJson: result.enrichedJson };
        toStore.push(stored);
        sources.set(stored, record);
      } else {
        letters.push({ stream: stream.name, message: deadLetterOf(record, result) });
      }
    }
    const [rejected] = await Promise.all([events.putEvents(toStore), sendDeadLetters(deadLetters, letters)]);
    if (rejected.length > 0) {
      // Validation lets through only what DynamoDB should take; each of these is a bug to fix.
      for (const { event: refused, detail } of rejected) {
        logger?.error('event refused by DynamoDB; dead-lettered as unprocessable', { stream: refused.stream, eventId: refused.eventId, detail });
      }
      await sendDeadLetters(
        deadLetters,
        rejected.map(({ event: refused, detail }) => ({
          stream: refused.stream,
          message: deadLetterOf(sources.get(refused) as KafkaRecord, invalid('unprocessable', `DynamoDB refused the event: ${detail}`)),
        })),
      );
    }
    const outcome = { stored: toStore.length - rejected.length, deadLettered: letters.length + rejected.length, unprocessable: rejected.length };
    logger?.info('batch enriched', { records: validated.length, ...outcome });
    if (metrics) {
      recordTallies(metrics, tallyByStream(validated), { valid: PIPELINE_METRICS.eventsStored, invalid: PIPELINE_METRICS.deadLetters }, now());
      if (rejected.length > 0) metrics.add(PIPELINE_METRICS.unprocessableRecords, 'Count', rejected.length);
      metrics.publish();
    }
    return outcome;
  };
}

/** The handler as configured by an environment, with a way to close its Kafka connection. */
export function enrichmentFromEnvironment(env: NodeJS.ProcessEnv = process.env): HandlerInstance<EnrichmentResult> {
  const settings = loadSettings(env);
  const connection = kafkaConnectionOf(settings);
  const deadLetters = createKafkaPort(connection).publisher(`${PIPELINE.projectName}-enrichment`);
  const logger = createLogger('enrichment', env);
  const metrics = createMetrics('enrichment', env);
  const invoke = createEnrichmentHandler({
    events: new EventsRepository(createDocumentClient({ endpoint: settings.DYNAMODB_ENDPOINT, region: settings.AWS_REGION }), {
      tableName: requireSetting(settings, 'EVENTS_TABLE', 'the enrichment function writes valid events there'),
      retentionMs: settings.PULSE_EVENTS_RETENTION_DAYS * 86_400_000,
      onRetry: retryObserver(logger, metrics),
    }),
    deadLetters,
    limits: validationLimitsOf(settings),
    logger,
    metrics,
  });
  return { invoke, close: () => deadLetters.disconnect() };
}
