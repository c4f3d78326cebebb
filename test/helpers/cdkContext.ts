/**
 * CDK context fixtures for the tests of `lib/config/`: an existing cluster in an existing VPC, and
 * the message a context is refused with.
 */
import { ConfigurationError } from '../../lambdas/config/errors';
import { configFromContext } from '../../lib/config';

/** An MSK cluster ARN as MSK gives it (the suffix: a UUID and a revision). */
export const CLUSTER_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/shared/abcd1234-abcd-cafe-abab-9876543210ab-4';

/** Every setting an existing cluster needs, valid. */
export const EXISTING = {
  clusterMode: 'existing',
  existingClusterArn: CLUSTER_ARN,
  clusterSecurityGroupId: 'sg-0123456789abcdef0',
  existingVpcId: 'vpc-0abc1234def567890',
  account: '123456789012',
  region: 'eu-west-1',
};

/** The message of the ConfigurationError `context` is refused with. */
export function contextProblems(context: Record<string, unknown>): string {
  try {
    configFromContext(context);
  } catch (error) {
    if (error instanceof ConfigurationError) return error.message;
    throw error;
  }
  throw new Error('expected a ConfigurationError');
}
