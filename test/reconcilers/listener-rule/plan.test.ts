// Listener and ListenerRule planning: matching (tag, exact fallback), adopt, drift fields,
// conflicts (priority held by a rule not ours, missing load balancer / listener), prune.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import { TAG_OWNER } from '../../../src/reconcilers/types.js';
import type { LiveListener, LiveRule, LiveState, Plan, Tags } from '../../../src/reconcilers/types.js';
import type { DesiredOf, DesiredState } from '../../../src/spec/types.js';
import {
  ALB_ARN,
  LISTENER_ARN,
  OWNER,
  desiredState,
  listener,
  listenerRule,
  liveState,
  liveTargetGroupOf,
  ours,
  ruleArn,
  targetGroup,
  tgArn,
} from '../fixtures.js';

const usersTg = targetGroup('users-tg', { port: 5000 });
const clientTg = targetGroup('client-tg');
const liveTgs = [liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash)), liveTargetGroupOf(clientTg, ours(clientTg.id, clientTg.specHash))];

function liveListener(tags: Tags = {}, o: Partial<LiveListener> = {}): LiveListener {
  return {
    arn: LISTENER_ARN,
    loadBalancerArn: ALB_ARN,
    loadBalancerName: 'web-alb',
    port: 80,
    protocol: 'HTTP',
    defaultAction: { type: 'fixed-response', statusCode: '404', contentType: 'text/plain', messageBody: 'Resource not found' },
    tags,
    ...o,
  };
}

function liveRuleOf(d: DesiredOf<'ListenerRule'>, n: number, tags: Tags, o: Partial<LiveRule> = {}): LiveRule {
  const a = d.spec.action;
  const action = a.type === 'forward' && 'targetGroup' in a && 'name' in a.targetGroup ? { type: 'forward' as const, targetGroupArn: tgArn(a.targetGroup.name) } : { type: 'fixed-response' as const, statusCode: '404' };
  return { arn: ruleArn(n), listenerArn: LISTENER_ARN, priority: d.spec.priority, conditions: { ...d.spec.conditions }, action, tags, ...o };
}

function world(rules: LiveRule[], o: Partial<LiveState> = {}): LiveState {
  return liveState({ targetGroups: liveTgs, listeners: [liveListener()], rules, ...o });
}

function planOf(rules: DesiredOf<'ListenerRule'>[], live: LiveState, prune = false, extra: Partial<DesiredState> = {}): Plan {
  const plan = planAll(desiredState({ targetGroups: [usersTg, clientTg], listenerRules: rules, ...extra }), live, { prune, ownerId: OWNER });
  return { ...plan, changes: plan.changes.filter((c) => c.kind !== 'TargetGroup') };
}

