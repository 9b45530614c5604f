// bench/fault-soak helpers: the foreign resources placed where the controller looks (and their
// exact state, to prove nothing touched them), the drifts made by hand straight in moto, and the
// duplicate census at the end. Plain SDK calls to moto, no controller code.
import {
  AuthorizeSecurityGroupIngressCommand,
  DescribeSecurityGroupRulesCommand,
  RevokeSecurityGroupIngressCommand,
  type SecurityGroupRule,
} from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ListTaskDefinitionsCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  CreateRuleCommand,
  CreateTargetGroupCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyRuleCommand,
  ModifyTargetGroupCommand,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../src/demo/aws-demo-clients.js';
import { listenerArn } from '../src/demo/worlds/world-building-blocks.js';
import type { DesiredOf, DesiredState } from '../src/spec/types.js';

export const FOREIGN_TG_NAME = 'foreign-soak-tg';
const FOREIGN_PATH = '/foreign-soak/*';
const FOREIGN_CIDR = '198.51.100.77/32';
const FOREIGN_PORT = 6543;

/** Where the foreign resources sit: a managed listener, a non-exclusive managed group, the VPC of a managed target group. */
export interface ForeignPlacement {
  listener: { loadBalancer: string; port: number };
  /** a priority no declared rule of that listener uses */
  priority: number;
  groupId: string;
  vpcId: string;
}

export interface ForeignIds {
  targetGroupArn: string;
  ruleArn: string;
  securityGroupRuleId: string;
  groupId: string;
  listenerArn: string;
}

/** Picks the placement from the desired state: the first listener with declared rules, the first non-exclusive ingress document. */
export function foreignPlacement(state: DesiredState): ForeignPlacement {
  const rule = state.listenerRules.find((r) => 'loadBalancer' in r.spec.listener);
  if (!rule || !('loadBalancer' in rule.spec.listener)) throw new Error('fault-soak: no ListenerRule on a {loadBalancer, port} listener in desired/');
  const { loadBalancer, port } = rule.spec.listener;
  const listenerDeclared = state.listeners.some((l) => l.spec.loadBalancer === loadBalancer && l.spec.port === port);
  if (!listenerDeclared) throw new Error(`fault-soak: the listener ${loadBalancer}:${port} is not managed`);
  const used = new Set(
    state.listenerRules.filter((r) => 'loadBalancer' in r.spec.listener && r.spec.listener.loadBalancer === loadBalancer && r.spec.listener.port === port).map((r) => r.spec.priority),
  );
  let priority = 300;
  while (used.has(priority)) priority += 1;
  const sg = state.securityGroupIngress.find((s) => !s.spec.exclusive);
  if (!sg) throw new Error('fault-soak: no non-exclusive SecurityGroupIngress in desired/');
  const tg = state.targetGroups[0];
  if (!tg) throw new Error('fault-soak: no TargetGroup in desired/');
  return { listener: { loadBalancer, port }, priority, groupId: sg.spec.groupId, vpcId: tg.spec.vpcId };
}

/** Creates the three foreign resources (no tags at all) once the managed listener exists. */
export async function createForeign(clients: TestClients, where: ForeignPlacement): Promise<ForeignIds> {
  const { TargetGroups } = await clients.elbv2.send(
    new CreateTargetGroupCommand({ Name: FOREIGN_TG_NAME, Protocol: 'HTTP', Port: 9090, VpcId: where.vpcId, TargetType: 'ip', HealthCheckPath: '/foreign-health' }),
  );
  const targetGroupArn = TargetGroups![0]!.TargetGroupArn!;
  const listener = await listenerArn(clients, where.listener.loadBalancer, where.listener.port);
  const { Rules } = await clients.elbv2.send(
    new CreateRuleCommand({
      ListenerArn: listener,
      Priority: where.priority,
      Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [FOREIGN_PATH] } }],
      Actions: [{ Type: 'forward', TargetGroupArn: targetGroupArn }],
    }),
  );
  const ruleArn = Rules![0]!.RuleArn!;
  const { SecurityGroupRules } = await clients.ec2.send(
    new AuthorizeSecurityGroupIngressCommand({
      GroupId: where.groupId,
      IpPermissions: [{ IpProtocol: 'tcp', FromPort: FOREIGN_PORT, ToPort: FOREIGN_PORT, IpRanges: [{ CidrIp: FOREIGN_CIDR, Description: 'foreign: not in any desired file' }] }],
    }),
  );
  const securityGroupRuleId = SecurityGroupRules?.[0]?.SecurityGroupRuleId ?? (await findForeignSgRule(clients, where.groupId))?.SecurityGroupRuleId;
  if (!securityGroupRuleId) throw new Error('fault-soak: the foreign ingress rule was not created');
  return { targetGroupArn, ruleArn, securityGroupRuleId, groupId: where.groupId, listenerArn: listener };
}

