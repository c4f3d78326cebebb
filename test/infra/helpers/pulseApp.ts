/**
 * Synthesizes the Pulse app as `cdk synth` does (the feature flags of `cdk.json`, the context of a
 * deployment), without the CLI: for snapshot, assertion, cdk-nag and cfn-lint tests.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { App, Stack, type CfnElement, type StackProps } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import type { CloudAssembly } from 'aws-cdk-lib/cx-api';
import type { IConstruct } from 'constructs';
import cdkJson from '../../../cdk.json';
import { configFromContext } from '../../../lib/config';
import { createPulseStacks, type PulseStacks } from '../../../lib/pulseApp';

/** The account, region and ids of the existing-cluster variant. */
export const EXISTING = {
  account: '123456789012',
  region: 'eu-west-1',
  vpcId: 'vpc-0abc1234def567890',
  clusterArn: 'arn:aws:kafka:eu-west-1:123456789012:cluster/shared/abcd1234-abcd-cafe-abab-9876543210ab-4',
  clusterSecurityGroupId: 'sg-0123456789abcdef0',
} as const;

/** The cache key `Vpc.fromLookup` gives a VPC of the existing-cluster account and region. */
function vpcLookupKey(vpcId: string): string {
  return `vpc-provider:account=${EXISTING.account}:filter.vpc-id=${vpcId}:region=${EXISTING.region}:returnAsymmetricSubnets=true`;
}

/** A looked-up VPC whose private subnets are `subnets` (`[id, AZ]`). */
function lookedUpVpc(vpcId: string, subnets: readonly (readonly [string, string])[]): Record<string, unknown> {
  return {
    vpcId,
    vpcCidrBlock: '10.20.0.0/16',
    ownerAccountId: EXISTING.account,
    availabilityZones: [],
    subnetGroups: [
      {
        name: 'Private',
        type: 'Private',
        subnets: subnets.map(([subnetId, availabilityZone], index) => ({
          subnetId,
          cidr: `10.20.${index * 16}.0/20`,
          availabilityZone,
          routeTableId: subnetId.replace('subnet-', 'rtb-'),
        })),
      },
    ],
  };
}

/** A cluster security group whose lookup reports that it allows all outbound traffic. */
export const OPEN_EGRESS_GROUP_ID = 'sg-0fedcba9876543210';

/** What `SecurityGroup.fromLookupById` would have cached: the existing cluster's group limits egress, the other allows all. */
export const EXISTING_SECURITY_GROUP_LOOKUP = {
  [`security-group:account=${EXISTING.account}:region=${EXISTING.region}:securityGroupId=${EXISTING.clusterSecurityGroupId}`]: {
    securityGroupId: EXISTING.clusterSecurityGroupId,
    allowAllOutbound: false,
  },
  [`security-group:account=${EXISTING.account}:region=${EXISTING.region}:securityGroupId=${OPEN_EGRESS_GROUP_ID}`]: {
    securityGroupId: OPEN_EGRESS_GROUP_ID,
    allowAllOutbound: true,
  },
};

/** The existing VPC's private subnets: four, two of them in one AZ, across three AZs. */
export const EXISTING_SUBNETS = {
  a1: 'subnet-0aaaaaaaaaaaaaaa1',
  a2: 'subnet-0aaaaaaaaaaaaaaa2',
  b: 'subnet-0bbbbbbbbbbbbbbb2',
  c: 'subnet-0cccccccccccccccc3',
} as const;

/** A VPC whose private subnets are all in one AZ, which cannot hold an MSK cluster. */
export const ONE_ZONE_VPC_ID = 'vpc-0111111111111111a';

/** What `Vpc.fromLookup` would have cached in `cdk.context.json` for the existing VPC (and the one-AZ VPC). */
export const EXISTING_VPC_LOOKUP = {
  [vpcLookupKey(EXISTING.vpcId)]: lookedUpVpc(EXISTING.vpcId, [
    [EXISTING_SUBNETS.a2, 'eu-west-1a'],
    [EXISTING_SUBNETS.b, 'eu-west-1b'],
    [EXISTING_SUBNETS.a1, 'eu-west-1a'],
    [EXISTING_SUBNETS.c, 'eu-west-1c'],
  ]),
  [vpcLookupKey(ONE_ZONE_VPC_ID)]: lookedUpVpc(ONE_ZONE_VPC_ID, [
    ['subnet-0dddddddddddddd01', 'eu-west-1a'],
    ['subnet-0dddddddddddddd02', 'eu-west-1a'],
  ]),
};

/** The deployments the tests synthesize, by name: the default and one per cluster mode. */
export const VARIANTS = {
  /** `npx cdk synth`: MSK Serverless in a new VPC, on-demand pollers. */
  serverless: { stage: 'dev' },
  /** A provisioned cluster, the Keyspaces mirror, and provisioned pollers with every error-handling control. */
  provisioned: {
    stage: 'prod',
    clusterMode: 'provisioned',
    keyspaces: 'true',
    minPollers: '1',
    maxPollers: '3',
    retryAttempts: '3',
    maxRecordAgeSeconds: '3600',
    bisectOnError: 'true',
    onFailure: 'kafka',
  },
  /** An existing cluster in an existing VPC, looked up in a given account and region. */
  existing: {
    stage: 'shared',
    clusterMode: 'existing',
    existingClusterArn: EXISTING.clusterArn,
    clusterSecurityGroupId: EXISTING.clusterSecurityGroupId,
    existingVpcId: EXISTING.vpcId,
    account: EXISTING.account,
    region: EXISTING.region,
    ...EXISTING_VPC_LOOKUP,
    ...EXISTING_SECURITY_GROUP_LOOKUP,
  },
} satisfies Record<string, Record<string, unknown>>;

