// Drift behind the controller's back, through the CLI as a process. flask-react is applied once
// (so its resources carry our spec-hash tags); then, one case at a time, a person changes AWS with
// the SDK. `plan` must show the change as DRIFT naming the field with the live and desired
// values (`--detailed-exitcode`: exit 2); one `apply` corrects it (exit 0) and the next `plan` is
// empty (exit 0).
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthorizeSecurityGroupIngressCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, DescribeTaskDefinitionCommand, RegisterTaskDefinitionCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyRuleCommand,
  ModifyTargetGroupCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import type { PlanJson, PlanJsonChange } from '../../src/reconcilers/format-plan.js';
import { renderDesired, seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';

let clients: TestClients;
let dir: string;
let file: string;
let groupId: string;

async function plan(): Promise<{ code: number; json: PlanJson }> {
  const run = await runCli(['plan', dir, '--json', '--detailed-exitcode'], { env: awsEnv(motoUrl()) });
  expect(run.stderr).not.toMatch(/\n\s+at /);
  return { code: run.code, json: JSON.parse(run.stdout) as PlanJson };
}

async function apply(...flags: string[]): Promise<void> {
  const run = await runCli(['apply', ...flags, dir], { env: awsEnv(motoUrl()) });
  expect(run.code, `${run.stdout}\n${run.stderr}`).toBe(0);
}

async function rule() {
  const lb = (await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: ['flask-react-alb'] }))).LoadBalancers?.[0];
  const listener = (await clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb?.LoadBalancerArn }))).Listeners?.[0];
  const rules = (await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener?.ListenerArn }))).Rules ?? [];
  const found = rules.find((r) => r.IsDefault !== true);
  if (!found?.RuleArn) throw new Error('rule not found');
  return found;
}

async function usersService() {
  const svc = (await clients.ecs.send(new DescribeServicesCommand({ cluster: 'flask-react-cluster', services: ['flask-react-users'] }))).services?.[0];
  if (!svc?.taskDefinition) throw new Error('service not found');
  return svc;
}

const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '203.0.113.10/32', Description: 'SSH from the admin workstation' }] };

interface DriftCase {
  name: string;
  id: string;
  /** the change a person makes behind the controller's back */
  change: () => Promise<void>;
  /** the diff path (or a pattern of it) plan must name */
  path: string | RegExp;
  live: unknown;
  desired: unknown;
}

const cases: DriftCase[] = [
  {
    name: "a rule's path pattern",
    id: 'ListenerRule/flask-react-users-api',
    change: async () => {
      await clients.elbv2.send(
        new ModifyRuleCommand({ RuleArn: (await rule()).RuleArn, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/users*', '/ping', '/auth*', '/doc', '/admin*'] } }] }),
      );
    },
    path: 'conditions.pathPatterns',
    live: expect.arrayContaining(['/admin*']),
    desired: expect.arrayContaining(['/swagger*']),
  },
  {
    name: "a rule's priority",
    id: 'ListenerRule/flask-react-users-api',
    change: async () => {
      await clients.elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: (await rule()).RuleArn, Priority: 7 }] }));
    },
    path: 'priority',
    live: 7,
    desired: 1,
  },
  {
    name: "a target group's health-check path",
    id: 'TargetGroup/flask-react-users-tg',
    change: async () => {
      const tg = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: ['flask-react-users-tg'] }))).TargetGroups?.[0];
      await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tg?.TargetGroupArn, HealthCheckPath: '/hacked' }));
    },
    path: 'healthCheck.path',
    live: '/hacked',
    desired: '/ping',
  },
  {
    name: "a service's desired count",
    id: 'Service/flask-react-users',
    change: async () => {
      await clients.ecs.send(new UpdateServiceCommand({ cluster: 'flask-react-cluster', service: 'flask-react-users', desiredCount: 3 }));
    },
    path: 'desiredCount',
    live: 3,
    desired: 1,
  },
  {
    name: 'the image in the running task definition',
    id: 'Service/flask-react-users',
    change: async () => {
      const td = (await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: (await usersService()).taskDefinition }))).taskDefinition;
      const containers = (td?.containerDefinitions ?? []).map((c) => ({ ...c, image: 'evil.example.com/users:latest' }));
      const registered = await clients.ecs.send(
        new RegisterTaskDefinitionCommand({ family: td?.family, networkMode: td?.networkMode, containerDefinitions: containers, requiresCompatibilities: td?.requiresCompatibilities }),
      );
      await clients.ecs.send(
        new UpdateServiceCommand({ cluster: 'flask-react-cluster', service: 'flask-react-users', taskDefinition: registered.taskDefinition?.taskDefinitionArn }),
      );
    },
    path: /image/,
    live: 'evil.example.com/users:latest',
    desired: '123456789012.dkr.ecr.us-west-1.amazonaws.com/test-driven-users:prod',
  },
  {
    name: 'an SG rule removed',
    id: 'SecurityGroupIngress/flask-react-security-group',
    change: async () => {
      await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ssh] }));
    },
    path: /^rules\[tcp\/22-22\/cidr:203\.0\.113\.10\/32\]/,
    live: null,
    desired: expect.stringContaining('203.0.113.10/32'),
  },
];

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  const system = seedSystem('flask-react');
  const world = await system.buildWorld(clients);
  dir = await mkdtemp(join(tmpdir(), 'drift-'));
  [file = ''] = await renderDesired([system.desiredFile], world.ids, dir);
  groupId = String(Object.entries(world.ids).find(([k]) => k.startsWith('sg-'))?.[1]);
  await apply();
  expect((await plan()).code).toBe(0);
});
afterAll(() => clients.destroy());