async function findForeignSgRule(clients: TestClients, groupId: string): Promise<SecurityGroupRule | undefined> {
  const rules = await groupRules(clients, groupId);
  return rules.find((r) => r.CidrIpv4 === FOREIGN_CIDR && r.FromPort === FOREIGN_PORT);
}

async function groupRules(clients: TestClients, groupId: string): Promise<SecurityGroupRule[]> {
  const out: SecurityGroupRule[] = [];
  let token: string | undefined;
  for (let page = 0; page < 50; page++) {
    const r = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [groupId] }], NextToken: token }));
    out.push(...(r.SecurityGroupRules ?? []));
    token = r.NextToken;
    if (!token) break;
  }
  return out;
}

async function listenerRules(clients: TestClients, listener: string): Promise<Rule[]> {
  const out: Rule[] = [];
  let marker: string | undefined;
  for (let page = 0; page < 50; page++) {
    const r = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listener, Marker: marker }));
    out.push(...(r.Rules ?? []));
    marker = r.NextMarker;
    if (!marker) break;
  }
  return out;
}

async function tagsOf(clients: TestClients, arns: string[]): Promise<Record<string, Record<string, string>>> {
  const out: Record<string, Record<string, string>> = {};
  for (let i = 0; i < arns.length; i += 20) {
    const { TagDescriptions } = await clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: arns.slice(i, i + 20) }));
    for (const d of TagDescriptions ?? []) out[d.ResourceArn!] = Object.fromEntries((d.Tags ?? []).map((t) => [t.Key!, t.Value ?? '']));
  }
  return out;
}

const sortKeys = (value: unknown): unknown => {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => [k, sortKeys(v)]));
  return value;
};

/** The exact state of the foreign resources as moto describes them (tags and attributes included), canonical JSON per resource. */
export async function foreignState(clients: TestClients, ids: ForeignIds): Promise<Record<string, string>> {
  const tg = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [ids.targetGroupArn] })).catch((e: Error) => ({ error: e.name }))) as Record<string, unknown>;
  const attrs = await clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: ids.targetGroupArn })).catch((e: Error) => ({ error: e.name }));
  const rule = (await listenerRules(clients, ids.listenerArn)).find((r) => r.RuleArn === ids.ruleArn);
  const tags = await tagsOf(clients, [ids.targetGroupArn, ids.ruleArn]).catch((e: Error) => ({ error: e.name }));
  const sg = (await groupRules(clients, ids.groupId)).find((r) => r.SecurityGroupRuleId === ids.securityGroupRuleId);
  const strip = (o: unknown): unknown => {
    if (o && typeof o === 'object' && '$metadata' in o) {
      const { $metadata: _drop, ...rest } = o as Record<string, unknown>;
      return rest;
    }
    return o;
  };
  return {
    targetGroup: JSON.stringify(sortKeys({ describe: strip(tg), attributes: strip(attrs), tags: (tags as Record<string, unknown>)[ids.targetGroupArn] ?? null })),
    listenerRule: JSON.stringify(sortKeys({ rule: rule ?? null, tags: (tags as Record<string, unknown>)[ids.ruleArn] ?? null })),
    securityGroupRule: JSON.stringify(sortKeys(sg ?? null)),
  };
}

// ---------- drifts ----------

export type DriftKind = 'health-check-path' | 'desired-count' | 'revoked-ingress' | 'rule-path';
export const DRIFT_KINDS: readonly DriftKind[] = ['health-check-path', 'desired-count', 'revoked-ingress', 'rule-path'];

export interface Drift {
  kind: DriftKind;
  /** `Kind/name` of the drifted resource */
  resource: string;
  detail: string;
  /** resolves true when moto shows the declared value again */
  corrected: () => Promise<boolean>;
}

const pathsOf = (rule: Rule | undefined): string[] =>
  (rule?.Conditions ?? []).filter((c) => c.Field === 'path-pattern').flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []).sort();

