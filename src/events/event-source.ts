// --events-queue: CloudTrail API-call events (EventBridge -> SQS) reconcile the resources they
// touch within seconds, and name who changed them. Wires the poller, the parser, the event
// index (each kind's `events` hook), the targeted queue and the resync fallback together.
// With events flowing a full cycle runs every --resync; a queue quiet for longer than the
// resync, or failing, falls back to --interval (logged, and said on /readyz and /status).
import { ChangeMessageVisibilityCommand, DeleteMessageCommand, GetQueueAttributesCommand, type Message } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws/clients.js';
import type { Logger } from '../log/logger.js';
import type { EventIndex } from '../reconcilers/event-routing.js';
import type { ApiCallEvent } from '../reconcilers/shared/event-hook.js';
import type { ControllerStatus } from '../server/controller-status.js';
import type { AuthorMemory } from './author-memory.js';
import { parseEventMessage } from './cloudtrail-event.js';
import { describeAuthor, type OwnIdentity } from './event-author.js';
import { SqsPoller } from './sqs-poller.js';
import { TargetedQueue, type TargetedRun } from './targeted-queue.js';

export interface EventSourceOptions {
  queueUrl: string;
  resyncMs: number;
  intervalMs: number;
  /** long-poll wait, seconds (default 20) */
  waitSeconds?: number;
  /** visibility timeout of a received message, seconds (default 300: a cycle timeout) */
  visibilitySeconds?: number;
  /** messages held at most (default 100) */
  maxHeld?: number;
  /** receives failing in a row before the resync falls back (default 3) */
  failuresBeforeFallback?: number;
  /** how often quietness is checked, ms (default 5 s) */
  checkEveryMs?: number;
  now?: () => number;
}

/** Where an event's resources are reconciled: one target's reconciler, identity and author memory. */
export interface EventSink {
  own: OwnIdentity;
  authors: AuthorMemory;
  /** the declared resources' identities (undefined until a revision is in force) */
  index(): EventIndex | undefined;
  run(ids: readonly string[]): Promise<TargetedRun>;
}

/** With targets: the sink an event goes to (by name), or leave it for another replica, or drop it. */
export type EventDispatch =
  | { action: 'reconcile'; target: string; sink: EventSink }
  | { action: 'leave'; target: string; reason: string }
  | { action: 'drop'; reason: string };

export interface EventSourceDeps {
  clients: Pick<AwsClients, 'sqs'>;
  logger: Logger;
  status: Pick<ControllerStatus, 'setEvents'>;
  own: OwnIdentity;
  authors: AuthorMemory;
  /** the declared resources' identities (undefined until a revision is in force) */
  index(): EventIndex | undefined;
  run(ids: readonly string[]): Promise<TargetedRun>;
  between<T>(work: () => Promise<T>): Promise<T>;
  /** with targets (--config): which target's sink an event goes to; absent: the one sink above */
  dispatch?: (event: ApiCallEvent) => EventDispatch;
  /** the resync fell back (or came back): run a full cycle now, on the new interval */
  intervalChanged(reason: string): void;
}

export interface RunningEventSource {
  /** the interval the loop waits between full cycles now */
  intervalMs(): number;
  /** the targeted queue of the one implicit target (with targets: of each target, by name) */
  queue: TargetedQueue;
  queues: ReadonlyMap<string, TargetedQueue>;
  stop(): Promise<void>;
}

