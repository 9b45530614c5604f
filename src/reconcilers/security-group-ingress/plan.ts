// Plan for SecurityGroupIngress resources: the ingress rules one existing security group must
// have. Rules are keyed by ingressRuleKey (protocol/ports/source; the description is not part of
// it). The spec-hash tag lives on the security group; rule-level tags mark which rules are ours.
// An undeclared rule is revoked only when tagged as this resource's, or with `exclusive: true`;
// an untagged undeclared rule without exclusive is left alone and is not a diff. Pure.
import { ingressRuleKey } from '../../spec/ingress-rule-key.js';
import type { DesiredOf, IngressRule } from '../../spec/types.js';
import { nameFromResourceTag, pruneReason, resourceId } from '../shared/plan-context.js';
import type { KindPlan, PlanContext } from '../shared/plan-context.js';
import { decideUpdate, foreignOwnerMessage, isTaggedAs, ownershipOf } from '../shared/ownership.js';
import { isIgnored } from '../shared/compare-values.js';
import { TAG_RESOURCE } from '../types.js';
import type { ChangeOf, FieldDiff, LiveIngressRule, LiveSecurityGroup } from '../types.js';

type DesiredIngress = DesiredOf<'SecurityGroupIngress'>;
type IngressChange = ChangeOf<'SecurityGroupIngress'>;

/** How a rule reads in a plan: `tcp 5432 from securityGroup sg-0app ("app tasks to postgres")`. */
export function renderIngressRule(rule: IngressRule): string {
  const ports = rule.protocol === 'all' ? 'all ports' : rule.fromPort === rule.toPort ? `${rule.fromPort}` : `${rule.fromPort}-${rule.toPort}`;
  const description = rule.description === undefined ? '' : ` (${JSON.stringify(rule.description)})`;
  return `${rule.protocol} ${ports} from ${rule.source.type} ${rule.source.value}${description}`;
}

export interface IngressDiff {
  authorize: IngressRule[];
  revoke: LiveIngressRule[];
  describe: { ruleId: string; rule: IngressRule }[];
  adopt: LiveIngressRule[];
  diffs: FieldDiff[];
  /** live rules that stand for a declared rule */
  matched: LiveIngressRule[];
}

/**
 * Compares the declared rules with the group's live rules. A declared description is compared;
 * a rule that declares none leaves the live description alone.
 */
export function diffIngress(d: DesiredIngress, group: LiveSecurityGroup, ownerId: string): IngressDiff {
  const out: IngressDiff = { authorize: [], revoke: [], describe: [], adopt: [], diffs: [], matched: [] };
  const byKey = new Map<string, LiveIngressRule[]>();
  for (const r of group.rules) {
    const key = ingressRuleKey(r);
    byKey.set(key, [...(byKey.get(key) ?? []), r]);
  }
  const matched = new Set<LiveIngressRule>();
  for (const rule of d.spec.rules) {
    const key = ingressRuleKey(rule);
    const path = `rules[${key}]`;
    if (isIgnored(path, d.ignore)) {
      for (const r of byKey.get(key) ?? []) matched.add(r);
      continue;
    }
    const candidates = byKey.get(key) ?? [];
    const live =
      candidates.find((r) => isTaggedAs(r.tags, ownerId, d.id) && r.description === rule.description) ??
      candidates.find((r) => r.description === rule.description) ??
      candidates.find((r) => isTaggedAs(r.tags, ownerId, d.id)) ??
      candidates[0];
    if (live === undefined) {
      out.authorize.push(rule);
      out.diffs.push({ path, live: undefined, desired: renderIngressRule(rule) });
      continue;
    }
    matched.add(live);
    if (rule.description !== undefined && rule.description !== live.description && !isIgnored(`${path}.description`, d.ignore)) {
      out.describe.push({ ruleId: live.ruleId, rule });
      out.diffs.push({ path: `${path}.description`, live: live.description, desired: rule.description });
    }
    if (!isTaggedAs(live.tags, ownerId, d.id)) out.adopt.push(live);
  }
  for (const r of group.rules) {
    if (matched.has(r)) continue;
    const ours = isTaggedAs(r.tags, ownerId, d.id);
    if (!ours && !d.spec.exclusive) continue;
    const path = `rules[${ingressRuleKey(r)}]`;
    if (isIgnored(path, d.ignore)) continue;
    out.revoke.push(r);
    out.diffs.push({ path, live: renderIngressRule(r), desired: undefined });
  }
  out.matched = group.rules.filter((r) => matched.has(r));
  return out;
}

