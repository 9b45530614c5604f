// IMS (seed 000, desired/ims.yaml): Elastic Beanstalk environment `production` + RDS PostgreSQL.
// World (not managed): the default VPC; the VPC's default security group, which the RDS
// instance got because the guide's create-db-instance names none; the security groups
// Beanstalk made for its instances and its load balancer; the Beanstalk ALB.
// Managed: target group, HTTP:80 listener, the RDS group's 5432 ingress.
import type { TestClients } from '../aws-demo-clients.js';
import { authorizeIngress, createListener, createTargetGroup, forwardTo } from './managed-building-blocks.js';
import { createAlb, createSecurityGroup, defaultVpc, realId, tcpFrom, type World, type WorldIds } from './world-building-blocks.js';

export const IMS_PLACEHOLDERS = {
  vpc: 'vpc-01000000000000001',
  rdsSecurityGroup: 'sg-010000000000000db',
  instancesSecurityGroup: 'sg-010000000000000ec',
} as const;

export const IMS_LOAD_BALANCER = 'ims-production-alb';

export async function buildImsWorld(clients: TestClients): Promise<World> {
  const { vpcId, subnets, defaultSecurityGroup } = await defaultVpc(clients);
  const albSecurityGroup = await createSecurityGroup(clients, vpcId, 'awseb-production-AWSEBLoadBalancerSecurityGroup', 'Load Balancer Security Group', [
    tcpFrom(80, { cidr: '0.0.0.0/0' }),
  ]);
  const instancesSecurityGroup = await createSecurityGroup(clients, vpcId, 'awseb-production-AWSEBSecurityGroup', 'VPC Security Group', [
    tcpFrom(80, { securityGroup: albSecurityGroup }),
  ]);
  await createAlb(clients, IMS_LOAD_BALANCER, subnets, [albSecurityGroup]);
  return {
    ids: {
      [IMS_PLACEHOLDERS.vpc]: vpcId,
      [IMS_PLACEHOLDERS.rdsSecurityGroup]: defaultSecurityGroup,
      [IMS_PLACEHOLDERS.instancesSecurityGroup]: instancesSecurityGroup,
    },
  };
}

export async function buildImsManaged(clients: TestClients, ids: WorldIds): Promise<void> {
  await createTargetGroup(clients, {
    Name: 'ims-production-tg',
    VpcId: realId(ids, IMS_PLACEHOLDERS.vpc),
    Protocol: 'HTTP',
    Port: 80,
    TargetType: 'instance',
    HealthCheckPath: '/healthcheck',
    HealthCheckProtocol: 'HTTP',
    HealthCheckPort: 'traffic-port',
    Matcher: { HttpCode: '200' },
    Tags: [
      { Key: 'app', Value: 'ims' },
      { Key: 'environment', Value: 'production' },
    ],
  });
  await createListener(clients, IMS_LOAD_BALANCER, 80, await forwardTo(clients, 'ims-production-tg'));
  await authorizeIngress(clients, realId(ids, IMS_PLACEHOLDERS.rdsSecurityGroup), [
    tcpFrom(5432, { securityGroup: realId(ids, IMS_PLACEHOLDERS.instancesSecurityGroup) }, 'Beanstalk EC2 instances to authentication-postgres'),
    tcpFrom(5432, { cidr: '203.0.113.10/32' }, 'My IP - psql from the admin workstation'),
  ]);
}
