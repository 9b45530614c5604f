// Console-style edits for the events bench (issue 17): someone changes one declared resource
// of the scale world straight in moto, then the CloudTrail "AWS API Call via CloudTrail" event
// of that call is put on EventBridge (moto records no CloudTrail of its own). Each edit kind
// knows its write, its event's requestParameters (CloudTrail's shape for that call) and a probe:
// the live state of the edited fields, read straight from moto, to tell when it is back.
import { AuthorizeSecurityGroupIngressCommand, DescribeSecurityGroupRulesCommand, RevokeSecurityGroupIngressCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, UpdateServiceCommand } from '@aws-sdk/client-ecs';
import {
  DescribeListenersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  ModifyListenerCommand,
  ModifyRuleCommand,
  ModifyTargetGroupAttributesCommand,
  ModifyTargetGroupCommand,
  SetRulePrioritiesCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { TestClients } from '../src/demo/aws-demo-clients.js';
import type { EventInput } from '../test/events/cloudtrail-fixtures.js';
import { spareTargetGroup } from './scale-drifts.js';
import type { ScaleInventory } from './scale-inventory.js';
import { ingressPermission, type ScaleWorldIds } from './scale-world.js';

export const EDIT_KINDS = [
  'rule-conditions',
  'tg-health-check',
  'sg-ingress-opened',
  'service-desired-count',
  'rule-priority',
  'service-deployment',
  'listener-default',
  'tg-attribute',
  'sg-ingress-revoked',
  'rule-forward',
] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export interface Edit {
  kind: EditKind;
  /** `Kind/name` as the controller names it */
  resource: string;
  /** index in its inventory list */
  index: number;
}

export interface EditWorld {
  inv: ScaleInventory;
  ids: ScaleWorldIds;
  /** straight to moto, never through the proxy */
  clients: TestClients;
}

/** The port an edit opens by hand in an exclusive group (declared nowhere). */
const OPENED = { port: 3306, cidr: '198.51.100.0/24' };

function need<T>(value: T | undefined, what: string): T {
  if (value === undefined || value === '') throw new Error(`events bench: no ${what}`);
  return value;
}

/** Resources an edit kind may touch, in a spread order (index * 37 mod n), skipping what the kind cannot edit. */
function candidates(inv: ScaleInventory, kind: EditKind): Edit[] {
  const spread = <T>(list: readonly T[]): [T, number][] => list.map((_, i) => (i * 37) % list.length).filter((v, i, a) => a.indexOf(v) === i).map((i) => [list[i] as T, i]);
  switch (kind) {
    case 'rule-conditions':
    case 'rule-priority':
    case 'rule-forward':
      return spread(inv.rules).map(([r, index]) => ({ kind, resource: `ListenerRule/${r.name}`, index }));
    case 'tg-health-check':
      return spread(inv.targetGroups).map(([t, index]) => ({ kind, resource: `TargetGroup/${t.name}`, index }));
    case 'tg-attribute':
      return spread(inv.targetGroups).filter(([t]) => Object.keys(t.attributes).length > 0).map(([t, index]) => ({ kind, resource: `TargetGroup/${t.name}`, index }));
    case 'listener-default':
      return spread(inv.listeners).map(([l, index]) => ({ kind, resource: `Listener/${l.name}`, index }));
    case 'sg-ingress-opened':
      return spread(inv.securityGroups).filter(([g]) => g.exclusive).map(([g, index]) => ({ kind, resource: `SecurityGroupIngress/${g.name}`, index }));
    case 'sg-ingress-revoked':
      return spread(inv.securityGroups).map(([g, index]) => ({ kind, resource: `SecurityGroupIngress/${g.name}`, index }));
    case 'service-desired-count':
      // an autoscaled service's desiredCount is the scaler's: a change of it is no drift
      return spread(inv.services).filter(([s]) => !s.autoscaled).map(([s, index]) => ({ kind, resource: `Service/${s.name}`, index }));
    case 'service-deployment':
      return spread(inv.services).map(([s, index]) => ({ kind, resource: `Service/${s.name}`, index }));
  }
}

/** `count` edits cycling through the kinds, never the same resource twice. */
export function pickEdits(inv: ScaleInventory, count: number): Edit[] {
  const used = new Set<string>();
  const edits: Edit[] = [];
  const pools = new Map(EDIT_KINDS.map((k) => [k, candidates(inv, k)]));
  for (let i = 0; edits.length < count; i++) {
    if (i > count * EDIT_KINDS.length) throw new Error(`events bench: only ${edits.length} distinct edits in this inventory (asked for ${count})`);
    const kind = EDIT_KINDS[i % EDIT_KINDS.length] as EditKind;
    const next = pools.get(kind)?.find((e) => !used.has(e.resource));
    if (next === undefined) continue;
    used.add(next.resource);
    edits.push(next);
  }
  return edits;
}

const sorted = (values: readonly string[]): string[] => [...values].sort();

/** The live state of the fields `edit` changes, as one string (equal before the edit and once corrected). */
export async function probe(w: EditWorld, edit: Edit): Promise<string> {
  const { clients, inv, ids } = w;
  switch (edit.kind) {
    case 'rule-conditions':
    case 'rule-priority':
    case 'rule-forward': {
      const rule = need(inv.rules[edit.index], 'rule');
      const out = await clients.elbv2.send(new DescribeRulesCommand({ RuleArns: [need(ids.ruleArns.get(rule.name), 'rule ARN')] }));
      const r = out.Rules?.[0];
      const paths = (r?.Conditions ?? []).flatMap((c) => c.PathPatternConfig?.Values ?? c.Values ?? []);
      const targets = (r?.Actions ?? []).flatMap((a) => [a.TargetGroupArn ?? '', ...(a.ForwardConfig?.TargetGroups ?? []).map((t) => t.TargetGroupArn ?? '')]).filter((t) => t !== '');
      return JSON.stringify({ priority: r?.Priority, paths: sorted(paths), targets: sorted([...new Set(targets)]) });
    }
    case 'tg-health-check': {
      const tg = need(inv.targetGroups[edit.index], 'target group');
      const out = await clients.elbv2.send(new DescribeTargetGroupsCommand({ TargetGroupArns: [need(ids.targetGroupArns.get(tg.name), 'target group ARN')] }));
      const t = out.TargetGroups?.[0];
      return JSON.stringify({ path: t?.HealthCheckPath });
    }
    case 'tg-attribute': {
      const tg = need(inv.targetGroups[edit.index], 'target group');
      const out = await clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: need(ids.targetGroupArns.get(tg.name), 'target group ARN') }));
      return JSON.stringify((out.Attributes ?? []).find((a) => a.Key === 'deregistration_delay.timeout_seconds')?.Value);
    }
    case 'listener-default': {
      const l = need(inv.listeners[edit.index], 'listener');
      const out = await clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [need(ids.listenerArns.get(`${l.loadBalancer}:${l.port}`), 'listener ARN')] }));
      return JSON.stringify((out.Listeners?.[0]?.DefaultActions ?? []).map((a) => a.TargetGroupArn ?? a.ForwardConfig?.TargetGroups?.map((t) => t.TargetGroupArn)));
    }
    case 'sg-ingress-opened':
    case 'sg-ingress-revoked': {
      const g = need(inv.securityGroups[edit.index], 'security group');
      const out = await clients.ec2.send(new DescribeSecurityGroupRulesCommand({ Filters: [{ Name: 'group-id', Values: [need(ids.securityGroupIds[g.index], 'group id')] }] }));
      const rules = (out.SecurityGroupRules ?? []).filter((r) => r.IsEgress !== true).map((r) => `${r.IpProtocol}:${r.FromPort}-${r.ToPort}:${r.CidrIpv4 ?? r.ReferencedGroupInfo?.GroupId ?? ''}`);
      return JSON.stringify(sorted(rules));
    }
    case 'service-desired-count':
    case 'service-deployment': {
      const s = need(inv.services[edit.index], 'service');
      const out = await clients.ecs.send(new DescribeServicesCommand({ cluster: s.cluster, services: [s.name] }));
      const svc = out.services?.[0];
      // moto's CreateService keeps no deploymentConfiguration: absent reads as ECS's defaults (200 / 100), as the plan reads it
      return JSON.stringify({ desired: svc?.desiredCount, max: svc?.deploymentConfiguration?.maximumPercent ?? 200, min: svc?.deploymentConfiguration?.minimumHealthyPercent ?? 100 });
    }
  }
}

