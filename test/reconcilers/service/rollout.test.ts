// The rollout state logic: which state a service's last rollout of ours is in (from the
// DescribeServices answer the plan already has), the hold of a failed spec hash in the plan
// (not drift, no UpdateService while held, --retry-failed), and the once-per-incident decisions
// of the daemon's rollout follower (log facts, Slack), restart included.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import { serviceRollout, startedDeployment, TAG_HELD_SPEC_HASH, TAG_ROLLOUT } from '../../../src/reconcilers/service/rollout.js';
import type { LiveDeployment, LiveRolloutRead } from '../../../src/reconcilers/service/types.js';
import type { ChangeOf, LiveService, Tags } from '../../../src/reconcilers/types.js';
import type { RolloutStatus } from '../../../src/reconcilers/shared/rollout-status.js';
import { decideRollouts, type FollowedRollout } from '../../../src/notify/rollout-incidents.js';
import type { DesiredOf } from '../../../src/spec/types.js';
import { ACCOUNT, OWNER, desiredState, liveState, ours, service, taskDefinitionSpec } from '../fixtures.js';

const TD = (rev: number): string => `arn:aws:ecs:us-east-2:${ACCOUNT}:task-definition/payments-api:${rev}`;
const OURS = 'ecs-svc/1111';

function deployment(o: Partial<LiveDeployment> & { id: string }): LiveDeployment {
  return { status: 'PRIMARY', rolloutState: 'IN_PROGRESS', taskDefinition: TD(4), desiredCount: 2, runningCount: 1, pendingCount: 1, failedTasks: 0, createdAt: '2026-01-01T00:00:00.000Z', ...o };
}

const rolledBackRead: LiveRolloutRead = {
  deployments: [
    deployment({ id: 'ecs-svc/2222', taskDefinition: TD(3), rolloutState: 'COMPLETED' }),
    deployment({ id: OURS, status: 'ACTIVE', rolloutState: 'FAILED', rolloutStateReason: 'ECS deployment circuit breaker: tasks failed to start.', failedTasks: 3 }),
  ],
  events: [
    { message: '(service payments-api) rolling back to deployment ecs-svc/2222.' },
    { message: `(service payments-api) (deployment ${OURS}) deployment failed: tasks failed to start.` },
    { message: '(service payments-api) (task 9f2e) stopped: CannotPullContainerError: manifest unknown' },
  ],
};

function tagsFor(d: DesiredOf<'Service'>, extra: Tags = {}): Tags {
  return { ...ours(d.id, d.specHash), [TAG_ROLLOUT]: `${d.specHash}:${OURS}`, ...extra };
}

describe('serviceRollout: the state of the last rollout of ours', () => {
  const d = service('payments-api');
  it('no rollout tag for the desired hash: nothing to follow', () => {
    expect(serviceRollout({ tags: ours(d.id, d.specHash), rollout: { deployments: [deployment({ id: OURS })], events: [] } }, d.specHash)).toBeUndefined();
    expect(serviceRollout({ tags: { [TAG_ROLLOUT]: `oldhash:${OURS}` }, rollout: { deployments: [deployment({ id: OURS })], events: [] } }, d.specHash)).toBeUndefined();
  });
  it('in progress: rolling-out with counts and since when', () => {
    const s = serviceRollout({ tags: tagsFor(d), rollout: { deployments: [deployment({ id: OURS })], events: [] } }, d.specHash);
    expect(s?.state).toBe('rolling-out');
    expect(s?.detail).toBe('rolling out payments-api:4: running 1/2, pending 1, failed tasks 0, since 2026-01-01T00:00:00.000Z');
  });
  it('completed: in-sync', () => {
    const s = serviceRollout({ tags: tagsFor(d), rollout: { deployments: [deployment({ id: OURS, rolloutState: 'COMPLETED' })], events: [] } }, d.specHash);
    expect(s?.state).toBe('in-sync');
    expect(s?.deploymentId).toBe(OURS);
  });
  it('failed and still PRIMARY: rollout-failed with the reason', () => {
    const s = serviceRollout({ tags: tagsFor(d), rollout: { deployments: [deployment({ id: OURS, rolloutState: 'FAILED', rolloutStateReason: 'tasks failed to start' })], events: [] } }, d.specHash);
    expect(s).toMatchObject({ state: 'rollout-failed', reason: 'tasks failed to start', held: false });
  });
  it('rolled back by the circuit breaker: rolled-back to the revision, the first failing task named', () => {
    const s = serviceRollout({ tags: tagsFor(d), rollout: rolledBackRead }, d.specHash);
    expect(s).toMatchObject({ state: 'rolled-back', rolledBackTo: 'payments-api:3', reason: 'ECS deployment circuit breaker: tasks failed to start.' });
    expect(s?.stoppedReason).toContain('CannotPullContainerError');
  });
  it('our deployment gone, the events say it failed: rolled-back', () => {
    const s = serviceRollout({ tags: tagsFor(d), rollout: { deployments: [rolledBackRead.deployments[0] as LiveDeployment], events: rolledBackRead.events } }, d.specHash);
    expect(s?.state).toBe('rolled-back');
  });
  it('held hash: reported as held even once ECS forgot the deployment', () => {
    const s = serviceRollout({ tags: tagsFor(d, { [TAG_HELD_SPEC_HASH]: d.specHash }), rollout: { deployments: [rolledBackRead.deployments[0] as LiveDeployment], events: [] } }, d.specHash);
    expect(s).toMatchObject({ state: 'rolled-back', held: true });
    expect(s?.detail).toContain('held');
  });
});

