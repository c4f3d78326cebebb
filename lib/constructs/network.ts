/**
 * The network the cluster and the functions share: a VPC with private subnets only, or an existing
 * VPC, and in either one private subnet in each of two or three Availability Zones (the rule of
 * `lib/availabilityZones.ts`: MSK takes two or three client subnets, each in its own AZ).
 *
 * - A new VPC has two AZs, or the AZs given by ID: its subnets then name their AZ by
 *   `AvailabilityZoneId`, which CloudFormation resolves in the deploying account, so even an
 *   env-agnostic template lands in the intended (supported) AZs.
 * - An existing VPC is looked up; of its private subnets (with egress if it has any, else isolated)
 *   one per AZ is used, in the first two or three AZs by name, or the AZs named.
 *
 * Egress choice: VPC endpoints rather than NAT. Nothing in the pipeline talks to the internet;
 * what it needs from AWS is STS (MSK IAM authentication of the event source mappings' pollers),
 * Lambda (the pollers invoke the functions), MSK's API (`GetBootstrapBrokers`) and DynamoDB. A
 * gateway endpoint serves DynamoDB for free and interface endpoints serve the rest, so the subnets
 * have no route to the internet at all, and cost about as much as one NAT gateway (two would be
 * needed for the same availability) without its per-GB processing charge.
 *
 * The MSK API's endpoint: AWS's page on it lists `com.amazonaws.<region>.kafka` as "no longer
 * supported for new connections" and names `aws.api.<region>.kafka-api` (dual-stack) as the
 * service for new endpoints
 * (https://docs.aws.amazon.com/msk/latest/developerguide/privatelink-vpc-endpoints.html; some
 * copies of that page still show only the old name). The AWS SDK does not call that service at its
 * default hostname (`kafka.<region>.amazonaws.com`), so the functions of this network are given the
 * endpoint's own regional DNS name in `AWS_ENDPOINT_URL_KAFKA`, the SDKs' service-specific endpoint
 * setting (https://docs.aws.amazon.com/sdkref/latest/guide/feature-ss-endpoints.html), which
 * PrivateLink resolves to the endpoint's addresses whatever its private DNS name is. Calling an
 * AWS API at an endpoint's own DNS name is a documented use of interface endpoints (e.g.
 * https://docs.aws.amazon.com/appstream2/latest/developerguide/how-to-access-api-cli-through-interface-vpc-endpoint.html);
 * nobody has deployed it against the MSK API from here.
 */
import { Fn, Stack } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as iam from 'aws-cdk-lib/aws-iam';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { CLIENT_SUBNETS, oneSubnetPerZone } from '../availabilityZones';
import { settingError } from '../config';
import { LOG_REMOVAL_POLICY, LOG_RETENTION } from '../defaults';
import type { FunctionPlacement } from './pulseFunction';

/** The interface endpoint service of the MSK API for new endpoints (see the header). */
export const MSK_API_ENDPOINT_SERVICE = new ec2.InterfaceVpcEndpointAwsService('kafka-api', 'aws.api');

/** The SDKs' service-specific endpoint setting of the MSK API (service id `Kafka`). */
export const MSK_API_ENDPOINT_VARIABLE = 'AWS_ENDPOINT_URL_KAFKA';

/** Properties of {@link PulseNetwork}. */
export interface PulseNetworkProps {
  /** Use this VPC (looked up at synth time) instead of creating one; its private subnets must reach STS, Lambda, the MSK API and DynamoDB (NAT or endpoints). @default - a new VPC */
  readonly existingVpcId?: string;
  /** The AZs of an existing VPC to use, by name (the VPC lookup reports names only). @default - its first AZs by name */
  readonly availabilityZones?: readonly string[];
  /** The AZs of a new VPC, by ID, two or three. @default - the first two AZs of the region */
  readonly availabilityZoneIds?: readonly string[];
  /** The most AZs to use (see `maxAvailabilityZones`). @default 3 */
  readonly maxAvailabilityZones?: number;
  /** Interface endpoints to add to the new VPC besides STS, Lambda and MSK (e.g. SQS for an on-failure queue). @default - none */
  readonly additionalInterfaceEndpoints?: readonly ec2.InterfaceVpcEndpointAwsService[];
  /** Add an S3 gateway endpoint to the new VPC (for an S3 on-failure destination). @default false */
  readonly s3GatewayEndpoint?: boolean;
}

