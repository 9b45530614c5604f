// TargetGroup planning: every change type and cause, ignore, prune, conflicts, unfinished replace.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from '../../../src/reconcilers/types.js';
import type { Change, LiveState, LiveTargetGroup, Plan } from '../../../src/reconcilers/types.js';
import type { DesiredState } from '../../../src/spec/types.js';
import { OWNER, desiredState, liveState, liveTargetGroupOf, ours, targetGroup } from '../fixtures.js';

function planOf(desired: DesiredState, live: LiveState, prune = false): Plan {
  return planAll(desired, live, { prune, ownerId: OWNER });
}

function only(plan: Plan): Change {
  expect(plan.changes).toHaveLength(1);
  return plan.changes[0]!;
}

const usersTg = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } });

describe('planTargetGroups: create, update, noop and causes', () => {
  it('creates a target group that does not exist', () => {
    const c = only(planOf(desiredState({ targetGroups: [usersTg] }), liveState()));
    expect([c.action, c.cause, c.diffs]).toEqual(['create', 'create', []]);
  });

  it('is a noop when converged and tagged with the desired hash', () => {
    const live = liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash));
    const c = only(planOf(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [live] })));
    expect([c.action, c.cause, c.liveId]).toEqual(['noop', 'none', live.arn]);
  });

  it.each([
    ['drift: the spec-hash tag equals the desired hash', ours(usersTg.id, usersTg.specHash), 'drift'],
    ['rollout: the spec-hash tag differs', ours(usersTg.id, '0123456789abcdef'), 'rollout'],
    ['adopt: no owner tag', {}, 'adopt'],
  ])('%s', (_label, tags, cause) => {
    const live = liveTargetGroupOf(usersTg, tags);
    live.healthCheck.path = '/';
    const c = only(planOf(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [live] })));
    expect([c.action, c.cause]).toEqual(['update', cause]);
    expect(c.diffs).toEqual([{ path: 'healthCheck.path', live: '/', desired: '/ping' }]);
  });

  it.each([
    ['attributes', targetGroup('a-tg', { attributes: { 'deregistration_delay.timeout_seconds': '30' } }), (l: LiveTargetGroup) => (l.attributes['deregistration_delay.timeout_seconds'] = '300'), 'attributes.deregistration_delay.timeout_seconds', '300', '30'],
    ['declared tags', targetGroup('t-tg', { tags: { team: 'users' } }), (l: LiveTargetGroup) => delete l.tags.team, 'tags.team', undefined, 'users'],
    ['matcher', targetGroup('m-tg', { healthCheck: { matcher: '200-299' } }), (l: LiveTargetGroup) => (l.healthCheck.matcher = '200'), 'healthCheck.matcher', '200', '200-299'],
    ['interval', targetGroup('i-tg', { healthCheck: { intervalSeconds: 60 } }), (l: LiveTargetGroup) => (l.healthCheck.intervalSeconds = 30), 'healthCheck.intervalSeconds', 30, 60],
  ])('updates %s in place', (_label, d, mutate, path, liveValue, desiredValue) => {
    const live = liveTargetGroupOf(d, ours(d.id, d.specHash));
    mutate(live);
    const c = only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] })));
    expect(c.action).toBe('update');
    expect(c.diffs).toEqual([{ path, live: liveValue, desired: desiredValue }]);
  });

  it('writes only tags for an untagged target group that matches (adopt, no diffs)', () => {
    const c = only(planOf(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [liveTargetGroupOf(usersTg)] })));
    expect([c.action, c.cause, c.diffs]).toEqual(['update', 'adopt', []]);
    expect(c.reason).toContain(`tag as managed by ${OWNER}`);
  });

  it('records a new spec hash when AWS already matches a changed spec (tag-only rollout)', () => {
    const live = liveTargetGroupOf(usersTg, ours(usersTg.id, 'stale-hash'));
    const c = only(planOf(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [live] })));
    expect([c.action, c.cause, c.diffs]).toEqual(['update', 'rollout', []]);
  });
});

