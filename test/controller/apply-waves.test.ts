// applyWaves (issue 16, item 5): a cycle's plan comes in waves, the kinds whose reads are done
// first, so ELBv2's writes run while ECS's task definitions are still being read. Each wave's
// steps join the schedule as it comes; the orders that held in one plan still hold across waves.
// Fake appliers, no AWS.
import { describe, expect, it } from 'vitest';
import { applyPlan, applyWaves, type PlanWave } from '../../src/controller/apply.js';
import type { Change, Plan } from '../../src/reconcilers/types.js';
import type { Kind } from '../../src/spec/types.js';
import { fakeAppliers, fakeContext, ruleChange, serviceChange, tgChange } from '../reconcilers/fixtures.js';

const plan = (changes: Change[]): Plan => ({ changes, conflicts: [] });
const wave = (kinds: Kind[], changes: Change[], final = false): PlanWave => ({ kinds, plan: plan(changes), final });
const turns = async (n = 20): Promise<void> => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

function gate(): { open: () => void; wait: Promise<void> } {
  let open = (): void => undefined;
  const wait = new Promise<void>((r) => {
    open = r;
  });
  return { open, wait };
}

describe('applyWaves: writes start with the first wave', () => {
  it('runs the first wave before the final one is planned; a final-wave service still waits for the ELBv2 writes on its group', async () => {
    const fake = fakeAppliers();
    const tgHeld = gate();
    const tgApply = fake.appliers.TargetGroup.apply;
    fake.appliers.TargetGroup.apply = async (c, x) => {
      if (c.name === 'a') await tgHeld.wait;
      return tgApply(c, x);
    };
    const finalPlanned = gate();
    async function* waves(): AsyncGenerator<PlanWave> {
      yield wave(['TargetGroup'], [tgChange('a', 'update'), tgChange('b', 'update')]);
      yield wave(['ListenerRule'], [ruleChange('r', 'update', { tg: 'a' })]);
      await finalPlanned.wait;
      yield wave(['Service'], [serviceChange('svc-a', 'update', ['a']), serviceChange('svc-free', 'update')], true);
    }
    const applying = applyWaves(waves(), () => fakeContext(), { appliers: fake.appliers });
    await turns();
    // the final wave is not in yet: the first wave's writes already ran (b) or run (a)
    expect(fake.calls).toContain('tg:TargetGroup/b');
    finalPlanned.open();
    await turns();
    // the service naming no target group starts at once; the one on `a` waits for a's group and rule
    expect(fake.calls).toContain('service:Service/svc-free');
    expect(fake.calls.some((c) => c.includes('Service/svc-a'))).toBe(false);
    tgHeld.open();
    const report = await applying;
    expect(report.ok).toBe(true);
    expect(report.outcomes.map((o) => [o.id, o.status])).toEqual([
      ['TargetGroup/a', 'applied'],
      ['TargetGroup/b', 'applied'],
      ['ListenerRule/r', 'applied'],
      ['Service/svc-a', 'applied'],
      ['Service/svc-free', 'applied'],
    ]);
    const at = (call: string): number => fake.calls.findIndex((c) => c.includes(call));
    expect(at('ListenerRule/r')).toBeGreaterThan(at('TargetGroup/a'));
    expect(at('Service/svc-a')).toBeGreaterThan(at('ListenerRule/r'));
  });

  it('the same changes in waves or in one plan: the same writes and outcomes', async () => {
    const changes = [tgChange('a', 'create'), ruleChange('r', 'update', { tg: 'a' }), serviceChange('svc-a', 'create', ['a'])];
    const one = fakeAppliers();
    const whole = await applyPlan(plan(changes), fakeContext(), { appliers: one.appliers });
    const split = fakeAppliers();
    async function* waves(): AsyncGenerator<PlanWave> {
      yield wave(['TargetGroup'], changes.slice(0, 1));
      yield wave(['ListenerRule'], changes.slice(1, 2));
      yield wave(['Service'], changes.slice(2), true);
    }
    const inWaves = await applyWaves(waves(), () => fakeContext(), { appliers: split.appliers });
    expect(inWaves.outcomes).toEqual(whole.outcomes);
    expect([...split.calls].sort()).toEqual([...one.calls].sort());
    expect(inWaves.ok).toBe(true);
  });

  it('a wave that throws (observe failed) lets the writes under way finish, starts no other, and is rethrown', async () => {
    const fake = fakeAppliers();
    const tgHeld = gate();
    const tgApply = fake.appliers.TargetGroup.apply;
    fake.appliers.TargetGroup.apply = async (c, x) => {
      await tgHeld.wait;
      return tgApply(c, x);
    };
    const failed = gate();
    async function* waves(): AsyncGenerator<PlanWave> {
      yield wave(['TargetGroup'], [tgChange('a', 'update')]);
      await failed.wait;
      throw new Error('DescribeTaskDefinition failed');
    }
    const applying = applyWaves(waves(), () => fakeContext(), { appliers: fake.appliers });
    const outcome = applying.then(
      () => 'resolved',
      (e: unknown) => (e instanceof Error ? e.message : String(e)),
    );
    await turns();
    failed.open();
    await turns();
    let settled = false;
    void outcome.then(() => {
      settled = true;
    });
    await turns();
    // the target group's write is still under way: the apply waits for it
    expect(settled).toBe(false);
    tgHeld.open();
    expect(await outcome).toBe('DescribeTaskDefinition failed');
    expect(fake.calls).toEqual(['tg:TargetGroup/a']);
  });
});
