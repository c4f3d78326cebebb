/**
 * The Kafka cluster a deployment creates or uses, from the CDK context: MSK Serverless (the
 * default), a provisioned cluster, or an existing cluster by ARN with its security group.
 */
import { mskClusterArn } from '../../lambdas/config/mskClusterArn';
import { choice, matching } from '../../lambdas/config/rules';
import { KAFKA_DEFAULTS } from '../defaults';
import type { NetworkConfig } from './network';
import { onlyWith, setting, type RuleContext, type ValuesOf } from './schema';

/** How the Kafka cluster is provided. */
export const CLUSTER_MODES = ['serverless', 'provisioned', 'existing'] as const;

/** One of {@link CLUSTER_MODES}. */
export type ClusterMode = (typeof CLUSTER_MODES)[number];

/**
 * Whether Pulse adds the rules the mappings' pollers need to an existing cluster's security group
 * (`add`), or its owner states they are there (`present`): EC2 refuses a rule that already exists,
 * so adding one the group has fails the deploy.
 */
export const POLLER_RULES = ['add', 'present'] as const;

/** One of {@link POLLER_RULES}. */
export type PollerRules = (typeof POLLER_RULES)[number];

/** The Kafka cluster to create or use. */
export type KafkaConfig =
  | { readonly mode: 'serverless' }
  | { readonly mode: 'provisioned'; readonly brokerInstanceType: string }
  | { readonly mode: 'existing'; readonly clusterArn: string; readonly securityGroupId: string; readonly pollerRules: PollerRules };

/** The context settings of the cluster. */
export const KAFKA_FIELDS = {
  clusterMode: setting(choice(CLUSTER_MODES)),
  existingClusterArn: setting(mskClusterArn),
  clusterSecurityGroupId: setting(matching(/^sg-[0-9a-f]{8,17}$/, 'a security group id (sg-…)')),
  clusterPollerRules: setting(choice(POLLER_RULES)),
  brokerInstanceType: setting(matching(/^kafka\.[a-z0-9]+\.[a-z0-9]+$/, 'an MSK broker type such as kafka.m7g.large')),
};

const WITH_EXISTING = 'with clusterMode=existing';

/**
 * The cluster the settings describe; each setting that belongs to another mode, and each one an
 * existing cluster needs but lacks, is reported.
 * @param network - the VPC, which an existing cluster must share with the functions
 */
export function kafkaOf(
  values: ValuesOf<typeof KAFKA_FIELDS>,
  network: NetworkConfig,
  rules: RuleContext<keyof typeof KAFKA_FIELDS | 'existingVpcId'>,
): KafkaConfig {
  const mode = values.clusterMode ?? 'serverless';
  for (const key of ['existingClusterArn', 'clusterSecurityGroupId', 'clusterPollerRules'] as const) onlyWith(rules, key, mode === 'existing', WITH_EXISTING);
  onlyWith(rules, 'brokerInstanceType', mode === 'provisioned', 'with clusterMode=provisioned');
  switch (mode) {
    case 'serverless':
      return { mode };
    case 'provisioned':
      return { mode, brokerInstanceType: values.brokerInstanceType ?? KAFKA_DEFAULTS.brokerInstanceType };
    case 'existing':
      if (!rules.given('existingClusterArn')) rules.report('existingClusterArn', `required ${WITH_EXISTING}`);
      if (network.mode !== 'existing') rules.report('existingVpcId', `required ${WITH_EXISTING} (the functions run in the cluster's VPC)`);
      if (!rules.given('clusterSecurityGroupId')) {
        rules.report(
          'clusterSecurityGroupId',
          `required ${WITH_EXISTING} (the mappings' pollers use the cluster's security group: Pulse opens it on 9098 to the functions and checks or adds the pollers' rules)`,
        );
      }
      return { mode, clusterArn: values.existingClusterArn ?? '', securityGroupId: values.clusterSecurityGroupId ?? '', pollerRules: values.clusterPollerRules ?? 'add' };
  }
}
