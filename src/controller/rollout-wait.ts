// apply's wait (like ecspresso's deploy): after the writes, follow the rollouts they started until
// each completes, fails or is rolled back, or --wait-timeout passes. Only the resources this
// apply changed are read again (each kind's own batched read), every `pollMs`. Kind-agnostic.
import { pollRollouts, rolloutStatusOf } from '../reconcilers/registry.js';
import type { Plan } from '../reconcilers/types.js';
import type { ApplyReport } from './apply-report.js';
import type { AwsClients } from '../aws/clients.js';

export const DEFAULT_WAIT_TIMEOUT_MS = 10 * 60_000;
export const DEFAULT_WAIT_POLL_MS = 3_000;

export type WaitOutcomeState = 'completed' | 'rollout-failed' | 'rolled-back' | 'timeout' | 'not-followed' | 'interrupted';

export interface WaitOutcome {
  id: string;
  state: WaitOutcomeState;
  detail: string;
}

export interface WaitOptions {
  timeoutMs: number;
  pollMs?: number;
  /** one progress line per rollout whenever what AWS reports changes */
  progress: (line: string) => void;
  /** stops the wait (Ctrl-C) */
  signal?: AbortSignal;
  now?: () => number;
}

export interface WaitResult {
  ok: boolean;
  outcomes: WaitOutcome[];
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => { clearTimeout(timer); resolve(); }, { once: true });
  });

export async function waitForRollouts(plan: Plan, report: ApplyReport, clients: AwsClients, options: WaitOptions): Promise<WaitResult> {
  const now = options.now ?? Date.now;
  const applied = new Set(report.outcomes.filter((o) => o.status === 'applied').map((o) => o.id));
  let pending = plan.changes.filter((c) => applied.has(c.id) && rolloutStatusOf(c, true)?.state === 'rolling-out');
  const outcomes: WaitOutcome[] = [];
  const started = now();
  const deadline = started + options.timeoutMs;
  const lastDetail = new Map<string, string>();
  while (pending.length > 0) {
    if (options.signal?.aborted === true) {
      outcomes.push(...pending.map((c) => ({ id: c.id, state: 'interrupted' as const, detail: 'the wait was interrupted; the rollout goes on in ECS' })));
      break;
    }
    const statuses = await pollRollouts(pending, clients);
    const elapsed = Math.round((now() - started) / 1000);
    const still: typeof pending = [];
    for (const c of pending) {
      const s = statuses.get(c.id);
      if (s === undefined) outcomes.push({ id: c.id, state: 'not-followed', detail: 'no deployment of this write is reported: not followed' });
      else if (s.state === 'in-sync') outcomes.push({ id: c.id, state: 'completed', detail: `${s.detail} in ${elapsed} s` });
      else if (s.state === 'rollout-failed' || s.state === 'rolled-back') {
        outcomes.push({ id: c.id, state: s.state, detail: [s.detail, ...(s.stoppedReason === undefined ? [] : [`first failing task: ${s.stoppedReason}`])].join('; ') });
      } else {
        still.push(c);
        if (lastDetail.get(c.id) !== s.detail) options.progress(`  ${c.id}: ${s.detail} (${elapsed} s)`);
        lastDetail.set(c.id, s.detail);
      }
    }
    pending = still;
    if (pending.length === 0) break;
    if (now() >= deadline) {
      outcomes.push(...pending.map((c) => ({ id: c.id, state: 'timeout' as const, detail: `still rolling out after ${Math.round(options.timeoutMs / 1000)} s (--wait-timeout); the rollout goes on in ECS` })));
      break;
    }
    // the last read comes at the deadline, not a poll interval before it
    await sleep(Math.min(options.pollMs ?? DEFAULT_WAIT_POLL_MS, deadline - now()), options.signal);
  }
  return { ok: outcomes.every((o) => o.state === 'completed' || o.state === 'not-followed'), outcomes };
}
