// The ScalableTarget kind against moto (Application Auto Scaling at the same endpoint): apply,
// empty plan, a policy's target value changed by hand is DRIFT with both values, apply corrects;
// the Service it scales owns desiredCount no more: moved by the scaler 2 -> 7 the plan is empty,
// and a rollout (new image) keeps 7.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ApplicationAutoScalingClient,
  DescribeScalableTargetsCommand,
  DescribeScalingPoliciesCommand,
  DescribeScheduledActionsCommand,
  PutScalingPolicyCommand,
} from '@aws-sdk/client-application-auto-scaling';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createCluster, createSecurityGroup, createSubnets, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { detailLines } from '../../src/reconcilers/format-plan.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

const RESOURCE_ID = 'service/scale-cluster/scale-api';

let clients: TestClients;
let autoscaling: ApplicationAutoScalingClient;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;

function yaml(image: string): string {
  return `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: scale-tg }
spec: { vpcId: ${vpcId}, protocol: HTTP, port: 80, targetType: instance }
---
apiVersion: ecs-reconciler/v1
kind: Listener
metadata: { name: scale-http }
spec: { loadBalancer: scale-alb, port: 80, protocol: HTTP, defaultAction: { forward: { targetGroup: scale-tg } } }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: scale-api }
spec:
  cluster: scale-cluster
  launchType: EC2
  desiredCount: 2
  taskDefinition:
    family: scale-api
    networkMode: bridge
    containers:
      - { name: api, image: "nginx:${image}", memory: 128, portMappings: [{ containerPort: 80 }] }
  loadBalancers:
    - { targetGroup: scale-tg, containerName: api, containerPort: 80 }
---
apiVersion: ecs-reconciler/v1
kind: ScalableTarget
metadata: { name: scale-api }
spec:
  service: scale-api
  minCapacity: 2
  maxCapacity: 10
  scalingPolicies:
    - policyName: cpu60
      targetTrackingScalingPolicyConfiguration:
        targetValue: 60
        predefinedMetricSpecification: { predefinedMetricType: ECSServiceAverageCPUUtilization }
        scaleInCooldown: 300
        scaleOutCooldown: 60
    - policyName: requests
      targetTrackingScalingPolicyConfiguration:
        targetValue: 1000
        predefinedMetricSpecification: { predefinedMetricType: ALBRequestCountPerTarget, targetGroup: scale-tg }
  scheduledActions:
    - scheduledActionName: night
      schedule: cron(0 22 * * ? *)
      timezone: Europe/Berlin
      scalableTargetAction: { minCapacity: 1, maxCapacity: 4 }
`;
}

async function apply(image: string) {
  writeFileSync(join(dir, 'scale.yaml'), yaml(image));
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url });
  return { ...run, ops: proxy.writes().map((c) => c.operation) };
}

async function policies() {
  const out = await autoscaling.send(new DescribeScalingPoliciesCommand({ ServiceNamespace: 'ecs', ResourceId: RESOURCE_ID }));
  return out.ScalingPolicies ?? [];
}

async function desiredCount(): Promise<number | undefined> {
  const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: 'scale-cluster', services: ['scale-api'] }));
  return services?.[0]?.desiredCount;
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  autoscaling = new ApplicationAutoScalingClient({ endpoint: motoUrl(), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
  vpcId = await createVpc(clients, 'scale-vpc', '10.10.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.10.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.10.2.0/24', az: 'us-east-1b' },
  ]);
  await createAlb(clients, 'scale-alb', subnets, [await createSecurityGroup(clients, vpcId, 'scale-alb-sg', 'alb')]);
  await createCluster(clients, 'scale-cluster');
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-scale-'));
});

afterAll(async () => {
  clients.destroy();
  autoscaling.destroy();
  await proxy.stop();
});

