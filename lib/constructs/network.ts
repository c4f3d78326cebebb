/**
 * The network the cluster and the functions share: a VPC over two Availability Zones with private
 * subnets only, or an existing VPC.
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
 * PrivateLink resolves to the endpoint's addresses whatever its private DNS name is.
 */
import { Fn } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
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
  /** Interface endpoints to add to the new VPC besides STS, Lambda and MSK (e.g. SQS for an on-failure queue). @default - none */
  readonly additionalInterfaceEndpoints?: readonly ec2.InterfaceVpcEndpointAwsService[];
  /** Add an S3 gateway endpoint to the new VPC (for an S3 on-failure destination). @default false */
  readonly s3GatewayEndpoint?: boolean;
}

/** The VPC, its private subnets and the security group of every Pulse function. */
export class PulseNetwork extends Construct {
  /** The VPC of the cluster and the functions. */
  public readonly vpc: ec2.IVpc;
  /** The private subnets the cluster and the functions use. */
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
      if ((props.additionalInterfaceEndpoints?.length ?? 0) > 0 || props.s3GatewayEndpoint) {
        throw new Error('PulseNetwork: endpoints are only added to the VPC it creates; an existing VPC must provide its own routes');
      }
      this.vpc = ec2.Vpc.fromLookup(this, 'Vpc', { vpcId: props.existingVpcId });
      // Private subnets with a NAT route if it has them, else isolated ones (which then need endpoints of their own).
      this.subnets = { subnetType: this.vpc.privateSubnets.length > 0 ? ec2.SubnetType.PRIVATE_WITH_EGRESS : ec2.SubnetType.PRIVATE_ISOLATED };
    } else {
      const vpc = new ec2.Vpc(this, 'Vpc', {
        maxAzs: 2,
        natGateways: 0,
        subnetConfiguration: [{ name: 'private', subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 22 }],
        gatewayEndpoints: {
          DynamoDB: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
          ...(props.s3GatewayEndpoint ? { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } } : {}),
        },
      });
      vpc.addFlowLog('FlowLog', {
        destination: ec2.FlowLogDestination.toCloudWatchLogs(
          new logs.LogGroup(this, 'FlowLogs', { retention: LOG_RETENTION, removalPolicy: LOG_REMOVAL_POLICY }),
        ),
        trafficType: ec2.FlowLogTrafficType.ALL,
      });
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

  /** Where a Pulse function runs. */
  get functionPlacement(): FunctionPlacement {
    return { vpc: this.vpc, vpcSubnets: this.subnets, securityGroups: [this.functionSecurityGroup], environment: this.functionEnvironment };
  }
}
