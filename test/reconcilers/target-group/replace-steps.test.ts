// applyPlan's target-group replace with fake appliers: the new group first, users moved onto
// it, the old group deleted when ours and unused, left in place (with a note) when not ours. No AWS.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../../src/controller/apply.js';
import { formatApplyDetails } from '../../../src/controller/apply-report.js';
import type { Change, LiveState, Plan } from '../../../src/reconcilers/types.js';
import { TAG_OWNER, TAG_RESOURCE } from '../../../src/reconcilers/types.js';
import { emptyLive, fakeAppliers, fakeContext, liveTargetGroup, OWNER, ruleChange, tgChange } from '../fixtures.js';

const plan = (changes: Change[], conflicts: Plan['conflicts'] = []): Plan => ({ changes, conflicts });

describe('applyPlan target group replace', () => {
  it('creates the new group, moves our unchanged rule onto it, then deletes the old group', async () => {
    const live: LiveState = {
      ...emptyLive(),
      rules: [
        {
          arn: 'arn:rule/r',
          listenerArn: 'arn:l',
          priority: 10,
          conditions: { pathPatterns: ['/x'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
          action: { type: 'forward', targetGroupArn: 'arn:tg/old' },
          tags: { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: 'ListenerRule/r' },
        },
      ],
    };
    const fake = fakeAppliers();
    const replace = { ...tgChange('tg', 'replace', 'arn:tg/old'), live: liveTargetGroup('tg', 'arn:tg/old') };
    const report = await applyPlan(plan([replace, ruleChange('r', 'noop', { liveArn: 'arn:rule/r' })]), fakeContext(live), {
      appliers: fake.appliers,
    });
    expect(fake.calls).toEqual(['tg:TargetGroup/tg', 'moveRule:arn:rule/r', 'deleteTG:TargetGroup/tg']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'TargetGroup/tg', status: 'applied', writes: 3 })]);
    expect(report.outcomes[0]?.notes).toBeUndefined();
  });

  const handRule = {
    arn: 'arn:rule/hand',
    listenerArn: 'arn:l',
    priority: 7,
    conditions: { pathPatterns: ['/h'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
    action: { type: 'forward' as const, targetGroupArn: 'arn:tg/old' },
    tags: {},
  };
  it.each([
    ['nothing else uses it', [], 'Nothing forwards to the old group any more'],
    ['a rule not ours still forwards to it', [handRule], 'still used by rule arn:rule/hand (not managed by ecs-reconciler)'],
  ])('never deletes an old group without our owner tag (%s): moved off, left in place, noted', async (_label, extra, says) => {
    const live: LiveState = {
      ...emptyLive(),
      rules: [
        {
          ...handRule,
          arn: 'arn:rule/r',
          priority: 10,
          tags: { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: 'ListenerRule/r' },
        },
        ...extra,
      ],
    };
    const fake = fakeAppliers();
    const replace = { ...tgChange('tg', 'replace', 'arn:tg/old'), cause: 'adopt' as const, live: liveTargetGroup('tg', 'arn:tg/old', { team: 'a' }) };
    const report = await applyPlan(plan([replace, ruleChange('r', 'noop', { liveArn: 'arn:rule/r' })]), fakeContext(live), {
      appliers: fake.appliers,
    });
    expect(fake.calls).toEqual(['tg:TargetGroup/tg', 'moveRule:arn:rule/r']);
    expect(report.ok).toBe(true);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'TargetGroup/tg', status: 'applied', writes: 2 })]);
    const notes = report.outcomes[0]?.notes ?? [];
    expect(notes).toHaveLength(1);
    expect(notes[0]).toContain('left target group tg (arn:tg/old) in place');
    expect(notes[0]).toContain(says);
    expect(formatApplyDetails(report)).toEqual([`  note     TargetGroup/tg: ${notes[0]}`]);
  });

  it('keeps the old group when a move fails', async () => {
    const live: LiveState = {
      ...emptyLive(),
      services: [
        {
          arn: 'arn:svc/s',
          name: 's',
          clusterArn: 'arn:c',
          clusterName: 'c',
          status: 'ACTIVE',
          launchType: 'EC2',
          desiredCount: 1,
          deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
          taskDefinition: { arn: 'arn:td', family: 's', revision: 1, spec: { family: 's', networkMode: 'bridge', requiresCompatibilities: ['EC2'], containers: [] }, tags: {} },
          loadBalancers: [{ targetGroupArn: 'arn:tg/old', containerName: 'web', containerPort: 80 }],
          tags: { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: 'Service/s' },
        },
      ],
    };
    const fake = fakeAppliers(['arn:svc/s']);
    const replace = { ...tgChange('tg', 'replace', 'arn:tg/old'), live: liveTargetGroup('tg', 'arn:tg/old') };
    const report = await applyPlan(plan([replace]), fakeContext(live), { appliers: fake.appliers });
    expect(fake.calls).toEqual(['tg:TargetGroup/tg', 'moveService:arn:svc/s']);
    expect(report.outcomes[0]).toMatchObject({ status: 'failed', reason: 'injected failure for arn:svc/s' });
  });
});