/** Makes the edit in moto; returns the CloudTrail event of that call (source, name, requestParameters, responseElements). */
export async function makeEdit(w: EditWorld, edit: Edit): Promise<Omit<EventInput, 'userArn' | 'eventTime'>> {
  const { clients, inv, ids } = w;
  const ELB = 'aws.elasticloadbalancing' as const;
  switch (edit.kind) {
    case 'rule-conditions':
    case 'rule-forward': {
      const rule = need(inv.rules[edit.index], 'rule');
      const ruleArn = need(ids.ruleArns.get(rule.name), 'rule ARN');
      if (edit.kind === 'rule-conditions') {
        const values = [`${rule.pathPattern.replace(/\*$/, '')}by-hand*`];
        await clients.elbv2.send(new ModifyRuleCommand({ RuleArn: ruleArn, Conditions: [{ Field: 'path-pattern', PathPatternConfig: { Values: values } }] }));
        return { source: ELB, eventName: 'ModifyRule', requestParameters: { ruleArn, conditions: [{ field: 'path-pattern', pathPatternConfig: { values } }] } };
      }
      const target = need(ids.targetGroupArns.get(spareTargetGroup(inv, rule.loadBalancer, edit.index)), 'spare target group');
      await clients.elbv2.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: [{ Type: 'forward', TargetGroupArn: target }] }));
      return { source: ELB, eventName: 'ModifyRule', requestParameters: { ruleArn, actions: [{ type: 'forward', targetGroupArn: target }] } };
    }
    case 'rule-priority': {
      const rule = need(inv.rules[edit.index], 'rule');
      const ruleArn = need(ids.ruleArns.get(rule.name), 'rule ARN');
      // priorities are 10 apart: +5 is free
      await clients.elbv2.send(new SetRulePrioritiesCommand({ RulePriorities: [{ RuleArn: ruleArn, Priority: rule.priority + 5 }] }));
      return { source: ELB, eventName: 'SetRulePriorities', requestParameters: { rulePriorities: [{ ruleArn, priority: rule.priority + 5 }] } };
    }
    case 'tg-health-check': {
      const tg = need(inv.targetGroups[edit.index], 'target group');
      const targetGroupArn = need(ids.targetGroupArns.get(tg.name), 'target group ARN');
      await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: targetGroupArn, HealthCheckPath: '/by-hand' }));
      return { source: ELB, eventName: 'ModifyTargetGroup', requestParameters: { targetGroupArn, healthCheckPath: '/by-hand' } };
    }
    case 'tg-attribute': {
      const tg = need(inv.targetGroups[edit.index], 'target group');
      const targetGroupArn = need(ids.targetGroupArns.get(tg.name), 'target group ARN');
      await clients.elbv2.send(new ModifyTargetGroupAttributesCommand({ TargetGroupArn: targetGroupArn, Attributes: [{ Key: 'deregistration_delay.timeout_seconds', Value: '299' }] }));
      return { source: ELB, eventName: 'ModifyTargetGroupAttributes', requestParameters: { targetGroupArn, attributes: [{ key: 'deregistration_delay.timeout_seconds', value: '299' }] } };
    }
    case 'listener-default': {
      const l = need(inv.listeners[edit.index], 'listener');
      const listenerArn = need(ids.listenerArns.get(`${l.loadBalancer}:${l.port}`), 'listener ARN');
      const target = need(ids.targetGroupArns.get(spareTargetGroup(inv, l.loadBalancer, edit.index + 7)), 'spare target group');
      await clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: listenerArn, DefaultActions: [{ Type: 'forward', TargetGroupArn: target }] }));
      return { source: ELB, eventName: 'ModifyListener', requestParameters: { listenerArn, defaultActions: [{ type: 'forward', targetGroupArn: target }] } };
    }
    case 'sg-ingress-opened':
    case 'sg-ingress-revoked': {
      const g = need(inv.securityGroups[edit.index], 'security group');
      const groupId = need(ids.securityGroupIds[g.index], 'group id');
      if (edit.kind === 'sg-ingress-opened') {
        await clients.ec2.send(
          new AuthorizeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [{ IpProtocol: 'tcp', FromPort: OPENED.port, ToPort: OPENED.port, IpRanges: [{ CidrIp: OPENED.cidr }] }] }),
        );
        return {
          source: 'aws.ec2',
          eventName: 'AuthorizeSecurityGroupIngress',
          requestParameters: { groupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: OPENED.port, toPort: OPENED.port, ipRanges: { items: [{ cidrIp: OPENED.cidr }] } }] } },
        };
      }
      const rule = need(g.rules[0], 'ingress rule');
      await clients.ec2.send(new RevokeSecurityGroupIngressCommand({ GroupId: groupId, IpPermissions: [ingressPermission(rule, ids.securityGroupIds)] }));
      return {
        source: 'aws.ec2',
        eventName: 'RevokeSecurityGroupIngress',
        requestParameters: { groupId, ipPermissions: { items: [{ ipProtocol: 'tcp', fromPort: rule.port, toPort: rule.port, ipRanges: { items: [{ cidrIp: rule.cidr }] } }] } },
      };
    }
    case 'service-desired-count':
    case 'service-deployment': {
      const s = need(inv.services[edit.index], 'service');
      const change = edit.kind === 'service-desired-count' ? { desiredCount: 2 } : { deploymentConfiguration: { maximumPercent: 150, minimumHealthyPercent: 50 } };
      const out = await clients.ecs.send(new UpdateServiceCommand({ cluster: s.cluster, service: s.name, ...change }));
      return {
        source: 'aws.ecs',
        eventName: 'UpdateService',
        requestParameters: { cluster: s.cluster, service: s.name, ...change },
        responseElements: { service: { serviceArn: out.service?.serviceArn, serviceName: s.name, clusterArn: out.service?.clusterArn } },
      };
    }
  }
}
