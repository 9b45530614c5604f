// applyPlan with fake appliers: ordering, concurrency bound, dependency skipping, policies,
// dry run, conflicts and the prune guard (target-group replace: apply-replace.test.ts; writes of
// different AWS services side by side: apply-concurrency.test.ts). No AWS.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/controller/apply.js';
import { formatApplySummary } from '../../src/controller/apply-report.js';
import type { Change, LiveState, Plan } from '../../src/reconcilers/types.js';
import { RequestGate } from '../../src/aws/request-gate.js';
import type { AwsClients } from '../../src/aws/clients.js';
import { emptyLive, fakeAppliers, fakeContext, listenerChange, ruleChange, serviceChange, sgChange, tgChange } from '../reconcilers/fixtures.js';

const plan = (changes: Change[], conflicts: Plan['conflicts'] = []): Plan => ({ changes, conflicts });

describe('applyPlan ordering', () => {
  it('writes target groups, listeners, rules in order, SG ingress beside them (EC2), services after their ELBv2 writes; then deletes in reverse order', async () => {
    const fake = fakeAppliers();
    const changes: Change[] = [
      serviceChange('svc', 'create', ['tg']),
      tgChange('old-tg', 'delete', 'arn:tg/old'),
      ruleChange('r', 'create', { tg: 'tg' }),
      serviceChange('old-svc', 'delete'),
      sgChange('sg', 'update'),
      ruleChange('old-r', 'delete', { liveArn: 'arn:rule/old' }),
      listenerChange('l', 'create'),
      sgChange('old-sg', 'delete'),
      tgChange('tg', 'create'),
      listenerChange('old-l', 'delete'),
    ];
    const report = await applyPlan(plan(changes), fakeContext(), { prune: true, maxDeletes: 10, appliers: fake.appliers, concurrency: 1 });
    expect(fake.calls).toEqual([
      'tg:TargetGroup/tg',
      'sg:SecurityGroupIngress/sg',
      'listener:Listener/l',
      'rule:ListenerRule/r',
      'service:Service/svc',
      'deleteService:Service/old-svc',
      'deleteSG:SecurityGroupIngress/old-sg',
      'deleteRule:ListenerRule/old-r',
      'deleteListener:Listener/old-l',
      'deleteTG:TargetGroup/old-tg',
    ]);
    expect(report.ok).toBe(true);
    expect(formatApplySummary(report)).toBe('Apply: 10 writes made, 0 failed, 0 skipped.');
  });

  it.each([1, 2, 4])('runs at most %i writes of one AWS service at once', async (concurrency) => {
    const fake = fakeAppliers();
    const changes = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => tgChange(n, 'create'));
    await applyPlan(plan(changes), fakeContext(), { appliers: fake.appliers, concurrency });
    expect(fake.calls).toHaveLength(6);
    expect(fake.maxInFlight()).toBe(concurrency);
  });
});

describe('applyPlan failures and dependencies', () => {
  it('skips what depends on a failed create and carries on with independent writes', async () => {
    const fake = fakeAppliers(['TargetGroup/users-tg']);
    const changes: Change[] = [
      tgChange('users-tg', 'create'),
      tgChange('web-tg', 'create'),
      ruleChange('users', 'create', { tg: 'users-tg', priority: 100 }),
      ruleChange('web', 'create', { tg: 'web-tg', priority: 200 }),
      serviceChange('users-svc', 'create', ['users-tg']),
      serviceChange('web-svc', 'create', ['web-tg']),
    ];
    const report = await applyPlan(plan(changes), fakeContext(), { appliers: fake.appliers });
    expect(fake.calls.sort()).toEqual(['rule:ListenerRule/web', 'service:Service/web-svc', 'tg:TargetGroup/users-tg', 'tg:TargetGroup/web-tg']);
    const byId = Object.fromEntries(report.outcomes.map((o) => [o.id, o]));
    expect(byId['TargetGroup/users-tg']).toMatchObject({ status: 'failed', reason: 'injected failure for TargetGroup/users-tg' });
    expect(byId['ListenerRule/users']).toMatchObject({ status: 'skipped' });
    expect(byId['ListenerRule/users']?.reason).toContain('depends on TargetGroup/users-tg, which failed');
    expect(byId['Service/users-svc']?.reason).toContain('depends on TargetGroup/users-tg');
    expect(byId['ListenerRule/web']?.status).toBe('applied');
    expect(report.ok).toBe(false);
    expect(formatApplySummary(report)).toBe('Apply: 3 writes made, 1 failed, 2 skipped.');
  });

  it('a rule on a listener whose create failed is skipped', async () => {
    const fake = fakeAppliers(['Listener/l']);
    const report = await applyPlan(plan([listenerChange('l', 'create'), ruleChange('r', 'create', { priority: 5 })]), fakeContext(), {
      appliers: fake.appliers,
    });
    expect(fake.calls).toEqual(['listener:Listener/l']);
    expect(report.outcomes.find((o) => o.id === 'ListenerRule/r')?.reason).toContain('depends on Listener/l');
  });

  it('never writes policy observe changes, and skips what needs an observe-only create', async () => {
    const fake = fakeAppliers();
    const tg = { ...tgChange('tg', 'create'), policy: 'observe' as const };
    const svc = { ...serviceChange('svc', 'update'), policy: 'observe' as const };
    const report = await applyPlan(plan([tg, svc, ruleChange('r', 'create', { tg: 'tg' })]), fakeContext(), { appliers: fake.appliers });
    expect(fake.calls).toEqual([]);
    expect(report.outcomes.map((o) => [o.id, o.status])).toEqual([
      ['TargetGroup/tg', 'skipped'],
      ['Service/svc', 'skipped'],
      ['ListenerRule/r', 'skipped'],
    ]);
    expect(report.outcomes[2]?.reason).toContain('policy observe');
  });

  it('dry run calls no applier at all', async () => {
    const fake = fakeAppliers();
    const report = await applyPlan(plan([tgChange('a', 'create'), tgChange('b', 'delete', 'arn:b')]), fakeContext(), {
      dryRun: true,
      prune: true,
      appliers: fake.appliers,
    });
    expect(fake.calls).toEqual([]);
    expect(report.writes).toEqual([]);
    expect(formatApplySummary(report)).toBe('Dry run: 2 changes would be applied; nothing was written.');
  });

  it('does not write a change the planner reported a conflict for', async () => {
    const fake = fakeAppliers();
    const conflict = { id: 'ListenerRule/r', message: 'priority 100 is held by rule arn:x (not managed by ecs-reconciler)' };
    const report = await applyPlan(plan([ruleChange('r', 'create')], [conflict, { id: 'Listener/gone', message: 'no such load balancer' }]), fakeContext(), {
      appliers: fake.appliers,
    });
    expect(fake.calls).toEqual([]);
    expect(report.outcomes[0]).toMatchObject({ status: 'failed', reason: conflict.message });
    expect(report.conflicts).toEqual([{ id: 'Listener/gone', message: 'no such load balancer' }]);
    expect(report.ok).toBe(false);
  });
});

