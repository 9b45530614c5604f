// Random drifts: someone changes AWS behind the controller's back (sent straight to moto, not
// through the proxy). Each drift is one declared field of one resource; a few resources get
// two fields that one corrective write fixes together (rule path + forward target in one
// ModifyRule; service desired count + deployment in one UpdateService), so the benchmark
// checks that the controller groups per resource instead of writing once per field.
import { RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { mapConcurrent } from '../src/aws/paginate.js';
import type { TestClients } from '../src/demo/aws-demo-clients.js';
import { seededRandom } from '../test/support/fault-proxy-rules.js';
import type { InvRule, ScaleInventory } from './scale-inventory.js';
import { ingressPermission, type ScaleWorldIds } from './scale-world.js';

export const DRIFT_KINDS = {
  'tg-health-path': { field: 'healthCheck.path', write: 'elbv2:ModifyTargetGroup' },
  'tg-attribute': { field: 'attributes.deregistration_delay.timeout_seconds', write: 'elbv2:ModifyTargetGroupAttributes' },
  'rule-path': { field: 'conditions.pathPatterns', write: 'elbv2:ModifyRule' },
  'rule-forward': { field: 'action.forward.targetGroup', write: 'elbv2:ModifyRule' },
  'rule-priority': { field: 'priority', write: 'elbv2:SetRulePriorities' },
  'listener-default': { field: 'defaultAction.forward.targetGroup', write: 'elbv2:ModifyListener' },
  'service-desired-count': { field: 'desiredCount', write: 'ecs:UpdateService' },
  'service-deployment': { field: 'deployment.maximumPercent', write: 'ecs:UpdateService' },
  'sg-rule-revoked': { field: 'rules', write: 'ec2:AuthorizeSecurityGroupIngress' },
} as const;
export type DriftKind = keyof typeof DRIFT_KINDS;

export interface Drift {
  kind: DriftKind;
  /** `Kind/name` as the controller names it */
  resource: string;
  field: string;
  /** the corrective write (`service:Operation`) */
  writeOperation: string;
  /**
   * what that write is sent for, when it is not the resource itself: a rule's priority is set by
   * one SetRulePriorities per listener, which takes every drifted rule of that listener at once
   */
  writeTarget?: string;
  /** inventory index of the resource in its list */
  index: number;
}

const PAIRS: [DriftKind, DriftKind][] = [
  ['rule-path', 'rule-forward'],
  ['service-desired-count', 'service-deployment'],
];

function candidates(inv: ScaleInventory): { kind: DriftKind; resource: string; index: number }[] {
  const out: { kind: DriftKind; resource: string; index: number }[] = [];
  inv.targetGroups.forEach((tg, i) => {
    out.push({ kind: 'tg-health-path', resource: `TargetGroup/${tg.name}`, index: i });
    if (Object.keys(tg.attributes).length > 0) out.push({ kind: 'tg-attribute', resource: `TargetGroup/${tg.name}`, index: i });
  });
  inv.rules.forEach((r, i) => {
    for (const kind of ['rule-path', 'rule-forward', 'rule-priority'] as const) out.push({ kind, resource: `ListenerRule/${r.name}`, index: i });
  });
  inv.listeners.forEach((l, i) => out.push({ kind: 'listener-default', resource: `Listener/${l.name}`, index: i }));
  inv.services.forEach((s, i) => {
    // an autoscaled service's desiredCount is the scaler's: a change of it is no drift
    if (!s.autoscaled) out.push({ kind: 'service-desired-count', resource: `Service/${s.name}`, index: i });
    out.push({ kind: 'service-deployment', resource: `Service/${s.name}`, index: i });
  });
  inv.securityGroups.forEach((g, i) => out.push({ kind: 'sg-rule-revoked', resource: `SecurityGroupIngress/${g.name}`, index: i }));
  return out;
}

/** `count` drifts, seeded: about one in ten is a second field of an already drifted resource. */
export function pickDrifts(inv: ScaleInventory, count: number, seed = 42): Drift[] {
  const random = seededRandom(seed);
  const pool = candidates(inv);
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [pool[i], pool[j]] = [pool[j] as (typeof pool)[number], pool[i] as (typeof pool)[number]];
  }
  const drifts: Drift[] = [];
  const used = new Set<string>();
  const add = (c: { kind: DriftKind; resource: string; index: number }): void => {
    used.add(`${c.resource}|${c.kind}`);
    const rule = c.kind === 'rule-priority' ? inv.rules[c.index] : undefined;
    drifts.push({
      ...c,
      field: DRIFT_KINDS[c.kind].field,
      writeOperation: DRIFT_KINDS[c.kind].write,
      ...(rule === undefined ? {} : { writeTarget: `Listener/${rule.loadBalancer}:${rule.port}` }),
    });
  };
  let pairsWanted = Math.floor(count / 10);
  for (const c of pool) {
    if (drifts.length >= count) break;
    if (used.has(`${c.resource}|${c.kind}`) || drifts.some((d) => d.resource === c.resource)) continue;
    add(c);
    const pair = PAIRS.find((p) => p.includes(c.kind));
    if (pair && pairsWanted > 0 && drifts.length < count) {
      add({ ...c, kind: pair[0] === c.kind ? pair[1] : pair[0] });
      pairsWanted -= 1;
    }
  }
  if (drifts.length < count) throw new Error(`only ${drifts.length} drifts available in this inventory (asked for ${count})`);
  return drifts;
}

