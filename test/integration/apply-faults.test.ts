// Apply under AWS faults: the fault proxy throttles 30 % of all calls and fails 5 % with a 500,
// reads and writes alike. Each system must converge in at most 3 applies, and no write may be
// made twice where AWS would keep both (no duplicate rules, SG rules, services or target groups,
// no extra task definition revisions).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ListClustersCommand, ListServicesCommand, ListTaskDefinitionsCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { TAG_RESOURCE } from '../../src/reconcilers/types.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { buildAllWorlds, renderDesired, SEED_SYSTEMS, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

const FAULTS = [
  { fault: 'error500' as const, probability: 0.05 },
  // 30 % of all calls: 0.30 / 0.95 of those the first rule let through
  { fault: 'throttle' as const, probability: 0.3 / 0.95 },
];
const MAX_APPLIES = 3;

let clients: TestClients;
let proxy: FaultProxy;
const results: Record<string, { applies: number; throttled: number; failed500: number; writes: number; faultedWrites: string[] }> = {};

beforeAll(async () => {
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
});
beforeEach(async () => {
  await resetMoto();
});
afterAll(async () => {
  clients.destroy();
  await proxy.stop();
  console.log(`apply under faults: ${JSON.stringify(results)}`);
});

/** Apply through the faulty proxy until the (fault-free) plan is empty; returns applies needed. */
async function converge(label: string, dir: string, seed: number): Promise<number> {
  proxy.configure({ seed, faults: FAULTS });
  proxy.resetCounts();
  let writes = 0;
  for (let n = 1; n <= MAX_APPLIES; n += 1) {
    try {
      const run = await applyDir(dir, { endpoint: proxy.url });
      writes += run.report.writes.length;
    } catch {
      // observe itself failed under the faults: that apply made no writes; the next one retries
    }
    // (moto drops deploymentConfiguration on CreateService: chronous-payments needs a second apply)
    const pending = pendingChanges(await planDir(dir, motoUrl()));
    if (pending.length === 0) {
      const outcome = (o: 'throttle' | 'error500') => ['ecs', 'elbv2', 'ec2'].reduce((sum, svc) => sum + proxy.count(svc, undefined, { outcome: o }), 0);
      const faultedWrites = proxy.writes().filter((c) => c.outcome !== 'forwarded').map((c) => `${c.operation}:${c.outcome}`);
      results[label] = { applies: n, throttled: outcome('throttle'), failed500: outcome('error500'), writes, faultedWrites };
      return n;
    }
  }
  throw new Error(`${label} did not converge in ${MAX_APPLIES} applies:\n${pendingChanges(await planDir(dir, motoUrl())).join('\n')}`);
}

/** Nothing duplicated: every rule, SG rule, target group, service and revision exists once. */
async function expectNoDuplicates(): Promise<void> {
  const { LoadBalancers } = await clients.elbv2.send(new DescribeLoadBalancersCommand({}));
  for (const lb of LoadBalancers ?? []) {
    const { Listeners } = await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.LoadBalancerArn }));
    for (const l of Listeners ?? []) {
      const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: l.ListenerArn }));
      const rules = (Rules ?? []).filter((r) => !r.IsDefault);
      if (rules.length === 0) continue;
      const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: rules.map((r) => r.RuleArn!) }));
      const owners = (TagDescriptions ?? []).map((d) => d.Tags?.find((t) => t.Key === TAG_RESOURCE)?.Value ?? 'untagged');
      expect(owners.filter((o, i) => owners.indexOf(o) !== i), `duplicate rules on ${l.ListenerArn}`).toEqual([]);
    }
  }
  const { SecurityGroupRules } = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({}));
  const keys = (SecurityGroupRules ?? [])
    .filter((r) => !r.IsEgress)
    .map((r) => `${r.GroupId}/${r.IpProtocol}/${r.FromPort}-${r.ToPort}/${r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId ?? r.CidrIpv6 ?? r.PrefixListId}`);
  expect(keys.filter((k, i) => keys.indexOf(k) !== i), 'duplicate SG rules').toEqual([]);
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
  const names = (TargetGroups ?? []).map((tg) => tg.TargetGroupName!);
  expect(names.filter((n) => /-[0-9a-f]{4}$/.test(n) && names.includes(n.replace(/-[0-9a-f]{4}$/, ''))), 'replacement groups').toEqual([]);
  const { clusterArns } = await clients.ecs.send(new ListClustersCommand({}));
  for (const cluster of clusterArns ?? []) {
    const { serviceArns } = await clients.ecs.send(new ListServicesCommand({ cluster }));
    if (!serviceArns?.length) continue;
    const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster, services: serviceArns }));
    for (const svc of services ?? []) {
      const family = svc.taskDefinition!.split('/').pop()!.split(':')[0]!;
      const { taskDefinitionArns } = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
      expect(taskDefinitionArns, `revisions of ${family}`).toHaveLength(1);
    }
  }
}