/** The VPC, its private subnets and the security group of every Pulse function. */
export class PulseNetwork extends Construct {
  /** The VPC of the cluster and the functions. */
  public readonly vpc: ec2.IVpc;
  /** The private subnets the cluster and the functions use: one in each of two or three AZs. */
  public readonly subnets: ec2.SubnetSelection;
  /** Security group of every Pulse function: HTTPS to AWS endpoints, and the Kafka port once a cluster allows it. */
  public readonly functionSecurityGroup: ec2.SecurityGroup;
  /** The interface endpoints created, by service short name; empty for an existing VPC. */
  public readonly interfaceEndpoints: ReadonlyMap<string, ec2.InterfaceVpcEndpoint>;
  /** What a function in this network needs in its environment to reach AWS APIs: the MSK API's endpoint in a VPC created here. */
  public readonly functionEnvironment: Readonly<Record<string, string>>;

  constructor(scope: Construct, id: string, props: PulseNetworkProps = {}) {
    super(scope, id);
    const endpoints = new Map<string, ec2.InterfaceVpcEndpoint>();
    const functionEnvironment: Record<string, string> = {};
    if (props.existingVpcId) {
      if ((props.additionalInterfaceEndpoints?.length ?? 0) > 0 || props.s3GatewayEndpoint || props.availabilityZoneIds) {
        throw new Error('PulseNetwork: endpoints and AZ IDs are only for the VPC it creates; an existing VPC must provide its own routes');
      }
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.existingVpcId });
      this.subnets = existingSubnets(this.vpc, props.existingVpcId, props.maxAvailabilityZones ?? CLIENT_SUBNETS.max, props.availabilityZones);
    } else {
      if (props.availabilityZones) throw new Error('PulseNetwork: availabilityZones chooses among the AZs of an existing VPC; give a new VPC availabilityZoneIds');
      const vpc = this.createVpc(props);
      const services: [string, ec2.InterfaceVpcEndpointAwsService][] = [
        ['sts', ec2.InterfaceVpcEndpointAwsService.STS],
        ['lambda', ec2.InterfaceVpcEndpointAwsService.LAMBDA],
        [MSK_API_ENDPOINT_SERVICE.shortName, MSK_API_ENDPOINT_SERVICE],
        ...(props.additionalInterfaceEndpoints ?? []).map((service): [string, ec2.InterfaceVpcEndpointAwsService] => [service.shortName, service]),
      ];
      for (const [name, service] of services) {
        // Closed by default: only the security groups given to `allowEndpointAccessFrom` reach it.
        endpoints.set(name, vpc.addInterfaceEndpoint(`${name}Endpoint`, { service, privateDnsEnabled: true, open: false }));
      }
      // `DnsEntries` are `<hosted zone>:<name>`, the endpoint's regional name first.
      const mskApi = endpoints.get(MSK_API_ENDPOINT_SERVICE.shortName) as ec2.InterfaceVpcEndpoint;
      functionEnvironment[MSK_API_ENDPOINT_VARIABLE] = `https://${Fn.select(1, Fn.split(':', Fn.select(0, mskApi.vpcEndpointDnsEntries)))}`;
      this.vpc = vpc;
      this.subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    }
    this.interfaceEndpoints = endpoints;
    this.functionEnvironment = functionEnvironment;

    this.functionSecurityGroup = new ec2.SecurityGroup(this, 'FunctionSecurityGroup', {
      vpc: this.vpc,
      description: 'Pulse functions: HTTPS to AWS service endpoints, Kafka to the cluster',
      allowAllOutbound: false,
    });
    // In the new VPC only endpoints answer on 443 (no internet route); in an existing one, its NAT does.
    this.functionSecurityGroup.addEgressRule(ec2.Peer.anyIpv4(), ec2.Port.tcp(443), 'AWS service endpoints');
    this.allowEndpointAccessFrom(this.functionSecurityGroup);
  }

  /** Lets `peer` (e.g. the cluster's security group, used by the mappings' pollers) reach every interface endpoint. */
  allowEndpointAccessFrom(peer: ec2.IConnectable): void {
    for (const endpoint of this.interfaceEndpoints.values()) endpoint.connections.allowDefaultPortFrom(peer, 'Pulse functions and pollers');
  }

  /**
   * Deletes the functions' security group before `role` and its policies, when the stack goes:
   * Lambda uses a function's role to delete the function's network interfaces, and a group (or
   * subnet) with interfaces left cannot be deleted. CloudFormation waits for a deleted function's
   * interfaces before it goes on (given `ec2:DescribeNetworkInterfaces`,
   * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/aws-properties-lambda-function-vpcconfig.html),
   * but nothing orders the role's policy against the group, so the policy could go first and leave
   * the interfaces, and the group, behind (https://github.com/aws/aws-cdk/issues/6701).
   * @param role - the role of a function in this network and in this construct's stack
   */
  keepRoleUntilDeleted(role: iam.IRole): void {
    if (Stack.of(role) !== Stack.of(this)) throw new Error('PulseNetwork: keepRoleUntilDeleted orders deletions within one stack; the role is in another');
    this.functionSecurityGroup.node.addDependency(role);
  }

  /** Where a Pulse function runs. */
  get functionPlacement(): FunctionPlacement {
    return { vpc: this.vpc, vpcSubnets: this.subnets, securityGroups: [this.functionSecurityGroup], environment: this.functionEnvironment };
  }

  /** A VPC of isolated subnets, one per AZ, with a flow log and the DynamoDB (and S3) gateway endpoints. */
  private createVpc(props: PulseNetworkProps): ec2.Vpc {
    const zoneIds = props.availabilityZoneIds;
    if (zoneIds && (zoneIds.length < CLIENT_SUBNETS.min || zoneIds.length > (props.maxAvailabilityZones ?? CLIENT_SUBNETS.max))) {
      throw new Error(`PulseNetwork: availabilityZoneIds must list ${CLIENT_SUBNETS.min} to ${props.maxAvailabilityZones ?? CLIENT_SUBNETS.max} AZ IDs (got ${zoneIds.join(', ')})`);
    }
    const vpc = new ec2.Vpc(this, 'Vpc', {
      // With AZ IDs, one placeholder AZ per ID (any token passes the VPC's check), replaced by the ID below.
      ...(zoneIds ? { availabilityZones: zoneIds.map((_, index) => Fn.select(index, Fn.getAzs())) } : { maxAzs: CLIENT_SUBNETS.min }),
      natGateways: 0,
      subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
      gatewayEndpoints: {
        DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        ...(props.s3GatewayEndpoint ? { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } } : {}),
      },
    });
    zoneIds?.forEach((zoneId, index) => {
      const subnet = vpc.isolatedSubnets[index]?.node.defaultChild as ec2.CfnSubnet;
      subnet.addPropertyDeletionOverride('AvailabilityZone');
      subnet.addPropertyOverride('AvailabilityZoneId', zoneId);
    });
    vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(
        new logs.LogGroup(this, 'FlowLogs', { retention: LOG_RETENTION, removalPolicy: LOG_REMOVAL_POLICY }),
      ),
      trafficType: ec2.FlowLogTrafficType.ALL,
    });
    return vpc;
  }
}

