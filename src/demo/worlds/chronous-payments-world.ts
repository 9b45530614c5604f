// chronous-payments (seed 002, desired/chronous-payments.yaml): ECS on one EC2 worker.
// World (not managed): the Matrix-oSc VPC 10.2.0.0/16 with its public, private and database
// subnets; security groups sg_payments_api_internal, sg_rds, elb_http (port 80 from the
// administrator's IP) and sg_bastion_ssh_only, plus the bastion's SSH rule on the API group
// (not declared: it must survive, the group is not exclusive); the internal ALB in the private
// subnets; the ECS cluster cak-cluster.
// Managed: target group (/gettoken every 30 s), listener, the API and RDS ingress, the service.
import type { TestClients } from '../aws-demo-clients.js';
import {
  authorizeIngress,
  awslogs,
  createListener,
  createServiceWithTaskDefinition,
  createTargetGroup,
  forwardTo,
} from './managed-building-blocks.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc, realId, tcpFrom, type World, type WorldIds } from './world-building-blocks.js';

export const CHRONOUS_PLACEHOLDERS = {
  vpc: 'vpc-03000000000000001',
  apiSecurityGroup: 'sg-030000000000000ec',
  rdsSecurityGroup: 'sg-030000000000000db',
  loadBalancerSecurityGroup: 'sg-030000000000000a1',
} as const;

export const CHRONOUS_LOAD_BALANCER = 'chronous-payments-alb';

export async function buildChronousPaymentsWorld(clients: TestClients): Promise<World> {
  const vpcId = await createVpc(clients, 'Matrix-oSc', '10.2.0.0/16');
  const [, privateA, privateB] = await createSubnets(clients, vpcId, [
    { name: 'Matrix-oSc-public-a', cidr: '10.2.2.0/24', az: 'us-east-1a' },
    { name: 'Matrix-oSc-private-a', cidr: '10.2.0.0/24', az: 'us-east-1a' },
    { name: 'Matrix-oSc-private-b', cidr: '10.2.1.0/24', az: 'us-east-1b' },
    { name: 'Matrix-oSc-db-a', cidr: '10.2.3.0/24', az: 'us-east-1a' },
    { name: 'Matrix-oSc-db-b', cidr: '10.2.4.0/24', az: 'us-east-1b' },
  ]);
  const bastion = await createSecurityGroup(clients, vpcId, 'sg_bastion_ssh_only', 'SSH into the bastion', [
    tcpFrom(22, { cidr: '203.0.113.10/32' }, 'owner public IP'),
  ]);
  const elb = await createSecurityGroup(clients, vpcId, 'elb_http', 'HTTP into the load balancer', [
    tcpFrom(80, { cidr: '203.0.113.10/32' }, 'administrator public IP'),
  ]);
  const api = await createSecurityGroup(clients, vpcId, 'sg_payments_api_internal', 'payments API instances', [
    tcpFrom(22, { securityGroup: bastion }, 'SSH from the bastion only'),
  ]);
  const rds = await createSecurityGroup(clients, vpcId, 'sg_rds', 'payments RDS instance');
  await createAlb(clients, CHRONOUS_LOAD_BALANCER, [privateA!, privateB!], [elb], 'internal');
  await createCluster(clients, 'cak-cluster');
  return {
    ids: {
      [CHRONOUS_PLACEHOLDERS.vpc]: vpcId,
      [CHRONOUS_PLACEHOLDERS.apiSecurityGroup]: api,
      [CHRONOUS_PLACEHOLDERS.rdsSecurityGroup]: rds,
      [CHRONOUS_PLACEHOLDERS.loadBalancerSecurityGroup]: elb,
    },
  };
}

export async function buildChronousPaymentsManaged(clients: TestClients, ids: WorldIds): Promise<void> {
  await createTargetGroup(clients, {
    Name: 'chronous-payments-tg',
    VpcId: realId(ids, CHRONOUS_PLACEHOLDERS.vpc),
    Protocol: 'HTTP',
    Port: 80,
    TargetType: 'instance',
    HealthCheckPath: '/gettoken',
    HealthCheckIntervalSeconds: 30,
  });
  await createListener(clients, CHRONOUS_LOAD_BALANCER, 80, await forwardTo(clients, 'chronous-payments-tg'));
  const api = realId(ids, CHRONOUS_PLACEHOLDERS.apiSecurityGroup);
  await authorizeIngress(clients, api, [
    tcpFrom(80, { cidr: '10.2.0.0/24' }, 'private subnet to the payments API'),
    tcpFrom(80, { securityGroup: realId(ids, CHRONOUS_PLACEHOLDERS.loadBalancerSecurityGroup) }, 'load balancer to the payments API'),
  ]);
  await authorizeIngress(clients, realId(ids, CHRONOUS_PLACEHOLDERS.rdsSecurityGroup), [
    tcpFrom(3306, { securityGroup: api }, 'payments API instances to MySQL'),
  ]);
  await createServiceWithTaskDefinition(clients, {
    cluster: 'cak-cluster',
    serviceName: 'chronous-payments-api',
    launchType: 'EC2',
    desiredCount: 1,
    deployment: { maximumPercent: 100, minimumHealthyPercent: 0 },
    taskDefinition: {
      family: 'chronous-payments-web-api',
      networkMode: 'bridge',
      containers: [
        {
          name: 'chronous-payments-web-api',
          image: '123456789012.dkr.ecr.us-east-2.amazonaws.com/chronous-payments-web-api:1.0',
          essential: true,
          portMappings: [{ containerPort: 80, hostPort: 80, protocol: 'tcp' }],
          cpu: 512,
          memory: 384,
          logConfiguration: awslogs('/ecs/chronous-payments-web-api', 'us-east-2', 'payments-api'),
        },
      ],
    },
    loadBalancers: [{ targetGroup: 'chronous-payments-tg', containerName: 'chronous-payments-web-api', containerPort: 80 }],
  });
}
