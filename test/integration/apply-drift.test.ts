// Each drift case of the plan issue, made by hand with the SDK behind the controller's back, is
// corrected by ONE apply, and the following plan is empty. All five seed systems live in one
// moto and one desired state; they are converged first (two applies: moto drops
// deploymentConfiguration on CreateService), then the cases run in order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
} from '@aws-sdk/client-ec2';
import {
  DescribeServicesCommand,
  DescribeTaskDefinitionCommand,
  RegisterTaskDefinitionCommand,
  UpdateServiceCommand,
  type RegisterTaskDefinitionCommandInput,
} from '@aws-sdk/client-ecs';
import {
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyRuleCommand,
  ModifyTargetGroupCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { buildAllWorlds, renderDesired, SEED_SYSTEMS } from '../../src/demo/worlds/seed-systems.js';
import { listenerArn } from '../../src/demo/worlds/world-building-blocks.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyDir, pendingChanges, planDir } from './apply-support.js';

let clients: TestClients;
let dir: string;
let ids: Record<string, string>;

async function docto(priority: string): Promise<string> {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'docto-alb', 80) }));
  const rule = Rules?.find((r) => r.Priority === priority);
  if (!rule?.RuleArn) throw new Error(`no docto rule at priority ${priority}`);
  return rule.RuleArn;
}

async function tgArn(name: string): Promise<string> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }));
  return TargetGroups![0]!.TargetGroupArn!;
}

async function ingress(groupPlaceholder: string) {
  const groupId = ids[groupPlaceholder]!;
  const { SecurityGroupRules } = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }] }));
  return { groupId, rules: (SecurityGroupRules ?? []).filter((r) => !r.IsEgress) };
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  ids = await buildAllWorlds(clients);
  dir = mkdtempSync(join(tmpdir(), 'apply-drift-'));
  await renderDesired(SEED_SYSTEMS.map((s) => s.desiredFile), ids, dir);
  await applyDir(dir, { endpoint: motoUrl() });
  await applyDir(dir, { endpoint: motoUrl() });
  expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
});

afterAll(() => {
  clients.destroy();
});

const DRIFTS: { case: string; drift: () => Promise<void>; expectWrites: string[]; prune?: boolean }[] = [
  {
    case: "a rule's path pattern",
    drift: async () => {
      await clients.elbv2.send(
        new ModifyRuleCommand({ RuleArn: await docto('100'), Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/hacked*'] } }] }),
      );
    },
    expectWrites: ['ModifyRule'],
  },
  {
    case: "a rule's priority",
    drift: async () => {
      await clients.elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: await docto('200'), Priority: 250 }] }));
    },
    expectWrites: ['SetRulePriorities'],
  },
  {
    case: "a target group's health-check path",
    drift: async () => {
      await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: await tgArn('docto-website'), HealthCheckPath: '/hacked' }));
    },
    expectWrites: ['ModifyTargetGroup'],
  },
  {
    case: "a service's desired count",
    drift: async () => {
      await clients.ecs.send(new UpdateServiceCommand({ cluster: 'cak-cluster', service: 'chronous-payments-api', desiredCount: 4 }));
    },
    expectWrites: ['UpdateService'],
  },
  {
    case: 'the image of the running task definition',
    drift: async () => {
      const { services } = await clients.ecs.send(new DescribeServicesCommand({ cluster: 'flask-react-cluster', services: ['flask-react-users'] }));
      const { taskDefinition: td } = await clients.ecs.send(new DescribeTaskDefinitionCommand({ taskDefinition: services![0]!.taskDefinition! }));
      const input: RegisterTaskDefinitionCommandInput = {
        family: td!.family!,
        networkMode: td!.networkMode,
        requiresCompatibilities: td!.requiresCompatibilities,
        containerDefinitions: td!.containerDefinitions!.map((c) => ({ ...c, image: `${c.image!.split(':')[0]}:hacked` })),
        ...(td!.cpu ? { cpu: td!.cpu } : {}),
        ...(td!.memory ? { memory: td!.memory } : {}),
        ...(td!.executionRoleArn ? { executionRoleArn: td!.executionRoleArn } : {}),
      };
      const { taskDefinition: hacked } = await clients.ecs.send(new RegisterTaskDefinitionCommand(input));
      await clients.ecs.send(new UpdateServiceCommand({ cluster: 'flask-react-cluster', service: 'flask-react-users', taskDefinition: hacked!.taskDefinitionArn }));
    },
    // the revision with the declared content still exists (content-hash tag): no new revision
    expectWrites: ['UpdateService'],
  },
  {
    case: 'an SG rule removed',
    drift: async () => {
      const { groupId, rules } = await ingress('sg-050000000000000ec');
      const ssh = rules.find((r) => r.FromPort === 22);
      await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, SecurityGroupRuleIds: [ssh!.SecurityGroupRuleId!] }));
    },
    expectWrites: ['AuthorizeSecurityGroupIngress'],
  },
  {
    case: 'an SG rule added by hand to an exclusive group',
    drift: async () => {
      const { groupId } = await ingress('sg-050000000000000ec');
      await clients.ec2.send(
        new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 9999, ToPort: 9999, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] }),
      );
    },
    expectWrites: ['RevokeSecurityGroupIngress'],
    // a revoke is a deletion: made only with --prune
    prune: true,
  },
];

describe('each drift case is corrected by one apply', () => {
  it.each(DRIFTS)('$case', async ({ drift, expectWrites, prune }) => {
    await drift();
    const drifted = await planDir(dir, motoUrl());
    expect(pendingChanges(drifted).length).toBeGreaterThan(0);
    const run = await applyDir(dir, { endpoint: motoUrl(), prune: prune === true });
    expect(run.report.ok, run.lines.join('\n')).toBe(true);
    expect(run.report.writes.map((w) => w.operation)).toEqual(expectWrites);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('an SG rule added by hand to a non-exclusive group is left alone', async () => {
    const { groupId } = await ingress('sg-010000000000000db');
    await clients.ec2.send(
      new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '10.99.0.0/16' }] }] }),
    );
    const run = await applyDir(dir, { endpoint: motoUrl(), prune: true });
    expect(run.report.writes).toEqual([]);
    expect((await ingress('sg-010000000000000db')).rules.some((r) => r.CidrIpv4 === '10.99.0.0/16')).toBe(true);
  });
});
