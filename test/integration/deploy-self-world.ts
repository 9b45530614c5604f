// The controller's own deployment in moto, built the way the README's "Deploy to AWS" tells a person to:
// world (not managed: VPC, subnets, the ALB and its group, the controller's group, the cluster)
// and then steps 6-8 by hand (ingress 8080 from the ALB, webhook target group + rule, task
// definition and service from deploy/*.json). desired/ecs-reconciler.yaml must then adopt all of
// it without a field change.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CreateServiceCommand, RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';
import type { CreateServiceCommandInput, RegisterTaskDefinitionCommandInput } from '@aws-sdk/client-ecs';
import { CreateRuleCommand, ModifyTargetGroupAttributesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import { authorizeIngress, createTargetGroup } from '../../src/demo/worlds/managed-building-blocks.js';
import { buildSelfWorld, SELF_CLUSTER, SELF_LISTENER_PORT, SELF_LOAD_BALANCER, SELF_PLACEHOLDERS } from '../../src/demo/worlds/self-world.js';
import { listenerArn, realId, tcpFrom, type WorldIds } from '../../src/demo/worlds/world-building-blocks.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

export { buildSelfWorld, SELF_CLUSTER, SELF_LISTENER_PORT, SELF_LOAD_BALANCER, SELF_PLACEHOLDERS };

/** deploy/<file> with the placeholders replaced by the world's ids. */
export function renderDeployJson<T>(file: string, ids: WorldIds): T {
  let text = readFileSync(`${root}deploy/${file}`, 'utf8');
  for (const [placeholder, real] of Object.entries(ids)) text = text.split(placeholder).join(real);
  return JSON.parse(text) as T;
}

/** the README's "Deploy to AWS" steps 6 (ingress; no tags by hand), 7 (webhook route) and 8 (task definition, service). Returns the TG ARN. */
export async function deploySelfByHand(clients: TestClients, ids: WorldIds): Promise<string> {
  const controllerSg = realId(ids, SELF_PLACEHOLDERS.controllerSecurityGroup);
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
