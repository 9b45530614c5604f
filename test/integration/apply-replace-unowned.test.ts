// A target group found untagged under a declared name (adopted) whose port changes: against moto,
// through the fault proxy (no faults) to assert the writes. The replacement is created and our
// rule moved onto it, but the old group, now unused, is never deleted (it is not ours): the report says so,
// the next plan is empty, a further replace that needs its name fails with a clear message, and
// a revert to its settings adopts it back. The tests run in order on one world.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateListenerCommand,
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatApplyDetails } from '../../src/controller/apply-report.js';
import { alternateTargetGroupName } from '../../src/reconcilers/target-group/names.js';
import { TAG_OWNER, TAG_RESOURCE } from '../../src/reconcilers/types.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, listenerArn } from '../../src/demo/worlds/world-building-blocks.js';
import { ownerConditionViolations, type PolicyStatement } from '../deploy/owner-conditions.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;
/** the hand-made target group `keep-api` (port 80, no tags) */
let handGroup: string;

function desiredYaml(port: number): string {
  return [
    `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: keep-api }\nspec:\n  vpcId: ${vpcId}\n  protocol: HTTP\n  port: ${port}\n  targetType: instance\n  healthCheck: { path: /health, matcher: "200" }\n`,
    `apiVersion: ecs-reconciler/v1\nkind: ListenerRule\nmetadata: { name: keep-api }\nspec:\n  listener: { loadBalancer: keep-alb, port: 80 }\n  priority: 100\n  conditions: { pathPatterns: ["/api*"] }\n  action: { forward: { targetGroup: keep-api } }\n`,
  ].join('---\n');
}

const policy = JSON.parse(readFileSync(fileURLToPath(new URL('../../deploy/iam-policy.json', import.meta.url)), 'utf8')) as {
  Statement: PolicyStatement[];
};

/** ARNs of the target groups and rules that carry our owner tag now */
async function ownedNow(): Promise<string[]> {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'keep-alb', 80) }));
  const arns = [...(await groups()).map((g) => g.arn), ...(Rules ?? []).filter((r) => !r.IsDefault).map((r) => r.RuleArn!)];
  const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns }));
  return (TagDescriptions ?? []).filter((d) => d.Tags?.some((t) => t.Key === TAG_OWNER && t.Value === 'ecs-reconciler')).map((d) => d.ResourceArn!);
}

/** One apply; every write must pass the owner-tag conditions of deploy/iam-policy.json. */
async function applyPort(port: number) {
  writeFileSync(join(dir, 'keep.yaml'), desiredYaml(port));
  const ownedBefore = await ownedNow();
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url });
  const ops = proxy.writes().filter((c) => c.outcome === 'forwarded').map((c) => c.operation);
  // a group created (tagged) in this apply and deleted in it would need its ARN here; none is
  expect(ownerConditionViolations(policy.Statement, proxy.writes(), ownedBefore)).toEqual([]);
  return { ...run, ops };
}

async function groups(): Promise<{ name: string; arn: string; port: number; tags: Record<string, string> }[]> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
  const found = (TargetGroups ?? []).filter((tg) => tg.TargetGroupName?.startsWith('keep-api'));
  const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: found.map((tg) => tg.TargetGroupArn!) }));
  return found.map((tg) => ({
    name: tg.TargetGroupName!,
    arn: tg.TargetGroupArn!,
    port: tg.Port!,
    tags: Object.fromEntries((TagDescriptions?.find((t) => t.ResourceArn === tg.TargetGroupArn)?.Tags ?? []).map((t) => [t.Key!, t.Value!])),
  }));
}

