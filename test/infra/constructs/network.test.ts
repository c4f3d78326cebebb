import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { PulseNetwork } from '../../../lib/constructs/network';
import { EXISTING, bareStack, logicalIdOf } from '../helpers/pulseApp';

describe('PulseNetwork', () => {
  it('creates a VPC over two Availability Zones with private subnets only: no internet or NAT gateway', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::Subnet', 2);
    template.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
    template.resourceCountIs('AWS::EC2::InternetGateway', 0);
    template.resourceCountIs('AWS::EC2::NatGateway', 0);
    const zones = Object.values(template.findResources('AWS::EC2::Subnet')).map((subnet) => JSON.stringify(subnet.Properties.AvailabilityZone));
    expect(new Set(zones).size).toBe(2);
  });

  it('routes DynamoDB through a gateway endpoint and STS, Lambda and the MSK API through private interface endpoints', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.dynamodb']] },
    });
    for (const service of ['sts', 'lambda']) {
      template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
        VpcEndpointType: 'Interface',
        PrivateDnsEnabled: true,
        ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, `.${service}`]] },
      });
    }
  });

  it('reaches the MSK API through aws.api.<region>.kafka-api, not com.amazonaws.<region>.kafka, which takes no new connections', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Interface',
      ServiceName: { 'Fn::Join': ['', ['aws.api.', { Ref: 'AWS::Region' }, '.kafka-api']] },
    });
    const serviceNames = Object.values(template.findResources('AWS::EC2::VPCEndpoint')).map((endpoint) => JSON.stringify(endpoint.Properties.ServiceName));
    expect(serviceNames.filter((name) => /\.kafka"|\.kafka-fips"/.test(name))).toEqual([]);
    expect(network.interfaceEndpoints.has('kafka-api')).toBe(true);
  });

  it('points the SDK of its functions at the MSK API endpoint by the endpoint’s own regional DNS name', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    const endpoint = logicalIdOf(network.interfaceEndpoints.get('kafka-api') as ec2.InterfaceVpcEndpoint);
    expect(stack.resolve(network.functionPlacement.environment)).toEqual({
      AWS_ENDPOINT_URL_KAFKA: {
        'Fn::Join': ['', ['https://', { 'Fn::Select': [1, { 'Fn::Split': [':', { 'Fn::Select': [0, { 'Fn::GetAtt': [endpoint, 'DnsEntries'] }] }] }] }]],
      },
    });
  });

  it('adds the endpoints an on-failure destination needs', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network', { additionalInterfaceEndpoints: [ec2.InterfaceVpcEndpointAwsService.SQS], s3GatewayEndpoint: true });

    // Assess
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.sqs']] } });
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', {
      VpcEndpointType: 'Gateway',
      ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.s3']] },
    });
  });

  it('opens the interface endpoints on 443 to the functions’ security group only, never to an address range', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    const template = Template.fromStack(stack);
    const ingress = Object.values(template.findResources('AWS::EC2::SecurityGroupIngress'));
    expect(ingress).toHaveLength(3);
    for (const rule of ingress) {
      expect(rule.Properties).toMatchObject({
        IpProtocol: 'tcp',
        FromPort: 443,
        ToPort: 443,
        SourceSecurityGroupId: { 'Fn::GetAtt': [stack.getLogicalId(network.functionSecurityGroup.node.defaultChild as ec2.CfnSecurityGroup), 'GroupId'] },
      });
    }
    template.allResourcesProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.absent() });
  });

  it('lets the functions out on HTTPS only', () => {
    // Act
    const stack = bareStack();
    const network = new PulseNetwork(stack, 'Network');

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::SecurityGroup', {
      GroupDescription: Match.stringLikeRegexp('^Pulse functions'),
      SecurityGroupEgress: [{ CidrIp: '0.0.0.0/0', IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Description: 'AWS service endpoints' }],
    });
    expect(network.subnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED });
  });

  it('keeps a flow log of the VPC', () => {
    // Act
    const stack = bareStack();
    new PulseNetwork(stack, 'Network');

    // Assess
    Template.fromStack(stack).hasResourceProperties('AWS::EC2::FlowLog', { ResourceType: 'VPC', TrafficType: 'ALL', LogDestinationType: 'cloud-watch-logs' });
  });

  it('uses an existing VPC by id, its private subnets with egress, and creates no endpoint', () => {
    // Prepare
    const stack = bareStack({ env: { account: EXISTING.account, region: EXISTING.region } });

    // Act
    const network = new PulseNetwork(stack, 'Network', { existingVpcId: EXISTING.vpcId });

    // Assess
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::EC2::VPC', 0);
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 0);
    expect(network.subnets).toEqual({ subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS });
    expect(network.interfaceEndpoints.size).toBe(0);
    // The SDK's default MSK API hostname, through the VPC's own NAT or endpoint.
    expect(network.functionPlacement.environment).toEqual({});
  });

  it('throws when asked for endpoints in an existing VPC', () => {
    // Prepare
    const stack = bareStack({ env: { account: EXISTING.account, region: EXISTING.region } });

    // Act
    const creating = () => new PulseNetwork(stack, 'Network', { existingVpcId: EXISTING.vpcId, s3GatewayEndpoint: true });

    // Assess
    expect(creating).toThrow('PulseNetwork: endpoints are only added to the VPC it creates; an existing VPC must provide its own routes');
  });
});
