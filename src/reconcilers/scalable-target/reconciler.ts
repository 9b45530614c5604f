// ScalableTarget: Application Auto Scaling of a declared Service's desiredCount (min/max,
// target-tracking policies, scheduled actions). A kind of its own, read in batches through the
// registry; the Service it names treats desiredCount as the scaler's (see service/owners.ts).
import type { Reconciler } from '../shared/reconciler.js';
import { scalableTargetAppliers, type ScalableTargetAppliers } from './apply.js';
import { normaliseScalableTargets } from './normalise.js';
import { planScalableTargets } from './plan.js';
import { readScalableTargets } from './read.js';
import { scalableTargetSteps } from './steps.js';

export const scalableTargetReconciler: Reconciler<'ScalableTarget', ScalableTargetAppliers> = {
  kind: 'ScalableTarget',
  service: 'autoscaling',
  applyStages: ['write'],
  desired: (state) => state.scalableTargets,
  read: (desired, io) => readScalableTargets(desired, io.clients),
  normalise: (raw) => ({ scalableTargets: normaliseScalableTargets(raw) }),
  plan: planScalableTargets,
  plansFrom: ['Service'],
  appliers: scalableTargetAppliers,
  steps: scalableTargetSteps,
  detailLines: (c) => (c.action === 'create' ? [`    (registers ${c.resourceId}: ${c.putPolicies.length} polic${c.putPolicies.length === 1 ? 'y' : 'ies'}, ${c.putScheduledActions.length} scheduled action(s))`] : []),
  planJson: (c) => ({ resourceId: c.resourceId }),
};