const usersApi = listenerRule('users-api', { priority: 100, conditions: { pathPatterns: ['/users*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } });

describe('planListenerRules: matching and adoption', () => {
  it('creates a rule that has no match', () => {
    const plan = planOf([usersApi], world([]));
    expect(plan.changes.map((c) => [c.id, c.action, c.cause])).toEqual([['ListenerRule/users-api', 'create', 'create']]);
  });

  it.each([
    ['by our resource tag, even at another priority and with other conditions', ours(usersApi.id, usersApi.specHash), { priority: 5, conditions: { pathPatterns: ['/x'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } }, 'drift', ['priority', 'conditions.pathPatterns']],
    ['untagged, same conditions + action (priority differs): adopt', {}, { priority: 300 }, 'adopt', ['priority']],
    ['untagged exact match: tag-only adopt', {}, {}, 'adopt', []],
    ['tagged for a rule name no longer declared (rename): adopt', ours('ListenerRule/old-name', 'h'), {}, 'adopt', []],
    ['tagged ours for a name no longer declared, at its priority with other conditions (rename)', ours('ListenerRule/old-name', 'h'), { conditions: { pathPatterns: ['/old'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } }, 'rollout', ['conditions.pathPatterns']],
  ])('matches %s', (_label, tags, o, cause, paths) => {
    const plan = planOf([usersApi], world([liveRuleOf(usersApi, 1, tags, o as Partial<LiveRule>)]));
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes.map((c) => [c.action, c.cause, c.liveId])).toEqual([['update', cause, ruleArn(1)]]);
    expect(plan.changes[0]!.diffs.map((d) => d.path)).toEqual(paths);
  });

  it('prefers an untagged exact content match elsewhere over taking the rule at its priority', () => {
    const other = listenerRule('other', { priority: 100, conditions: { pathPatterns: ['/other*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] }, action: { type: 'forward', targetGroup: { name: 'client-tg' } } });
    const atPriority = liveRuleOf(other, 1, {});
    const sameContent = liveRuleOf(usersApi, 2, {}, { priority: 400 });
    const plan = planOf([usersApi], world([atPriority, sameContent]));
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toHaveLength(1);
    expect(plan.conflicts[0]!.message).toMatch(/priority 100 on listener web-alb:80 is held by rule .*0001 \(not managed by ecs-reconciler; path \/other\* -> forward client-tg\)/);
  });

  it('shows drift of a path pattern, priority and forward target naming both values', () => {
    const live = liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash), {
      priority: 150,
      conditions: { pathPatterns: ['/users*', '/extra'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
      action: { type: 'forward', targetGroupArn: tgArn('client-tg') },
    });
    const [c] = planOf([usersApi], world([live])).changes;
    expect(c).toMatchObject({ action: 'update', cause: 'drift' });
    expect(c!.diffs).toEqual([
      { path: 'priority', live: 150, desired: 100 },
      { path: 'conditions.pathPatterns', live: ['/extra', '/users*'], desired: ['/users*'] },
      { path: 'action', live: 'forward client-tg', desired: 'forward users-tg' },
    ]);
  });

  it('a weighted forward to several target groups differs from a single forward', () => {
    const live = liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash), {
      action: { type: 'forward', targetGroupArn: tgArn('client-tg'), weighted: [{ targetGroupArn: tgArn('client-tg'), weight: 50 }, { targetGroupArn: tgArn('users-tg'), weight: 50 }] },
    });
    const [c] = planOf([usersApi], world([live])).changes;
    expect(c!.diffs).toEqual([{ path: 'action', live: 'forward client-tg (weight 50), users-tg (weight 50)', desired: 'forward users-tg' }]);
  });

  const canary = (blue: number, green: number, stickiness?: { enabled: true; durationSeconds: number }) =>
    listenerRule('users-api', {
      action: {
        type: 'forward',
        targetGroups: [{ targetGroup: { name: 'client-tg' }, weight: green }, { targetGroup: { name: 'users-tg' }, weight: blue }],
        ...(stickiness === undefined ? {} : { stickiness }),
      },
    });
  const liveCanary = (d: ReturnType<typeof canary>, blue: number, green: number, stickiness?: { enabled: true; durationSeconds: number }): LiveRule =>
    liveRuleOf(usersApi, 1, ours(d.id, d.specHash), {
      action: {
        type: 'forward',
        targetGroupArn: tgArn('client-tg'),
        weighted: [{ targetGroupArn: tgArn('client-tg'), weight: green }, { targetGroupArn: tgArn('users-tg'), weight: blue }],
        ...(stickiness === undefined ? {} : { stickiness }),
      },
    });

  it('a weighted forward equal to the live one (weights and stickiness) is a noop', () => {
    const d = canary(90, 10, { enabled: true, durationSeconds: 3600 });
    const [c] = planOf([d], world([liveCanary(d, 90, 10, { enabled: true, durationSeconds: 3600 })])).changes;
    expect(c!.action).toBe('noop');
  });

  it('weights changed in the console: drift with both weight sets', () => {
    const d = canary(90, 10);
    const [c] = planOf([d], world([liveCanary(d, 50, 50)])).changes;
    expect(c).toMatchObject({ action: 'update', cause: 'drift' });
    expect(c!.diffs).toEqual([
      { path: 'action', live: 'forward client-tg (weight 50), users-tg (weight 50)', desired: 'forward client-tg (weight 10), users-tg (weight 90)' },
    ]);
  });

  it('stickiness turned on by hand differs; its duration is compared', () => {
    const d = canary(90, 10, { enabled: true, durationSeconds: 3600 });
    expect(planOf([d], world([liveCanary(d, 90, 10)])).changes[0]!.diffs).toEqual([
      { path: 'action', live: 'forward client-tg (weight 10), users-tg (weight 90)', desired: 'forward client-tg (weight 10), users-tg (weight 90), stickiness 3600s' },
    ]);
    expect(planOf([d], world([liveCanary(d, 90, 10, { enabled: true, durationSeconds: 60 })])).changes[0]!.diffs[0]!.live).toMatch(/stickiness 60s$/);
  });

  it('a commit that moves the weights is a rollout (the spec hash tag is the old one)', () => {
    const old = canary(90, 10);
    const d = canary(50, 50);
    const live = liveCanary(old, 90, 10);
    const [c] = planOf([d], world([live])).changes;
    expect(c).toMatchObject({ action: 'update', cause: 'rollout' });
  });

  it('a one-entry targetGroups list equals a single forward whatever its weight', () => {
    const d = listenerRule('users-api', { action: { type: 'forward', targetGroups: [{ targetGroup: { name: 'users-tg' }, weight: 7 }] } });
    const live = liveRuleOf(usersApi, 1, ours(d.id, d.specHash));
    expect(planOf([d], world([live])).changes[0]!.action).toBe('noop');
  });

  it('conditions the spec cannot express make the rule differ', () => {
    const live = liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash), { unsupportedConditions: ['http-header:X-Env=prod'] });
    expect(planOf([usersApi], world([live])).changes[0]!.diffs).toEqual([{ path: 'conditions.unsupported', live: ['http-header:X-Env=prod'], desired: [] }]);
  });

  it('a forward to a target group still to be created differs from any live forward', () => {
    const newTg = targetGroup('new-tg');
    const d = listenerRule('users-api', { action: { type: 'forward', targetGroup: { name: 'new-tg' } } });
    const live = liveRuleOf(usersApi, 1, ours(d.id, d.specHash));
    const plan = planOf([d], world([live]), false, { targetGroups: [usersTg, clientTg, newTg] });
    expect(plan.changes[0]!.diffs).toEqual([{ path: 'action', live: 'forward users-tg', desired: 'forward new-tg' }]);
  });
});

describe('planListenerRules: conflicts', () => {
  it.each([
    ['untagged', {}],
    ['owned by another controller', { [TAG_OWNER]: 'other', 'ecs-reconciler/resource': 'ListenerRule/x' }],
  ])('a desired priority held by a rule not ours (%s) is a conflict naming both rules', (_label, tags) => {
    const mine = liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash), { priority: 50 });
    const theirs = liveRuleOf(listenerRule('x', { conditions: { pathPatterns: ['/theirs'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } }), 2, tags);
    const plan = planOf([usersApi], world([mine, theirs]));
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toEqual([{ id: usersApi.id, message: expect.stringContaining(`ListenerRule/users-api: priority 100 on listener web-alb:80 is held by rule ${ruleArn(2)}`) }]);
  });

  // issue 11 item 1: a hand-made rule at our priority used to be matched by priority alone and rewritten
  const handmade = (n: number, o: Partial<LiveRule> = {}): LiveRule => ({
    arn: ruleArn(n),
    listenerArn: LISTENER_ARN,
    priority: 100,
    conditions: { pathPatterns: ['/handmade*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
    action: { type: 'fixed-response', statusCode: '200', contentType: 'text/plain', messageBody: 'ok' },
    tags: {},
    ...o,
  });

  it('an untagged rule at our priority with other conditions and action is a conflict showing both sides, never adopted', () => {
    const plan = planOf([usersApi], world([handmade(1)]));
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toHaveLength(1);
    const { id, message } = plan.conflicts[0]!;
    expect(id).toBe(usersApi.id);
    expect(message).toContain(`priority 100 on listener web-alb:80 is held by rule ${ruleArn(1)} (not managed by ecs-reconciler; path /handmade* -> fixed-response 200`);
    expect(message).toContain('declared: path /users* -> forward users-tg');
  });

  it.each([
    ['only the action differs', { conditions: { pathPatterns: ['/users*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } }],
    ['only the conditions differ', { action: { type: 'forward' as const, targetGroupArn: tgArn('users-tg') } }],
  ])('an untagged rule at our priority that is not an exact match is a conflict (%s)', (_label, o) => {
    const plan = planOf([usersApi], world([handmade(1, o)]));
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts.map((c) => c.id)).toEqual([usersApi.id]);
  });

  it('the conflict blocks that rule alone: another rule of the same listener is still planned', () => {
    const other = listenerRule('other', { priority: 200, conditions: { pathPatterns: ['/other*'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } });
    const plan = planOf([usersApi, other], world([handmade(1)]));
    expect(plan.conflicts.map((c) => c.id)).toEqual([usersApi.id]);
    expect(plan.changes.map((c) => [c.id, c.action])).toEqual([['ListenerRule/other', 'create']]);
  });

  it('with prune too, the hand-made rule is neither adopted nor planned for deletion', () => {
    const plan = planOf([usersApi], world([handmade(1)]), true);
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toHaveLength(1);
  });

  it('an untagged exact match at another priority is adopted and moved, also when a hand-made rule holds ours', () => {
    const exact = liveRuleOf(usersApi, 2, {}, { priority: 300 });
    expect(planOf([usersApi], world([exact])).changes.map((c) => [c.action, c.cause, c.liveId, c.diffs.map((d) => d.path)])).toEqual([
      ['update', 'adopt', ruleArn(2), ['priority']],
    ]);
    const blocked = planOf([usersApi], world([exact, handmade(1)]));
    expect(blocked.changes).toEqual([]);
    expect(blocked.conflicts[0]!.message).toContain(`held by rule ${ruleArn(1)}`);
  });

  it('a priority held by our own rule that moves away is not a conflict (a swap)', () => {
    const a = listenerRule('a', { priority: 100 });
    const b = listenerRule('b', { priority: 200, conditions: { pathPatterns: ['/b'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } });
    const plan = planOf([a, b], world([liveRuleOf(a, 1, ours(a.id, 'h1'), { priority: 200 }), liveRuleOf(b, 2, ours(b.id, 'h2'), { priority: 100 })]));
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes.map((c) => [c.id, c.diffs])).toEqual([
      ['ListenerRule/a', [{ path: 'priority', live: 200, desired: 100 }]],
      ['ListenerRule/b', [{ path: 'priority', live: 100, desired: 200 }]],
    ]);
  });

  it.each([
    ['the load balancer does not exist', liveState({ loadBalancers: [] }), 'load balancer "web-alb" not found (desired/test.yaml:3)'],
    ['the listener does not exist and is not declared', liveState({ targetGroups: liveTgs }), 'listener web-alb:80 not found (desired/test.yaml:3) and no Listener document declares it'],
  ])('missing infrastructure is a conflict: %s', (_label, live, message) => {
    const plan = planOf([usersApi], live);
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toEqual([{ id: usersApi.id, message: expect.stringContaining(message) }]);
  });

  it('a listener given by an ARN that does not exist is a conflict', () => {
    const d = listenerRule('users-api', { listener: { arn: 'arn:listener/missing' } });
    expect(planOf([d], world([])).conflicts[0]!.message).toContain('listener arn:listener/missing not found');
  });

  it('a rule on a listener declared but not yet created is a create', () => {
    const plan = planOf([usersApi], liveState({ targetGroups: liveTgs }), false, { listeners: [listener('web-http')] });
    expect(plan.conflicts).toEqual([]);
    expect(plan.changes.map((c) => [c.id, c.action])).toEqual([
      ['Listener/web-http', 'create'],
      ['ListenerRule/users-api', 'create'],
    ]);
  });
});

describe('planListenerRules: stray copies of a declared rule', () => {
  it('a duplicate tagged as the same rule is deleted, even without prune', () => {
    const plan = planOf([usersApi], world([liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash)), liveRuleOf(usersApi, 2, ours(usersApi.id, usersApi.specHash), { priority: 101 })]));
    expect(plan.changes.map((c) => [c.action, c.cause, c.liveId])).toEqual([
      ['noop', 'none', ruleArn(1)],
      ['delete', 'rollout', ruleArn(2)],
    ]);
  });

  it('after spec.listener changes, the rule is created on the new listener and the old copy deleted', () => {
    const other: LiveListener = liveListener({}, { arn: 'arn:listener/8080', port: 8080 });
    const moved = listenerRule('users-api', { ...usersApi.spec, listener: { loadBalancer: 'web-alb', port: 8080 } });
    const plan = planOf([moved], world([liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash))], { listeners: [liveListener(), other] }));
    expect(plan.changes.map((c) => [c.action, c.liveId ?? null, c.reason ?? null])).toEqual([
      ['create', null, null],
      ['delete', ruleArn(1), expect.stringContaining('priority 100 on listener web-alb:80')],
    ]);
  });

  it('a declared rule blocked by a conflict keeps its old copy', () => {
    const other: LiveListener = liveListener({}, { arn: 'arn:listener/8080', port: 8080 });
    const moved = listenerRule('users-api', { ...usersApi.spec, listener: { loadBalancer: 'web-alb', port: 8080 } });
    const foreign = { [TAG_OWNER]: 'other' };
    const blocker = { ...liveRuleOf(listenerRule('x'), 5, foreign), listenerArn: 'arn:listener/8080', conditions: { pathPatterns: ['/x'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] } };
    const plan = planOf([moved], world([liveRuleOf(usersApi, 1, ours(usersApi.id, usersApi.specHash)), blocker], { listeners: [liveListener(), other] }));
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toHaveLength(1);
  });
});

describe('planListenerRules: prune', () => {
  const gone = listenerRule('gone', { priority: 900 });
  it.each([
    ['ours, gone from the files, prune on', ours(gone.id, 'h'), true, ['delete']],
    ['ours, prune off', ours(gone.id, 'h'), false, []],
    ['hand-made rule without our tags', {}, true, []],
  ])('%s', (_label, tags, prune, actions) => {
    const plan = planOf([], world([liveRuleOf(gone, 9, tags)]), prune);
    expect(plan.changes.map((c) => c.action)).toEqual(actions);
  });
});

describe('planListeners', () => {
  it.each([
    ['converged', {}, 'noop', []],
    ['default action changed behind our back', { defaultAction: { type: 'fixed-response' as const, statusCode: '503' } }, 'update', ['defaultAction']],
    ['protocol', { protocol: 'HTTPS' }, 'update', ['protocol']],
  ])('%s', (_label, o, action, paths) => {
    const d = listener('web-http');
    const live = liveListener(ours(d.id, d.specHash), o);
    const plan = planAll(desiredState({ listeners: [d] }), liveState({ listeners: [live] }), { prune: false, ownerId: OWNER });
    expect(plan.changes.map((c) => [c.action, c.diffs.map((f) => f.path)])).toEqual([[action, paths]]);
  });

  it('renders both default actions in the diff', () => {
    const d = listener('web-http');
    const live = liveListener(ours(d.id, d.specHash), { defaultAction: { type: 'forward', targetGroupArn: tgArn('client-tg') } });
    const plan = planAll(desiredState({ listeners: [d], targetGroups: [clientTg] }), liveState({ listeners: [live], targetGroups: liveTgs }), { prune: false, ownerId: OWNER });
    expect(plan.changes.find((c) => c.kind === 'Listener')!.diffs).toEqual([
      { path: 'defaultAction', live: 'forward client-tg', desired: 'fixed-response 404 text/plain "Resource not found"' },
    ]);
  });

  it('a listener of a load balancer that does not exist is a conflict', () => {
    const plan = planAll(desiredState({ listeners: [listener('web-http', { loadBalancer: 'nope' })] }), liveState(), { prune: false, ownerId: OWNER });
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts[0]!.message).toContain('load balancer "nope" not found');
  });

  it('prunes a listener tagged as ours that left the files', () => {
    const live = liveListener(ours('Listener/old', 'h'));
    const plan = planAll(desiredState(), liveState({ listeners: [live] }), { prune: true, ownerId: OWNER });
    expect(plan.changes.map((c) => [c.id, c.action, c.cause])).toEqual([['Listener/old', 'delete', 'prune']]);
  });
});

describe('planListeners: prune of a listener that holds rules', () => {
  const gone = listener('old-http', { loadBalancer: 'web-alb', port: 80 });
  const mine = listenerRule('old-rule', { priority: 5 });
  it('deletes a listener of ours that holds only rules of ours (they are deleted first)', () => {
    const plan = planOf([], world([liveRuleOf(mine, 1, ours(mine.id, 'h'))], { listeners: [liveListener(ours(gone.id, 'h'))] }), true);
    expect(plan.changes.filter((c) => c.action === 'delete').map((c) => c.id)).toEqual(['ListenerRule/old-rule', 'Listener/old-http']);
  });
  it('keeps a listener of ours that holds a rule not ours (deleting it would delete that rule): a conflict', () => {
    const plan = planOf([], world([liveRuleOf(mine, 1, {})], { listeners: [liveListener(ours(gone.id, 'h'))] }), true);
    expect(plan.changes.filter((c) => c.action === 'delete')).toEqual([]);
    expect(plan.conflicts.map((c) => c.id)).toEqual(['Listener/old-http']);
    expect(plan.conflicts[0]!.message).toContain('holds 1 rule(s) not managed by ecs-reconciler');
  });
});