/** priority -> target group ARN the rule forwards to */
async function forwards(): Promise<Record<string, string>> {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'keep-alb', 80) }));
  return Object.fromEntries(
    (Rules ?? []).filter((r) => !r.IsDefault).map((r) => [r.Priority!, r.Actions?.[0]?.TargetGroupArn ?? r.Actions?.[0]?.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn ?? '']),
  );
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  vpcId = await createVpc(clients, 'keep-vpc', '10.7.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.7.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.7.2.0/24', az: 'us-east-1b' },
  ]);
  const alb = await createAlb(clients, 'keep-alb', subnets, [await createSecurityGroup(clients, vpcId, 'keep-alb-sg', 'alb')]);
  const { TargetGroups } = await clients.elbv2.send(
    new CreateTargetGroupCommand({ Name: 'keep-api', Protocol: 'HTTP', Port: 80, VpcId: vpcId, TargetType: 'instance', HealthCheckPath: '/health', Matcher: { HttpCode: '200' } }),
  );
  handGroup = TargetGroups![0]!.TargetGroupArn!;
  const { Listeners } = await clients.elbv2.send(
    new CreateListenerCommand({
      LoadBalancerArn: alb,
      Port: 80,
      Protocol: 'HTTP',
      DefaultActions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain' } }],
    }),
  );
  const listener = Listeners![0]!.ListenerArn!;
  // the rule the files declare, made by hand first: adopted on the first apply
  await clients.elbv2.send(
    new CreateRuleCommand({
      ListenerArn: listener,
      Priority: 100,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/api*'] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: handGroup }],
    }),
  );
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-replace-unowned-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('replace of a target group that is not ours (in order, one world)', () => {
  it('creates the new group and moves our rule, never deletes the old one, and says so', async () => {
    const { plan, report, ops, lines } = await applyPort(8080);
    expect(plan.changes.find((c) => c.kind === 'TargetGroup')).toMatchObject({ action: 'replace', cause: 'adopt' });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).not.toContain('DeleteTargetGroup');
    // the hand-made rule is adopted: our owner tags before ModifyRule, the spec hash after it
    expect(ops).toEqual(['CreateTargetGroup', 'AddTags', 'ModifyRule', 'AddTags']);

    const after = await groups();
    const fresh = after.find((g) => g.name === alternateTargetGroupName('keep-api'));
    expect(after.map((g) => [g.name, g.port]).sort()).toEqual([
      ['keep-api', 80],
      [alternateTargetGroupName('keep-api'), 8080],
    ]);
    expect(after.find((g) => g.arn === handGroup)?.tags).toEqual({});
    expect(fresh?.tags).toMatchObject({ [TAG_OWNER]: 'ecs-reconciler', [TAG_RESOURCE]: 'TargetGroup/keep-api' });
    // our rule forwards to the new group: nothing uses the old one, which the old code deleted
    expect(await forwards()).toEqual({ '100': fresh?.arn });

    const outcome = report.outcomes.find((o) => o.id === 'TargetGroup/keep-api');
    expect(outcome).toMatchObject({ action: 'replace', status: 'applied' });
    expect(outcome?.notes).toEqual([expect.stringContaining(`left target group keep-api (${handGroup}) in place`)]);
    expect(outcome?.notes?.[0]).toContain('Nothing forwards to the old group any more: delete it by hand');
    expect(formatApplyDetails(report)).toContainEqual(expect.stringMatching(/^ {2}note {5}TargetGroup\/keep-api: left target group keep-api/));
  });

  it('the next plan is empty: no delete of the old group is planned', async () => {
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a further replace that needs the old group\'s name fails clearly and writes nothing', async () => {
    const { report, ops } = await applyPort(9090);
    expect(ops).toEqual([]);
    expect(report.ok).toBe(false);
    const outcome = report.outcomes.find((o) => o.id === 'TargetGroup/keep-api');
    expect(outcome?.status).toBe('failed');
    expect(outcome?.reason).toContain(`target group keep-api (${handGroup}, HTTP port 80, instance, ${vpcId}) already holds that name`);
    expect(outcome?.reason).toContain('is not tagged ecs-reconciler/owner=ecs-reconciler');
    expect((await groups()).map((g) => [g.name, g.port]).sort()).toEqual([
      ['keep-api', 80],
      [alternateTargetGroupName('keep-api'), 8080],
    ]);
  });

  it('a revert to the old settings adopts the old group back and deletes ours once unused', async () => {
    const { report, ops, lines } = await applyPort(80);
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toContain('DeleteTargetGroup');
    const after = await groups();
    expect(after.map((g) => [g.arn, g.port])).toEqual([[handGroup, 80]]);
    expect(after[0]?.tags).toMatchObject({ [TAG_OWNER]: 'ecs-reconciler', [TAG_RESOURCE]: 'TargetGroup/keep-api' });
    expect(await forwards()).toEqual({ '100': handGroup });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
