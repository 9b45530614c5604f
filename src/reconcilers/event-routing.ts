// From a CloudTrail API-call event to the declared resources it touched, through each kind's
// `events` hook (shared/event-hook.ts), and the part of the desired state a targeted reconcile
// of them observes and plans: the touched resources plus what their plans need beside them
// (each kind's `references`, followed to the end). Kind-agnostic: the registry lists the kinds.
import { DESIRED_KEYS, type DesiredResource, type DesiredState, type Kind } from '../spec/types.js';
import { RECONCILERS } from './registry.js';
import type { ApiCallEvent } from './shared/event-hook.js';

/** `<eventSource>:<eventName>` of every call some kind handles. */
export function handledCalls(): Set<string> {
  return new Set(RECONCILERS.flatMap((r) => r.events?.calls ?? []));
}

/** Per kind, identity key -> declared resource ids, for one desired state and the ARNs its last plans found. */
export class EventIndex {
  readonly #byKind = new Map<Kind, Map<string, Set<string>>>();

  constructor(desired: DesiredState, arnsById: ReadonlyMap<string, string>) {
    for (const r of RECONCILERS) {
      const byKey = new Map<string, Set<string>>();
      this.#byKind.set(r.kind, byKey);
      const add = (key: string, id: string): void => {
        let ids = byKey.get(key);
        if (ids === undefined) byKey.set(key, (ids = new Set()));
        ids.add(id);
      };
      for (const doc of r.desired(desired) as readonly DesiredResource[]) {
        const arn = arnsById.get(doc.id);
        if (arn !== undefined) add(arn, doc.id);
        for (const key of r.events?.keysOf?.(doc as never, arn) ?? []) add(key, doc.id);
      }
    }
  }

  /** The declared resources an event touched (empty: none of ours, or a call no kind handles). */
  touched(event: ApiCallEvent): string[] {
    const call = `${event.eventSource}:${event.eventName}`;
    const ids = new Set<string>();
    for (const r of RECONCILERS) {
      if (r.events === undefined || !r.events.calls.includes(call)) continue;
      // a kind's keys name only its own resources (a listener ARN in ModifyRule's place is no rule)
      const byKey = this.#byKind.get(r.kind);
      for (const key of r.events.touched(event)) for (const id of byKey?.get(key) ?? []) ids.add(id);
    }
    return [...ids].sort();
  }
}

/** `ids` and every declared resource their plans need beside them (each kind's references, transitively). */
export function withReferences(desired: DesiredState, ids: Iterable<string>): Set<string> {
  const docs = new Map<string, { doc: DesiredResource; refs: (d: never, s: DesiredState) => string[] }>();
  for (const r of RECONCILERS) {
    for (const doc of r.desired(desired) as readonly DesiredResource[]) docs.set(doc.id, { doc, refs: (r.events?.references ?? (() => [])) as never });
  }
  const out = new Set<string>();
  const todo = [...ids];
  while (todo.length > 0) {
    const id = todo.pop() as string;
    const entry = docs.get(id);
    if (entry === undefined || out.has(id)) continue;
    out.add(id);
    todo.push(...entry.refs(entry.doc as never, desired));
  }
  return out;
}

/** The desired state with only these resources (every kind's read then reads only what they name). */
export function subsetOf(desired: DesiredState, ids: ReadonlySet<string>): DesiredState {
  const out = { ...desired } as Record<string, unknown>;
  for (const r of RECONCILERS) out[DESIRED_KEYS[r.kind]] = (r.desired(desired) as readonly DesiredResource[]).filter((d) => ids.has(d.id));
  return out as unknown as DesiredState;
}