describe('applyPlan prune guard', () => {
  const deletes = (n: number): Change[] => Array.from({ length: n }, (_, i) => tgChange(`gone-${i}`, 'delete', `arn:gone-${i}`));

  it.each([
    { name: 'prune off', opts: { prune: false }, count: 3, n: 2, why: 'pruning is off' },
    { name: 'empty desired state', opts: { prune: true }, count: 0, n: 2, why: 'the desired state is empty' },
    { name: 'more than max deletes', opts: { prune: true, maxDeletes: 5 }, count: 3, n: 6, why: 'would delete 6 resources, more than --max-deletes 5' },
  ])('refuses every delete: $name', async ({ opts, count, n, why }) => {
    const fake = fakeAppliers();
    const report = await applyPlan(plan(deletes(n)), fakeContext(), { ...opts, desiredResourceCount: count, appliers: fake.appliers });
    expect(fake.calls).toEqual([]);
    expect(report.outcomes.every((o) => o.status === 'skipped' && o.reason?.includes(why))).toBe(true);
    expect(report.prune.refused).toContain(why);
  });

  it('deletes within the limit when pruning is on', async () => {
    const fake = fakeAppliers();
    const report = await applyPlan(plan(deletes(5)), fakeContext(), { prune: true, desiredResourceCount: 4, appliers: fake.appliers });
    expect(fake.calls).toHaveLength(5);
    expect(report.ok).toBe(true);
  });

  it('deletes the leftover of an unfinished replace without --prune (same id as the live group)', async () => {
    const fake = fakeAppliers();
    const leftover = { ...tgChange('tg', 'delete', 'arn:tg/old'), cause: 'rollout' as const };
    const report = await applyPlan(plan([tgChange('tg', 'update', 'arn:tg/new'), leftover]), fakeContext(), { appliers: fake.appliers });
    expect(fake.calls).toEqual(['tg:TargetGroup/tg', 'deleteTG:TargetGroup/tg']);
    expect(report.outcomes.map((o) => [o.id, o.action, o.status, o.writes])).toEqual([
      ['TargetGroup/tg', 'update', 'applied', 1],
      ['TargetGroup/tg', 'delete', 'applied', 1],
    ]);
    expect(report.prune.deletions).toBe(0);
  });

  it('keeps a target group that something still forwards to', async () => {
    const live: LiveState = {
      ...emptyLive(),
      rules: [
        {
          arn: 'arn:rule/hand',
          listenerArn: 'arn:l',
          priority: 7,
          conditions: { pathPatterns: ['/h'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
          action: { type: 'forward', targetGroupArn: 'arn:tg/old' },
          tags: {},
        },
      ],
    };
    const fake = fakeAppliers();
    const report = await applyPlan(plan([tgChange('old', 'delete', 'arn:tg/old')]), fakeContext(live), {
      prune: true,
      desiredResourceCount: 1,
      appliers: fake.appliers,
    });
    expect(fake.calls).toEqual([]);
    expect(report.outcomes[0]?.reason).toContain('still in use by rule arn:rule/hand (not managed by ecs-reconciler)');
  });
});

describe('applyPlan when the clients\' gate is drained (shutdown)', () => {
  it('lets the step under way finish, starts no other, reports them skipped, and is not ok', async () => {
    const fake = fakeAppliers();
    const gate = new RequestGate();
    const ctx = fakeContext();
    ctx.clients = { gate } as unknown as AwsClients;
    const tgApply = fake.appliers.TargetGroup.apply;
    // SIGTERM arrives while the first target group is being written
    fake.appliers.TargetGroup.apply = async (c, x) => {
      gate.drain('SIGTERM');
      await tgApply(c, x);
    };
    const changes = [tgChange('a', 'create'), tgChange('b', 'create'), listenerChange('l', 'create'), serviceChange('svc', 'create', [])];
    const report = await applyPlan(plan(changes), ctx, { appliers: fake.appliers, concurrency: 1 });
    expect(fake.calls).toEqual(['tg:TargetGroup/a']);
    expect(report.outcomes.map((o) => `${o.id} ${o.status}${o.reason ? `: ${o.reason}` : ''}`)).toEqual([
      'TargetGroup/a applied',
      'TargetGroup/b skipped: shutting down: not started (SIGTERM)',
      'Listener/l skipped: shutting down: not started (SIGTERM)',
      'Service/svc skipped: shutting down: not started (SIGTERM)',
    ]);
    expect(report.ok).toBe(false);
  });
});
