// ListenerRule: path/host rules on listeners, matched by our tag or an exact match, changed in
// place (ModifyRule, SetRulePriorities), never deleted and recreated.
import type { Reconciler } from '../shared/reconciler.js';
import { listenerRuleEvents } from './events.js';
import { listenerRuleAppliers, type ListenerRuleAppliers } from './apply.js';
import { normaliseRule } from './normalise.js';
import { planListenerRules } from './plan.js';
import { readRules } from './read.js';
import { listenerRuleSteps, PRIORITIES_STAGE } from './steps.js';
import type { LiveRule } from './types.js';
import { listenerRuleExport } from './export.js';

export const listenerRuleReconciler: Reconciler<'ListenerRule', ListenerRuleAppliers> = {
  kind: 'ListenerRule',
  service: 'elbv2',
  applyStages: [PRIORITIES_STAGE, 'write'],
  desired: (state) => state.listenerRules,
  read: async (desired, io) => readRules(desired, io.clients, await io.readOf('Listener'), io.owned),
  elbv2TagArns: (raw) => raw.flatMap((r) => (r.rule.IsDefault !== true && r.rule.RuleArn ? [[r.rule.RuleArn, r.rule.RuleArn] as [string, string]] : [])),
  normalise: (raw, tags) => ({
    rules: raw.map((r) => normaliseRule(r.rule, r.listenerArn, tags(r.rule.RuleArn))).filter((r): r is LiveRule => r !== undefined),
  }),
  plan: planListenerRules,
  plansFrom: ['Listener'],
  appliers: listenerRuleAppliers,
  steps: listenerRuleSteps,
  exporter: listenerRuleExport,
  events: listenerRuleEvents,
};
