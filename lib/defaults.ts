/**
 * Secure, explicit defaults of every resource Pulse deploys, in one place, so that a review of
 * "what does this app do by default" reads one file. Constructs take these and let props override
 * only what a deployment legitimately varies.
 */
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { LogLevel } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';

/** Lambda runtime and architecture: Node.js 22 on Graviton (cheaper per GB-second than x86). */
export const FUNCTION_RUNTIME = {
  runtime: lambda.Runtime.NODEJS_22_X,
  architecture: lambda.Architecture.ARM_64,
} as const;

/**
 * esbuild options for every function, run locally (never in Docker): minified with source maps
 * (without the sources, to keep the zip small), targeting the runtime's Node version. The AWS SDK
 * is bundled rather than taken from the runtime, so AWS runs the exact versions the tests ran.
 */
export const FUNCTION_BUNDLING = {
  minify: true,
  sourceMap: true,
  sourcesContent: false,
  target: 'node22',
  bundleAwsSDK: true,
  forceDockerBundling: false,
  /** esbuild's warnings and errors only, not its per-file size summary. */
  logLevel: LogLevel.WARNING,
} as const;

/** How long function, flow and access logs are kept. */
export const LOG_RETENTION = logs.RetentionDays.ONE_MONTH;

/** Logs are operational, not the pipeline's data: they go with the stack. */
export const LOG_REMOVAL_POLICY = RemovalPolicy.DESTROY;

/** Memory and timeout per function, sized for its batch. */
export const FUNCTION_SIZES = {
  /** 100 records per batch: one BatchWrite per 25 events and a few produce calls. */
  enrichment: { memorySize: 512, timeout: Duration.seconds(60) },
  /** 1,000 records per batch folded in memory, then one read and one write per touched item. */
  aggregation: { memorySize: 1024, timeout: Duration.seconds(120) },
  /** One schedule period's events for every stream, sent in a few produce calls. */
  producer: { memorySize: 256, timeout: Duration.seconds(60) },
  /** API Gateway's HTTP API waits at most 30 s; a 31-day range is 31 single-partition Queries. */
  query: { memorySize: 512, timeout: Duration.seconds(15) },
  /** One admin connection: list and create a handful of topics. */
  topics: { memorySize: 256, timeout: Duration.seconds(120) },
} as const;

/** DynamoDB tables: on-demand, encrypted with the AWS managed key (auditable in KMS), PITR, kept on stack deletion. */
export const TABLE_DEFAULTS = {
  billingMode: dynamodb.BillingMode.PAY_PER_REQUEST,
  encryption: dynamodb.TableEncryption.AWS_MANAGED,
  pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
  removalPolicy: RemovalPolicy.RETAIN,
} as const;

/** Amazon MSK. */
export const KAFKA_DEFAULTS = {
  /** The port brokers listen on for IAM-authenticated TLS clients (provisioned and Serverless alike). */
  iamPort: 9098,
  /**
   * Kafka in KRaft mode: MSK creates a ZooKeeper cluster for a plain `3.x.x` version and a KRaft
   * one only for the `.kraft` variant, and a cluster cannot switch modes once it exists
   * (https://docs.aws.amazon.com/msk/latest/developerguide/metadata-management.html#kraft-intro:
   * KRaft from 3.7.x, "use 3.7.x.kraft as the version"; the same suffix names the later lines,
   * as aws-cdk's own `KafkaVersion.V3_8_X_KRAFT` does). 3.8.x is the line MSK marks "Recommended"
   * (https://docs.aws.amazon.com/msk/latest/developerguide/supported-kafka-versions.html), and
   * `AWS::MSK::Topic` needs 3.6 or later.
   */
  kafkaVersion: '3.8.x.kraft',
  /** Broker size of a provisioned cluster: Graviton, general purpose (kafka.t3.small works for trials, with low IAM connection limits). */
  brokerInstanceType: 'kafka.m7g.large',
  /** EBS per broker of a provisioned cluster. */
  brokerVolumeGiB: 100,
  /** Topic replicas on a provisioned cluster, capped by the broker count. */
  maxReplicationFactor: 3,
} as const;

/** HTTP API stage throttling: generous for dashboards, bounded so a runaway client cannot run up DynamoDB reads. */
export const API_THROTTLE = { rateLimit: 50, burstLimit: 100 } as const;
