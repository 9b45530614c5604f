// The prune guard decides, all or nothing, whether the deletions of a plan may run.
import { describe, expect, it } from 'vitest';
import { checkPruneGuard, DEFAULT_MAX_DELETES } from '../../src/controller/prune-guard.js';

describe('checkPruneGuard', () => {
  it.each([
    { case: 'prune not asked', input: { prune: false, desiredLoaded: true, desiredResourceCount: 4, deletions: 1 }, code: 'prune-off' },
    { case: 'desired state failed to load', input: { prune: true, desiredLoaded: false, desiredResourceCount: 4, deletions: 1 }, code: 'desired-invalid' },
    { case: 'desired state empty', input: { prune: true, desiredLoaded: true, desiredResourceCount: 0, deletions: 1 }, code: 'desired-empty' },
    { case: 'invalid beats empty', input: { prune: true, desiredLoaded: false, desiredResourceCount: 0, deletions: 9 }, code: 'desired-invalid' },
    { case: 'one over the default limit', input: { prune: true, desiredLoaded: true, desiredResourceCount: 4, deletions: 6 }, code: 'too-many-deletes' },
    { case: 'over an explicit limit', input: { prune: true, desiredLoaded: true, desiredResourceCount: 4, deletions: 3, maxDeletes: 2 }, code: 'too-many-deletes' },
  ])('refuses: $case', ({ input, code }) => {
    const decision = checkPruneGuard(input);
    expect(decision.allowed).toBe(false);
    if (!decision.allowed) expect(decision.code).toBe(code);
  });

  it.each([
    { case: 'at the default limit', input: { prune: true, desiredLoaded: true, desiredResourceCount: 1, deletions: DEFAULT_MAX_DELETES } },
    { case: 'nothing to delete', input: { prune: true, desiredLoaded: true, desiredResourceCount: 3, deletions: 0 } },
    { case: 'raised limit', input: { prune: true, desiredLoaded: true, desiredResourceCount: 3, deletions: 40, maxDeletes: 40 } },
  ])('allows: $case', ({ input }) => {
    expect(checkPruneGuard(input)).toEqual({ allowed: true });
  });

  it('says why and what to do', () => {
    const d = checkPruneGuard({ prune: true, desiredLoaded: true, desiredResourceCount: 2, deletions: 7, maxDeletes: 5 });
    expect(d).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/would delete 7 resources, more than --max-deletes 5; .*raise --max-deletes to 7/),
    });
    const empty = checkPruneGuard({ prune: true, desiredLoaded: true, desiredResourceCount: 0, deletions: 1 });
    expect(empty).toMatchObject({ reason: expect.stringContaining('desired state is empty (0 resources)') });
  });
});
