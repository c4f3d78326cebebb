import { configFromContext } from '../../../../lib/config';
import { EXISTING, contextProblems } from '../../../helpers/cdkContext';

describe('configFromContext: the network', () => {
  it('pins a new VPC’s AZs by ID, two or three of them', () => {
    // Act
    const config = configFromContext({ availabilityZoneIds: 'use1-az1, use1-az2,use1-az4' });

    // Assess
    expect(config.network).toEqual({ mode: 'new', availabilityZoneIds: ['use1-az1', 'use1-az2', 'use1-az4'] });
  });

  it('chooses AZ IDs MSK supports for a new VPC in a known region whose AZ names may stand for use1-az3', () => {
    // Act
    const east = configFromContext({ account: '123456789012', region: 'us-east-1' });
    const west = configFromContext({ account: '123456789012', region: 'eu-west-1' });

    // Assess
    expect(east.network).toEqual({ mode: 'new', availabilityZoneIds: ['use1-az1', 'use1-az2'] });
    expect(west.network).toEqual({ mode: 'new' });
  });

  it('reads the AZs of an existing VPC by name', () => {
    // Act
    const config = configFromContext({ ...EXISTING, availabilityZones: 'eu-west-1b,eu-west-1c' });

    // Assess
    expect(config.network).toEqual({ mode: 'existing', vpcId: 'vpc-0abc1234def567890', availabilityZones: ['eu-west-1b', 'eu-west-1c'] });
  });

  it.each([
    [{ existingVpcId: 'vpc-0abc1234def567890' }, 'existingVpcId: needs account and region (-c account=<id> -c region=<region>): the VPC is looked up at synth time'],
    [{ availabilityZoneIds: 'use1-az1,use1-az3' }, 'availabilityZoneIds: MSK does not place client subnets in use1-az3; choose other AZ IDs'],
    [{ availabilityZoneIds: 'use1-az1,euw1-az2' }, 'availabilityZoneIds: must all be AZs of one region (got use1-az1, euw1-az2)'],
    [{ availabilityZoneIds: 'use1-az1' }, 'availabilityZoneIds: must list 2 to 3 different values, comma-separated: MSK takes 2 or 3 client subnets, each in its own AZ (got "use1-az1")'],
    [{ availabilityZoneIds: 'use1-az1,use1-az1' }, 'availabilityZoneIds: must list 2 to 3 different values'],
    [{ availabilityZoneIds: 'us-east-1a,us-east-1b' }, 'availabilityZoneIds: must be AZ IDs such as use1-az1 (ZoneId in aws ec2 describe-availability-zones) (not "us-east-1a", "us-east-1b")'],
    [
      { account: '123456789012', region: 'us-west-1', clusterMode: 'provisioned', availabilityZoneIds: 'usw1-az1,usw1-az2,usw1-az3' },
      'availabilityZoneIds: must list 2 different values, comma-separated: a provisioned cluster in us-west-1 takes 2 subnets',
    ],
    [{ ...EXISTING, availabilityZoneIds: 'euw1-az1,euw1-az2' }, 'availabilityZoneIds: only valid for a new VPC: an existing VPC is looked up by AZ name; choose its AZs with availabilityZones'],
    [{ availabilityZones: 'eu-west-1a,eu-west-1b' }, 'availabilityZones: only valid with existingVpcId (a new VPC is placed by AZ ID: availabilityZoneIds)'],
    [{ ...EXISTING, availabilityZones: 'eu-west-1a,us-east-1b' }, 'availabilityZones: us-east-1b not in region eu-west-1'],
  ])('refuses %j with a message naming the setting and the valid choices', (context, message) => {
    // Act
    const problems = contextProblems(context);

    // Assess
    expect(problems).toContain(message);
  });
});