describe('planTargetGroups: protocolVersion', () => {
  it.each([
    ['not declared: whatever AWS holds is fine', {}, { protocolVersion: 'GRPC' }, 'noop'],
    ['declared HTTP1 equals a live group that reports none', { protocolVersion: 'HTTP1' as const }, {}, 'noop'],
    ['declared GRPC equals live GRPC', { protocolVersion: 'GRPC' as const }, { protocolVersion: 'GRPC' }, 'noop'],
  ])('%s', (_label, spec, live, action) => {
    const d = targetGroup('users-tg', { port: 5000, ...spec });
    const l = { ...liveTargetGroupOf(d, ours(d.id, d.specHash)), ...live };
    expect(only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [l] }))).action).toBe(action);
  });
});

describe('planTargetGroups: replace', () => {
  it.each([
    ['protocol', { protocol: 'HTTPS' as const }, 'HTTP', 'HTTPS'],
    ['port', { port: 8080 }, 5000, 8080],
    ['vpcId', { vpcId: 'vpc-0f1a5c0000000009' }, 'vpc-0f1a5c0000000001', 'vpc-0f1a5c0000000009'],
    ['targetType', { targetType: 'ip' as const }, 'instance', 'ip'],
    ['protocolVersion', { protocolVersion: 'GRPC' as const }, 'HTTP1', 'GRPC'],
  ])('replaces when %s changes', (field, spec, liveValue, desiredValue) => {
    const d = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' }, ...spec });
    const live = liveTargetGroupOf(usersTg, ours(usersTg.id, usersTg.specHash));
    const c = only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] })));
    expect([c.action, c.cause]).toEqual(['replace', 'rollout']);
    expect(c.diffs).toContainEqual({ path: field, live: liveValue, desired: desiredValue });
    expect(c.reason).toContain(`${field} cannot change in place`);
  });

  it('says whether the old group is deleted (ours) or left in place (not tagged as ours)', () => {
    const d = targetGroup('users-tg', { port: 8080 });
    const planWith = (tags: Record<string, string>) =>
      only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [liveTargetGroupOf(usersTg, tags)] })));
    expect(planWith(ours(d.id, 'old-hash')).reason).toMatch(/delete the old one$/);
    const adopted = planWith({ team: 'users' });
    expect([adopted.action, adopted.cause]).toEqual(['replace', 'adopt']);
    expect(adopted.reason).toMatch(/leave the old one \(users-tg, not tagged as ours\) in place$/);
  });

  // after a replace of a group found untagged under the declared name: that group stays (not ours)
  const untaggedOld = () => ({ ...liveTargetGroupOf(targetGroup('users-tg', { port: 5000 }), { team: 'users' }), arn: 'arn:tg/users-tg' });
  const ourNew = (d: ReturnType<typeof targetGroup>) => ({
    ...liveTargetGroupOf(d, ours(d.id, d.specHash)),
    name: 'users-tg-r1',
    arn: 'arn:tg/users-tg-r1',
  });
  it.each([
    ['the files unchanged: nothing to do, the old group is not deleted', 8080, [['noop', 'none', 'arn:tg/users-tg-r1']]],
    [
      'another immutable change: ours is replaced, the old group stays out of it',
      9090,
      [['replace', 'rollout', 'arn:tg/users-tg-r1']],
    ],
    [
      'a revert to the old settings: the old group is adopted back, ours deleted once unused',
      5000,
      [
        ['update', 'adopt', 'arn:tg/users-tg'],
        ['delete', 'rollout', 'arn:tg/users-tg-r1'],
      ],
    ],
  ])('after an untagged group was replaced, %s', (_label, port, expected) => {
    const d = targetGroup('users-tg', { port });
    const applied = targetGroup('users-tg', { port: 8080 });
    const plan = planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [untaggedOld(), ourNew(applied)] }));
    expect(plan.changes.map((c) => [c.action, c.cause, c.liveId])).toEqual(expected);
  });

  it('after a replace, matches the new target group by our resource tag and deletes the leftover', () => {
    const d = targetGroup('users-tg', { port: 8080 });
    const old = { ...liveTargetGroupOf(targetGroup('users-tg', { port: 5000 }), ours(d.id, 'old-hash')) };
    const fresh = { ...liveTargetGroupOf(d, ours(d.id, d.specHash)), name: 'users-tg-r1', arn: 'arn:tg/users-tg-r1' };
    const plan = planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [old, fresh] }));
    expect(plan.changes.map((c) => [c.action, c.cause, c.liveId])).toEqual([
      ['noop', 'none', 'arn:tg/users-tg-r1'],
      ['delete', 'rollout', old.arn],
    ]);
  });
});

