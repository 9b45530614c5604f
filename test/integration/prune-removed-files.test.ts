// Issue 11 item 6: `--prune` after a whole file left desired/. The seed systems are applied, then
// docto.yaml is deleted (2 target groups, 1 listener, 2 rules, 4 ingress rules of 2 groups: 9
// deletions) and later identity-e2e.yaml (a service and its task definition revisions, its target
// group, its listener on a load balancer no file names any more). plan --prune lists every one as
// `- delete`; --max-deletes below the count and an empty source refuse all; apply --prune deletes
// them in reverse dependency order; what has no owner tag of ours in the same places (a target
// group in the same VPC, a listener on the same load balancer, ingress rules of the same groups,
// a service in the same cluster, a revision of the same family) is untouched.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateListenerCommand,
  CreateTargetGroupCommand,
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import {
  CreateServiceCommand,
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  ListTaskDefinitionsCommand,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runApply } from '../../src/commands/apply.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { buildAllWorlds, renderDesired, SEED_SYSTEMS, type WorldIds } from '../../src/demo/worlds/seed-systems.js';
import { formatPlan } from '../../src/reconcilers/format-plan.js';
import type { Plan } from '../../src/reconcilers/types.js';
import { TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';
import { motoUrl } from '../support/moto-test-context.js';
import { applyDir, OWNER, planDir } from './apply-support.js';
import { FaultProxy } from '../support/fault-proxy.js';

let clients: TestClients;
let dir: string;
let ids: WorldIds;
const handmade: Record<string, string> = {};

const deletes = (plan: Plan): string[] =>
  plan.changes
    .filter((c) => c.action === 'delete')
    .map((c) => c.id)
    .sort();

async function targetGroupNames(): Promise<string[]> {
  const out = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
  return (out.TargetGroups ?? []).map((tg) => tg.TargetGroupName ?? '').sort();
}

async function listenerPorts(lbName: string): Promise<number[]> {
  const lb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: [lbName] }))).LoadBalancers?.[0];
  const out = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }));
  return (out.Listeners ?? []).map((l) => l.Port ?? 0).sort();
}

async function ingressRules(groupId: string): Promise<{ id: string; ours: boolean }[]> {
  const out = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (out.SecurityGroupRules ?? [])
    .filter((r) => r.IsEgress !== true)
    .map((r) => ({ id: r.SecurityGroupRuleId ?? '', ours: (r.Tags ?? []).some((t) => t.Key === 'ecs-reconciler/owner' && t.Value === OWNER) }));
}

function id(placeholder: string): string {
  const v = ids[placeholder];
  if (v === undefined) throw new Error(`no id for ${placeholder}`);
  return v;
}

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  ids = await buildAllWorlds(clients);
  dir = mkdtempSync(join(tmpdir(), 'prune-removed-'));
  await renderDesired(
    SEED_SYSTEMS.map((s) => s.desiredFile),
    ids,
    dir,
  );
  // converge (moto drops deploymentConfiguration on CreateService: a second apply fixes it)
  await applyDir(dir, { endpoint: motoUrl() });
  const second = await applyDir(dir, { endpoint: motoUrl() });
  expect(second.report.ok, second.lines.join('\n')).toBe(true);

  // resources without our owner tag, in the same places as what is pruned
  const tg = await clients.elbv2.send(
    new CreateTargetGroupCommand({ Name: 'docto-handmade', Protocol: 'HTTP', Port: 8080, VpcId: id('vpc-05000000000000001'), TargetType: 'instance' }),
  );
  handmade.tg = tg.TargetGroups?.[0]?.TargetGroupArn ?? '';
  const alb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['docto-alb'] }))).LoadBalancers?.[0];
  await clients.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: alb?.LoadBalancerArn,
      Port: 8080,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'forward', TargetGroupArn: handmade.tg }],
    }),
  );
  await clients.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: id('sg-050000000000000ec'),
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: 9000, ToPort: 9000, IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'by hand' }] }],
    }),
  );
  const td = await clients.ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'identity-e2e-backend',
      containerDefinitions: [{ name: 'by-hand', image: 'busybox', memory: 64 }],
    }),
  );
  handmade.td = td.taskDefinition?.taskDefinitionArn ?? '';
  await clients.ecs.send(
    new CreateServiceCommand({ cluster: 'identity-e2e-cluster', serviceName: 'identity-e2e-handmade', taskDefinition: handmade.td, desiredCount: 1 }),
  );
}, 120_000);

