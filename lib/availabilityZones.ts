/**
 * Which Availability Zones and subnets an MSK cluster (and the functions beside it) may use, as
 * AWS documents it, and the one rule Pulse derives from that: one private subnet in each of two or
 * three AZs, and as many brokers as AZs.
 *
 * - A provisioned cluster takes two or three client subnets, each in a different AZ; in US West
 *   (N. California) Standard brokers take exactly two; MSK spreads the brokers evenly over the
 *   subnets (https://docs.aws.amazon.com/msk/latest/developerguide/msk-create-cluster.html).
 * - Client subnets cannot be in the AZ with ID `use1-az3` (MSK API reference, `BrokerNodeGroupInfo`
 *   `ClientSubnets`; e.g. https://docs.aws.amazon.com/sdk-for-kotlin/api/latest/kafka/aws.sdk.kotlin.services.kafka.model/-broker-node-group-info/client-subnets.html).
 *   That sentence is written for provisioned clusters; whether MSK Serverless has the same gap is
 *   not documented, so Pulse avoids the AZ for every cluster it creates.
 * - AZ names map to AZ IDs differently per account in the older regions; an AZ ID is the same
 *   place in every account (https://docs.aws.amazon.com/global-infrastructure/latest/regions/az-ids.html),
 *   so a choice that must avoid one AZ is made by ID.
 */
import type { ClusterMode } from './config';

/** How many client subnets (AZs) a cluster takes. */
export const CLIENT_SUBNETS = { min: 2, max: 3 } as const;

/** Regions where a provisioned cluster's Standard brokers take exactly two subnets. */
const TWO_SUBNET_REGIONS: ReadonlySet<string> = new Set(['us-west-1']);

/** AZ IDs where MSK does not place client subnets. */
export const MSK_UNSUPPORTED_AZ_IDS: readonly string[] = ['use1-az3'];

/**
 * The AZ IDs of a new VPC in a known region whose AZ names may stand for an unsupported AZ ID in
 * the deploying account: two AZ IDs of that region other than the unsupported ones (us-east-1's
 * AZ IDs are listed at https://docs.aws.amazon.com/global-infrastructure/latest/regions/aws-availability-zones.html).
 */
export const DEFAULT_AZ_IDS: Readonly<Record<string, readonly string[]>> = { 'us-east-1': ['use1-az1', 'use1-az2'] };

/**
 * The most AZs (client subnets) a cluster of `kind` takes in `region`.
 * @param region - the deployment's region; undefined for env-agnostic stacks
 */
export function maxAvailabilityZones(region: string | undefined, kind: ClusterMode): number {
  return kind === 'provisioned' && region !== undefined && TWO_SUBNET_REGIONS.has(region) ? 2 : CLIENT_SUBNETS.max;
}

/** The region part of an AZ ID (`use1` of `use1-az1`). */
export function zoneIdPrefixOf(zoneId: string): string {
  return zoneId.replace(/-az\d+$/, '');
}

/** A subnet as a VPC lookup reports it. */
export interface CandidateSubnet {
  readonly subnetId: string;
  readonly availabilityZone: string;
}

/** What {@link oneSubnetPerZone} chose, or why it could not. */
export type SubnetChoice = { readonly subnets: readonly CandidateSubnet[] } | { readonly problem: string };

/**
 * One subnet in each of two to `max` AZs: the AZs in name order (only `zones`, when given), and in
 * each the subnet with the lowest id, so that the same VPC always gives the same choice.
 * @param subnets - the VPC's private subnets
 * @param max - the most AZs to use
 * @param zones - the AZ names to use, all of them
 */
export function oneSubnetPerZone(subnets: readonly CandidateSubnet[], max: number, zones?: readonly string[]): SubnetChoice {
  const byZone = new Map<string, CandidateSubnet>();
  for (const subnet of [...subnets].sort((a, b) => a.subnetId.localeCompare(b.subnetId))) {
    if (!byZone.has(subnet.availabilityZone)) byZone.set(subnet.availabilityZone, subnet);
  }
  const available = [...byZone.keys()].sort();
  if (zones) {
    const missing = zones.filter((zone) => !byZone.has(zone));
    if (missing.length > 0) return { problem: `no private subnet in ${missing.join(', ')} (the VPC has private subnets in ${available.join(', ') || 'no AZ'})` };
    if (zones.length > max) return { problem: `${zones.length} AZs given, but the cluster takes at most ${max} here` };
  }
  const chosen = (zones ?? available).slice(0, max);
  if (chosen.length < CLIENT_SUBNETS.min) {
    return {
      problem: `the VPC has private subnets in ${available.length} AZ${available.length === 1 ? '' : 's'} (${available.join(', ') || 'none'}); MSK needs ${CLIENT_SUBNETS.min} or ${CLIENT_SUBNETS.max} client subnets, each in a different AZ`,
    };
  }
  return { subnets: chosen.map((zone) => byZone.get(zone) as CandidateSubnet) };
}
