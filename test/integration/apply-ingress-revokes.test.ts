// Issue 11 item 7, against moto: revoking ingress rules is deleting. `exclusive: true` with
// `rules: []` used to revoke every rule of the group although --max-deletes 0, and a rule removed
// from a non-exclusive ingress was revoked without --prune. Each revoked rule now counts toward
// --max-deletes and is revoked only with --prune; the rest of the change still applies.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createSecurityGroup, createVpc, tcpFrom } from '../../src/demo/worlds/world-building-blocks.js';
import { formatPlan } from '../../src/reconcilers/format-plan.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let exclusiveSg: string;
let sharedSg: string;

const rule = (port: number, cidr: string) => `    - { protocol: tcp, port: ${port}, source: { cidr: ${cidr} } }\n`;

function ingressYaml(name: string, groupId: string, exclusive: boolean, rules: string[]): string {
  return `apiVersion: ecs-reconciler/v1\nkind: SecurityGroupIngress\nmetadata: { name: ${name} }\nspec:\n  groupId: ${groupId}\n  exclusive: ${exclusive}\n  rules:${rules.length === 0 ? ' []\n' : `\n${rules.join('')}`}`;
}

async function apply(yaml: string, opts: { prune?: boolean; maxDeletes?: number } = {}) {
  writeFileSync(join(dir, 'sg.yaml'), yaml);
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url, ...opts });
  return { ...run, ops: proxy.writes().map((w) => w.operation) };
}

async function ports(groupId: string): Promise<number[]> {
  const { SecurityGroupRules } = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return (SecurityGroupRules ?? []).filter((r) => !r.IsEgress).map((r) => r.FromPort!).sort((a, b) => a - b);
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  const vpc = await createVpc(clients, 'revoke-vpc', '10.12.0.0/16');
  exclusiveSg = await createSecurityGroup(clients, vpc, 'revoke-exclusive-sg', 'exclusive');
  sharedSg = await createSecurityGroup(clients, vpc, 'revoke-shared-sg', 'shared');
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-ingress-revokes-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('exclusive: true with rules: [] on a group with hand-made rules', () => {
  const yaml = () => ingressYaml('locked', exclusiveSg, true, []);

  beforeAll(async () => {
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: exclusiveSg, IpPermissions: [tcpFrom(22, { cidr: '10.0.0.0/8' }), tcpFrom(443, { cidr: '0.0.0.0/0' })] }),
    );
  });

  it('--prune --max-deletes 0 revokes nothing: 2 revokes are 2 deletions, refused', async () => {
    const run = await apply(yaml(), { prune: true, maxDeletes: 0 });
    expect(run.ops).not.toContain('RevokeSecurityGroupIngress');
    expect(await ports(exclusiveSg)).toEqual([22, 443]);
    expect(run.report.ok).toBe(false);
    expect(run.report.prune).toMatchObject({ deletions: 2, refused: expect.stringContaining('would delete 2 resources, more than --max-deletes 0') });
  });

  it('without --prune revokes nothing either; the plan still shows both revokes', async () => {
    const run = await apply(yaml());
    expect(run.ops).not.toContain('RevokeSecurityGroupIngress');
    expect(await ports(exclusiveSg)).toEqual([22, 443]);
    const outcome = run.report.outcomes.find((o) => o.id === 'SecurityGroupIngress/locked');
    expect(outcome?.notes?.join('\n')).toMatch(/kept 2 rule\(s\) that would be revoked .*pruning is off/);
    const plan = formatPlan(await planDir(dir, motoUrl()));
    expect(plan).toContain('rules[tcp/22-22/cidr:10.0.0.0/8]');
    expect(plan).toContain('rules[tcp/443-443/cidr:0.0.0.0/0]');
    expect(plan).toContain('made only with --prune');
  });

  it('--prune within --max-deletes revokes them', async () => {
    const run = await apply(yaml(), { prune: true, maxDeletes: 2 });
    expect(run.report.ok, run.lines.join('\n')).toBe(true);
    expect(run.ops).toContain('RevokeSecurityGroupIngress');
    expect(await ports(exclusiveSg)).toEqual([]);
  });
});

describe('a rule removed from a non-exclusive ingress', () => {
  it('is kept without --prune while the rule added in the same change is authorized', async () => {
    const first = await apply(ingressYaml('shared', sharedSg, false, [rule(80, '10.2.0.0/24'), rule(8080, '10.2.0.0/24')]));
    expect(first.report.ok, first.lines.join('\n')).toBe(true);
    expect(await ports(sharedSg)).toEqual([80, 8080]);

    const run = await apply(ingressYaml('shared', sharedSg, false, [rule(80, '10.2.0.0/24'), rule(9090, '10.2.0.0/24')]));
    expect(run.ops).toContain('AuthorizeSecurityGroupIngress');
    expect(run.ops).not.toContain('RevokeSecurityGroupIngress');
    expect(await ports(sharedSg)).toEqual([80, 8080, 9090]);
    expect(run.report.outcomes.find((o) => o.id === 'SecurityGroupIngress/shared')?.notes?.join('\n')).toContain('pruning is off');
  });

  it('is revoked with --prune, and the next plan is empty', async () => {
    const run = await apply(ingressYaml('shared', sharedSg, false, [rule(80, '10.2.0.0/24'), rule(9090, '10.2.0.0/24')]), { prune: true });
    expect(run.report.ok, run.lines.join('\n')).toBe(true);
    expect(run.ops).toContain('RevokeSecurityGroupIngress');
    expect(await ports(sharedSg)).toEqual([80, 9090]);
    const plan = await planDir(dir, motoUrl());
    expect(plan.changes.filter((c) => c.action !== 'noop')).toEqual([]);
  });
});
