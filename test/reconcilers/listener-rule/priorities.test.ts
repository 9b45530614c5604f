// Planning priority moves for an endpoint that refuses a priority in use (moto): rounds of moves
// through free priorities, cycles parked first, foreign holders reported (pure); and the one call
// an endpoint that accepts swaps (AWS) gets.
import { describe, expect, it } from 'vitest';
import type { AwsClients } from '../../../src/aws/clients.js';
import type { WriteRecord } from '../../../src/reconcilers/shared/apply-context.js';
import { applyRulePriorities, planPriorityMoves, type PriorityRound } from '../../../src/reconcilers/listener-rule/priorities.js';
import { emptyLive, fakeContext } from '../fixtures.js';

/** Apply the rounds to `current`, checking that no round targets a priority held when it starts. */
function simulate(current: Record<string, number>, rounds: PriorityRound[]): Record<string, number> {
  const pos = new Map(Object.entries(current));
  for (const round of rounds) {
    const held = new Set(pos.values());
    for (const m of round) expect(held.has(m.priority), `round targets held priority ${m.priority}`).toBe(false);
    for (const m of round) pos.set(m.ruleArn, m.priority);
    expect(new Set(pos.values()).size, 'two rules share a priority').toBe(pos.size);
  }
  return Object.fromEntries(pos);
}

const m = (o: Record<string, number>) => new Map(Object.entries(o));

describe('planPriorityMoves', () => {
  it.each<{ case: string; current: Record<string, number>; targets: Record<string, number>; rounds: number }>([
    { case: 'move into a free priority', current: { a: 10, b: 20 }, targets: { a: 30 }, rounds: 1 },
    { case: 'swap of two rules', current: { a: 10, b: 20 }, targets: { a: 20, b: 10 }, rounds: 3 },
    { case: 'rotation of three', current: { a: 1, b: 2, c: 3 }, targets: { a: 2, b: 3, c: 1 }, rounds: 4 },
    { case: 'chain (no cycle)', current: { a: 1, b: 2, c: 3 }, targets: { a: 2, b: 3, c: 4 }, rounds: 3 },
    { case: 'independent moves share one round', current: { a: 1, b: 2, x: 9 }, targets: { a: 5, b: 6 }, rounds: 1 },
    { case: 'already there', current: { a: 1 }, targets: { a: 1 }, rounds: 0 },
  ])('$case', ({ current, targets, rounds }) => {
    const plan = planPriorityMoves({ current: m(current), targets: m(targets) });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.rounds).toHaveLength(rounds);
    const end = simulate(current, plan.rounds);
    for (const [arn, p] of Object.entries(targets)) expect(end[arn]).toBe(p);
    expect(Object.keys(end)).toEqual(Object.keys(current)); // no rule lost
  });

  it('parks a rule that is going away when a new rule needs its priority', () => {
    const plan = planPriorityMoves({ current: m({ old: 100, keep: 200 }), targets: new Map(), reserved: [100], parkable: new Set(['old']) });
    expect(plan.ok).toBe(true);
    if (plan.ok) {
      const end = simulate({ old: 100, keep: 200 }, plan.rounds);
      expect(end.old).not.toBe(100);
      expect(end.keep).toBe(200);
    }
  });

  it('names both rules when the priority is held by a rule that is not moving', () => {
    const plan = planPriorityMoves({
      current: m({ ours: 10, hand: 20 }),
      targets: m({ ours: 20 }),
      labels: m({}) as unknown as Map<string, string>,
    });
    expect(plan).toEqual({ ok: false, message: expect.stringContaining('priority 20 is held by rule hand') });
    const labelled = planPriorityMoves({
      current: m({ ours: 10, hand: 20 }),
      targets: m({ ours: 20 }),
      labels: new Map([
        ['ours', 'ListenerRule/users-api'],
        ['hand', 'rule arn:hand (not managed by ecs-reconciler)'],
      ]),
    });
    expect(labelled.ok === false && labelled.message).toBe(
      'priority 20 is held by rule arn:hand (not managed by ecs-reconciler), which is not moving; ListenerRule/users-api cannot take it: change one of the two priorities',
    );
  });

  it('uses a free priority below the maximum when the top is taken', () => {
    const plan = planPriorityMoves({ current: m({ a: 50000, b: 49999 }), targets: m({ a: 49999, b: 50000 }) });
    expect(plan.ok).toBe(true);
    if (plan.ok) simulate({ a: 50000, b: 49999 }, plan.rounds);
  });
});

describe('applyRulePriorities on an endpoint that accepts swaps (AWS)', () => {
  it('sends every priority change of the listener in ONE SetRulePriorities call', async () => {
    const sent: { name: string; input: unknown }[] = [];
    const elbv2 = {
      send: async (command: { constructor: { name: string }; input: unknown }) => {
        sent.push({ name: command.constructor.name, input: command.input });
        return {};
      },
    };
    const records: WriteRecord[] = [];
    const ctx = { ...fakeContext(emptyLive(), records), clients: { elbv2 } as unknown as AwsClients };
    await applyRulePriorities(
      {
        listenerArn: 'arn:listener/l',
        moves: [
          { ruleArn: 'arn:rule/a', changeId: 'ListenerRule/a', name: 'a', to: 20 },
          { ruleArn: 'arn:rule/b', changeId: 'ListenerRule/b', name: 'b', to: 10 },
        ],
        reserved: [],
        parkable: new Set(),
        labels: new Map(),
      },
      ctx,
    );
    expect(sent).toEqual([
      {
        name: 'SetRulePrioritiesCommand',
        input: { RulePriorities: [{ RuleArn: 'arn:rule/a', Priority: 20 }, { RuleArn: 'arn:rule/b', Priority: 10 }] },
      },
    ]);
    expect(records.map((r) => r.operation)).toEqual(['SetRulePriorities']);
  });
});