export async function startEventSource(opts: EventSourceOptions, deps: EventSourceDeps): Promise<RunningEventSource> {
  const { clients, logger } = deps;
  const now = opts.now ?? Date.now;
  let received = 0;
  let mode: 'events' | 'fallback' = 'events';
  let reason: string | undefined;
  let lastError: string | undefined;

  const sqs = await clients.sqs.get();
  // the queue should send what fails 5 times to a dead-letter queue: say so when it does not
  try {
    const attrs = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: opts.queueUrl, AttributeNames: ['RedrivePolicy'] }));
    const redrive = attrs.Attributes?.RedrivePolicy;
    if (redrive === undefined) logger.warn({ event: 'events.no-dlq', queue: opts.queueUrl }, `${opts.queueUrl} has no redrive policy: an event that keeps failing is retried until it expires (deploy/events-queue.yaml sets maxReceiveCount 5)`);
  } catch (e) {
    lastError = (e as Error).message;
    logger.warn({ event: 'events.queue-failed', queue: opts.queueUrl, err: { message: lastError } }, `cannot read ${opts.queueUrl}: ${lastError}`);
  }

  const remove = async (handle: string): Promise<void> => {
    await sqs.send(new DeleteMessageCommand({ QueueUrl: opts.queueUrl, ReceiptHandle: handle }));
  };
  const queues = new Map<string, TargetedQueue>();
  const queueFor = (target: string, logger: Logger): TargetedQueue => {
    let q = queues.get(target);
    if (q === undefined) {
      // one queue per target: each target's batches run on its own reconciler
      q = new TargetedQueue({
        run: (ids) => (sinks.get(target) ?? single).run(ids),
        between: deps.between,
        remove: async (handle) => {
          await remove(handle);
          poller.released();
        },
        logger,
      });
      queues.set(target, q);
    }
    return q;
  };
  const single: EventSink = { own: deps.own, authors: deps.authors, index: () => deps.index(), run: (ids) => deps.run(ids) };
  /** the sink last seen for each target (a dispatch hands it over with each event) */
  const sinks = new Map<string, EventSink>();
  const held = (): number => [...queues.values()].reduce((n, q) => n + q.held, 0);

  const handle = async (messages: Message[]): Promise<void> => {
    received += messages.length;
    const indexes = new Map<string, EventIndex | undefined>();
    for (const m of messages) {
      const id = m.MessageId ?? '';
      const receipt = m.ReceiptHandle;
      if (receipt === undefined) continue;
      const drop = (): Promise<void> => remove(receipt).catch((e: unknown) => logger.warn({ event: 'events.delete-failed', messageId: id, err: { message: (e as Error).message } }, `cannot delete SQS message ${id}: ${(e as Error).message}`));
      const parsed = parseEventMessage(m.Body);
      if (!parsed.ok) {
        logger.warn({ event: 'events.malformed', messageId: id, reason: parsed.reason }, `ignored SQS message ${id}: ${parsed.reason}`);
        await drop();
        continue;
      }
      const e = parsed.event;
      let target = '';
      let sink = single;
      let log = logger;
      if (deps.dispatch !== undefined) {
        const route = deps.dispatch(e);
        if (route.action === 'drop') {
          logger.debug({ event: 'events.no-target', messageId: id, eventName: e.eventName, account: e.account, region: e.region }, `event ${e.eventName} dropped: ${route.reason}`);
          await drop();
          continue;
        }
        if (route.action === 'leave') {
          // not ours to settle: visible again at once, for the replica that holds the target
          logger.debug({ event: 'events.left', messageId: id, eventName: e.eventName, target: route.target }, `event ${e.eventName} left in the queue: ${route.reason}`);
          await sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: opts.queueUrl, ReceiptHandle: receipt, VisibilityTimeout: 0 })).catch((err: unknown) => {
            logger.warn({ event: 'events.release-failed', messageId: id, err: { message: (err as Error).message } }, `cannot make SQS message ${id} visible again: ${(err as Error).message} (it comes back after its visibility timeout)`);
          });
          continue;
        }
        target = route.target;
        sink = route.sink;
        sinks.set(target, sink);
        log = logger.child({ target });
      }
      if (e.errorCode !== undefined || sink.own.isOwn(e)) {
        // a call AWS refused changed nothing; the controller's own write is not drift
        log.debug({ event: 'events.skipped', messageId: id, eventName: e.eventName, own: e.errorCode === undefined }, `event ${e.eventName} skipped (${e.errorCode ?? 'the controller\'s own write'})`);
        await drop();
        continue;
      }
      if (!indexes.has(target)) indexes.set(target, sink.index());
      const index = indexes.get(target);
      if (index === undefined) continue; // no desired state yet: SQS shows it again later
      const ids = index.touched(e);
      if (ids.length === 0) {
        log.debug({ event: 'events.unmanaged', messageId: id, eventName: e.eventName }, `event ${e.eventName} touches no declared resource`);
        await drop();
        continue;
      }
      const author = describeAuthor(e);
      for (const r of ids) sink.authors.remember(r, author);
      log.info({ event: 'events.received', messageId: id, eventName: e.eventName, resources: ids, author }, `${e.eventName} on ${ids.join(', ')}${target === '' ? '' : ` (target ${target})`}: ${author}; reconciling them now`);
      queueFor(target, log).add(id, receipt, ids);
    }
  };

  const maxFailures = opts.failuresBeforeFallback ?? 3;
  const poller = new SqsPoller({
    sqs,
    queueUrl: opts.queueUrl,
    waitSeconds: opts.waitSeconds ?? 20,
    visibilitySeconds: opts.visibilitySeconds ?? 300,
    maxHeld: opts.maxHeld ?? 100,
    held,
    onMessages: handle,
    onError: (err, consecutive) => {
      lastError = err.message;
      logger.warn({ event: 'events.receive-failed', queue: opts.queueUrl, consecutive, err: { message: err.message } }, `cannot receive from ${opts.queueUrl}: ${err.message}`);
      check();
    },
    now,
  });

  const publish = (): void => {
    deps.status.setEvents({
      queueUrl: opts.queueUrl,
      mode,
      ...(reason === undefined ? {} : { reason }),
      intervalMs: mode === 'events' ? opts.resyncMs : opts.intervalMs,
      received,
      lastMessageAt: received === 0 ? null : new Date(poller.lastMessageAt).toISOString(),
    });
  };

  function check(): void {
    const quietMs = now() - poller.lastMessageAt;
    const failing = poller.consecutiveFailures >= maxFailures;
    const next = failing || quietMs > opts.resyncMs ? 'fallback' : 'events';
    const why = failing ? `${poller.consecutiveFailures} receives failed in a row: ${lastError ?? 'unknown error'}` : `no event for ${Math.round(quietMs / 1000)} s, longer than the ${Math.round(opts.resyncMs / 1000)} s resync`;
    if (next !== mode) {
      mode = next;
      if (mode === 'fallback') {
        reason = why;
        logger.warn({ event: 'events.fallback', queue: opts.queueUrl, reason }, `events: ${why}; full cycles every ${Math.round(opts.intervalMs / 1000)} s (--interval) until events flow again`);
        deps.intervalChanged('events-fallback');
      } else {
        reason = undefined;
        logger.info({ event: 'events.resumed', queue: opts.queueUrl }, `events flow again from ${opts.queueUrl}: full cycles every ${Math.round(opts.resyncMs / 1000)} s (--resync)`);
      }
    } else if (mode === 'fallback') reason = why;
    publish();
  }

  const timer = setInterval(check, opts.checkEveryMs ?? 5_000);
  timer.unref();
  publish();
  poller.start();
  logger.info({ event: 'events.started', queue: opts.queueUrl, resyncMs: opts.resyncMs, ownIdentity: deps.own.known }, `events: polling ${opts.queueUrl}; full cycles every ${Math.round(opts.resyncMs / 1000)} s while events flow`);

  return {
    intervalMs: () => (mode === 'events' ? opts.resyncMs : opts.intervalMs),
    get queue() {
      return queueFor('', logger);
    },
    queues,
    async stop() {
      clearInterval(timer);
      await poller.stop();
    },
  };
}