/** A target group of the same load balancer that nothing forwards to (a valid, different forward target). */
export function spareTargetGroup(inv: ScaleInventory, loadBalancer: string, offset: number): string {
  const spare = inv.targetGroups.filter((t) => t.loadBalancer === loadBalancer && !t.forwarded);
  const pick = spare[offset % Math.max(1, spare.length)];
  if (!pick) throw new Error(`no spare target group on ${loadBalancer}`);
  return pick.name;
}

/** Makes the drifts in moto, one resource at a time (a rule's two fields in one ModifyRule). */
export async function injectDrifts(clients: TestClients, inv: ScaleInventory, ids: ScaleWorldIds, drifts: readonly Drift[]): Promise<void> {
  const byResource = new Map<string, Drift[]>();
  for (const d of drifts) byResource.set(d.resource, [...(byResource.get(d.resource) ?? []), d]);
  const arn = (map: Map<string, string>, key: string): string => {
    const v = map.get(key);
    if (!v) throw new Error(`no ARN recorded for ${key}`);
    return v;
  };
  await mapConcurrent([...byResource.values()], 8, async (group) => {
    const kinds = new Set(group.map((d) => d.kind));
    const first = group[0] as Drift;
    if (first.resource.startsWith('TargetGroup/')) {
      const tg = inv.targetGroups[first.index];
      if (!tg) throw new Error(`no target group ${first.index}`);
      const tgArn = arn(ids.targetGroupArns, tg.name);
      if (kinds.has('tg-health-path')) await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: tgArn, HealthCheckPath: '/drifted' }));
      if (kinds.has('tg-attribute')) {
        await clients.elbv2.send(
          new ModifyTargetGroupAttributesCommand({ TargetGroupArn: tgArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '299' }] }),
        );
      }
    } else if (first.resource.startsWith('ListenerRule/')) {
      const rule = inv.rules[first.index] as InvRule;
      const ruleArn = arn(ids.ruleArns, rule.name);
      if (kinds.has('rule-path') || kinds.has('rule-forward')) {
        const path = kinds.has('rule-path') ? `${rule.pathPattern.replace(/\*$/, '')}drifted*` : rule.pathPattern;
        const target = kinds.has('rule-forward') ? spareTargetGroup(inv, rule.loadBalancer, first.index) : rule.targetGroup;
        await clients.elbv2.send(
          new ModifyRuleCommand({
            RuleArn: ruleArn,
            Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: [path] } }],
            Actions: [{ Type: 'forward', TargetGroupArn: arn(ids.targetGroupArns, target) }],
          }),
        );
      }
      if (kinds.has('rule-priority')) {
        await clients.elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ruleArn, Priority: rule.priority + 5 }] }));
      }
    } else if (first.resource.startsWith('Listener/')) {
      const l = inv.listeners[first.index];
      if (!l) throw new Error(`no listener ${first.index}`);
      const target = spareTargetGroup(inv, l.loadBalancer, first.index + 7);
      await clients.elbv2.send(
        new ModifyListenerCommand({
          ListenerArn: arn(ids.listenerArns, `${l.loadBalancer}:${l.port}`),
          DefaultActions: [{ Type: 'forward', TargetGroupArn: arn(ids.targetGroupArns, target) }],
        }),
      );
    } else if (first.resource.startsWith('Service/')) {
      const s = inv.services[first.index];
      if (!s) throw new Error(`no service ${first.index}`);
      await clients.ecs.send(
        new UpdateServiceCommand({
          cluster: s.cluster,
          service: s.name,
          ...(kinds.has('service-desired-count') ? { desiredCount: 2 } : {}),
          ...(kinds.has('service-deployment') ? { deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 100 } } : {}),
        }),
      );
    } else if (first.resource.startsWith('SecurityGroupIngress/')) {
      const g = inv.securityGroups[first.index];
      const rule = g?.rules[0];
      if (!g || !rule) throw new Error(`no security group ${first.index}`);
      await clients.ec2.send(
        new RevokeSecurityGroupIngressCommand({ GroupId: ids.securityGroupIds[g.index], IpPermissions: [ingressPermission(rule, ids.securityGroupIds)] }),
      );
    }
  });
}
