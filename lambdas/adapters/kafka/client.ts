/**
 * Kafka connections: plaintext to a local broker, or IAM-authenticated TLS to Amazon MSK.
 * Clients are created once per execution environment and reused, because MSK IAM limits new
 * connections per broker.
 */
import { GetBootstrapBrokersCommand, KafkaClient } from '@aws-sdk/client-kafka';
import { generateAuthToken } from 'aws-msk-iam-sasl-signer-js';
import { Kafka, logLevel, type KafkaConfig } from 'kafkajs';
import { requireSetting, type Settings } from '../../config/settings';

/** Where the brokers are: a list for a local broker, or an MSK cluster ARN. */
export type KafkaConnection =
  | { readonly kind: 'brokers'; readonly brokers: readonly string[] }
  | { readonly kind: 'msk-iam'; readonly clusterArn: string; readonly region: string };

/** The region of an MSK cluster ARN. */
export function regionOfClusterArn(clusterArn: string): string {
  const region = clusterArn.split(':')[3];
  if (!region) throw new Error(`not an MSK cluster ARN: ${clusterArn}`);
  return region;
}

/** The IAM bootstrap brokers of an MSK cluster (CloudFormation exposes none for MSK Serverless). */
export async function bootstrapBrokersOf(clusterArn: string, region: string): Promise<string[]> {
  const kafka = new KafkaClient({ region });
  const response = await kafka.send(new GetBootstrapBrokersCommand({ ClusterArn: clusterArn }));
  const brokers = response.BootstrapBrokerStringSaslIam;
  if (!brokers) {
    throw new Error(`cluster ${clusterArn} has no IAM bootstrap brokers: enable IAM client authentication on it`);
  }
  return brokers.split(',');
}

/** A kafkajs client for the connection; for MSK the OAUTHBEARER token is signed afresh on each (re)authentication. */
export async function createKafka(connection: KafkaConnection, clientId: string): Promise<Kafka> {
  const base: KafkaConfig = { clientId, brokers: [], logLevel: logLevel.WARN };
  if (connection.kind === 'brokers') {
    return new Kafka({ ...base, brokers: [...connection.brokers] });
  }
  const brokers = await bootstrapBrokersOf(connection.clusterArn, connection.region);
  return new Kafka({
    ...base,
    brokers,
    ssl: true,
    sasl: {
      mechanism: 'oauthbearer',
      // A token lives 15 minutes; signing one per authentication keeps it ahead of the credentials' expiry.
      oauthBearerProvider: async () => {
        const { token } = await generateAuthToken({ region: connection.region });
        return { value: token };
      },
    },
  });
}

/** The Kafka connection the settings describe: `KAFKA_BROKERS` locally, `MSK_CLUSTER_ARN` on AWS. */
export function kafkaConnectionOf(settings: Settings): KafkaConnection {
  if (settings.KAFKA_BROKERS) {
    return { kind: 'brokers', brokers: settings.KAFKA_BROKERS.split(',').map((broker) => broker.trim()) };
  }
  const clusterArn = requireSetting(settings, 'MSK_CLUSTER_ARN', 'set it to the MSK cluster ARN, or KAFKA_BROKERS to a local broker list');
  return { kind: 'msk-iam', clusterArn, region: settings.AWS_REGION ?? regionOfClusterArn(clusterArn) };
}
