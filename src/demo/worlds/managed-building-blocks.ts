// SDK steps that create MANAGED resources by hand, the way a user would in the console or CLI,
// with exactly the values the desired file declares. Used by the buildManaged() of each world.
import { AuthorizeSecurityGroupIngressCommand, type IpPermission } from '@aws-sdk/client-ec2';
import {
  CreateServiceCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type ContainerDefinition,
  type NetworkMode,
} from '@aws-sdk/client-ecs';
import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  type Action,
  type CreateTargetGroupCommandInput,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../aws-demo-clients.js';
import { listenerArn, loadBalancerArn, targetGroupArn } from './world-building-blocks.js';

/** CreateTargetGroup; returns the ARN. */
export async function createTargetGroup(clients: TestClients, input: CreateTargetGroupCommandInput): Promise<string> {
  const { TargetGroups } = await clients.elbv2.send(new CreateTargetGroupCommand(input));
  return TargetGroups![0]!.TargetGroupArn!;
}

export const forwardTo = async (clients: TestClients, targetGroup: string): Promise<Action[]> => [
  { Type: 'forward', TargetGroupArn: await targetGroupArn(clients, targetGroup) },
];

/** CreateListener on the named load balancer. */
export async function createListener(clients: TestClients, loadBalancer: string, port: number, defaultActions: Action[]): Promise<string> {
  const { Listeners } = await clients.elbv2.send(
    new CreateListenerCommand({ LoadBalancerArn: await loadBalancerArn(clients, loadBalancer), Port: port, Protocol: 'HTTP', DefaultActions: defaultActions }),
  );
  return Listeners![0]!.ListenerArn!;
}

/** CreateRule with one path-pattern condition (PathPatternConfig: up to 5 values). */
export async function createPathRule(
  clients: TestClients,
  listener: { loadBalancer: string; port: number },
  priority: number,
  pathPatterns: string[],
  targetGroup: string,
): Promise<string> {
  const { Rules } = await clients.elbv2.send(
    new CreateRuleCommand({
      ListenerArn: await listenerArn(clients, listener.loadBalancer, listener.port),
      Priority: priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: pathPatterns } }],
      Actions: await forwardTo(clients, targetGroup),
    }),
  );
  return Rules![0]!.RuleArn!;
}

export async function authorizeIngress(clients: TestClients, groupId: string, permissions: IpPermission[]): Promise<void> {
  await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: permissions }));
}

/** The awslogs log configuration of a container definition. */
export function awslogs(group: string, region: string, streamPrefix: string): ContainerDefinition['logConfiguration'] {
  return { logDriver: 'awslogs', options: { 'awslogs-group': group, 'awslogs-region': region, 'awslogs-stream-prefix': streamPrefix } };
}

export interface HandMadeService {
  cluster: string;
  serviceName: string;
  launchType: 'EC2' | 'FARGATE';
  desiredCount: number;
  deployment?: { maximumPercent: number; minimumHealthyPercent: number };
  taskDefinition: {
    family: string;
    networkMode: NetworkMode;
    cpu?: string;
    memory?: string;
    executionRoleArn?: string;
    taskRoleArn?: string;
    containers: ContainerDefinition[];
  };
  loadBalancers: { targetGroup: string; containerName: string; containerPort: number }[];
}

/** RegisterTaskDefinition (revision 1) then CreateService on it. Returns the service ARN. */
export async function createServiceWithTaskDefinition(clients: TestClients, service: HandMadeService): Promise<string> {
  const { taskDefinition } = service;
  const registered = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: taskDefinition.family,
      networkMode: taskDefinition.networkMode,
      requiresCompatibilities: [service.launchType],
      cpu: taskDefinition.cpu,
      memory: taskDefinition.memory,
      executionRoleArn: taskDefinition.executionRoleArn,
      taskRoleArn: taskDefinition.taskRoleArn,
      containerDefinitions: taskDefinition.containers,
    }),
  );
  const loadBalancers = [];
  for (const lb of service.loadBalancers) {
    loadBalancers.push({ targetGroupArn: await targetGroupArn(clients, lb.targetGroup), containerName: lb.containerName, containerPort: lb.containerPort });
  }
  const created = await clients.ecs.send(
    new CreateServiceCommand({
      cluster: service.cluster,
      serviceName: service.serviceName,
      taskDefinition: registered.taskDefinition!.taskDefinitionArn!,
      launchType: service.launchType,
      desiredCount: service.desiredCount,
      ...(service.deployment ? { deploymentConfiguration: service.deployment } : {}),
      loadBalancers,
    }),
  );
  if (service.deployment) {
    // moto 5.2.1 drops deploymentConfiguration on CreateService (AWS keeps it) but keeps it on
    // UpdateService: this call gives moto the state AWS would have after the CreateService.
    await clients.ecs.send(new UpdateServiceCommand({ cluster: service.cluster, service: service.serviceName, deploymentConfiguration: service.deployment }));
  }
  return created.service!.serviceArn!;
}
