// SecurityGroupIngress: the ingress rules of an existing security group (the group is not
// managed); only rules tagged as ours are revoked, unless the document is exclusive.
import type { Reconciler } from '../shared/reconciler.js';
import { securityGroupIngressAppliers, type SecurityGroupIngressAppliers } from './apply.js';
import { normaliseSecurityGroup } from './normalise.js';
import { planSecurityGroupIngress, renderIngressRule } from './plan.js';
import { readSecurityGroups } from './read.js';
import { securityGroupIngressSteps } from './steps.js';

export const securityGroupIngressReconciler: Reconciler<'SecurityGroupIngress', SecurityGroupIngressAppliers> = {
  kind: 'SecurityGroupIngress',
  service: 'ec2',
  applyStages: ['write'],
  desired: (state) => state.securityGroupIngress,
  read: (desired, io) => readSecurityGroups(desired, io.clients),
  normalise: (raw) => ({
    securityGroups: raw.groupIds.flatMap((id) => {
      const group = raw.groups.get(id);
      return group === undefined ? [] : [normaliseSecurityGroup(group, raw.rulesByGroup.get(id) ?? [])];
    }),
  }),
  plan: planSecurityGroupIngress,
  appliers: securityGroupIngressAppliers,
  steps: securityGroupIngressSteps,
  detailLines: (c) => (c.action !== 'delete' ? c.adopt.map((r) => `    adopt ${r.ruleId}: ${renderIngressRule(r)}`) : []),
  planJson: (c) => ({ authorize: c.authorize.map(renderIngressRule), revoke: c.revoke.map(renderIngressRule) }),
};
