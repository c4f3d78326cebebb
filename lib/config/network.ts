/**
 * The VPC of a deployment, from the CDK context: a new one, in the AZs pinned by ID (or chosen by
 * ID for a known region whose AZ names may stand for an AZ that MSK does not support), or an
 * existing one, looked up, in the AZs named. How many AZs a cluster takes, and which it cannot
 * use, is `lib/availabilityZones.ts`'s rule.
 */
import { AVAILABILITY_ZONE_NAME, matching } from '../../lambdas/config/rules';
import { CLIENT_SUBNETS, DEFAULT_AZ_IDS, MSK_UNSUPPORTED_AZ_IDS, maxAvailabilityZones, zoneIdPrefixOf } from '../availabilityZones';
import type { ClusterMode } from './kafka';
import { list, onlyWith, setting, type RuleContext, type ValuesOf } from './schema';

/** The VPC to create or use. */
export type NetworkConfig =
  | {
      readonly mode: 'new';
      /** The AZs of the VPC's subnets, by ID: given, or chosen for a known region; absent, the first two of the region. */
      readonly availabilityZoneIds?: readonly string[];
    }
  | {
      readonly mode: 'existing';
      readonly vpcId: string;
      /** The AZs (names, as the lookup reports them) whose private subnets to use; absent, the first two or three. */
      readonly availabilityZones?: readonly string[];
    };

/** The context settings of the VPC. */
export const NETWORK_FIELDS = {
  existingVpcId: setting(matching(/^vpc-[0-9a-f]{8,17}$/, 'a VPC id (vpc-…)')),
  availabilityZoneIds: setting(list(/^[a-z]{3,}\d+-az\d+$/, 'AZ IDs such as use1-az1 (ZoneId in aws ec2 describe-availability-zones)')),
  availabilityZones: setting(list(AVAILABILITY_ZONE_NAME, 'AZ names such as eu-west-1a')),
};

type NetworkKey = keyof typeof NETWORK_FIELDS | 'account' | 'region';

/** The AZ list of `key` if it has as many different entries as the cluster takes; reported otherwise. */
function zoneCount(
  rules: RuleContext<NetworkKey>,
  key: 'availabilityZoneIds' | 'availabilityZones',
  zones: readonly string[] | undefined,
  [min, max]: readonly [number, number],
  why: string,
): readonly string[] | undefined {
  if (zones === undefined) return undefined;
  if (zones.length >= min && zones.length <= max && new Set(zones).size === zones.length) return zones;
  rules.report(key, `must list ${min === max ? min : `${min} to ${max}`} different values, comma-separated${why} (got ${JSON.stringify(zones.join(','))})`);
  return undefined;
}

/**
 * The VPC the settings describe.
 * @param region - the deployment's region when the stacks are bound to one (account and region set)
 * @param clusterMode - how the cluster is provided: it bounds the number of AZs
 */
export function networkOf(values: ValuesOf<typeof NETWORK_FIELDS>, region: string | undefined, clusterMode: ClusterMode, rules: RuleContext<NetworkKey>): NetworkConfig {
  const existing = rules.given('existingVpcId');
  if (existing && !(rules.given('account') && rules.given('region'))) {
    rules.report('existingVpcId', 'needs account and region (-c account=<id> -c region=<region>): the VPC is looked up at synth time');
  }
  const count = [CLIENT_SUBNETS.min, maxAvailabilityZones(region, clusterMode)] as const;
  const why = count[1] < CLIENT_SUBNETS.max ? `: a provisioned cluster in ${region} takes ${count[1]} subnets` : ': MSK takes 2 or 3 client subnets, each in its own AZ';
  onlyWith(rules, 'availabilityZoneIds', !existing, 'for a new VPC: an existing VPC is looked up by AZ name; choose its AZs with availabilityZones');
  onlyWith(rules, 'availabilityZones', existing, 'with existingVpcId (a new VPC is placed by AZ ID: availabilityZoneIds)');
  if (existing) {
    const zones = zoneCount(rules, 'availabilityZones', values.availabilityZones, count, why);
    const foreign = zones?.filter((zone) => region !== undefined && zone.slice(0, -1) !== region) ?? [];
    if (foreign.length > 0) rules.report('availabilityZones', `${foreign.join(', ')} not in region ${region}`);
    return { mode: 'existing', vpcId: values.existingVpcId ?? '', ...(zones ? { availabilityZones: zones } : {}) };
  }
  const zoneIds = zoneCount(rules, 'availabilityZoneIds', values.availabilityZoneIds, count, why);
  const unsupported = zoneIds?.filter((zoneId) => MSK_UNSUPPORTED_AZ_IDS.includes(zoneId)) ?? [];
  if (unsupported.length > 0) rules.report('availabilityZoneIds', `MSK does not place client subnets in ${unsupported.join(', ')}; choose other AZ IDs`);
  if (zoneIds && new Set(zoneIds.map(zoneIdPrefixOf)).size > 1) rules.report('availabilityZoneIds', `must all be AZs of one region (got ${zoneIds.join(', ')})`);
  const chosen = zoneIds ?? (region ? DEFAULT_AZ_IDS[region] : undefined);
  return { mode: 'new', ...(chosen ? { availabilityZoneIds: chosen } : {}) };
}