describe('drift on flask-react', () => {
  it.each(cases.map((c) => [c.name, c] as const))('%s: plan shows DRIFT with both values; one apply corrects it', async (_n, c) => {
    await c.change();
    const drifted = await plan();
    expect(drifted.code).toBe(2);
    const change = drifted.json.changes.find((ch) => ch.id === c.id) as PlanJsonChange;
    expect(change, JSON.stringify(drifted.json.changes)).toBeDefined();
    expect(change.cause).toBe('drift');
    const diff = change.diffs.find((d) => (typeof c.path === 'string' ? d.path === c.path : c.path.test(d.path)));
    expect(diff, JSON.stringify(change.diffs)).toBeDefined();
    expect(diff?.live).toEqual(c.live);
    expect(diff?.desired).toEqual(c.desired);
    const others = drifted.json.changes.filter((ch) => ch.id !== c.id && ch.action !== 'noop' && !ch.tagOnly);
    expect(others.map((o) => o.id)).toEqual([]);

    await apply();
    const after = await plan();
    expect(after.json.changes.filter((ch) => ch.action !== 'noop' && !ch.tagOnly).map((ch) => `${ch.id} ${JSON.stringify(ch.diffs)}`)).toEqual([]);
    expect(after.code).toBe(0);
  });

  it('an SG rule added by hand is left alone and not reported, unless the ingress is exclusive', async () => {
    const extra = { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, IpRanges: [{ CidrIp: '10.9.0.0/16' }] };
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [extra] }));
    expect((await plan()).code).toBe(0);
    await apply(); // survives an apply
    expect((await plan()).code).toBe(0);

    // the team makes the ingress exclusive: the next apply removes the hand-made rule (a rollout)
    await writeFile(file, (await readFile(file, 'utf8')).replace('  groupId:', '  exclusive: true\n  groupId:'));
    const rollout = await plan();
    const sg = rollout.json.changes.find((c) => c.id === 'SecurityGroupIngress/flask-react-security-group');
    expect(sg?.cause).toBe('rollout');
    expect(sg?.revoke).toEqual([expect.stringContaining('10.9.0.0/16')]);
    await apply('--prune'); // a revoke is a deletion: only with --prune
    expect((await plan()).code).toBe(0);

    // now a rule added by hand is drift
    await clients.ec2.send(new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [extra] }));
    const drifted = await plan();
    expect(drifted.code).toBe(2);
    const change = drifted.json.changes.find((c) => c.id === 'SecurityGroupIngress/flask-react-security-group');
    expect(change?.cause).toBe('drift');
    expect(change?.revoke).toEqual([expect.stringContaining('10.9.0.0/16')]);
    expect(change?.diffs.some((d) => /10\.9\.0\.0\/16/.test(d.path) && d.desired === null)).toBe(true);
    await apply('--prune');
    expect((await plan()).code).toBe(0);
  });
});
