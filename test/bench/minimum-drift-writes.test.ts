// The bench's model of the writes a drift cycle must make (bench/minimum-calls.ts).
import { describe, expect, test } from 'vitest';
import { minimumDriftWrites } from '../../bench/minimum-calls.js';
import { pickDrifts } from '../../bench/scale-drifts.js';
import { buildInventory } from '../../bench/scale-inventory.js';

describe('minimumDriftWrites', () => {
  test('two fields of one resource fixed by one write count once', () => {
    expect(
      minimumDriftWrites([
        { resource: 'ListenerRule/a', writeOperation: 'elbv2:ModifyRule' },
        { resource: 'ListenerRule/a', writeOperation: 'elbv2:ModifyRule' },
        { resource: 'ListenerRule/b', writeOperation: 'elbv2:ModifyRule' },
      ]),
    ).toEqual({ 'elbv2:ModifyRule': 2 });
  });

  test('priority drifts of two rules on one listener are one SetRulePriorities, on two listeners two', () => {
    expect(
      minimumDriftWrites([
        { resource: 'ListenerRule/l1-r03', writeOperation: 'elbv2:SetRulePriorities', writeTarget: 'Listener/l1' },
        { resource: 'ListenerRule/l1-r06', writeOperation: 'elbv2:SetRulePriorities', writeTarget: 'Listener/l1' },
        { resource: 'ListenerRule/l2-r01', writeOperation: 'elbv2:SetRulePriorities', writeTarget: 'Listener/l2' },
        { resource: 'ListenerRule/l1-r03', writeOperation: 'elbv2:ModifyRule' },
      ]),
    ).toEqual({ 'elbv2:SetRulePriorities': 2, 'elbv2:ModifyRule': 1 });
  });

  test('the issue-size drift set (seed 42): 6 priority drifts on 5 listeners expect 5 SetRulePriorities', () => {
    const inv = buildInventory();
    const drifts = pickDrifts(inv, 50, 42);
    const priority = drifts.filter((d) => d.kind === 'rule-priority');
    expect(priority).toHaveLength(6);
    expect(new Set(priority.map((d) => d.writeTarget)).size).toBe(5);
    const expected = minimumDriftWrites(drifts);
    expect(expected['elbv2:SetRulePriorities']).toBe(5);
    expect(Object.values(expected).reduce((a, b) => a + b, 0)).toBe(44);
  });
});
