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
import { createLogger } from '../adapters/logging';
import { createKafkaPort, regionOfClusterArn, type KafkaAdmin } from '../adapters/kafka';
import { PIPELINE, topicConfigOf } from '../config/pipeline';

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
export class InvalidTopicsPropertiesError extends Error {
  override readonly name = 'InvalidTopicsPropertiesError';
}

const CLUSTER_ARN = /^arn:aws[a-z-]*:kafka:[a-z0-9-]+:\d{12}:cluster\/[A-Za-z0-9-]+\/[A-Za-z0-9-]+$/;
/** Kafka's own rule for topic names. */
const TOPIC_NAME = /^[A-Za-z0-9._-]{1,249}$/;

/** The properties, checked. */
export function topicsPropertiesOf(properties: Record<string, unknown>): { clusterArn: string; topics: string[]; partitions: number } {
  const { ClusterArn, Topics, Partitions } = properties as Partial<KafkaTopicsProperties>;
  const problems: string[] = [];
  if (typeof ClusterArn !== 'string' || !CLUSTER_ARN.test(ClusterArn)) problems.push(`ClusterArn must be an MSK cluster ARN (got ${JSON.stringify(ClusterArn)})`);
  const topics = Array.isArray(Topics) ? Topics : [];
  if (topics.length === 0 || topics.some((topic) => typeof topic !== 'string' || !TOPIC_NAME.test(topic))) {
    problems.push(`Topics must be a non-empty list of Kafka topic names (got ${JSON.stringify(Topics)})`);
  }
  const partitions = Number(Partitions);
  if (!Number.isInteger(partitions) || partitions < 1) problems.push(`Partitions must be a positive integer (got ${JSON.stringify(Partitions)})`);
  if (problems.length > 0) throw new InvalidTopicsPropertiesError(problems.join('; '));
  return { clusterArn: ClusterArn as string, topics: topics as string[], partitions };
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

let environmentHandler: ReturnType<typeof createKafkaTopicsHandler> | undefined;

/** The Lambda entry point (the Provider's `onEvent`). */
export const handler = (event: CloudFormationCustomResourceEvent): Promise<KafkaTopicsResponse> => {
  environmentHandler ??= createKafkaTopicsHandler({
    adminOf: (clusterArn) =>
      createKafkaPort({ kind: 'msk-iam', clusterArn, region: process.env.AWS_REGION ?? regionOfClusterArn(clusterArn) }).admin(`${PIPELINE.projectName}-topics`),
    logger: createLogger('topics'),
  });
  return environmentHandler(event);
};
