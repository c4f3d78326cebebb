/**
 * The `Custom::PulseKafkaTopics` resource: creates the pipeline's topics on an MSK cluster through
 * the Kafka admin API, over IAM authentication and TLS. CloudFormation's `AWS::MSK::Topic` does not
 * work on MSK Serverless, nor on a cluster whose Kafka version is unknown (an existing one), so the
 * CDK app uses this resource there (it is the `onEvent` handler of a CDK `Provider`).
 *
 * - Create and Update create the topics that are missing and leave existing ones as they are, so
 *   running it again, or adding a stream, is safe.
 * - Delete keeps the topics: removing the stack, or a stream, never deletes records.
 */
import type { Logger } from '@aws-lambda-powertools/logger';
import type { CloudFormationCustomResourceEvent } from 'aws-lambda';
import { z } from 'zod';
import { createLogger } from '../adapters/logging';
import { createKafkaPort, mskConnectionOf, type KafkaAdmin } from '../adapters/kafka';
import { ConfigurationError, type SettingProblem } from '../config/errors';
import { mskClusterArn } from '../config/mskClusterArn';
import { PIPELINE, topicConfigOf } from '../config/pipeline';
import { integerIn, matching, problemsOf } from '../config/rules';
import { loadSettings } from '../config/settings';

/** The resource's properties as CloudFormation sends them (numbers arrive as strings). */
export interface KafkaTopicsProperties {
  readonly ClusterArn: string;
  readonly Topics: readonly string[];
  readonly Partitions: string | number;
}

/** What the Provider framework expects back. */
export interface KafkaTopicsResponse {
  readonly PhysicalResourceId: string;
  /** `Topics`: every topic the resource manages; `Created`: those this event created (comma-separated). */
  readonly Data: { readonly Topics: string; readonly Created: string };
}

/** What the handler needs: a connected admin client of a cluster (IAM over TLS on AWS, a fake in tests). */
export interface KafkaTopicsDependencies {
  readonly adminOf: (clusterArn: string) => Promise<Pick<KafkaAdmin, 'ensureTopics' | 'close'>>;
  readonly logger?: Logger;
}

/** Invalid resource properties: a wiring error in the CDK app, reported to CloudFormation as the failure reason. */
export class InvalidTopicsPropertiesError extends ConfigurationError {
  override readonly name = 'InvalidTopicsPropertiesError';

  constructor(problems: readonly SettingProblem[]) {
    super('Custom::PulseKafkaTopics properties', problems);
  }
}

const propertiesSchema = z.object({
  ClusterArn: mskClusterArn,
  /** Kafka's own rule for topic names. */
  Topics: z
    .array(matching(/^[A-Za-z0-9._-]{1,249}$/, 'a Kafka topic name'), { error: 'must be a non-empty list of Kafka topic names' })
    .min(1, { error: 'must be a non-empty list of Kafka topic names' }),
  // CloudFormation sends every number as a string.
  Partitions: integerIn(1, 1_000_000, 'a number of partitions'),
});

/** The properties, checked. */
export function topicsPropertiesOf(properties: Record<string, unknown>): { clusterArn: string; topics: string[]; partitions: number } {
  const parsed = propertiesSchema.safeParse(properties);
  if (!parsed.success) throw new InvalidTopicsPropertiesError(problemsOf(parsed.error.issues));
  return { clusterArn: parsed.data.ClusterArn, topics: parsed.data.Topics, partitions: parsed.data.Partitions };
}

/** The physical id: one per cluster, so moving to another cluster creates the topics there and keeps the old ones. */
export function physicalIdOf(clusterArn: string): string {
  return `${clusterArn}/topics`;
}

/** Builds the handler around its dependencies. */
export function createKafkaTopicsHandler(dependencies: KafkaTopicsDependencies): (event: CloudFormationCustomResourceEvent) => Promise<KafkaTopicsResponse> {
  const { adminOf, logger } = dependencies;
  return async (event) => {
    if (event.RequestType === 'Delete') {
      // Topics hold the stream's records; deleting them with the stack would lose data for good.
      logger?.info('topics kept on delete', { physicalResourceId: event.PhysicalResourceId });
      return { PhysicalResourceId: event.PhysicalResourceId, Data: { Topics: '', Created: '' } };
    }
    const { clusterArn, topics, partitions } = topicsPropertiesOf(event.ResourceProperties);
    // The broker chooses the replication factor: MSK Serverless fixes it, a provisioned cluster has its default.
    const admin = await adminOf(clusterArn);
    let created: string[];
    try {
      created = await admin.ensureTopics(topics, { partitions, configOf: topicConfigOf });
    } finally {
      await admin.close();
    }
    logger?.info('topics ensured', { requestType: event.RequestType, topics, created });
    return { PhysicalResourceId: physicalIdOf(clusterArn), Data: { Topics: topics.join(','), Created: created.join(',') } };
  };
}

/**
 * The handler as configured by an environment: the admin client connects with IAM in the
 * function's region (`AWS_REGION`), or the cluster's when it is not set.
 * @throws ConfigurationError naming the malformed variable
 */
export function kafkaTopicsFromEnvironment(env: NodeJS.ProcessEnv = process.env): ReturnType<typeof createKafkaTopicsHandler> {
  const settings = loadSettings(env);
  return createKafkaTopicsHandler({
    adminOf: (clusterArn) => createKafkaPort(mskConnectionOf(clusterArn, settings.AWS_REGION)).admin(`${PIPELINE.projectName}-topics`),
    logger: createLogger('topics', env),
  });
}