function emptyLists(): Pick<IngressChange, 'authorize' | 'revoke' | 'describe' | 'adopt'> {
  return { authorize: [], revoke: [], describe: [], adopt: [] };
}

export function planSecurityGroupIngress(ctx: PlanContext): KindPlan {
  const desired = ctx.desired.securityGroupIngress;
  const out: KindPlan = { changes: [], conflicts: [] };
  const claimed = new Set<string>();
  for (const d of desired) {
    const group = ctx.live.securityGroups.find((g) => g.groupId === d.spec.groupId);
    if (group === undefined) {
      out.conflicts.push({
        id: d.id,
        message: `${d.id}: security group ${d.spec.groupId} not found (${d.source.file}:${d.source.line}); ecs-reconciler manages ingress of existing groups only: fix spec.groupId`,
      });
      continue;
    }
    if (ownershipOf(group.tags, ctx.ownerId) === 'foreign') {
      out.conflicts.push({ id: d.id, message: foreignOwnerMessage(d.id, `security group ${group.groupId}`, group.tags) });
      continue;
    }
    const lists = diffIngress(d, group, ctx.ownerId);
    for (const r of [...lists.matched, ...lists.revoke]) claimed.add(r.ruleId);
    const decision = decideUpdate({
      diffs: lists.diffs,
      tags: group.tags,
      ownerId: ctx.ownerId,
      id: d.id,
      desiredHash: d.specHash,
      policy: d.policy,
      ...(lists.adopt.length > 0 ? { extraTagWork: `tag ${lists.adopt.length} matching rule(s) as managed (no field changes)` } : {}),
    });
    const { diffs, matched: _matched, ...rest } = lists;
    out.changes.push({
      kind: 'SecurityGroupIngress',
      name: d.name,
      id: d.id,
      policy: d.policy,
      desiredHash: d.specHash,
      desired: d,
      live: group,
      liveId: group.groupId,
      ...decision,
      diffs,
      ...rest,
    });
  }
  if (!ctx.prune) return out;
  const declared = new Set(desired.map((d) => d.name));
  const orphans = new Map<string, { group: LiveSecurityGroup; rules: LiveIngressRule[] }[]>();
  for (const group of ctx.live.securityGroups) {
    for (const r of group.rules) {
      if (claimed.has(r.ruleId) || ownershipOf(r.tags, ctx.ownerId) !== 'ours') continue;
      const name = nameFromResourceTag('SecurityGroupIngress', r.tags[TAG_RESOURCE]);
      if (name === undefined || declared.has(name)) continue;
      const entries = orphans.get(name) ?? [];
      const entry = entries.find((e) => e.group === group) ?? { group, rules: [] };
      if (!entries.includes(entry)) entries.push(entry);
      entry.rules.push(r);
      orphans.set(name, entries);
    }
  }
  for (const [name, entries] of [...orphans].sort(([a], [b]) => (a < b ? -1 : 1))) {
    for (const { group, rules } of entries) {
      out.changes.push({
        kind: 'SecurityGroupIngress',
        name,
        id: resourceId('SecurityGroupIngress', name),
        action: 'delete',
        cause: 'prune',
        policy: 'enforce',
        diffs: rules.map((r) => ({ path: `rules[${ingressRuleKey(r)}]`, live: renderIngressRule(r), desired: undefined })),
        live: group,
        liveId: group.groupId,
        reason: pruneReason(ctx.ownerId),
        ...emptyLists(),
        revoke: rules,
      });
    }
  }
  return out;
}
