// desired/orders-worker.yaml (the AWS-named fields' example, not a seed system): what it refers
// to but does not manage: a VPC with two private subnets, the worker's security group, the cluster.
// (The EFS file system is only named in the task definition: ECS does not look it up at register.)
import type { TestClients } from '../aws-demo-clients.js';
import { createCluster, createSecurityGroup, createSubnets, createVpc, type World } from './world-building-blocks.js';

export const ORDERS_WORKER_PLACEHOLDERS = {
  subnetA: 'subnet-0f5e000000000a01',
  subnetB: 'subnet-0f5e000000000a02',
  securityGroup: 'sg-0f5e0000000000c1',
} as const;

export const ORDERS_WORKER_CLUSTER = 'orders';

export async function buildOrdersWorkerWorld(clients: TestClients): Promise<World> {
  const vpcId = await createVpc(clients, 'orders-vpc', '10.50.0.0/16');
  const [subnetA, subnetB] = await createSubnets(clients, vpcId, [
    { name: 'orders-private-a', cidr: '10.50.1.0/24', az: 'us-east-1a' },
    { name: 'orders-private-b', cidr: '10.50.2.0/24', az: 'us-east-1b' },
  ]);
  const sg = await createSecurityGroup(clients, vpcId, 'orders-worker', 'orders worker tasks');
  await createCluster(clients, ORDERS_WORKER_CLUSTER);
  return {
    ids: {
      [ORDERS_WORKER_PLACEHOLDERS.subnetA]: subnetA!,
      [ORDERS_WORKER_PLACEHOLDERS.subnetB]: subnetB!,
      [ORDERS_WORKER_PLACEHOLDERS.securityGroup]: sg,
    },
  };
}
