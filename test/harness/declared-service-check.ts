// The Service part of declared-resources-check.ts: the ECS service and the task definition it
// runs, compared with a declared Service document field by field.
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, type ContainerDefinition } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import type { DeclaredDocument } from './declared-resources-check.js';

function compare(problems: string[], where: string, field: string, live: unknown, declared: unknown): void {
  if (declared === undefined) return;
  if (JSON.stringify(live) !== JSON.stringify(declared)) {
    problems.push(`${where}: ${field} is ${JSON.stringify(live)}, declared ${JSON.stringify(declared)}`);
  }
}

function checkContainer(problems: string[], where: string, declared: any, live: ContainerDefinition | undefined): void {
  if (!live) {
    problems.push(`${where}: no container ${declared.name}`);
    return;
  }
  const at = `${where} container ${declared.name}`;
  compare(problems, at, 'image', live.image, declared.image);
  compare(problems, at, 'essential', live.essential ?? true, declared.essential ?? true);
  compare(problems, at, 'cpu', live.cpu, declared.cpu);
  compare(problems, at, 'memory', live.memory, declared.memory);
  compare(problems, at, 'memoryReservation', live.memoryReservation, declared.memoryReservation);
  const ports = (live.portMappings ?? []).map((m) => ({ containerPort: m.containerPort, hostPort: m.hostPort, protocol: m.protocol }));
  compare(problems, at, 'portMappings', ports, declared.portMappings);
  if (declared.logs) {
    const options = live.logConfiguration?.options ?? {};
    compare(problems, at, 'logs', { driver: live.logConfiguration?.logDriver, group: options['awslogs-group'], region: options['awslogs-region'], streamPrefix: options['awslogs-stream-prefix'] }, {
      driver: 'awslogs',
      ...declared.logs,
    });
  }
}

/** Differences for one Service document; undefined when no ACTIVE service of that name exists. */
export async function checkService(clients: TestClients, doc: DeclaredDocument): Promise<string[] | undefined> {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: doc.spec.cluster, services: [doc.name] }));
  const service = services?.find((candidate) => candidate.status === 'ACTIVE');
  if (!service) return undefined;
  const where = `Service/${doc.name}`;
  const problems: string[] = [];
  compare(problems, where, 'launchType', service.launchType, doc.spec.launchType);
  compare(problems, where, 'desiredCount', service.desiredCount, doc.spec.desiredCount);
  const { maximumPercent, minimumHealthyPercent } = service.deploymentConfiguration ?? {};
  compare(problems, where, 'deployment', { maximumPercent, minimumHealthyPercent }, doc.spec.deployment);
  const lbs = [];
  for (const lb of service.loadBalancers ?? []) {
    const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [lb.targetGroupArn!] }));
    lbs.push({ targetGroup: TargetGroups?.[0]?.TargetGroupName, containerName: lb.containerName, containerPort: lb.containerPort });
  }
  compare(problems, where, 'loadBalancers', lbs, doc.spec.loadBalancers);

  const { taskDefinition } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: service.taskDefinition! }));
  const declared = doc.spec.taskDefinition;
  compare(problems, where, 'taskDefinition.family', taskDefinition?.family, declared.family);
  compare(problems, where, 'taskDefinition.networkMode', taskDefinition?.networkMode, declared.networkMode);
  compare(problems, where, 'taskDefinition.taskRoleArn', taskDefinition?.taskRoleArn, declared.taskRoleArn);
  compare(problems, where, 'taskDefinition.executionRoleArn', taskDefinition?.executionRoleArn, declared.executionRoleArn);
  compare(problems, where, 'containers', taskDefinition?.containerDefinitions?.length, declared.containers.length);
  for (const container of declared.containers) {
    checkContainer(problems, where, container, taskDefinition?.containerDefinitions?.find((live) => live.name === container.name));
  }
  return problems;
}
