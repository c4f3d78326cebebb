/**
 * The one rule of an MSK cluster ARN, `arn:<partition>:kafka:<region>:<account>:cluster/<name>/<uuid>`,
 * and its parts. The handlers' environment (`MSK_CLUSTER_ARN`), the CDK context
 * (`existingClusterArn`), the topics custom resource (`ClusterArn`), the Kafka connection (the
 * cluster's region) and the IAM ARNs of its topics and groups all read an ARN through here.
 */
import { ConfigurationError } from './errors';
import { ACCOUNT_SOURCE, REGION_SOURCE, matching } from './rules';

/** The parts of an MSK cluster ARN. */
export interface MskClusterArnParts {
  /** `aws`, `aws-cn`, `aws-us-gov`, … */
  readonly partition: string;
  readonly region: string;
  readonly account: string;
  /** The cluster's name. */
  readonly name: string;
  /** The suffix MSK gives the cluster (a UUID and a revision). */
  readonly uuid: string;
}

const MSK_CLUSTER_ARN = new RegExp(`^arn:(aws[a-z-]*):kafka:(${REGION_SOURCE}):(${ACCOUNT_SOURCE}):cluster/([A-Za-z0-9-]+)/([A-Za-z0-9-]+)$`);

/** What a valid ARN looks like, in messages. */
const EXPECTED = 'an MSK cluster ARN (arn:aws:kafka:<region>:<account>:cluster/<name>/<uuid>)';

/** An MSK cluster ARN, as text. */
export const mskClusterArn = matching(MSK_CLUSTER_ARN, EXPECTED);

/**
 * The parts of an MSK cluster ARN.
 * @param setting - where the ARN came from, for the error
 * @throws ConfigurationError naming `setting` when `arn` is not an MSK cluster ARN
 * @example
 * parseMskClusterArn('arn:aws:kafka:eu-west-1:123456789012:cluster/pulse/6c8f4e31-1').region // 'eu-west-1'
 */
export function parseMskClusterArn(arn: string, setting = 'cluster ARN'): MskClusterArnParts {
  const match = MSK_CLUSTER_ARN.exec(arn);
  if (!match) throw new ConfigurationError('MSK cluster ARN', [{ setting, problem: `must be ${EXPECTED} (got ${JSON.stringify(arn)})` }]);
  const [, partition, region, account, name, uuid] = match as unknown as [string, string, string, string, string, string];
  return { partition, region, account, name, uuid };
}
