// docto (seed 004, desired/docto.yaml): FastAPI + web site on EC2 (docker compose) behind
// docto-alb, built by Terraform. World (not managed): VPC 10.0.0.0/16 with three public
// (cidrsubnet(cidr, 4, k)) and three private (cidrsubnet(cidr, 8, k + 64)) subnets; the ALB's
// security group docto-alb-sg (HTTP 80 and HTTPS 443 from anywhere); the instances' group
// docto-sg and the RDS group, both without ingress; the ALB docto-alb.
// Managed: both target groups, the fixed-response listener, rules 100 and 200, the ingress of
// docto-sg and of the RDS group.
import type { TestClients } from '../aws-demo-clients.js';
import { authorizeIngress, createListener, createPathRule, createTargetGroup } from './managed-building-blocks.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, realId, tcpFrom, type World, type WorldIds } from './world-building-blocks.js';

export const DOCTO_PLACEHOLDERS = {
  vpc: 'vpc-05000000000000001',
  albSecurityGroup: 'sg-050000000000000a1',
  instancesSecurityGroup: 'sg-050000000000000ec',
  rdsSecurityGroup: 'sg-050000000000000db',
} as const;

export const DOCTO_LOAD_BALANCER = 'docto-alb';

export async function buildDoctoWorld(clients: TestClients): Promise<World> {
  const vpcId = await createVpc(clients, 'docto-vpc', '10.0.0.0/16');
  const zones = ['us-east-1a', 'us-east-1b', 'us-east-1c'];
  const publicSubnets = await createSubnets(
    clients,
    vpcId,
    zones.map((az, k) => ({ name: `docto-public-${az}`, cidr: `10.0.${k * 16}.0/20`, az })),
  );
  await createSubnets(
    clients,
    vpcId,
    zones.map((az, k) => ({ name: `docto-private-${az}`, cidr: `10.0.${k + 64}.0/24`, az })),
  );
  const alb = await createSecurityGroup(clients, vpcId, 'docto-alb-sg', 'Security group for ALB instance docto', [
    tcpFrom(80, { cidr: '0.0.0.0/0' }, 'Allow all traffic through HTTP'),
    tcpFrom(443, { cidr: '0.0.0.0/0' }, 'Allow all traffic through HTTPs'),
  ]);
  const instances = await createSecurityGroup(clients, vpcId, 'docto-sg', 'Security group for EC2 instance docto');
  const rds = await createSecurityGroup(clients, vpcId, 'docto-rds-sg', 'Security group for RDS docto');
  await createAlb(clients, DOCTO_LOAD_BALANCER, publicSubnets, [alb]);
  return {
    ids: {
      [DOCTO_PLACEHOLDERS.vpc]: vpcId,
      [DOCTO_PLACEHOLDERS.albSecurityGroup]: alb,
      [DOCTO_PLACEHOLDERS.instancesSecurityGroup]: instances,
      [DOCTO_PLACEHOLDERS.rdsSecurityGroup]: rds,
    },
  };
}

export async function buildDoctoManaged(clients: TestClients, ids: WorldIds): Promise<void> {
  for (const [name, port] of [
    ['docto-website', 80],
    ['docto-fastapi', 8000],
  ] as const) {
    await createTargetGroup(clients, {
      Name: name,
      VpcId: realId(ids, DOCTO_PLACEHOLDERS.vpc),
      Protocol: 'HTTP',
      Port: port,
      TargetType: 'instance',
      HealthCheckPath: '/',
      HealthCheckPort: 'traffic-port',
      HealthyThresholdCount: 5,
      UnhealthyThresholdCount: 2,
      HealthCheckTimeoutSeconds: 2,
      HealthCheckIntervalSeconds: 60,
      Matcher: { HttpCode: '200' },
    });
  }
  await createListener(clients, DOCTO_LOAD_BALANCER, 80, [
    { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'Resource not found' } },
  ]);
  const listener = { loadBalancer: DOCTO_LOAD_BALANCER, port: 80 };
  await createPathRule(clients, listener, 200, ['/*'], 'docto-website');
  await createPathRule(clients, listener, 100, ['/fastapi*'], 'docto-fastapi');
  const alb = realId(ids, DOCTO_PLACEHOLDERS.albSecurityGroup);
  const instances = realId(ids, DOCTO_PLACEHOLDERS.instancesSecurityGroup);
  await authorizeIngress(clients, instances, [
    tcpFrom(22, { cidr: '10.0.0.0/16' }, 'Allow all traffic through SSH'),
    tcpFrom(80, { securityGroup: alb }, 'Allow ALB traffic through HTTP'),
    tcpFrom(8000, { securityGroup: alb }, 'Allow ALB traffic through for API'),
  ]);
  await authorizeIngress(clients, realId(ids, DOCTO_PLACEHOLDERS.rdsSecurityGroup), [
    tcpFrom(3306, { securityGroup: instances }, 'Allow MYSQL traffic from only the API Security Group'),
  ]);
}