describe('apply under 30 % throttling and 5 % 500s', () => {
  it.each([
    { system: 'docto' as const, seed: 11 },
    { system: 'flask-react' as const, seed: 12 },
  ])('$system converges in at most 3 applies without duplicates (seed $seed)', async ({ system, seed }) => {
    const world = await seedSystem(system).buildWorld(clients);
    const dir = mkdtempSync(join(tmpdir(), `apply-faults-${system}-`));
    await renderDesired([seedSystem(system).desiredFile], world.ids, dir);
    expect(await converge(system, dir, seed)).toBeLessThanOrEqual(MAX_APPLIES);
    await expectNoDuplicates();
  });

  it.each([21, 22, 23])('all five seed systems in one desired state converge (seed %i)', async (seed) => {
    const ids = await buildAllWorlds(clients);
    const dir = mkdtempSync(join(tmpdir(), 'apply-faults-all-'));
    await renderDesired(SEED_SYSTEMS.map((s) => s.desiredFile), ids, dir);
    expect(await converge(`all-five-seed-${seed}`, dir, seed)).toBeLessThanOrEqual(MAX_APPLIES);
    await expectNoDuplicates();
    // the faults did hit creates: the re-check-before-create paths ran
    expect(results[`all-five-seed-${seed}`]?.faultedWrites.some((w) => /^(Create|Register|Authorize)/.test(w))).toBe(true);
  });
});

describe('a failed write', () => {
  it('does not stop independent writes, skips its dependants, and the next apply finishes', async () => {
    const world = await seedSystem('docto').buildWorld(clients);
    const dir = mkdtempSync(join(tmpdir(), 'apply-faults-half-'));
    await renderDesired([seedSystem('docto').desiredFile], world.ids, dir);
    // every attempt to create the fastapi target group fails
    proxy.configure({ faults: [{ service: 'elbv2', operation: 'CreateTargetGroup', fault: 'error500', skip: 0, times: 100, probability: 1 }] });
    proxy.resetCounts();
    const first = await applyDir(dir, { endpoint: proxy.url });
    expect(first.report.ok).toBe(false);
    const status = Object.fromEntries(first.report.outcomes.map((o) => [o.id, o.status]));
    expect(status).toMatchObject({
      'TargetGroup/docto-fastapi': 'failed',
      'TargetGroup/docto-website': 'failed',
      'Listener/docto-http': 'applied',
      'ListenerRule/docto-fastapi': 'skipped',
      'ListenerRule/docto-website': 'skipped',
      'SecurityGroupIngress/docto-ec2': 'applied',
      'SecurityGroupIngress/docto-rds': 'applied',
    });
    expect(first.report.outcomes.find((o) => o.id === 'ListenerRule/docto-fastapi')?.reason).toContain('depends on TargetGroup/docto-fastapi, which failed');
    // bounded: the SDK's own retries are counted, a create is not re-sent blindly
    expect(proxy.count('elbv2', 'CreateTargetGroup')).toBeLessThanOrEqual(2 * 4);
    proxy.clearFaults();
    const second = await applyDir(dir, { endpoint: proxy.url });
    expect(second.report.ok, second.lines.join('\n')).toBe(true);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
    await expectNoDuplicates();
  });
});
