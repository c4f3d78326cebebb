/**
 * Which Kafka the settings name: a broker list locally, or an MSK cluster (whose IAM bootstrap
 * brokers come from the MSK API, since CloudFormation exposes none for MSK Serverless).
 */
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { parseMskClusterArn } from '../../config/mskClusterArn';
import { requireSetting, type Settings } from '../../config/settings';
import type { KafkaConnection } from './port';

/**
 * The IAM connection to an MSK cluster: in `region` when given (the function's own), else in the
 * cluster's region, read from its ARN.
 */
export function mskConnectionOf(clusterArn: string, region?: string): KafkaConnection {
  return { kind: 'msk-iam', clusterArn, region: region ?? parseMskClusterArn(clusterArn).region };
}

/**
 * The IAM bootstrap brokers of an MSK cluster.
 * @throws when the cluster has no IAM client authentication
 */
export async function bootstrapBrokersOf(clusterArn: string, region: string): Promise<string[]> {
  const kafka = new KafkaClient({ region });
  try {
    const response = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
    const brokers = response.BootstrapBrokerStringSaslIam;
    if (!brokers) throw new Error(`cluster ${clusterArn} has no IAM bootstrap brokers: enable IAM client authentication on it`);
    return brokers.split(',');
  } finally {
    kafka.destroy();
  }
}

/** The Kafka connection the settings describe: `KAFKA_BROKERS` locally, `MSK_CLUSTER_ARN` on AWS. */
export function kafkaConnectionOf(settings: Settings): KafkaConnection {
  if (settings.KAFKA_BROKERS) {
    return { kind: 'brokers', brokers: settings.KAFKA_BROKERS.split(',').map((broker) => broker.trim()) };
  }
  const clusterArn = requireSetting(settings, 'MSK_CLUSTER_ARN', 'set it to the MSK cluster ARN, or KAFKA_BROKERS to a local broker list');
  return mskConnectionOf(clusterArn, settings.AWS_REGION);
}