/** Makes one drift of `kind` by hand in moto (each kind on the first declared resource that allows it). */
export async function makeDrift(clients: TestClients, state: DesiredState, kind: DriftKind, n: number): Promise<Drift> {
  switch (kind) {
    case 'health-check-path': {
      const tg = state.targetGroups.find((t) => t.spec.healthCheck.path !== undefined && t.name !== FOREIGN_TG_NAME)!;
      const want = tg.spec.healthCheck.path!;
      const arn = (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [tg.name] }))).TargetGroups![0]!.TargetGroupArn!;
      await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: arn, HealthCheckPath: `/drifted-${n}` }));
      return {
        kind,
        resource: tg.id,
        detail: `healthCheck.path ${want} -> /drifted-${n}`,
        corrected: async () => (await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [arn] }))).TargetGroups?.[0]?.HealthCheckPath === want,
      };
    }
    case 'desired-count': {
      const svc = state.services[n % state.services.length]!;
      const want = svc.spec.desiredCount;
      await clients.ecs.send(new UpdateServiceCommand({ cluster: svc.spec.cluster, service: svc.name, desiredCount: want + 2 }));
      return {
        kind,
        resource: svc.id,
        detail: `desiredCount ${want} -> ${want + 2}`,
        corrected: async () => (await clients.ecs.send(new DescribeServicesCommand({ cluster: svc.spec.cluster, services: [svc.name] }))).services?.[0]?.desiredCount === want,
      };
    }
    case 'revoked-ingress': {
      const doc = state.securityGroupIngress[n % state.securityGroupIngress.length]!;
      const declared = doc.spec.rules[0]!;
      const matchesDeclared = (r: SecurityGroupRule): boolean =>
        !r.IsEgress &&
        r.IpProtocol === (declared.protocol === 'all' ? '-1' : declared.protocol) &&
        (declared.protocol === 'all' || (r.FromPort === declared.fromPort && r.ToPort === declared.toPort)) &&
        (declared.source.type === 'cidr'
          ? r.CidrIpv4 === declared.source.value
          : declared.source.type === 'securityGroup'
            ? r.ReferencedGroupInfo?.GroupId === declared.source.value
            : declared.source.type === 'ipv6Cidr'
              ? r.CidrIpv6 === declared.source.value
              : r.PrefixListId === declared.source.value);
      const live = (await groupRules(clients, doc.spec.groupId)).filter(matchesDeclared);
      if (live.length === 0) throw new Error(`fault-soak: ${doc.id}: declared rule not found before the drift`);
      await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: doc.spec.groupId, SecurityGroupRuleIds: live.map((r) => r.SecurityGroupRuleId!) }));
      return {
        kind,
        resource: doc.id,
        detail: `revoked ${declared.protocol} ${declared.fromPort}-${declared.toPort} from ${declared.source.value}`,
        corrected: async () => (await groupRules(clients, doc.spec.groupId)).some(matchesDeclared),
      };
    }
    case 'rule-path': {
      const rule = state.listenerRules.find((r) => 'loadBalancer' in r.spec.listener && r.spec.conditions.pathPatterns.length > 0)!;
      const ref = rule.spec.listener as { loadBalancer: string; port: number };
      const listener = await listenerArn(clients, ref.loadBalancer, ref.port);
      const want = [...rule.spec.conditions.pathPatterns].sort();
      const find = async (): Promise<Rule | undefined> => {
        const rules = await listenerRules(clients, listener);
        const tags = await tagsOf(clients, rules.map((r) => r.RuleArn!));
        return rules.find((r) => tags[r.RuleArn!]?.['ecs-reconciler/resource'] === rule.id);
      };
      const live = await find();
      if (!live) throw new Error(`fault-soak: ${rule.id} not found before the drift`);
      const others = (live.Conditions ?? []).filter((c) => c.Field !== 'path-pattern');
      await clients.elbv2.send(new ModifyRuleCommand({ RuleArn: live.RuleArn, Conditions: [...others, { Field: 'path-pattern', PathPatternConfig: { Values: [`/drifted-${n}/*`] } }] }));
      return {
        kind,
        resource: rule.id,
        detail: `path ${want.join(',')} -> /drifted-${n}/*`,
        corrected: async () => JSON.stringify(pathsOf(await find())) === JSON.stringify(want),
      };
    }
  }
}

// ---------- duplicates ----------

export interface DuplicateCensus {
  /** family -> revisions registered (ACTIVE and INACTIVE) */
  taskDefinitionRevisions: Record<string, number>;
  /** revisions beyond the one each family's file content needs */
  extraTaskDefinitions: number;
  /** `ListenerRule/name` -> live rules tagged as it (1 expected) */
  rulesPerDeclared: Record<string, number>;
  extraRules: number;
  /** group -> ingress rules with the same protocol, ports and source as another */
  duplicateSgRules: Record<string, number>;
  extraSgRules: number;
  /** declared TargetGroup -> live target groups tagged as it or named as it */
  targetGroupsPerDeclared: Record<string, number>;
  extraTargetGroups: number;
  /** target groups moto holds in all (world + declared + foreign) */
  targetGroupsTotal: number;
}

