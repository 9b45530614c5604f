// Target group, listener and listener rule appliers against moto, through the fault proxy (no
// faults) so that the exact write sequence can be asserted. The tests run in order on one world.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CreateRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupsCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../../src/reconcilers/types.js';
import { alternateTargetGroupName } from '../../src/reconcilers/target-group/names.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, listenerArn } from '../../src/demo/worlds/world-building-blocks.js';
import { applyWith, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;

interface Routing {
  apiPriority?: number;
  webPriority?: number;
  webPaths?: string[];
  healthPath?: string;
  apiPort?: number;
  attributes?: Record<string, string>;
  defaultStatus?: number;
  /** false: the web rule left the files */
  webRule?: boolean;
  /** false: the api rule left the files */
  apiRule?: boolean;
  /** a new rule `routing-new` (forwarding to routing-api) at this priority */
  newRulePriority?: number;
}

function routingYaml(r: Routing = {}): string {
  const attrs = Object.entries(r.attributes ?? {}).map(([k, v]) => `    ${k}: "${v}"`).join('\n');
  const tg = (name: string, port: number, extra = '') =>
    `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: ${name} }\nspec:\n  vpcId: ${vpcId}\n  protocol: HTTP\n  port: ${port}\n  targetType: instance\n  healthCheck: { path: ${r.healthPath ?? '/health'}, matcher: "200" }\n${extra}`;
  const rule = (name: string, priority: number, paths: string[], target: string) =>
    `apiVersion: ecs-reconciler/v1\nkind: ListenerRule\nmetadata: { name: ${name} }\nspec:\n  listener: { loadBalancer: routing-alb, port: 80 }\n  priority: ${priority}\n  conditions: { pathPatterns: [${paths.map((p) => `"${p}"`).join(', ')}] }\n  action: { forward: { targetGroup: ${target} } }\n`;
  return [
    tg('routing-web', 80, attrs ? `  attributes:\n${attrs}\n` : ''),
    tg('routing-api', r.apiPort ?? 8000),
    `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: routing-http }\nspec:\n  loadBalancer: routing-alb\n  port: 80\n  protocol: HTTP\n  defaultAction: { fixedResponse: { statusCode: ${r.defaultStatus ?? 404}, contentType: text/plain, messageBody: Resource not found } }\n`,
    ...(r.apiRule === false ? [] : [rule('routing-api', r.apiPriority ?? 100, ['/api*'], 'routing-api')]),
    ...(r.newRulePriority === undefined ? [] : [rule('routing-new', r.newRulePriority, ['/v2/api*'], 'routing-api')]),
    ...(r.webRule === false ? [] : [rule('routing-web', r.webPriority ?? 200, r.webPaths ?? ['/*'], 'routing-web')]),
  ].join('---\n');
}

/** the desired routing so far: each test changes some of it */
let current: Routing = {};

function applyChange(change: Routing, opts: { prune?: boolean } = {}) {
  current = { ...current, ...change };
  return applyWith(proxy, dir, 'routing.yaml', routingYaml(current), opts);
}

async function rulesOnListener(): Promise<{ arn: string; priority: string; tags: Record<string, string> }[]> {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'routing-alb', 80) }));
  const rules = (Rules ?? []).filter((r) => !r.IsDefault);
  const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: rules.map((r) => r.RuleArn!) }));
  return rules.map((r) => ({
    arn: r.RuleArn!,
    priority: r.Priority!,
    tags: Object.fromEntries((TagDescriptions?.find((t) => t.ResourceArn === r.RuleArn)?.Tags ?? []).map((t) => [t.Key!, t.Value!])),
  }));
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  vpcId = await createVpc(clients, 'routing-vpc', '10.9.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.9.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.9.2.0/24', az: 'us-east-1b' },
  ]);
  const sg = await createSecurityGroup(clients, vpcId, 'routing-alb-sg', 'alb');
  await createAlb(clients, 'routing-alb', subnets, [sg]);
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-routing-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('routing appliers (in order, one world)', () => {
  it('creates target groups, the listener and rules, tagged, in dependency order', async () => {
    const { report, ops } = await applyChange({});
    expect(report.ok).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'CreateTargetGroup', 'CreateListener', 'CreateRule', 'CreateRule']);
    const rules = await rulesOnListener();
    expect(rules.map((r) => [r.priority, r.tags[TAG_RESOURCE], r.tags[TAG_OWNER]]).sort()).toEqual([
      ['100', 'ListenerRule/routing-api', 'ecs-reconciler'],
      ['200', 'ListenerRule/routing-web', 'ecs-reconciler'],
    ]);
    expect(rules.every((r) => r.tags[TAG_SPEC_HASH]?.length === 16)).toBe(true);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('corrects a health check changed by hand with one ModifyTargetGroup', async () => {
    const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['routing-web'] }));
    await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: TargetGroups![0]!.TargetGroupArn!, HealthCheckPath: '/hacked' }));
    const { report, ops } = await applyChange({});
    expect(ops).toEqual(['ModifyTargetGroup']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'TargetGroup/routing-web', cause: 'drift', status: 'applied' })]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('sets declared attributes and records the new spec hash', async () => {
    const { ops } = await applyChange({ attributes: { 'deregistration_delay.timeout_seconds': '30' } });
    expect(ops).toEqual(['ModifyTargetGroupAttributes', 'AddTags']);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('changes a rule condition in place: ModifyRule, never delete and recreate', async () => {
    const before = await rulesOnListener();
    const { ops } = await applyChange({ webPaths: ['/web*'] });
    expect(ops).toEqual(['ModifyRule', 'AddTags']);
    const after = await rulesOnListener();
    expect(after.map((r) => r.arn).sort()).toEqual(before.map((r) => r.arn).sort());
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('swaps two priorities without the listener ever having fewer rules', async () => {
    const before = await rulesOnListener();
    const { report, ops } = await applyChange({ apiPriority: 200, webPriority: 100 });
    expect(report.ok).toBe(true);
    // moto refuses the swap in one call (AWS accepts it): the first SetRulePriorities is rejected,
    // then the rules move through a free priority; nothing is deleted or created on the way
    expect(ops.filter((op) => op !== 'AddTags')).toEqual(['SetRulePriorities', 'SetRulePriorities', 'SetRulePriorities', 'SetRulePriorities']);
    expect(proxy.writes()[0]?.status).toBe(400);
    expect(ops).not.toContain('DeleteRule');
    expect(ops).not.toContain('CreateRule');
    const after = await rulesOnListener();
    expect(after).toHaveLength(before.length);
    expect(Object.fromEntries(after.map((r) => [r.tags[TAG_RESOURCE], r.priority]))).toEqual({
      'ListenerRule/routing-api': '200',
      'ListenerRule/routing-web': '100',
    });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('modifies the listener default action in place', async () => {
    const { ops } = await applyChange({ defaultStatus: 503 });
    expect(ops).toEqual(['ModifyListener', 'AddTags']);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('leaves a hand-made untagged rule alone, even with --prune, and refuses to take its priority', async () => {
    const listener = await listenerArn(clients, 'routing-alb', 80);
    const { Rules } = await clients.elbv2.send(
      new CreateRuleCommand({
        ListenerArn: listener,
        Priority: 300,
        Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/hand*'] } }],
        Actions: [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '418' } }],
      }),
    );
    const hand = Rules![0]!.RuleArn!;
    const ok = await applyChange({}, { prune: true });
    expect(ok.ops).toEqual([]);
    const clash = await applyChange({ apiPriority: 300 }, { prune: true });
    expect(clash.ops).toEqual([]);
    expect(clash.report.ok).toBe(false);
    const failure = [...clash.report.outcomes.map((o) => o.reason ?? ''), ...clash.report.conflicts.map((c) => c.message)].join('\n');
    expect(failure).toContain('ListenerRule/routing-api');
    expect(failure).toContain(hand);
    expect((await rulesOnListener()).find((r) => r.arn === hand)?.priority).toBe('300');
    current.apiPriority = 200;
  });

  it('keeps our rule that left the files without --prune, deletes it with --prune', async () => {
    const kept = await applyChange({ webRule: false });
    expect(kept.ops).toEqual([]);
    expect(await rulesOnListener()).toHaveLength(3);
    const pruned = await applyChange({}, { prune: true });
    expect(pruned.ops).toEqual(['DeleteRule']);
    expect(pruned.report.outcomes).toEqual([expect.objectContaining({ id: 'ListenerRule/routing-web', action: 'delete', status: 'applied' })]);
    expect((await rulesOnListener()).map((r) => r.tags[TAG_RESOURCE] ?? 'hand')).toEqual(expect.arrayContaining(['ListenerRule/routing-api', 'hand']));
    expect(await rulesOnListener()).toHaveLength(2);
  });

  it('a new rule at the priority of our rule that left the files takes it over in place', async () => {
    const before = await rulesOnListener();
    const { ops, report, lines } = await applyChange({ apiRule: false, newRulePriority: 200 }, { prune: true });
    expect(report.ok, lines.join('\n')).toBe(true);
    // the planner matches the live rule by listener + priority: modified and re-tagged, never
    // deleted and created (traffic on /api* moves to /v2/api* in one step)
    expect(ops).toEqual(['ModifyRule', 'AddTags']);
    expect((await rulesOnListener()).map((r) => r.arn).sort()).toEqual(before.map((r) => r.arn).sort());
    const rules = await rulesOnListener();
    expect(Object.fromEntries(rules.map((r) => [r.tags[TAG_RESOURCE] ?? 'hand', r.priority]))).toEqual({
      'ListenerRule/routing-new': '200',
      hand: '300',
    });
  });

  it('replaces a target group whose port changed: new group, rule moved, old group deleted', async () => {
    const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['routing-api'] }));
    const oldArn = TargetGroups![0]!.TargetGroupArn!;
    const { report, ops, lines } = await applyChange({ apiPort: 8080 });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'ModifyRule', 'DeleteTargetGroup']);
    const { TargetGroups: after } = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
    const api = after?.filter((tg) => tg.TargetGroupName?.startsWith('routing-api')) ?? [];
    expect(api.map((tg) => [tg.TargetGroupName, tg.Port])).toEqual([[alternateTargetGroupName('routing-api'), 8080]]);
    expect(api[0]?.TargetGroupArn).not.toBe(oldArn);
    const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'routing-alb', 80) }));
    const forwards = (Rules ?? []).flatMap((r) => r.Actions ?? []).map((a) => a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.[0]?.TargetGroupArn);
    expect(forwards).toContain(api[0]?.TargetGroupArn);
    expect(forwards).not.toContain(oldArn);
  });
});

describe('after the replace', () => {
  // observe reads each declared target group under its name and its alternate name
  it('the next plan is empty', async () => {
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