afterAll(() => {
  clients.destroy();
  rmSync(dir, { recursive: true, force: true });
});

describe('prune after docto.yaml is deleted', () => {
  const doctoDeletes = [
    'Listener/docto-http',
    'ListenerRule/docto-fastapi',
    'ListenerRule/docto-website',
    'SecurityGroupIngress/docto-ec2',
    'SecurityGroupIngress/docto-rds',
    'TargetGroup/docto-fastapi',
    'TargetGroup/docto-website',
  ];

  it('a converged cycle: reads without --prune unchanged, the extra reads only with it', async () => {
    const proxy = new FaultProxy({ target: motoUrl() });
    const url = await proxy.start();
    try {
      const reads = async (prune: boolean): Promise<Record<string, number>> => {
        proxy.resetCounts();
        const plan = await planDir(dir, url, prune);
        expect(deletes(plan)).toEqual([]);
        return proxy.counts();
      };
      const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
      const normal = await reads(false);
      const pruning = await reads(true);
      console.log(`reads per converged cycle: without --prune ${total(normal)} ${JSON.stringify(normal)}; with --prune ${total(pruning)} ${JSON.stringify(pruning)}`);
      for (const op of ['ecs:ListClusters', 'ecs:ListServices', 'ecs:ListTaskDefinitions']) expect(normal[op]).toBeUndefined();
      expect(total(pruning)).toBeGreaterThan(total(normal));
    } finally {
      await proxy.stop();
    }
  });

  it('plan --prune shows - delete for each of its owned resources (9 deletions), nothing else', async () => {
    rmSync(join(dir, 'docto.yaml'));
    const plan = await planDir(dir, motoUrl(), true);
    expect(deletes(plan)).toEqual(doctoDeletes);
    const text = formatPlan(plan, { color: false });
    for (const d of doctoDeletes) expect(text).toContain(`- delete ${d}`);
    expect(text).not.toContain('docto-handmade');
    const ec2 = plan.changes.find((c) => c.id === 'SecurityGroupIngress/docto-ec2');
    const rds = plan.changes.find((c) => c.id === 'SecurityGroupIngress/docto-rds');
    expect(ec2?.diffs.length).toBe(3);
    expect(rds?.diffs.length).toBe(1);
    // without --prune nothing is observed or planned for the removed file
    expect(deletes(await planDir(dir, motoUrl(), false))).toEqual([]);
  });

  it('--max-deletes below the count refuses all of them', async () => {
    const run = await applyDir(dir, { endpoint: motoUrl(), prune: true, maxDeletes: 8 });
    expect(run.report.prune.deletions).toBe(9);
    expect(run.report.prune.refused).toContain('more than --max-deletes 8');
    expect(run.report.writes.filter((w) => /Delete|Revoke/.test(w.operation))).toEqual([]);
    expect(await targetGroupNames()).toEqual(expect.arrayContaining(['docto-fastapi', 'docto-website']));
  });

  it('an empty source refuses: nothing is deleted', async () => {
    const empty = join(dir, '..', `${join(dir).split('/').pop() ?? 'x'}-empty`);
    mkdirSync(empty, { recursive: true });
    const lines: string[] = [];
    const code = await withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: motoUrl() }, () =>
      runApply(empty, { prune: true, maxDeletes: 20, ownerId: OWNER }, { out: (l) => lines.push(l), err: (l) => lines.push(l) }),
    );
    rmSync(empty, { recursive: true, force: true });
    expect(code).toBe(1);
    expect(lines.join('\n')).toContain('prune refused');
    expect(await targetGroupNames()).toEqual(expect.arrayContaining(['docto-fastapi', 'docto-website']));
  });

  it('apply --prune --max-deletes 20 deletes them in reverse dependency order; what is not ours stays', async () => {
    const run = await applyDir(dir, { endpoint: motoUrl(), prune: true, maxDeletes: 20 });
    expect(run.report.outcomes.filter((o) => o.status !== 'applied'), run.lines.join('\n')).toEqual([]);
    expect(run.report.ok).toBe(true);
    const ops = run.report.writes.map((w) => w.operation);
    expect([...ops].sort()).toEqual(
      ['DeleteListener', 'DeleteRule', 'DeleteRule', 'DeleteTargetGroup', 'DeleteTargetGroup', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupIngress'].concat(
        ops.filter((op) => op === 'DeleteTags'),
      ).sort(),
    );
    // reverse dependency order: revokes and rules before the listener, the listener before the target groups
    const first = (op: string): number => ops.indexOf(op);
    const last = (op: string): number => ops.lastIndexOf(op);
    expect(last('DeleteRule')).toBeLessThan(first('DeleteListener'));
    expect(last('DeleteListener')).toBeLessThan(first('DeleteTargetGroup'));
    expect(ops.filter((op) => op === 'DeleteTargetGroup')).toHaveLength(2);
    expect(ops.filter((op) => op === 'DeleteRule')).toHaveLength(2);

    const names = await targetGroupNames();
    expect(names).not.toContain('docto-fastapi');
    expect(names).not.toContain('docto-website');
    expect(names).toContain('docto-handmade');
    expect(await listenerPorts('docto-alb')).toEqual([8080]);
    const alb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['docto-alb'] }))).LoadBalancers?.[0];
    const kept = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: alb?.LoadBalancerArn }))).Listeners?.[0];
    const rules = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: kept?.ListenerArn }));
    expect((rules.Rules ?? []).filter((r) => r.IsDefault !== true)).toEqual([]);
    for (const group of [id('sg-050000000000000ec'), id('sg-050000000000000db')]) {
      const left = await ingressRules(group);
      expect(left.filter((r) => r.ours)).toEqual([]);
    }
    // the hand-made rules of the (formerly exclusive) groups are not ours: left alone
    expect((await ingressRules(id('sg-050000000000000ec'))).length).toBe(1);

    const after = await planDir(dir, motoUrl(), true);
    expect(deletes(after)).toEqual([]);
  });
});