describe('ScalableTarget round trip', () => {
  it('creates the service, then registers its target, both policies and the scheduled action', async () => {
    const { report, ops, lines } = await apply('1.25');
    expect(report.ok, lines.join('\n')).toBe(true);
    const scaling = ops.filter((o) => !['CreateTargetGroup', 'CreateListener', 'RegisterTaskDefinition', 'CreateService'].includes(o));
    expect(scaling).toEqual(['RegisterScalableTarget', 'PutScalingPolicy', 'PutScalingPolicy', 'PutScheduledAction', 'TagResource']);
    const targets = await autoscaling.send(new DescribeScalableTargetsCommand({ ServiceNamespace: 'ecs', ResourceIds: [RESOURCE_ID] }));
    expect(targets.ScalableTargets?.map((t) => [t.MinCapacity, t.MaxCapacity])).toEqual([[2, 10]]);
    const requests = (await policies()).find((p) => p.PolicyName === 'requests');
    expect(requests?.TargetTrackingScalingPolicyConfiguration?.PredefinedMetricSpecification?.ResourceLabel).toMatch(
      /^app\/scale-alb\/[^/]+\/targetgroup\/scale-tg\/[^/]+$/,
    );
    const actions = await autoscaling.send(new DescribeScheduledActionsCommand({ ServiceNamespace: 'ecs', ResourceId: RESOURCE_ID }));
    expect(actions.ScheduledActions?.map((a) => [a.ScheduledActionName, a.Schedule, a.Timezone])).toEqual([['night', 'cron(0 22 * * ? *)', 'Europe/Berlin']]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a policy target value changed by hand is DRIFT with both values; apply corrects it with one PutScalingPolicy', async () => {
    await autoscaling.send(
      new PutScalingPolicyCommand({
        PolicyName: 'cpu60',
        ServiceNamespace: 'ecs',
        ResourceId: RESOURCE_ID,
        ScalableDimension: 'ecs:service:DesiredCount',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: {
          TargetValue: 85,
          PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageCPUUtilization' },
          ScaleInCooldown: 300,
          ScaleOutCooldown: 60,
        },
      }),
    );
    const change = (await planDir(dir, motoUrl())).changes.find((c) => c.id === 'ScalableTarget/scale-api');
    expect(change?.cause).toBe('drift');
    expect(change?.diffs).toEqual([{ path: 'scalingPolicies[cpu60].targetTrackingScalingPolicyConfiguration.targetValue', live: 85, desired: 60 }]);
    const { report, ops } = await apply('1.25');
    expect(report.ok).toBe(true);
    expect(ops).toEqual(['PutScalingPolicy']);
    expect((await policies()).find((p) => p.PolicyName === 'cpu60')?.TargetTrackingScalingPolicyConfiguration?.TargetValue).toBe(60);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a policy added by hand to the target is deleted (the document is the whole scaling configuration)', async () => {
    await autoscaling.send(
      new PutScalingPolicyCommand({
        PolicyName: 'by-hand',
        ServiceNamespace: 'ecs',
        ResourceId: RESOURCE_ID,
        ScalableDimension: 'ecs:service:DesiredCount',
        PolicyType: 'TargetTrackingScaling',
        TargetTrackingScalingPolicyConfiguration: { TargetValue: 50, PredefinedMetricSpecification: { PredefinedMetricType: 'ECSServiceAverageMemoryUtilization' } },
      }),
    );
    const { ops } = await apply('1.25');
    expect(ops).toEqual(['DeleteScalingPolicy']);
    expect((await policies()).map((p) => p.PolicyName).sort()).toEqual(['cpu60', 'requests']);
  });

  it('the scaler moved desiredCount 2 -> 7: the plan is empty', async () => {
    await clients.ecs.send(new UpdateServiceCommand({ cluster: 'scale-cluster', service: 'scale-api', desiredCount: 7 }));
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a rollout (new image) keeps the scaler\'s 7 and says who owns desiredCount', async () => {
    writeFileSync(join(dir, 'scale.yaml'), yaml('1.26'));
    const change = (await planDir(dir, motoUrl())).changes.find((c) => c.id === 'Service/scale-api');
    expect(change?.action).toBe('update');
    expect(detailLines(change!)).toContain('    desiredCount: keeps live 7 (owned by ScalableTarget/scale-api (Application Auto Scaling))');
    const { report, ops } = await apply('1.26');
    expect(report.ok).toBe(true);
    expect(ops).toEqual(['RegisterTaskDefinition', 'UpdateService', 'TagResource']);
    const update = proxy.writes().find((c) => c.operation === 'UpdateService');
    expect(update?.params).not.toHaveProperty('desiredCount');
    expect(await desiredCount()).toBe(7);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
