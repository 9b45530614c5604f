// SecurityGroupIngress: the ingress rules of an existing security group (the group is not
// managed); only rules tagged as ours are revoked, unless the document is exclusive. Every revoked
// rule is a deletion: it counts toward --max-deletes and is made only with --prune.
import type { Reconciler } from '../shared/reconciler.js';
import { securityGroupIngressEvents } from './events.js';
import { resolvedId } from '../shared/lookup-placeholders.js';
import { sortIngressRules } from '../../spec/ingress-rule-key.js';
import { securityGroupIngressAppliers, type SecurityGroupIngressAppliers } from './apply.js';
import { normaliseSecurityGroup } from './normalise.js';
import { planSecurityGroupIngress, renderIngressRule } from './plan.js';
import { readSecurityGroups } from './read.js';
import { securityGroupIngressSteps } from './steps.js';
import { securityGroupIngressExport } from './export.js';

export const securityGroupIngressReconciler: Reconciler<'SecurityGroupIngress', SecurityGroupIngressAppliers> = {
  kind: 'SecurityGroupIngress',
  service: 'ec2',
  applyStages: ['write'],
  desired: (state) => state.securityGroupIngress,
  // `groupName` and `source.securityGroupName`: the groups found this cycle (rules sorted again)
  withLookups: (r, idsOf) => ({
    ...r,
    spec: {
      ...r.spec,
      groupId: resolvedId(r.spec.groupId, idsOf),
      rules: sortIngressRules(r.spec.rules.map((rule) => (rule.source.type === 'securityGroup' ? { ...rule, source: { ...rule.source, value: resolvedId(rule.source.value, idsOf) } } : rule))),
    },
  }),
  read: (desired, io) => readSecurityGroups(desired, io.clients, io),
  normalise: (raw) => ({
    securityGroups: raw.groupIds.flatMap((id) => {
      const group = raw.groups.get(id);
      return group === undefined ? [] : [normaliseSecurityGroup(group, raw.rulesByGroup.get(id) ?? [])];
    }),
  }),
  plan: planSecurityGroupIngress,
  plansFrom: [],
  appliers: securityGroupIngressAppliers,
  steps: securityGroupIngressSteps,
  // each revoked rule is one deletion; a document that left the files revokes at least one
  deletionCount: (c) => (c.action === 'delete' && c.cause === 'prune' ? Math.max(1, c.revoke.length) : c.revoke.length),
  withoutDeletions: (c, reason) => ({ ...c, revoke: [], heldRevokes: { rules: c.revoke, reason } }),
  detailLines: (c) =>
    c.action !== 'delete'
      ? [
          ...c.adopt.map((r) => `    adopt ${r.ruleId}: ${renderIngressRule(r)}`),
          ...(c.revoke.length > 0 ? [`    (revoking ${c.revoke.length} rule(s): made only with --prune, each counts toward --max-deletes)`] : []),
        ]
      : [],
  planJson: (c) => ({ authorize: c.authorize.map(renderIngressRule), revoke: c.revoke.map(renderIngressRule) }),
  exporter: securityGroupIngressExport,
  events: securityGroupIngressEvents,
};
