// When each apply step may start. AWS's request buckets are per service (ECS, ELBv2 and EC2 share
// none), so the phases of different services run side by side and each service's bucket stays
// busy; the phases of one service keep the registry's order, and the delete phases wait for
// everything before them, as the apply always did. Across services only what a step names orders
// it: the steps it needs, and the earlier-phase steps that touch a resource it touches. Every wait
// points to an earlier phase, so the waits can never form a cycle.
//
// Written by hand: a library of promise pools (p-limit, p-queue) bounds concurrency but knows
// nothing of phases or of which step waits for which; this is the small part that does.
import type { Phase } from '../reconcilers/shared/steps.js';

export interface SchedulableStep {
  key: string;
  phase: Phase;
  needs: readonly string[];
  touches?: readonly string[];
}

export interface SchedulePlan {
  /** every phase, in order; a step of a phase not listed never runs */
  phases: readonly Phase[];
  /** the AWS service a phase writes to (its bucket); undefined: ordered after every earlier phase */
  laneOf(phase: Phase): string | undefined;
  /** a delete phase waits for every earlier phase, whatever its service */
  isDelete(phase: Phase): boolean;
  /** steps of one AWS service in flight at once */
  limit: number;
}

interface Entry<S> {
  step: S;
  phase: number;
  lane: string;
  /** steps of earlier phases that must have finished (needs, touches across services) */
  waitsFor: Entry<S>[];
  done: boolean;
}

/** Phases an earlier one must be finished for: same service, either one a delete, or no service. */
function phaseBarriers(plan: SchedulePlan): number[][] {
  return plan.phases.map((p, i) =>
    plan.phases.flatMap((q, j) => {
      if (j >= i) return [];
      const lp = plan.laneOf(p);
      const lq = plan.laneOf(q);
      return plan.isDelete(p) || plan.isDelete(q) || lp === undefined || lq === undefined || lp === lq ? [j] : [];
    }),
  );
}

/**
 * Run `run` for every step, each once what it waits for has finished, in the order given within
 * one service (the caller sorts: phase order, then the phase's own kind's steps first). `run`
 * should settle its own failures; if it throws, no new step starts and the error is rethrown once
 * the steps under way have finished.
 *
 * `more`: further batches of steps, added as they come (a cycle plans the kinds whose reads are
 * done first). A batch may only hold steps of phases after every phase of its AWS service already
 * added, and waits for earlier batches' steps as for its own; the run ends once `more` is done.
 * If `more` throws, no new step starts and its error is rethrown once the steps under way finish.
 */
export async function runScheduled<S extends SchedulableStep>(
  steps: readonly S[],
  plan: SchedulePlan,
  run: (step: S) => Promise<void>,
  more?: AsyncIterable<readonly S[]>,
): Promise<void> {
  const index = new Map(plan.phases.map((p, i) => [p, i]));
  const barriers = phaseBarriers(plan);
  const remaining = plan.phases.map(() => 0);
  const byKey = new Map<string, Entry<S>>();
  const byTouch = new Map<string, Entry<S>[]>();
  const pending: Entry<S>[] = [];
  const add = (batch: readonly S[]): void => {
    const sorted = batch
      .map((step, order) => ({ step, order, phase: index.get(step.phase) }))
      .filter((x): x is { step: S; order: number; phase: number } => x.phase !== undefined)
      .sort((a, b) => a.phase - b.phase || a.order - b.order);
    for (const { step, phase } of sorted) {
      const waitsFor: Entry<S>[] = [];
      for (const need of step.needs) {
        const e = byKey.get(need);
        // a need in the same or a later phase is not waited for (the step sees it as not done)
        if (e !== undefined && e.phase < phase) waitsFor.push(e);
      }
      for (const t of step.touches ?? []) for (const e of byTouch.get(t) ?? []) if (e.phase < phase) waitsFor.push(e);
      const entry: Entry<S> = { step, phase, lane: plan.laneOf(step.phase) ?? '', waitsFor, done: false };
      byKey.set(step.key, entry);
      for (const t of step.touches ?? []) {
        const list = byTouch.get(t);
        if (list === undefined) byTouch.set(t, [entry]);
        else list.push(entry);
      }
      remaining[phase] = (remaining[phase] ?? 0) + 1;
      pending.push(entry);
    }
  };
  add(steps);

  const limit = Math.max(1, plan.limit);
  const inFlight = new Map<string, number>();
  let running = 0;
  let failure: { error: unknown } | undefined;
  let feeding = more !== undefined;
  const ready = (e: Entry<S>): boolean => (barriers[e.phase] ?? []).every((q) => remaining[q] === 0) && e.waitsFor.every((w) => w.done);

  await new Promise<void>((resolve, reject) => {
    const pump = (): void => {
      if (failure === undefined) {
        for (let i = 0; i < pending.length; ) {
          const e = pending[i] as Entry<S>;
          if ((inFlight.get(e.lane) ?? 0) < limit && ready(e)) {
            pending.splice(i, 1);
            start(e);
          } else i += 1;
        }
      }
      if (running > 0) return;
      if (failure !== undefined) reject(failure.error);
      else if (feeding) return; // more steps may come
      else if (pending.length === 0) resolve();
      // cannot happen (every wait points to an earlier phase); never hang if it does
      else reject(new Error(`apply: ${pending.length} steps wait for steps that never finish (${pending[0]?.step.key})`));
    };
    const start = (e: Entry<S>): void => {
      running += 1;
      inFlight.set(e.lane, (inFlight.get(e.lane) ?? 0) + 1);
      const finish = (): void => {
        e.done = true;
        remaining[e.phase] = (remaining[e.phase] ?? 1) - 1;
        running -= 1;
        inFlight.set(e.lane, (inFlight.get(e.lane) ?? 1) - 1);
        pump();
      };
      run(e.step).then(finish, (error: unknown) => {
        failure ??= { error };
        finish();
      });
    };
    if (more !== undefined) {
      void (async () => {
        try {
          for await (const batch of more) {
            if (failure !== undefined) break;
            add(batch);
            pump();
          }
        } catch (error) {
          failure ??= { error };
        }
        feeding = false;
        pump();
      })();
    }
    pump();
  });
}
