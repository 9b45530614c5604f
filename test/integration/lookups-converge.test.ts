// References by name or tag against moto (issue 16): files that give the VPC, subnets and
// security groups by tags and names converge (apply, then the plan is empty), a lookup matching
// two VPCs blocks only its own resource, and the lookups cost exactly one DescribeVpcs, one
// DescribeSubnets and one DescribeSecurityGroups a cycle (none for files without lookups).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand } from '@aws-sdk/client-ecs';
import { DescribeTargetGroupsCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAwsClients } from '../../src/aws/clients.js';
import { applyPlan } from '../../src/controller/apply.js';
import { observeAndPlan, type ObservedPlan } from '../../src/controller/pipeline.js';
import { createApplyContext } from '../../src/reconcilers/shared/apply-context.js';
import { desiredResources } from '../../src/reconcilers/registry.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createCluster, createSecurityGroup, createSubnets, createVpc } from '../../src/demo/worlds/world-building-blocks.js';
import { TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { loadOk, OWNER } from './apply-support.js';

let moto: TestClients;
let dir: string;
const ids = { vpc: '', subnets: [] as string[], alb: '', app: '' };

const tg = (name: string, vpc: string) => `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: ${name} }
spec:
  ${vpc}
  protocol: HTTP
  port: 8080
  targetType: ip
`;
const ingress = (group: string, source: string) => `apiVersion: ecs-reconciler/v1
kind: SecurityGroupIngress
metadata: { name: lk-app-ingress }
spec:
  ${group}
  rules:
    - { protocol: tcp, port: 8080, source: { ${source} }, description: app from the alb }
`;
const service = (subnets: string, groups: string) => `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: lk-web }
spec:
  cluster: lk-cluster
  launchType: FARGATE
  desiredCount: 0
  network:
    subnets: ${subnets}
    securityGroups: ${groups}
  taskDefinition:
    family: lk-web
    cpu: 256
    memory: 512
    containers:
      - { name: web, image: nginx:1.27, portMappings: [{ containerPort: 8080 }] }
`;

function writeLookupFiles(): void {
  rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'lookups-'));
  writeFileSync(join(dir, 'tg.yaml'), tg('lk-web-tg', 'vpc: { tags: { Name: lk-prod } }'));
  writeFileSync(join(dir, 'twin.yaml'), tg('lk-twin-tg', 'vpc: { tags: { Name: lk-twin } }'));
  writeFileSync(join(dir, 'sg.yaml'), ingress('groupName: lk-app-sg', 'securityGroupName: lk-alb-sg'));
  writeFileSync(join(dir, 'svc.yaml'), service('{ tags: { tier: lk-private } }', '[{ tags: { role: lk-app } }]'));
}

function writeIdFiles(): void {
  rmSync(dir, { recursive: true, force: true });
  dir = mkdtempSync(join(tmpdir(), 'lookups-ids-'));
  writeFileSync(join(dir, 'tg.yaml'), tg('lk-web-tg', `vpcId: ${ids.vpc}`));
  writeFileSync(join(dir, 'sg.yaml'), ingress(`groupId: ${ids.app}`, `securityGroup: ${ids.alb}`));
  writeFileSync(join(dir, 'svc.yaml'), service(`[${ids.subnets.join(', ')}]`, `[${ids.app}]`));
}

/** One cycle's observe + plan (+ apply) with the production clients; the calls it made. */
async function cycle(apply: boolean): Promise<ObservedPlan & { calls: Record<string, number>; ok: boolean }> {
  const desired = await loadOk(dir);
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: motoUrl() }, async () => {
    const clients = createAwsClients({ rateLimits: false });
    try {
      const observed = await observeAndPlan(desired, clients, { prune: false, ownerId: OWNER });
      const calls = clients.calls.byOperation();
      if (!apply) return { ...observed, calls, ok: true };
      const ctx = createApplyContext({ clients, ownerId: OWNER, live: observed.live, log: { info: () => undefined, warn: () => undefined, error: () => undefined } });
      const report = await applyPlan(observed.plan, ctx, { desiredResourceCount: desiredResources(desired).length });
      return { ...observed, calls, ok: report.ok };
    } finally {
      clients.destroy();
    }
  });
}

beforeAll(async () => {
  await resetMoto();
  moto = createTestClients(motoUrl());
  ids.vpc = await createVpc(moto, 'lk-prod', '10.61.0.0/16');
  await createVpc(moto, 'lk-twin', '10.62.0.0/16');
  await createVpc(moto, 'lk-twin', '10.63.0.0/16');
  ids.subnets = (await createSubnets(moto, ids.vpc, [
    { name: 'lk-a', cidr: '10.61.1.0/24', az: 'us-east-1a' },
    { name: 'lk-b', cidr: '10.61.2.0/24', az: 'us-east-1b' },
    { name: 'lk-public', cidr: '10.61.3.0/24', az: 'us-east-1a' },
  ])).slice(0, 2).sort();
  await moto.ec2.send(new CreateTagsCommand({ Resources: ids.subnets, Tags: [{ Key: 'tier', Value: 'lk-private' }] }));
  ids.alb = await createSecurityGroup(moto, ids.vpc, 'lk-alb-sg', 'alb');
  ids.app = await createSecurityGroup(moto, ids.vpc, 'lk-app-sg', 'app');
  await moto.ec2.send(new CreateTagsCommand({ Resources: [ids.app], Tags: [{ Key: 'role', Value: 'lk-app' }] }));
  await createCluster(moto, 'lk-cluster');
  dir = mkdtempSync(join(tmpdir(), 'lookups-'));
});