describe('prune after identity-e2e.yaml is deleted (a service and its task definitions)', () => {
  it('plan --prune shows the service, its target group and its listener as - delete', async () => {
    rmSync(join(dir, 'identity-e2e.yaml'));
    const plan = await planDir(dir, motoUrl(), true);
    expect(deletes(plan)).toEqual(['Listener/identity-e2e-http', 'Service/identity-e2e-backend', 'TargetGroup/identity-e2e-backend-tg']);
    const svc = plan.changes.find((c) => c.id === 'Service/identity-e2e-backend');
    expect(svc?.reason).toContain('scale to 0 (desiredCount 1), then delete once its deployments report 0 running tasks');
    expect(svc?.reason).toContain('deregister 1 task definition revision(s) tagged as ours');
  });

  it('apply --prune scales the service to 0, deletes it, deregisters its revisions; the hand-made ones stay', async () => {
    const run = await applyDir(dir, { endpoint: motoUrl(), prune: true, maxDeletes: 20 });
    expect(run.report.outcomes.filter((o) => o.status !== 'applied'), run.lines.join('\n')).toEqual([]);
    expect(run.report.writes.map((w) => w.operation)).toEqual([
      'UpdateService',
      'DeleteService',
      'DeregisterTaskDefinition',
      'DeleteListener',
      'DeleteTargetGroup',
    ]);
    const services = await clients.ecs.send(
      new DescribeServicesCommand({ cluster: 'identity-e2e-cluster', services: ['identity-e2e-backend', 'identity-e2e-handmade'] }),
    );
    const status = Object.fromEntries((services.services ?? []).map((s) => [s.serviceName, `${s.status}/${s.desiredCount}`]));
    expect(status['identity-e2e-backend']).toBe('INACTIVE/0');
    expect(status['identity-e2e-handmade']).toBe('ACTIVE/1');
    const active = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: 'identity-e2e-backend', status: 'ACTIVE' }));
    expect(active.taskDefinitionArns).toEqual([handmade.td]);
    const byHand = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: handmade.td }));
    expect(byHand.taskDefinition?.status).toBe('ACTIVE');
    expect(await targetGroupNames()).not.toContain('identity-e2e-backend-tg');
    expect(await listenerPorts('ecsalb')).toEqual([]);
    expect(deletes(await planDir(dir, motoUrl(), true))).toEqual([]);
  });
});