describe('planTargetGroups: ignore', () => {
  it.each([
    [['healthCheck.path']],
    [['healthCheck']],
  ])('fields named in metadata.ignore %j never produce a diff', (ignore) => {
    const d = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } }, { ignore });
    const live = liveTargetGroupOf(d, ours(d.id, d.specHash));
    live.healthCheck.path = '/other';
    expect(only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] }))).action).toBe('noop');
  });

  it('an ignored immutable field does not force a replace', () => {
    const d = targetGroup('users-tg', { port: 8080 }, { ignore: ['port'] });
    const live = liveTargetGroupOf(targetGroup('users-tg', { port: 5000 }), ours(d.id, d.specHash));
    expect(only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] }))).action).toBe('noop');
  });
});

describe('planTargetGroups: prune and ownership', () => {
  const gone = targetGroup('old-tg');
  it.each([
    ['ours and gone from the files, with prune', ours(gone.id, gone.specHash), true, ['delete']],
    ['ours and gone, without prune', ours(gone.id, gone.specHash), false, []],
    ['untagged (not ours)', {}, true, []],
    ['another owner', { ...ours(gone.id, gone.specHash), [TAG_OWNER]: 'someone-else' }, true, []],
  ])('%s', (_label, tags, prune, actions) => {
    const plan = planOf(desiredState(), liveState({ targetGroups: [liveTargetGroupOf(gone, tags)] }), prune);
    expect(plan.changes.map((c) => c.action)).toEqual(actions);
    if (actions.length > 0) expect(plan.changes[0]).toMatchObject({ id: 'TargetGroup/old-tg', cause: 'prune', reason: expect.stringContaining(OWNER) });
  });

  it('a declared target group owned by another controller is a conflict, not a change', () => {
    const live = liveTargetGroupOf(usersTg, { [TAG_OWNER]: 'other', [TAG_RESOURCE]: usersTg.id, [TAG_SPEC_HASH]: 'x' });
    const plan = planOf(desiredState({ targetGroups: [usersTg] }), liveState({ targetGroups: [live] }));
    expect(plan.changes).toEqual([]);
    expect(plan.conflicts).toEqual([{ id: usersTg.id, message: expect.stringContaining('managed by another ecs-reconciler (tag ecs-reconciler/owner=other)') }]);
  });

  it('policy observe: changes are still computed and marked', () => {
    const d = targetGroup('users-tg', { port: 5000, healthCheck: { path: '/ping' } }, { policy: 'observe' });
    const live = liveTargetGroupOf(d);
    live.healthCheck.path = '/';
    const c = only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [live] })));
    expect([c.action, c.cause, c.policy]).toEqual(['update', 'drift', 'observe']);
  });

  it('policy observe: an untagged converged resource is a noop (observe never tags)', () => {
    const d = targetGroup('users-tg', {}, { policy: 'observe' });
    expect(only(planOf(desiredState({ targetGroups: [d] }), liveState({ targetGroups: [liveTargetGroupOf(d)] }))).action).toBe('noop');
  });
});
