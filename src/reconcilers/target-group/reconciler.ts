// TargetGroup: ELBv2 target groups, matched by name or by our resource tag, replaced under an
// alternate name when an immutable field changes.
import type { Reconciler } from '../shared/reconciler.js';
import { targetGroupEvents } from './events.js';
import { resolvedId } from '../shared/lookup-placeholders.js';
import { targetGroupAppliers, type TargetGroupAppliers } from './apply.js';
import { normaliseTargetGroup } from './normalise.js';
import { planTargetGroups } from './plan.js';
import { readTargetGroups } from './read.js';
import { targetGroupSteps } from './steps.js';
import { targetGroupExport } from './export.js';

export const targetGroupReconciler: Reconciler<'TargetGroup', TargetGroupAppliers> = {
  kind: 'TargetGroup',
  service: 'elbv2',
  applyStages: ['write'],
  desired: (state) => state.targetGroups,
  // `vpc: { tags }`: the VPC found this cycle
  withLookups: (r, idsOf) => ({ ...r, spec: { ...r.spec, vpcId: resolvedId(r.spec.vpcId, idsOf) } }),
  read: (desired, io) => readTargetGroups(desired, io.clients, io),
  elbv2TagArns: (raw) =>
    raw.flatMap((t) => (t.ownedTags === undefined && t.targetGroup.TargetGroupArn ? [[t.targetGroup.TargetGroupArn, t.id] as [string, string]] : [])),
  normalise: (raw, tags) => ({
    targetGroups: raw.map((t) => normaliseTargetGroup(t.targetGroup, t.attributes, t.ownedTags ?? tags(t.targetGroup.TargetGroupArn))),
  }),
  plan: planTargetGroups,
  plansFrom: [],
  appliers: targetGroupAppliers,
  // the planner's choice of live target group is what `{ name }` references resolve to
  beforeApply: (changes, ctx) => {
    for (const c of changes) if (c.action !== 'delete' && c.live !== undefined) ctx.resolved.set(c.name, c.live.arn);
  },
  steps: targetGroupSteps,
  exporter: targetGroupExport,
  events: targetGroupEvents,
};
