// ListenerRule applier: CreateRule with tags, ModifyRule for conditions and action in place (never
// delete-and-recreate: that drops traffic), tags on adopt (owner tags before a ModifyRule, the
// spec hash after it), DeleteRule on prune. Priority changes
// are made per listener by priorities.ts, before these writes (a stage of their own).
import {
  AddTagsCommand,
  CreateRuleCommand,
  DeleteRuleCommand,
  DescribeRulesCommand,
  DescribeTagsCommand,
  ModifyRuleCommand,
  type Action as ElbAction,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorCode } from '../../aws/errors.js';
import type { DesiredOf } from '../../spec/types.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { ownershipTags, resolveListenerArn, resolveTargetGroupArn, toKeyValueTags } from '../shared/apply-context.js';
import { elbActionTargets, forwardMoved, toElbAction } from '../shared/elb-actions.js';
import { toElbConditions } from './conditions.js';
import { clientSecrets } from './client-secrets.js';
import { chainRequest, toElbAuthenticate } from '../shared/action-authenticate.js';
import { deleteUnlessGone, performWrite } from '../shared/apply-write.js';
import { assertOwnedForDelete } from '../shared/ownership.js';
import { guardAmbiguousRetries } from '../../aws/write-retry.js';
import type { ChangeOf, LiveRule, Tags } from '../types.js';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../types.js';

import { applyRulePriorities, type ListenerPriorityWork } from './priorities.js';

type RuleChange = ChangeOf<'ListenerRule'>;

export interface RuleApplyOptions {
  /** false when this rule's priority change failed: the spec-hash tag must not claim it applied */
  tagSpecHash?: boolean;
}

export async function applyListenerRuleChange(change: RuleChange, ctx: ApplyContext, opts: RuleApplyOptions = {}): Promise<void> {
  switch (change.action) {
    case 'noop':
      return;
    case 'create':
      await createRule(change, ctx);
      return;
    case 'update':
      await updateRule(change, ctx, opts.tagSpecHash ?? true);
      return;
    case 'replace':
      throw new Error(`${change.id}: a listener rule is never replaced, only modified`);
    case 'delete':
      await deleteRule(change, ctx);
      return;
  }
}

function requireDesired(change: RuleChange): DesiredOf<'ListenerRule'> {
  if (change.desired === undefined) throw new Error(`${change.id}: ${change.action} without a desired spec`);
  return change.desired;
}

function desiredAction(change: RuleChange, ctx: ApplyContext): ElbAction {
  return toElbAction(requireDesired(change).spec.action, (name) => resolveTargetGroupArn(ctx, name, change.id));
}

/** The request's Actions: authenticate steps (secrets read now, for this request only), then the terminal action. */
async function requestActions(change: RuleChange, ctx: ApplyContext, terminal: ElbAction, live: LiveRule | undefined): Promise<ElbAction[]> {
  const steps = requireDesired(change).spec.authenticate ?? [];
  if (steps.length === 0) return [terminal];
  const secrets = await clientSecrets(ctx, change.id, steps, live);
  return chainRequest(steps.map((s, i) => toElbAuthenticate(s, i + 1, secrets[i])), terminal);
}

/** Our rule on the listener, found by its resource tag (after an ambiguous create), else undefined. */
async function findOurs(ctx: ApplyContext, listenerArn: string, change: RuleChange, priority: number): Promise<string | undefined> {
  const out = await ctx.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
  const candidates = (out.Rules ?? []).filter((r) => r.RuleArn !== undefined && r.Priority === String(priority));
  if (candidates.length === 0) return undefined;
  const tags = await ctx.clients.elbv2.send(
    new DescribeTagsCommand({ ResourceArns: candidates.map((r) => r.RuleArn as string) }),
  );
  for (const d of tags.TagDescriptions ?? []) {
    const t = Object.fromEntries((d.Tags ?? []).map((x) => [x.Key ?? '', x.Value ?? '']));
    if (t[TAG_OWNER] === ctx.ownerId && t[TAG_RESOURCE] === change.id) return d.ResourceArn;
  }
  return undefined;
}

async function createRule(change: RuleChange, ctx: ApplyContext): Promise<void> {
  const desired = requireDesired(change);
  const spec = desired.spec;
  const listenerArn = resolveListenerArn(ctx, spec.listener, change.id);
  const action = desiredAction(change, ctx);
  const tags: Tags = { ...ownershipTags(ctx, 'ListenerRule', change.name), [TAG_SPEC_HASH]: desired.specHash };
  const actions = await requestActions(change, ctx, action, undefined);
  const arn = await performWrite(ctx, {
    change,
    verb: 'create',
    service: 'elbv2',
    operation: 'CreateRule',
    detail: `(priority ${spec.priority})`,
    send: async ({ ambiguous }) => {
      if (ambiguous) {
        const found = await findOurs(ctx, listenerArn, change, spec.priority);
        if (found !== undefined) return found;
      }
      try {
        const out = await ctx.clients.elbv2.send(
          guardAmbiguousRetries(
            new CreateRuleCommand({
              ListenerArn: listenerArn,
              Priority: spec.priority,
              Conditions: toElbConditions(spec.conditions),
              Actions: actions,
              Tags: toKeyValueTags(tags),
            }),
          ),
        );
        const created = out.Rules?.[0]?.RuleArn;
        if (created === undefined) throw new Error('CreateRule returned no rule');
        return created;
      } catch (err) {
        if (!['PriorityInUse', 'PriorityInUseException'].includes(errorCode(err))) throw err;
        // our own earlier attempt may hold it; otherwise say who does
        const found = await findOurs(ctx, listenerArn, change, spec.priority);
        if (found !== undefined) return found;
        throw err;
      }
    },
    resultId: (a) => a,
  });
  ctx.forwards.update(arn, change.id, elbActionTargets(action));
}

