// Small SDK steps the world builders share: a VPC with subnets, a security group with its
// ingress, an ALB, a cluster, and name -> ARN lookups. Plain SDK calls, no controller code.
import {
  AuthorizeSecurityGroupIngressCommand,
  CreateSecurityGroupCommand,
  CreateSubnetCommand,
  CreateVpcCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  type IpPermission,
} from '@aws-sdk/client-ec2';
import { CreateClusterCommand } from '@aws-sdk/client-ecs';
import {
  CreateLoadBalancerCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../aws-demo-clients.js';

/** placeholder id in desired/*.yaml -> the id moto generated for the same thing */
export type WorldIds = Record<string, string>;

export interface World {
  ids: WorldIds;
}

/** The real id of a placeholder, or a clear error naming the world that should have made it. */
export function realId(ids: WorldIds, placeholder: string): string {
  const id = ids[placeholder];
  if (!id) throw new Error(`world ids have no entry for ${placeholder}: build the system's world first and pass its ids`);
  return id;
}

const nameTag = (resourceType: 'vpc' | 'subnet' | 'security-group', name: string) => [
  { ResourceType: resourceType, Tags: [{ Key: 'Name', Value: name }] },
];

export async function createVpc(clients: TestClients, name: string, cidr: string): Promise<string> {
  const { Vpc } = await clients.ec2.send(new CreateVpcCommand({ CidrBlock: cidr, TagSpecifications: nameTag('vpc', name) }));
  return Vpc!.VpcId!;
}

/** The account's default VPC (172.31.0.0/16, one default subnet per AZ) and two of its subnets. */
export async function defaultVpc(clients: TestClients): Promise<{ vpcId: string; subnets: string[]; defaultSecurityGroup: string }> {
  const { Vpcs } = await clients.ec2.send(new DescribeVpcsCommand({ Filters: [{ Name: 'is-default', Values: ['true'] }] }));
  const vpcId = Vpcs?.[0]?.VpcId;
  if (!vpcId) throw new Error('the emulator has no default VPC in us-east-1');
  const { Subnets } = await clients.ec2.send(new DescribeSubnetsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }] }));
  const subnets = (Subnets ?? [])
    .filter((subnet) => subnet.DefaultForAz)
    .sort((a, b) => (a.AvailabilityZone ?? '').localeCompare(b.AvailabilityZone ?? ''))
    .map((subnet) => subnet.SubnetId!)
    .slice(0, 2);
  const { SecurityGroups } = await clients.ec2.send(
    new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'vpc-id', Values: [vpcId] }, { Name: 'group-name', Values: ['default'] }] }),
  );
  const defaultSecurityGroup = SecurityGroups?.[0]?.GroupId;
  if (subnets.length < 2 || !defaultSecurityGroup) throw new Error('the default VPC lacks two default subnets or its default security group');
  return { vpcId, subnets, defaultSecurityGroup };
}

export async function createSubnets(
  clients: TestClients,
  vpcId: string,
  subnets: { name: string; cidr: string; az: string }[],
): Promise<string[]> {
  const ids: string[] = [];
  for (const subnet of subnets) {
    const { Subnet } = await clients.ec2.send(
      new CreateSubnetCommand({ VpcId: vpcId, CidrBlock: subnet.cidr, AvailabilityZone: subnet.az, TagSpecifications: nameTag('subnet', subnet.name) }),
    );
    ids.push(Subnet!.SubnetId!);
  }
  return ids;
}

/** A security group; `ingress` are rules that exist but are NOT managed by the desired file. */
export async function createSecurityGroup(
  clients: TestClients,
  vpcId: string,
  name: string,
  description: string,
  ingress: IpPermission[] = [],
): Promise<string> {
  const { GroupId } = await clients.ec2.send(
    new CreateSecurityGroupCommand({ GroupName: name, Description: description, VpcId: vpcId, TagSpecifications: nameTag('security-group', name) }),
  );
  if (ingress.length > 0) {
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: GroupId!, IpPermissions: ingress }));
  }
  return GroupId!;
}

/** An application load balancer without listeners (subnets in two AZs at least, as AWS requires). */
export async function createAlb(
  clients: TestClients,
  name: string,
  subnets: string[],
  securityGroups: string[],
  scheme: 'internet-facing' | 'internal' = 'internet-facing',
): Promise<string> {
  const { LoadBalancers } = await clients.elbv2.send(
    new CreateLoadBalancerCommand({ Name: name, Type: 'application', Scheme: scheme, IpAddressType: 'ipv4', Subnets: subnets, SecurityGroups: securityGroups }),
  );
  return LoadBalancers![0]!.LoadBalancerArn!;
}

export async function createCluster(clients: TestClients, name: string): Promise<string> {
  const { cluster } = await clients.ecs.send(new CreateClusterCommand({ clusterName: name }));
  return cluster!.clusterArn!;
}

export async function loadBalancerArn(clients: TestClients, name: string): Promise<string> {
  const { LoadBalancers } = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [name] }));
  return LoadBalancers![0]!.LoadBalancerArn!;
}

export async function targetGroupArn(clients: TestClients, name: string): Promise<string> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  return TargetGroups![0]!.TargetGroupArn!;
}

/** The ARN of the listener on `port` of the load balancer called `loadBalancer`. */
export async function listenerArn(clients: TestClients, loadBalancer: string, port: number): Promise<string> {
  const { Listeners } = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: await loadBalancerArn(clients, loadBalancer) }));
  const listener = Listeners?.find((candidate) => candidate.Port === port);
  if (!listener?.ListenerArn) throw new Error(`load balancer ${loadBalancer} has no listener on port ${port}`);
  return listener.ListenerArn;
}

/** An ingress permission on one port from one CIDR or one security group. */
export function tcpFrom(port: number, source: { cidr: string } | { securityGroup: string }, description?: string): IpPermission {
  const base = { IpProtocol: 'tcp', FromPort: port, ToPort: port };
  return 'cidr' in source
    ? { ...base, IpRanges: [{ CidrIp: source.cidr, ...(description ? { Description: description } : {}) }] }
    : { ...base, UserIdGroupPairs: [{ GroupId: source.securityGroup, ...(description ? { Description: description } : {}) }] };
}
