// observe(desired, clients): read the live state of everything the desired state names, with
// the fewest calls AWS allows. Every kind's read (src/reconcilers/<kind>/read.ts) starts at once;
// a read may follow an earlier kind's (rules are read from the listeners found). Then ONE ELBv2
// DescribeTags pass over everything the ELBv2 kinds read, then each kind normalises its part.
// Only reads; never branches on what changed (level-based). Every failure becomes one line
// naming the call and the resource; all of a cycle's failures are reported together.
//
// The calls each kind makes are in the header of its read.ts; README's "Call budget" adds them up.
import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { startElbv2TagStream } from '../aws/elbv2-tag-stream.js';
import { AwsCallError, toAwsCallError } from '../aws/errors.js';
import { RECONCILERS, type AnyReconciler } from '../reconcilers/registry.js';
import type { ReadIO } from '../reconcilers/shared/reconciler.js';
import type { LiveState } from '../reconcilers/types.js';
import { ReconcilerError } from '../reconciler-error.js';
import type { DesiredState, Kind } from '../spec/types.js';

/** What the reads keep between cycles (data AWS never changes once written), per kind. */
export interface ObserveCache {
  byKind: Map<Kind, unknown>;
}

export function createObserveCache(): ObserveCache {
  return { byKind: new Map() };
}

/** The cache `observe()` uses when none is passed: one per process. */
export const processObserveCache: ObserveCache = createObserveCache();

function cacheOf(cache: ObserveCache, r: AnyReconciler): unknown {
  if (r.createCache === undefined) return undefined;
  if (!cache.byKind.has(r.kind)) cache.byKind.set(r.kind, r.createCache());
  return cache.byKind.get(r.kind);
}

export interface ObserveOptions {
  /** immutable data kept between cycles (default: one cache per process) */
  cache?: ObserveCache;
  /**
   * also observe what carries our owner tag and the files no longer declare (for --prune): each
   * kind's extra batched listing; off by default, so a cycle without --prune reads only what the
   * files name
   */
  owned?: boolean;
  /** the owner tag value that marks ours (default `ecs-reconciler`) */
  ownerId?: string;
  /** `desired` is a part of the files (a targeted reconcile): the kinds' caches keep what the rest needs */
  partial?: boolean;
}

export const DEFAULT_OBSERVE_OWNER_ID = 'ecs-reconciler';

/**
 * Observation failed: one or more AWS calls failed. `message` holds one line per distinct
 * failure; conditions that fail every call alike (unreachable endpoint, bad credentials,
 * no region) are reported once, not once per call.
 */
export class ObserveError extends ReconcilerError {
  override readonly name = 'ObserveError';

  constructor(readonly errors: AwsCallError[]) {
    super('observe.failed', distinctLines(errors).join('\n'), { cause: errors[0] });
  }

  /** Distinct one-line explanations, in the order they happened. */
  lines(): string[] {
    return distinctLines(this.errors);
  }
}

function distinctLines(errors: readonly AwsCallError[]): string[] {
  const seen = new Map<string, string>();
  for (const e of errors) {
    let key = e.message;
    if (e.kind === 'credentials' || e.kind === 'region') key = e.kind;
    else if (e.kind === 'unreachable') key = e.message.replace(/ \(.*$/, ''); // same endpoint and reason
    if (!seen.has(key)) seen.set(key, e.message);
  }
  return [...seen.values()];
}

function asCallError(err: unknown, service: AnyReconciler['service']): AwsCallError[] {
  if (err instanceof ObserveError) return err.errors;
  if (err instanceof AwsCallError) return [err];
  if (err instanceof AggregateError) return err.errors.flatMap((e) => asCallError(e, service));
  return [toAwsCallError(err, { service, operation: 'observe' })];
}

export async function observe(desired: DesiredState, clients: AwsClients, options: ObserveOptions = {}): Promise<LiveState> {
  return startObserve(desired, clients, options).all;
}

/** Observe under way: each kind's part of the live state as soon as it is read (and tagged), and the whole. */
export interface Observing {
  /** a kind's part; rejects when its read (or the tag pass it needs) failed; the failure is reported by `all` */
  part(kind: Kind): Promise<Partial<LiveState>>;
  /** every part, or an ObserveError with every failure */
  all: Promise<LiveState>;
}

/** Start every kind's read at once (see observe); a caller may plan a kind as soon as its part is in. */
export function startObserve(desired: DesiredState, clients: AwsClients, options: ObserveOptions = {}): Observing {
  const cache = options.cache ?? processObserveCache;
  const reads = new Map<Kind, Promise<unknown>>();
  for (const r of RECONCILERS) {
    const io: ReadIO = {
      clients,
      cache: cacheOf(cache, r),
      owned: options.owned === true,
      ownerId: options.ownerId ?? DEFAULT_OBSERVE_OWNER_ID,
      partial: options.partial === true,
      readOf: (kind) => {
        const read = reads.get(kind);
        if (read === undefined) throw new Error(`${r.kind} reads ${kind}, which is not earlier in the registry`);
        return read as never;
      },
    };
    reads.set(r.kind, r.read(desired, io));
  }
  // the one tag pass, fed kind by kind: full batches go out as each ELBv2 kind's read is done
  const tagged = RECONCILERS.filter((r) => r.elbv2TagArns !== undefined);
  const stream = startElbv2TagStream(clients, tagged.length);
  const tagReads = new Map<Kind, Promise<Map<string, Tag[]>>>(
    tagged.map((r) => {
      const read = reads.get(r.kind) as Promise<unknown>;
      const tags = read.then(
        (raw) => stream.add(r.elbv2TagArns?.(raw as never) ?? []),
        (error: unknown) => {
          stream.skip();
          throw error;
        },
      );
      tags.catch(() => undefined); // reported once, by `all`
      return [r.kind, tags];
    }),
  );
  const tagsOf = (tags: Map<string, Tag[]>) => (arn: string | undefined): Tag[] => (arn ? (tags.get(arn) ?? []) : []);
  const noTags = new Map<string, Tag[]>();
  const parts = new Map<Kind, Promise<Partial<LiveState>>>(
    RECONCILERS.map((r) => {
      const read = reads.get(r.kind) as Promise<unknown>;
      const tags = tagReads.get(r.kind) ?? Promise.resolve(noTags);
      const part = Promise.all([read, tags]).then(([raw, t]) => r.normalise(raw as never, tagsOf(t)) as Partial<LiveState>);
      part.catch(() => undefined); // reported once, by `all`
      return [r.kind, part];
    }),
  );
  const all = Promise.allSettled([...RECONCILERS.map((r) => reads.get(r.kind)), ...tagReads.values()]).then((settled) => {
    const errors: AwsCallError[] = [];
    const seen = new Set<unknown>();
    settled.forEach((result, i) => {
      // a read that follows a failed one fails with the same error: report it once
      if (result.status !== 'rejected' || seen.has(result.reason)) return;
      seen.add(result.reason);
      errors.push(...asCallError(result.reason, RECONCILERS[i]?.service ?? 'elbv2'));
    });
    if (errors.length > 0) throw new ObserveError(errors);
    return Promise.all(RECONCILERS.map((r) => parts.get(r.kind))).then((ps) => Object.assign({}, ...ps) as LiveState);
  });
  return {
    part: (kind) => parts.get(kind) ?? Promise.reject(new Error(`${kind} is not in the registry`)),
    all,
  };
}