afterAll(() => {
  moto?.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('references by name or tag (moto)', () => {
  it('apply converges the files with lookups; the lookup that matches two VPCs blocks its resource alone', async () => {
    writeLookupFiles();
    const first = await cycle(true);
    expect(first.plan.conflicts).toHaveLength(1);
    expect(first.plan.conflicts[0]!.id).toBe('TargetGroup/lk-twin-tg');
    expect(first.plan.conflicts[0]!.message).toMatch(/spec\.vpc \{ tags: \{ Name: lk-twin \} \} \(twin\.yaml:5\) matched 2 VPCs: vpc-\w+ \("lk-twin"\), vpc-\w+ \("lk-twin"\)/);
    expect(first.plan.changes.map((c) => `${c.action} ${c.id}`).sort()).toEqual(['create Service/lk-web', 'create TargetGroup/lk-web-tg', 'update SecurityGroupIngress/lk-app-ingress']);
    expect(first.lookups.map((l) => `${l.id} ${l.site} -> ${l.ids.join(',')}`).sort()).toEqual([
      `SecurityGroupIngress/lk-app-ingress spec.groupName -> ${ids.app}`,
      `SecurityGroupIngress/lk-app-ingress spec.rules[0].source.securityGroupName -> ${ids.alb}`,
      `Service/lk-web spec.network.securityGroups[0] -> ${ids.app}`,
      `Service/lk-web spec.network.subnets -> ${ids.subnets.join(',')}`,
      `TargetGroup/lk-web-tg spec.vpc -> ${ids.vpc}`,
    ]);
    expect(first.ok).toBe(false); // the blocked target group is reported as failed, the rest is written

    // what AWS now holds carries the resolved ids
    const { TargetGroups } = await moto.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['lk-web-tg'] }));
    expect(TargetGroups?.[0]?.VpcId).toBe(ids.vpc);
    await expect(moto.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['lk-twin-tg'] }))).rejects.toThrow();
    const { SecurityGroupRules } = await moto.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [ids.app] }] }));
    expect(SecurityGroupRules?.filter((r) => !r.IsEgress).map((r) => r.ReferencedGroupInfo?.GroupId)).toEqual([ids.alb]);
    const { services } = await moto.ecs.send(new DescribeServicesCommand({ cluster: 'lk-cluster', services: ['lk-web'] }));
    const vpcConfig = services?.[0]?.networkConfiguration?.awsvpcConfiguration;
    expect([...(vpcConfig?.subnets ?? [])].sort()).toEqual(ids.subnets);
    expect(vpcConfig?.securityGroups).toEqual([ids.app]);

    // the next cycle: nothing to change, the blocked one still blocked
    const second = await cycle(false);
    expect(second.plan.changes.filter((c) => c.action !== 'noop').map((c) => `${c.action} ${c.id}`)).toEqual([]);
    expect(second.plan.conflicts.map((c) => c.id)).toEqual(['TargetGroup/lk-twin-tg']);
  });

  it('lookups cost exactly one DescribeVpcs, DescribeSubnets and DescribeSecurityGroups a cycle; files with ids none', async () => {
    // each form converges first (the spec-hash tag tells a lookup from the id it found), then is measured
    writeIdFiles();
    await cycle(true);
    const withIds = await cycle(false);
    expect(withIds.plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(withIds.lookups).toEqual([]);
    expect(withIds.calls['ec2:DescribeVpcs']).toBeUndefined();
    expect(withIds.calls['ec2:DescribeSubnets']).toBeUndefined();

    writeLookupFiles();
    rmSync(join(dir, 'twin.yaml'));
    await cycle(true);
    const withLookups = await cycle(false);
    expect(withLookups.plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
    expect(withLookups.plan.conflicts).toEqual([]);
    const extra = Object.fromEntries(
      [...new Set([...Object.keys(withIds.calls), ...Object.keys(withLookups.calls)])]
        .map((op) => [op, (withLookups.calls[op] ?? 0) - (withIds.calls[op] ?? 0)] as const)
        .filter(([, n]) => n !== 0),
    );
    expect(extra).toEqual({ 'ec2:DescribeVpcs': 1, 'ec2:DescribeSubnets': 1, 'ec2:DescribeSecurityGroups': 1 });
  });
});
