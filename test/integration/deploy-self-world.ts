// The controller's own deployment in moto, built the way docs/deploy.md tells a person to:
// world (not managed: VPC, subnets, the ALB and its group, the controller's group, the cluster)
// and then steps 6-8 by hand (ingress 8080 from the ALB, webhook target group + rule, task
// definition and service from deploy/*.json). desired/ecs-reconciler.yaml must then adopt all of
// it without a field change.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { CreateRuleCommand, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import { authorizeIngress, createListener, createTargetGroup } from '../../src/demo/worlds/managed-building-blocks.js';
import {
  createAlb,
  createCluster,
  createSecurityGroup,
  createSubnets,
  createVpc,
  listenerArn,
  realId,
  tcpFrom,
  type World,
  type WorldIds,
} from '../../src/demo/worlds/world-building-blocks.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

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

/** deploy/<file> with the placeholders replaced by the world's ids. */
export function renderDeployJson<T>(file: string, ids: WorldIds): T {
  let text = readFileSync(`${root}deploy/${file}`, 'utf8');
  for (const [placeholder, real] of Object.entries(ids)) text = text.split(placeholder).join(real);
  return JSON.parse(text) as T;
}

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

/** docs/deploy.md steps 6 (ingress, owner tag), 7 (webhook route) and 8 (task definition, service). Returns the TG ARN. */
export async function deploySelfByHand(clients: TestClients, ids: WorldIds): Promise<string> {
  const controllerSg = realId(ids, SELF_PLACEHOLDERS.controllerSecurityGroup);
  await clients.ec2.send(new CreateTagsCommand({ Resources: [controllerSg], Tags: [{ Key: 'ecs-reconciler/owner', Value: 'ecs-reconciler' }] }));
  await authorizeIngress(clients, controllerSg, [tcpFrom(8080, { securityGroup: realId(ids, SELF_PLACEHOLDERS.albSecurityGroup) }, 'ALB to ecs-reconciler webhook and health check')]);
  const tgArn = await createTargetGroup(clients, {
    Name: 'ecs-reconciler-webhook',
    Protocol: 'HTTP',
    Port: 8080,
    TargetType: 'ip',
    VpcId: realId(ids, SELF_PLACEHOLDERS.vpc),
    HealthCheckPath: '/healthz',
    HealthCheckIntervalSeconds: 30,
    HealthCheckTimeoutSeconds: 5,
    HealthyThresholdCount: 2,
    UnhealthyThresholdCount: 3,
    Matcher: { HttpCode: '200' },
    Tags: [{ Key: 'app', Value: 'ecs-reconciler' }],
  });
  await clients.elbv2.send(
    new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '10' }] }),
  );
  await clients.elbv2.send(
    new CreateRuleCommand({
      ListenerArn: await listenerArn(clients, SELF_LOAD_BALANCER, SELF_LISTENER_PORT),
      Priority: 5,
      Conditions: [
        { Field: 'path-pattern', PathPatternConfig: { Values: ['/webhook/git'] } },
        { Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST'] } },
      ],
      Actions: [{ Type: 'forward', TargetGroupArn: tgArn }],
    }),
  );
  const withTg = { ...ids, [SELF_PLACEHOLDERS.webhookTargetGroupArn]: tgArn };
  await clients.ecs.send(new RegisterTaskDefinitionCommand(renderDeployJson<RegisterTaskDefinitionCommandInput>('task-definition.json', withTg)));
  await clients.ecs.send(new CreateServiceCommand(renderDeployJson<CreateServiceCommandInput>('service.json', withTg)));
  return tgArn;
}
