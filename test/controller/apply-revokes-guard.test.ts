// Issue 11 item 7: revokes of ingress rules are deletions. applyPlan (fake appliers) counts each
// revoked rule toward --max-deletes and passes revokes on only when the prune guard allows them;
// otherwise the rest of the change still runs with the revokes held back and the guard's reason.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/controller/apply.js';
import { deletionsIn } from '../../src/controller/prune-guard.js';
import type { ChangeOf, LiveIngressRule, Plan } from '../../src/reconcilers/types.js';
import { fakeAppliers, fakeContext, sgChange, tgChange } from '../reconcilers/fixtures.js';

const liveRule = (n: number): LiveIngressRule => ({
  ruleId: `sgr-${n}`,
  groupId: 'sg-1',
  protocol: 'tcp',
  fromPort: 1000 + n,
  toPort: 1000 + n,
  source: { type: 'cidr', value: '10.0.0.0/8' },
  tags: {},
});

/** an update authorizing one rule and revoking `n` */
function sgUpdate(n: number): ChangeOf<'SecurityGroupIngress'> {
  return {
    ...sgChange('app-ingress', 'update'),
    authorize: [{ protocol: 'tcp', fromPort: 443, toPort: 443, source: { type: 'cidr', value: '10.1.0.0/16' } }],
    revoke: Array.from({ length: n }, (_, i) => liveRule(i + 1)),
  };
}

async function run(changes: Plan['changes'], opts: { prune?: boolean; maxDeletes?: number }) {
  const fake = fakeAppliers();
  const seen: ChangeOf<'SecurityGroupIngress'>[] = [];
  const appliers = { ...fake.appliers, SecurityGroupIngress: { apply: async (c: ChangeOf<'SecurityGroupIngress'>) => void seen.push(c) } };
  const report = await applyPlan({ changes, conflicts: [] }, fakeContext(), { desiredResourceCount: 1, appliers, ...opts });
  return { report, seen, calls: fake.calls };
}

describe('ingress revokes under the prune guard', () => {
  it('counts each revoked rule as one deletion', () => {
    expect(deletionsIn(sgUpdate(3))).toBe(3);
    expect(deletionsIn(sgUpdate(0))).toBe(0);
    expect(deletionsIn({ ...sgChange('gone', 'delete'), revoke: [liveRule(1), liveRule(2)] })).toBe(2);
  });

  it('without --prune: the authorize runs, the revokes are held back with the guard reason', async () => {
    const { report, seen } = await run([sgUpdate(3)], { prune: false });
    expect(seen).toHaveLength(1);
    expect(seen[0]!.authorize).toHaveLength(1);
    expect(seen[0]!.revoke).toEqual([]);
    expect(seen[0]!.heldRevokes).toEqual({ rules: sgUpdate(3).revoke, reason: expect.stringContaining('pruning is off') });
    expect(report.prune).toMatchObject({ requested: false, deletions: 3, refused: expect.stringContaining('pass --prune') });
  });

  it('--prune --max-deletes 0 (exclusive with rules: []): nothing is revoked, the apply is refused', async () => {
    const { report, seen } = await run([sgUpdate(3)], { prune: true, maxDeletes: 0 });
    expect(seen[0]!.revoke).toEqual([]);
    expect(seen[0]!.heldRevokes?.reason).toContain('would delete 3 resources, more than --max-deletes 0');
    expect(report.ok).toBe(false);
  });

  it('revokes count with the other deletions toward one limit', async () => {
    const { report, seen, calls } = await run([sgUpdate(2), tgChange('gone', 'delete', 'arn:tg/gone')], { prune: true, maxDeletes: 2 });
    expect(report.prune.deletions).toBe(3);
    expect(calls).toEqual([]);
    expect(seen[0]!.revoke).toEqual([]);
  });

  it('with --prune within the limit the revokes are passed on', async () => {
    const { report, seen } = await run([sgUpdate(3)], { prune: true, maxDeletes: 3 });
    expect(seen[0]!.revoke.map((r) => r.ruleId)).toEqual(['sgr-1', 'sgr-2', 'sgr-3']);
    expect(seen[0]!.heldRevokes).toBeUndefined();
    expect(report.ok).toBe(true);
  });

  it('an ingress document that left the files is skipped whole when the guard refuses', async () => {
    const gone = { ...sgChange('gone', 'delete'), revoke: [liveRule(1)] };
    const { report, seen } = await run([gone], { prune: false });
    expect(seen).toEqual([]);
    expect(report.outcomes).toEqual([expect.objectContaining({ status: 'skipped', reason: expect.stringContaining('pruning is off') })]);
  });
});