export async function duplicateCensus(clients: TestClients, state: DesiredState, baselineRevisions: Record<string, number>): Promise<DuplicateCensus> {
  const taskDefinitionRevisions: Record<string, number> = {};
  let extraTaskDefinitions = 0;
  for (const family of [...new Set(state.services.map((s) => s.spec.taskDefinition.family))]) {
    let count = 0;
    for (const status of ['ACTIVE', 'INACTIVE'] as const) {
      let token: string | undefined;
      for (let page = 0; page < 50; page++) {
        const r = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family, status, nextToken: token }));
        count += (r.taskDefinitionArns ?? []).filter((a) => a.split('/').pop()!.replace(/:\d+$/, '') === family).length;
        token = r.nextToken;
        if (!token) break;
      }
    }
    taskDefinitionRevisions[family] = count;
    // one distinct content per family in the files: at most one revision beyond what existed before the soak
    extraTaskDefinitions += Math.max(0, count - (baselineRevisions[family] ?? 0) - 1);
  }

  const rulesPerDeclared: Record<string, number> = {};
  const listeners = new Map<string, DesiredOf<'ListenerRule'>[]>();
  for (const r of state.listenerRules) {
    if (!('loadBalancer' in r.spec.listener)) continue;
    const key = `${r.spec.listener.loadBalancer}:${r.spec.listener.port}`;
    listeners.set(key, [...(listeners.get(key) ?? []), r]);
  }
  for (const [key, declared] of listeners) {
    const [lb, port] = key.split(':');
    const arn = await listenerArn(clients, lb!, Number(port));
    const rules = (await listenerRules(clients, arn)).filter((r) => !r.IsDefault);
    const tags = await tagsOf(clients, rules.map((r) => r.RuleArn!));
    for (const d of declared) {
      const want = JSON.stringify([...d.spec.conditions.pathPatterns].sort());
      rulesPerDeclared[d.id] = rules.filter((r) => tags[r.RuleArn!]?.['ecs-reconciler/resource'] === d.id || (d.spec.conditions.pathPatterns.length > 0 && JSON.stringify(pathsOf(r)) === want)).length;
    }
  }
  const extraRules = Object.values(rulesPerDeclared).reduce((a, n) => a + Math.max(0, n - 1), 0);

  const duplicateSgRules: Record<string, number> = {};
  for (const groupId of [...new Set(state.securityGroupIngress.map((s) => s.spec.groupId))]) {
    const seen = new Map<string, number>();
    for (const r of await groupRules(clients, groupId)) {
      if (r.IsEgress) continue;
      const key = [r.IpProtocol, r.FromPort, r.ToPort, r.CidrIpv4 ?? '', r.CidrIpv6 ?? '', r.PrefixListId ?? '', r.ReferencedGroupInfo?.GroupId ?? ''].join('|');
      seen.set(key, (seen.get(key) ?? 0) + 1);
    }
    duplicateSgRules[groupId] = [...seen.values()].reduce((a, n) => a + Math.max(0, n - 1), 0);
  }
  const extraSgRules = Object.values(duplicateSgRules).reduce((a, n) => a + n, 0);

  const all = (await clients.elbv2.send(new DescribeTargetGroupsCommand({}))).TargetGroups ?? [];
  const tgTags = await tagsOf(clients, all.map((t) => t.TargetGroupArn!));
  const targetGroupsPerDeclared: Record<string, number> = {};
  for (const d of state.targetGroups) {
    targetGroupsPerDeclared[d.id] = all.filter((t) => t.TargetGroupName === d.name || tgTags[t.TargetGroupArn!]?.['ecs-reconciler/resource'] === d.id).length;
  }
  const extraTargetGroups = Object.values(targetGroupsPerDeclared).reduce((a, n) => a + Math.max(0, n - 1), 0);
  return { taskDefinitionRevisions, extraTaskDefinitions, rulesPerDeclared, extraRules, duplicateSgRules, extraSgRules, targetGroupsPerDeclared, extraTargetGroups, targetGroupsTotal: all.length };
}

/** Task definition revisions per family before the daemon runs (the world may hold some). */
export async function revisionBaseline(clients: TestClients, state: DesiredState): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const family of [...new Set(state.services.map((s) => s.spec.taskDefinition.family))]) {
    const r = await clients.ecs.send(new ListTaskDefinitionsCommand({ familyPrefix: family }));
    out[family] = (r.taskDefinitionArns ?? []).length;
  }
  return out;
}