/** The name of a variant. */
export type VariantName = keyof typeof VARIANTS;

/** Variants that differ only in the on-failure destination, for the checks that must see every resource kind. */
export const FAILURE_DESTINATION_VARIANTS = {
  sqsFailures: { stage: 'sqs', minPollers: '1', onFailure: 'sqs', retryAttempts: '2' },
  snsFailures: { stage: 'sns', minPollers: '1', onFailure: 'sns', retryAttempts: '2' },
  s3Failures: { stage: 's3', minPollers: '1', onFailure: 's3', retryAttempts: '2' },
} satisfies Record<string, Record<string, unknown>>;

/** Variants that place the network differently: AZs pinned by ID, and a new cluster in the existing VPC. */
export const NETWORK_VARIANTS = {
  /** A provisioned cluster in three AZs pinned by ID, env-agnostic (the README's `availabilityZoneIds` example). */
  pinnedZones: { stage: 'east', clusterMode: 'provisioned', availabilityZoneIds: 'use1-az1,use1-az2,use1-az4' },
  /** A provisioned cluster created in the existing VPC (four private subnets across three AZs). */
  existingVpc: { stage: 'vpc', clusterMode: 'provisioned', existingVpcId: EXISTING.vpcId, account: EXISTING.account, region: EXISTING.region, ...EXISTING_VPC_LOOKUP },
} satisfies Record<string, Record<string, unknown>>;

/** Every variant the checks (cdk-nag, cfn-lint) run over. */
export const ALL_VARIANTS = { ...VARIANTS, ...FAILURE_DESTINATION_VARIANTS, ...NETWORK_VARIANTS };

/** How long synthesizing a few variants may take (esbuild bundles five functions per synth). */
export const SYNTH_TIMEOUT_MS = 120_000;

/** One synthesized deployment. */
export interface SynthesizedPulse {
  readonly app: App;
  readonly stacks: PulseStacks;
  readonly assembly: CloudAssembly;
  readonly data: Template;
  readonly pipeline: Template;
  /** Paths of the synthesized templates, for cfn-lint. */
  readonly templateFiles: readonly string[];
}

/**
 * One output directory for every synthesis of a test file: the CDK caches a bundled asset per
 * output directory, so the functions are bundled once per file rather than once per synthesis.
 * Variants have distinct stages, hence distinct stack names and template files.
 */
const OUTDIR = fs.mkdtempSync(path.join(os.tmpdir(), 'pulse-cdk-test-'));

/** Synthesizes Pulse with `cdk.json`'s feature flags and `context` on top. */
export function synthesizePulse(context: Readonly<Record<string, unknown>> = {}): SynthesizedPulse {
  // No CDKMetadata resource: it changes with the library version, not with the infrastructure.
  const app = new App({ context: { ...cdkJson.context, ...context }, analyticsReporting: false, outdir: OUTDIR });
  const stacks = createPulseStacks(app, configFromContext(app.node.getAllContext() as Record<string, unknown>));
  const assembly = app.synth();
  return {
    app,
    stacks,
    assembly,
    data: Template.fromStack(stacks.data),
    pipeline: Template.fromStack(stacks.pipeline),
    templateFiles: assembly.stacks.map((stack) => path.join(assembly.directory, stack.templateFile)),
  };
}

/**
 * Synthesizes the given variants once, before the tests of the calling file.
 * @returns the synthesized variant of a name
 */
export function synthesizeBeforeAll(variants: Readonly<Record<string, Readonly<Record<string, unknown>>>>): (name: string) => SynthesizedPulse {
  const synthesized = new Map<string, SynthesizedPulse>();
  beforeAll(() => {
    for (const [name, context] of Object.entries(variants)) synthesized.set(name, synthesizePulse(context));
  }, SYNTH_TIMEOUT_MS);
  return (name) => {
    const result = synthesized.get(name);
    if (!result) throw new Error(`variant ${name} was not synthesized`);
    return result;
  };
}

/** An empty stack with the app's feature flags (and cached lookups), to test one construct in. */
export function bareStack(props: StackProps = {}): Stack {
  return new Stack(
    new App({ context: { ...cdkJson.context, ...EXISTING_VPC_LOOKUP, ...EXISTING_SECURITY_GROUP_LOOKUP }, analyticsReporting: false, outdir: OUTDIR }),
    'Test',
    props,
  );
}

/** An asset hash: the name of a bundled zip or a staged file. */
const ASSET_HASH = /\b[0-9a-f]{64}\b/g;

/**
 * A template with its asset hashes replaced by a placeholder, so that its snapshot changes when the
 * infrastructure does, not when a handler's code does.
 */
export function withoutAssetHashes(template: unknown): unknown {
  return JSON.parse(JSON.stringify(template).replace(ASSET_HASH, '<asset-hash>'));
}

/** The logical id of a construct's CloudFormation resource (the construct itself for an L1). */
export function logicalIdOf(construct: IConstruct): string {
  return Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
}
