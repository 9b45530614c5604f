// Priority changes of the rules of one listener. AWS applies one SetRulePriorities call with every
// change atomically (swaps included). An endpoint that rejects a swap (moto: PriorityInUse) gets
// the fallback: rounds of moves into free priorities, parking one rule of a cycle at a free
// priority first. No rule is ever deleted to make room, so the listener never has fewer rules.
import { DescribeRulesCommand, SetRulePrioritiesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { errorCode } from '../../aws/errors.js';
import type { ApplyContext } from '../shared/apply-context.js';
import { performWrite } from '../shared/apply-write.js';

export const MAX_RULE_PRIORITY = 50000;

export interface PriorityMove {
  ruleArn: string;
  /** the ListenerRule change the move belongs to */
  changeId: string;
  name: string;
  to: number;
}

/** One SetRulePriorities call: rule ARN -> new priority. */
export type PriorityRound = { ruleArn: string; priority: number }[];

export type PriorityPlan = { ok: true; rounds: PriorityRound[] } | { ok: false; message: string };

export interface PriorityPlanInput {
  /** every rule of the listener now (default rule excluded): ARN -> priority */
  current: Map<string, number>;
  /** the moves wanted: ARN -> new priority */
  targets: Map<string, number>;
  /** priorities that must be free at the end (new rules will be created there) */
  reserved?: number[];
  /** rules that may be parked elsewhere (ours, deleted later in this apply) */
  parkable?: Set<string>;
  /** rule ARN -> name for messages */
  labels?: Map<string, string>;
}

function freePriority(taken: Set<number>, avoid: Set<number>): number | undefined {
  const max = Math.max(0, ...taken, ...avoid);
  if (max < MAX_RULE_PRIORITY) return max + 1;
  for (let p = MAX_RULE_PRIORITY; p >= 1; p -= 1) if (!taken.has(p) && !avoid.has(p)) return p;
  return undefined;
}

/**
 * Rounds of moves, each valid on an endpoint that refuses a target priority that is in use when
 * the call starts. Pure.
 */
export function planPriorityMoves(input: PriorityPlanInput): PriorityPlan {
  const pos = new Map(input.current);
  const label = (arn: string): string => input.labels?.get(arn) ?? `rule ${arn}`;
  const pending = new Map([...input.targets].filter(([arn, to]) => pos.get(arn) !== to));
  const parkable = new Set([...(input.parkable ?? [])].filter((arn) => !input.targets.has(arn)));
  const holderOf = (priority: number): string | undefined => [...pos].find(([, p]) => p === priority)?.[0];
  const wantedFree = new Set<number>([...pending.values(), ...(input.reserved ?? [])]);
  const avoid = new Set<number>([...input.targets.values(), ...(input.reserved ?? [])]);
  const rounds: PriorityRound[] = [];

  // a priority we need held by a rule that will not move: park it if ours and going away, else conflict
  for (const priority of wantedFree) {
    const holder = holderOf(priority);
    if (holder === undefined || pending.has(holder)) continue;
    if (!parkable.has(holder)) {
      const who = [...pending].find(([, to]) => to === priority)?.[0];
      const wanting = who !== undefined ? label(who) : `a new rule`;
      return {
        ok: false,
        message: `priority ${priority} is held by ${label(holder)}, which is not moving; ${wanting} cannot take it: change one of the two priorities`,
      };
    }
    const spot = freePriority(new Set(pos.values()), avoid);
    if (spot === undefined) return { ok: false, message: `no free rule priority left on the listener to park ${label(holder)}` };
    rounds.push([{ ruleArn: holder, priority: spot }]);
    pos.set(holder, spot);
  }

  while (pending.size > 0) {
    const taken = new Set(pos.values());
    const round: PriorityRound = [];
    const claimed = new Set<number>();
    for (const [arn, to] of pending) {
      if (!taken.has(to) && !claimed.has(to)) {
        round.push({ ruleArn: arn, priority: to });
        claimed.add(to);
      }
    }
    if (round.length === 0) {
      // every pending target is held by another pending rule: a cycle; park one rule of it
      const [arn] = pending.keys();
      if (arn === undefined) break;
      const spot = freePriority(taken, avoid);
      if (spot === undefined) return { ok: false, message: `no free rule priority left on the listener to swap ${label(arn)}` };
      round.push({ ruleArn: arn, priority: spot });
    }
    for (const move of round) {
      pos.set(move.ruleArn, move.priority);
      if (pending.get(move.ruleArn) === move.priority) pending.delete(move.ruleArn);
    }
    rounds.push(round);
  }
  return { ok: true, rounds };
}

export interface ListenerPriorityWork {
  listenerArn: string;
  moves: PriorityMove[];
  reserved: number[];
  parkable: Set<string>;
  labels: Map<string, string>;
}

/** Thrown when the priorities of one listener cannot be realised; names the rules involved. */
export class PriorityConflictError extends Error {
  override readonly name = 'PriorityConflictError';
}

/**
 * Realise every priority change of one listener: one SetRulePriorities call when the endpoint
 * accepts it, else the fallback rounds. Park moves (rules deleted later) are made only when needed.
 */
export async function applyRulePriorities(work: ListenerPriorityWork, ctx: ApplyContext): Promise<void> {
  const first = work.moves[0];
  const owner = first === undefined ? { id: 'ListenerRule/*', kind: 'ListenerRule' as const, name: '*' } : { id: first.changeId, kind: 'ListenerRule' as const, name: first.name };
  const byArn = new Map(work.moves.map((m) => [m.ruleArn, m]));
  const moving = new Set(work.moves.map((m) => m.ruleArn));
  const needsParking = ctx.live.rules.some(
    (r) => r.listenerArn === work.listenerArn && !moving.has(r.arn) && work.reserved.includes(r.priority),
  );
  if (work.moves.length > 0 && !needsParking) {
    try {
      const all = work.moves.map((m) => ({ ruleArn: m.ruleArn, priority: m.to }));
      await sendRound(ctx, owner, all, byArn, work.listenerArn, isPriorityRejection);
      return;
    } catch (err) {
      if (!isPriorityRejection(err)) throw err;
      ctx.log.info({ kind: 'ListenerRule', listener: work.listenerArn }, 'the endpoint refused the priority changes in one call: moving rules through free priorities');
    }
  }
  const current = await currentPriorities(ctx, work.listenerArn);
  const plan = planPriorityMoves({
    current,
    targets: new Map(work.moves.map((m) => [m.ruleArn, m.to])),
    reserved: work.reserved,
    parkable: work.parkable,
    labels: work.labels,
  });
  if (!plan.ok) throw new PriorityConflictError(plan.message);
  for (const round of plan.rounds) await sendRound(ctx, owner, round, byArn, work.listenerArn);
}

function isPriorityRejection(err: unknown): boolean {
  return ['PriorityInUse', 'PriorityInUseException'].includes(errorCode(err));
}

async function currentPriorities(ctx: ApplyContext, listenerArn: string): Promise<Map<string, number>> {
  const out = await ctx.clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn }));
  const current = new Map<string, number>();
  for (const r of out.Rules ?? []) {
    if (r.IsDefault === true || r.RuleArn === undefined || r.Priority === undefined || r.Priority === 'default') continue;
    current.set(r.RuleArn, Number(r.Priority));
  }
  return current;
}

async function sendRound(
  ctx: ApplyContext,
  owner: { id: string; kind: 'ListenerRule'; name: string },
  round: PriorityRound,
  byArn: Map<string, PriorityMove>,
  listenerArn: string,
  expectedFailure?: (err: unknown) => boolean,
): Promise<void> {
  const names = round.map((m) => `${byArn.get(m.ruleArn)?.name ?? m.ruleArn} -> ${m.priority}`).join(', ');
  const single = round.length === 1 ? byArn.get(round[0]?.ruleArn ?? '') : undefined;
  await performWrite(ctx, {
    change: single === undefined ? owner : { id: single.changeId, kind: 'ListenerRule', name: single.name },
    verb: 'update',
    subject: `rule priorities on listener ${listenerArn.split('/').slice(-3).join('/')}`,
    detail: `(${names})`,
    service: 'elbv2',
    operation: 'SetRulePriorities',
    target: listenerArn,
    ...(expectedFailure === undefined ? {} : { expectedFailure }),
    send: () =>
      ctx.clients.elbv2.send(
        new SetRulePrioritiesCommand({ RulePriorities: round.map((m) => ({ RuleArn: m.ruleArn, Priority: m.priority })) }),
      ),
  });
}