describe('plan: a failed rollout is held, not drift, not redeployed', () => {
  const d = service('payments-api', { taskDefinition: taskDefinitionSpec({ containers: [{ ...taskDefinitionSpec().containers[0]!, image: 'bad:2' }] }) });
  // rolled back: the service runs revision 3 (the old image) again while the files say bad:2
  function live(extra: Tags = {}): LiveService {
    return {
      arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:service/payments/payments-api`, name: 'payments-api', clusterArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/payments`, clusterName: 'payments',
      status: 'ACTIVE', launchType: 'EC2', desiredCount: 1, deployment: { maximumPercent: 100, minimumHealthyPercent: 0 },
      taskDefinition: { arn: TD(3), family: 'payments-api', revision: 3, spec: taskDefinitionSpec(), tags: {} },
      loadBalancers: [], tags: tagsFor(d, extra), rollout: rolledBackRead,
    };
  }
  const planOf = (l: LiveService, retryFailed = false): ChangeOf<'Service'> => {
    const plan = planAll(desiredState({ services: [d] }), liveState({ services: [l], clusters: ['payments'] }), { prune: false, ownerId: OWNER, retryFailed });
    return plan.changes.find((c) => c.kind === 'Service') as ChangeOf<'Service'>;
  };
  it('first seen: a tag-only update that records the hold, no diffs, not drift', () => {
    const c = planOf(live());
    expect(c).toMatchObject({ action: 'update', cause: 'rollout', diffs: [], hold: 'write' });
    expect(c.rollout?.state).toBe('rolled-back');
  });
  it('held: a noop (no UpdateService), whatever the task definition difference', () => {
    const c = planOf(live({ [TAG_HELD_SPEC_HASH]: d.specHash }));
    expect(c).toMatchObject({ action: 'noop', cause: 'none', diffs: [] });
    expect(c.rollout?.held).toBe(true);
  });
  it('--retry-failed: an update of the held hash again', () => {
    const c = planOf(live({ [TAG_HELD_SPEC_HASH]: d.specHash }), true);
    expect(c).toMatchObject({ action: 'update', cause: 'rollout', hold: 'retry' });
    expect(c.diffs.some((x) => x.path.startsWith('taskDefinition.'))).toBe(true);
  });
  it('the files changed (a new hash): a normal rollout, the old hold does not apply', () => {
    const fixed = service('payments-api', { taskDefinition: taskDefinitionSpec({ containers: [{ ...taskDefinitionSpec().containers[0]!, image: 'good:3' }] }) });
    const l = { ...live({ [TAG_HELD_SPEC_HASH]: d.specHash }), tags: { ...ours(fixed.id, d.specHash), [TAG_HELD_SPEC_HASH]: d.specHash, [TAG_ROLLOUT]: `${d.specHash}:${OURS}` } };
    const plan = planAll(desiredState({ services: [fixed] }), liveState({ services: [l], clusters: ['payments'] }), { prune: false, ownerId: OWNER });
    const c = plan.changes[0] as ChangeOf<'Service'>;
    expect(c).toMatchObject({ action: 'update', cause: 'rollout' });
    expect(c.hold).toBeUndefined();
    expect(c.rollout).toBeUndefined();
  });
});

