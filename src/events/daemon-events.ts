// The daemon's side of --events-queue: the caller identity (asked before the first cycle), the
// author memory the cycle reports read, and the event source, connected once the loop runs.
import type { AwsClients } from '../aws/clients.js';
import type { Logger } from '../log/logger.js';
import type { EventIndex } from '../reconcilers/event-routing.js';
import type { ControllerStatus } from '../server/controller-status.js';
import { AuthorMemory } from './author-memory.js';
import { callerArn } from './caller-identity.js';
import { OwnIdentity } from './event-author.js';
import { startEventSource, type RunningEventSource } from './event-source.js';
import type { TargetedRun } from './targeted-queue.js';
import { targetDispatch, type EventTarget } from './target-dispatch.js';

export interface DaemonEventsConfig {
  intervalMs: number;
  resyncMs: number;
  eventsWaitMs: number;
  awsTimeoutMs: number;
}

interface Wiring {
  clients: AwsClients;
  logger: Logger;
  status: ControllerStatus;
  /** the one implicit target's reconciler, or (--config) the targets the events route to */
  reconciler: { eventIndex(): EventIndex | undefined; runTargeted(ids: readonly string[]): Promise<TargetedRun> } | { eventTargets(): EventTarget[]; owned(): ReadonlySet<string> };
  loop: { between<T>(work: () => Promise<T>): Promise<T>; trigger(reason: string): void };
}

export interface DaemonEvents {
  authors: AuthorMemory;
  intervalMs(): number;
  connect(w: Wiring): Promise<void>;
  stop(): Promise<void>;
}

export async function startEventsFor(config: DaemonEventsConfig, queueUrl: string, logger: Logger): Promise<DaemonEvents> {
  const caller = await callerArn({ timeoutMs: config.awsTimeoutMs });
  if (caller.arn === undefined) {
    logger.warn({ event: 'events.identity-unknown', err: { message: caller.error } }, `STS GetCallerIdentity failed (${caller.error ?? 'no answer'}): the controller's own writes cannot be told from others; their events cause a re-read, never a write`);
  }
  const own = new OwnIdentity(caller.arn);
  const authors = new AuthorMemory(config.resyncMs);
  let running: RunningEventSource | undefined;
  let stopped = false;
  return {
    authors,
    // until the source runs, the interval bounds (no event has flowed yet)
    intervalMs: () => running?.intervalMs() ?? config.intervalMs,
    async connect(w) {
      if (stopped) return;
      const r = w.reconciler;
      const single = 'runTargeted' in r ? r : undefined;
      const dispatch = 'eventTargets' in r ? targetDispatch(r.eventTargets(), () => r.owned(), { arn: caller.arn }) : undefined;
      running = await startEventSource(
        { queueUrl, resyncMs: config.resyncMs, intervalMs: config.intervalMs, waitSeconds: Math.round(config.eventsWaitMs / 1000) },
        {
          clients: w.clients,
          logger: w.logger,
          status: w.status,
          own,
          authors,
          index: () => single?.eventIndex(),
          run: (ids) => (single === undefined ? Promise.reject(new Error('events go to the targets')) : single.runTargeted(ids)),
          ...(dispatch === undefined ? {} : { dispatch }),
          between: (work) => w.loop.between(work),
          intervalChanged: (reason) => w.loop.trigger(reason),
        },
      );
    },
    async stop() {
      stopped = true;
      await running?.stop();
    },
  };
}