/** CDK's placeholder for a VPC not looked up yet puts its subnets in `dummy1a` and `dummy1b`. */
const PLACEHOLDER_ZONE = /^dummy/;

/**
 * One private subnet in each of two to `max` AZs of a looked-up VPC: those with a NAT route if it
 * has any, else isolated ones (which then need endpoints of their own).
 * @throws ConfigurationError naming `existingVpcId` (or `availabilityZones`) when the VPC cannot hold the cluster
 */
function existingSubnets(vpc: ec2.IVpc, vpcId: string, max: number, zones?: readonly string[]): ec2.SubnetSelection {
  const candidates = vpc.privateSubnets.length > 0 ? vpc.privateSubnets : vpc.isolatedSubnets;
  // Before the lookup has run, the placeholder cannot be checked against names the user gave.
  const placeholder = candidates.every((subnet) => PLACEHOLDER_ZONE.test(subnet.availabilityZone));
  const choice = oneSubnetPerZone(candidates, max, placeholder ? undefined : zones);
  if ('problem' in choice) throw settingError(zones ? 'availabilityZones' : 'existingVpcId', `VPC ${vpcId}: ${choice.problem}`);
  const chosen = new Set(choice.subnets.map((subnet) => subnet.subnetId));
  return { subnets: candidates.filter((subnet) => chosen.has(subnet.subnetId)) };
}
