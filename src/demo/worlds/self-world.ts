// The controller's own deployment (desired/ecs-reconciler.yaml): the pre-existing world it refers
// to but does not manage, built the way the README's "Deploy to AWS" tells a person to: a VPC with two private
// subnets, the ALB and its group, the controller's group, the HTTPS listener, the cluster.
import type { TestClients } from '../aws-demo-clients.js';
import { createListener } from './managed-building-blocks.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc, tcpFrom, type World } from './world-building-blocks.js';

/** The placeholders of desired/ecs-reconciler.yaml and deploy/*.json. */
export const SELF_PLACEHOLDERS = {
  vpc: 'vpc-0ec5000000000001',
  subnetA: 'subnet-0ec5000000000a01',
  subnetB: 'subnet-0ec5000000000a02',
  controllerSecurityGroup: 'sg-0ec50000000000c1',
  albSecurityGroup: 'sg-0ec50000000000a1',
  webhookTargetGroupArn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/ecs-reconciler-webhook/0ec5000000000001',
} as const;

export const SELF_LOAD_BALANCER = 'platform-alb';
export const SELF_CLUSTER = 'ecs-reconciler';
export const SELF_LISTENER_PORT = 443;

export async function buildSelfWorld(clients: TestClients): Promise<World> {
  const vpcId = await createVpc(clients, 'platform-vpc', '10.40.0.0/16');
  const [subnetA, subnetB] = await createSubnets(clients, vpcId, [
    { name: 'platform-private-a', cidr: '10.40.1.0/24', az: 'us-east-1a' },
    { name: 'platform-private-b', cidr: '10.40.2.0/24', az: 'us-east-1b' },
  ]);
  const albSg = await createSecurityGroup(clients, vpcId, 'platform-alb-sg', 'ALB', [tcpFrom(443, { cidr: '0.0.0.0/0' }, 'HTTPS')]);
  const controllerSg = await createSecurityGroup(clients, vpcId, 'ecs-reconciler', 'ecs-reconciler task');
  await createAlb(clients, SELF_LOAD_BALANCER, [subnetA!, subnetB!], [albSg]);
  // the ALB's HTTPS listener (moto needs no certificate for an HTTP listener on 443: same routing)
  await createListener(clients, SELF_LOAD_BALANCER, SELF_LISTENER_PORT, [
    { Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: 'not found' } },
  ]);
  await createCluster(clients, SELF_CLUSTER);
  return {
    ids: {
      [SELF_PLACEHOLDERS.vpc]: vpcId,
      [SELF_PLACEHOLDERS.subnetA]: subnetA!,
      [SELF_PLACEHOLDERS.subnetB]: subnetB!,
      [SELF_PLACEHOLDERS.controllerSecurityGroup]: controllerSg,
      [SELF_PLACEHOLDERS.albSecurityGroup]: albSg,
    },
  };
}