describe('decideRollouts: once per incident', () => {
  const ID = 'Service/payments-api';
  const status = (o: Partial<RolloutStatus>): RolloutStatus => ({ state: 'rolling-out', specHash: 'h1', held: false, detail: 'd', ...o });
  const observe = (open: Map<string, FollowedRollout>, s: RolloutStatus | undefined, o: { started?: boolean; inSync?: boolean } = {}) =>
    decideRollouts(open, 'sha1', [{ id: ID, status: s, started: o.started ?? false, inSync: o.inSync ?? true }], { notifyRollouts: false, declared: [ID] });

  it('started -> failed -> rolled back -> held cycles -> a later hash completes: 1 failure message, 1 resolved message', () => {
    const open = new Map<string, FollowedRollout>();
    expect(observe(open, status({}), { started: true }).events.map((e) => e.type)).toEqual(['started']);
    const failed = observe(open, status({ state: 'rollout-failed', reason: 'circuit breaker' }));
    expect(failed.events.map((e) => e.type)).toEqual(['failed']);
    expect(failed.messages).toHaveLength(1);
    expect(failed.messages[0]?.text).toContain('circuit breaker');
    const rolled = observe(open, status({ state: 'rolled-back', held: true, rolledBackTo: 'payments-api:3' }));
    expect(rolled.events.map((e) => e.type)).toEqual(['rolled_back']);
    expect(rolled.messages).toEqual([]);
    for (let i = 0; i < 10; i++) expect(observe(open, status({ state: 'rolled-back', held: true }))).toEqual({ events: [], messages: [] });
    expect(observe(open, status({ specHash: 'h2' }), { started: true }).messages).toEqual([]);
    const done = observe(open, status({ specHash: 'h2', state: 'in-sync' }));
    expect(done.events.map((e) => e.type)).toEqual(['completed']);
    expect(done.messages.map((m) => m.title)).toEqual([`rollout resolved on ${ID}`]);
    expect(open.size).toBe(0);
  });

  it('a retry of the held hash that fails again is announced again; one that completes resolves', () => {
    const open = new Map<string, FollowedRollout>();
    observe(open, status({}), { started: true });
    expect(observe(open, status({ state: 'rolled-back', held: true })).messages).toHaveLength(1);
    observe(open, status({}), { started: true }); // the retry: same hash
    expect(observe(open, status({ state: 'rolled-back' })).messages).toHaveLength(1);
    observe(open, status({}), { started: true });
    expect(observe(open, status({ state: 'in-sync' })).messages.map((m) => m.title)).toEqual([`rollout resolved on ${ID}`]);
  });

  it('a restart that finds the hash already held (no saved state): no second alert', () => {
    const open = new Map<string, FollowedRollout>();
    expect(observe(open, status({ state: 'rolled-back', held: true }))).toEqual({ events: [], messages: [] });
    expect(open.get(ID)?.failedHash).toBe('h1');
  });

  it('a completed rollout sends nothing unless --notify-rollouts', () => {
    const open = new Map<string, FollowedRollout>();
    observe(open, status({}), { started: true });
    expect(observe(open, status({ state: 'in-sync' })).messages).toEqual([]);
    observe(open, status({}), { started: true });
    const loud = decideRollouts(open, 'sha1', [{ id: ID, status: status({ state: 'in-sync' }), started: false, inSync: true }], { notifyRollouts: true, declared: [ID] });
    expect(loud.messages.map((m) => m.title)).toEqual([`rollout completed on ${ID}`]);
  });
});

describe('startedDeployment: which deployment an UpdateService started', () => {
  const before = [deployment({ id: 'ecs-svc/0001', taskDefinition: TD(3) })];
  it('a new PRIMARY deployment of the revision sent', () => {
    expect(startedDeployment([deployment({ id: OURS, taskDefinition: TD(4) }), ...before], TD(4), before)).toBe(OURS);
  });
  it('none when the PRIMARY one was there before (moto adds no deployment), even for the revision it began with', () => {
    expect(startedDeployment(before, TD(3), before)).toBeUndefined();
  });
  it('none when the PRIMARY one runs another revision', () => {
    expect(startedDeployment([deployment({ id: OURS, taskDefinition: TD(5) }), ...before], TD(4), before)).toBeUndefined();
  });
});