const CONTENT = ['conditions', 'action', 'actions', 'unsupportedConditions'];

async function updateRule(change: RuleChange, ctx: ApplyContext, tagSpecHash: boolean): Promise<void> {
  const desired = requireDesired(change);
  const arn = change.live?.arn ?? change.liveId;
  if (arn === undefined) throw new Error(`${change.id}: update without a live rule`);
  const action = desiredAction(change, ctx);
  // also when the target group it forwards to was replaced in this apply (same name, new ARN)
  const moved = change.live !== undefined && forwardMoved(change.live.action, action);
  const needsModify =
    moved || change.diffs.some((d) => CONTENT.some((f) => d.path === f || d.path.startsWith(`${f}.`) || d.path.startsWith(`${f}[`)));
  const ownership = ownershipTags(ctx, 'ListenerRule', change.name);
  let liveTags: Tags = change.live?.tags ?? {};
  if (needsModify) {
    // adopting a rule that also differs: our owner tag goes on first, so that the task role may
    // limit ModifyRule to rules tagged as ours (deploy/iam-policy.json); the spec hash only after
    if (liveTags[TAG_OWNER] !== ctx.ownerId) {
      await addRuleTags(change, ctx, arn, ownership, '(adopt: before modifying it)');
      liveTags = { ...liveTags, ...ownership };
    }
    const actions = await requestActions(change, ctx, action, change.live);
    await performWrite(ctx, {
      change,
      verb: 'update',
      service: 'elbv2',
      operation: 'ModifyRule',
      target: arn,
      send: () =>
        ctx.clients.elbv2.send(
          new ModifyRuleCommand({ RuleArn: arn, Conditions: toElbConditions(desired.spec.conditions), Actions: actions }),
        ),
    });
    ctx.forwards.update(arn, change.id, elbActionTargets(action));
  }
  const wanted: Tags = { ...ownership, ...(tagSpecHash ? { [TAG_SPEC_HASH]: desired.specHash } : {}) };
  const missing = Object.fromEntries(Object.entries(wanted).filter(([k, v]) => liveTags[k] !== v));
  if (Object.keys(missing).length > 0) await addRuleTags(change, ctx, arn, missing);
}

async function addRuleTags(change: RuleChange, ctx: ApplyContext, arn: string, tags: Tags, detail?: string): Promise<void> {
  await performWrite(ctx, {
    change,
    verb: 'tag',
    service: 'elbv2',
    operation: 'AddTags',
    target: arn,
    ...(detail === undefined ? {} : { detail }),
    send: () => ctx.clients.elbv2.send(new AddTagsCommand({ ResourceArns: [arn], Tags: toKeyValueTags(tags) })),
  });
}

/** Move a rule (ours, otherwise unchanged) onto a replacement target group. */
export async function moveRuleAction(
  change: { id: string; name: string },
  ctx: ApplyContext,
  ruleArn: string,
  action: ElbAction,
): Promise<void> {
  await performWrite(ctx, {
    change: { id: change.id, kind: 'ListenerRule', name: change.name },
    verb: 'move',
    service: 'elbv2',
    operation: 'ModifyRule',
    target: ruleArn,
    detail: 'onto the replacement target group',
    send: () => ctx.clients.elbv2.send(new ModifyRuleCommand({ RuleArn: ruleArn, Actions: [action] })),
  });
  ctx.forwards.update(ruleArn, change.id, elbActionTargets(action));
}

async function deleteRule(change: RuleChange, ctx: ApplyContext): Promise<void> {
  const arn = change.live?.arn ?? change.liveId;
  if (arn === undefined) throw new Error(`${change.id}: delete without a live rule`);
  assertOwnedForDelete(change.live?.tags, ctx.ownerId, `rule ${arn}`);
  await performWrite(ctx, {
    change,
    verb: 'delete',
    service: 'elbv2',
    operation: 'DeleteRule',
    target: arn,
    send: () => deleteUnlessGone(() => ctx.clients.elbv2.send(new DeleteRuleCommand({ RuleArn: arn }))),
  });
  ctx.forwards.remove(arn);
}

/** The writes the rule steps (and a target group replace's moves) make; tests pass fakes. */
export interface ListenerRuleAppliers {
  apply(change: RuleChange, ctx: ApplyContext, opts: RuleApplyOptions): Promise<void>;
  priorities(work: ListenerPriorityWork, ctx: ApplyContext): Promise<void>;
  move(owner: { id: string; name: string }, ctx: ApplyContext, ruleArn: string, action: ElbAction): Promise<void>;
}

export const listenerRuleAppliers: ListenerRuleAppliers = {
  apply: applyListenerRuleChange,
  priorities: applyRulePriorities,
  move: moveRuleAction,
};
