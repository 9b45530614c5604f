// SecurityGroupIngress applier against moto, through the fault proxy (no faults) to see the
// write sequence: authorize tagged rules before any revoke, descriptions in place, hand-made
// rules kept unless exclusive, a rule that already exists is adopted (Duplicate is not a failure).
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand, type SecurityGroupRule } from '@aws-sdk/client-ec2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../../src/reconcilers/types.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { createSecurityGroup, createVpc, tcpFrom } from '../../src/demo/worlds/world-building-blocks.js';
import { applyWith, applyPlanned, observePlan, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let app: string;
let alb: string;

interface Ingress {
  exclusive?: boolean;
  webPort?: number;
  webDescription?: string;
  extra?: string;
}

let current: Ingress = {};

function ingressYaml(i: Ingress): string {
  return `apiVersion: ecs-reconciler/v1
kind: SecurityGroupIngress
metadata: { name: app-ingress }
spec:
  groupId: ${app}
  exclusive: ${i.exclusive ?? false}
  rules:
    - { protocol: tcp, port: ${i.webPort ?? 80}, source: { cidr: 10.2.0.0/24 }, description: ${i.webDescription ?? 'web from the office'} }
    - { protocol: tcp, port: 3306, source: { securityGroup: ${alb} }, description: db from the alb }
${i.extra ?? ''}`;
}

function applyChange(change: Ingress, opts: { prune?: boolean } = {}) {
  current = { ...current, ...change };
  return applyWith(proxy, dir, 'sg.yaml', ingressYaml(current), opts);
}

async function rules(): Promise<SecurityGroupRule[]> {
  const { SecurityGroupRules } = await clients.ec2.send(
    new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [app] }] }),
  );
  return (SecurityGroupRules ?? []).filter((r) => !r.IsEgress);
}

const tags = (r: SecurityGroupRule) => Object.fromEntries((r.Tags ?? []).map((t) => [t.Key!, t.Value!]));
const ports = (rs: SecurityGroupRule[]) => rs.map((r) => `${r.FromPort}/${r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId}`).sort();

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  const vpc = await createVpc(clients, 'sg-vpc', '10.7.0.0/16');
  app = await createSecurityGroup(clients, vpc, 'app-sg', 'app');
  alb = await createSecurityGroup(clients, vpc, 'alb-sg', 'alb');
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-sg-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('security group ingress applier (in order, one group)', () => {
  it('authorizes the declared rules in one call, tagged, then tags the group', async () => {
    const { report, ops } = await applyChange({});
    expect(report.ok).toBe(true);
    expect(ops).toEqual(['AuthorizeSecurityGroupIngress', 'CreateTags']);
    expect(proxy.writes()[0]?.params).toMatchObject({ 'TagSpecification.1.ResourceType': 'security-group-rule' });
    const live = await rules();
    expect(ports(live)).toEqual([`3306/${alb}`, '80/10.2.0.0/24']);
    expect(live.every((r) => tags(r)[TAG_OWNER] === 'ecs-reconciler' && tags(r)[TAG_RESOURCE] === 'SecurityGroupIngress/app-ingress')).toBe(true);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('keeps a hand-made rule that is not declared (exclusive: false), even with --prune', async () => {
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [tcpFrom(22, { cidr: '1.2.3.4/32' })] }));
    const { ops } = await applyChange({}, { prune: true });
    expect(ops.filter((op) => op === 'RevokeSecurityGroupIngress')).toEqual([]);
    expect(ports(await rules())).toContain('22/1.2.3.4/32');
  });

  it('changes a description in place with ModifySecurityGroupRules', async () => {
    const before = (await rules()).find((r) => r.FromPort === 80)?.SecurityGroupRuleId;
    const { ops } = await applyChange({ webDescription: 'web from the new office' });
    expect(ops).toContain('ModifySecurityGroupRules');
    expect(ops).not.toContain('RevokeSecurityGroupIngress');
    expect(ops).not.toContain('AuthorizeSecurityGroupIngress');
    const after = (await rules()).find((r) => r.FromPort === 80);
    expect(after?.SecurityGroupRuleId).toBe(before);
    expect(after?.Description).toBe('web from the new office');
  });

  it('authorizes the new rule before revoking the one it replaces (ours only; revokes need --prune)', async () => {
    const { ops, report } = await applyChange({ webPort: 8080 }, { prune: true });
    expect(report.ok).toBe(true);
    const authorize = ops.indexOf('AuthorizeSecurityGroupIngress');
    const revoke = ops.indexOf('RevokeSecurityGroupIngress');
    expect(authorize).toBeGreaterThanOrEqual(0);
    expect(revoke).toBeGreaterThan(authorize);
    expect(ports(await rules())).toEqual(['22/1.2.3.4/32', `3306/${alb}`, '8080/10.2.0.0/24']);
    expect(proxy.writes()[revoke]?.params).toMatchObject({ 'SecurityGroupRuleId.1': expect.stringMatching(/^sgr-/) });
  });

  it('with exclusive: true and --prune revokes the undeclared hand-made rule too', async () => {
    const { ops } = await applyChange({ exclusive: true }, { prune: true });
    expect(ops).toContain('RevokeSecurityGroupIngress');
    expect(ports(await rules())).toEqual([`3306/${alb}`, '8080/10.2.0.0/24']);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('adopts a declared rule that exists untagged: CreateTags, no authorize', async () => {
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: app, IpPermissions: [tcpFrom(443, { cidr: '10.3.0.0/16' }, 'tls')] }));
    const { ops } = await applyChange({ extra: '    - { protocol: tcp, port: 443, source: { cidr: 10.3.0.0/16 }, description: tls }\n' });
    expect(ops).toEqual(['CreateTags', 'CreateTags']);
    const tls = (await rules()).find((r) => r.FromPort === 443);
    expect(tags(tls!)[TAG_RESOURCE]).toBe('SecurityGroupIngress/app-ingress');
  });

  it('treats InvalidPermission.Duplicate as done: finds the rule and tags it (stale plan)', async () => {
    current = { ...current, extra: `${current.extra ?? ''}    - { protocol: udp, port: 53, source: { cidr: 10.4.0.0/16 } }\n` };
    writeFileSync(join(dir, 'sg.yaml'), ingressYaml(current));
    const planned = await observePlan(dir, motoUrl());
    // someone adds the same rule between the plan and the apply
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({
        GroupId: app,
        IpPermissions: [{ IpProtocol: 'udp', FromPort: 53, ToPort: 53, IpRanges: [{ CidrIp: '10.4.0.0/16' }] }],
      }),
    );
    const run = await applyPlanned(planned, motoUrl());
    expect(run.report.ok, run.lines.join('\n')).toBe(true);
    // AWS said Duplicate: the existing rule was found and tagged instead of failing the apply
    expect(run.lines.filter((l) => l.startsWith('tagged security group rules sgr-'))).toHaveLength(1);
    const dns = (await rules()).filter((r) => r.IpProtocol === 'udp');
    expect(dns).toHaveLength(1);
    expect(tags(dns[0]!)[TAG_OWNER]).toBe('ecs-reconciler');
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('records the spec hash on the group', async () => {
    const { SecurityGroupRules } = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [app] }] }));
    expect(SecurityGroupRules?.length).toBeGreaterThan(0);
    const plan = await planDir(dir, motoUrl());
    const change = plan.changes.find((c) => c.kind === 'SecurityGroupIngress');
    expect(change?.kind === 'SecurityGroupIngress' && change.live?.tags[TAG_SPEC_HASH]).toBe(change?.desiredHash);
  });
});
