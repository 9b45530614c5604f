// One events queue for every target of a controller config: each event goes to the sink of the
// target its account and region name (event-target-route.ts), if this replica holds that target;
// the controller's own writes are told by the identity it writes with in that target (the role
// it assumes there, else its own caller identity).
import type { ApiCallEvent } from '../reconcilers/shared/event-hook.js';
import type { AuthorMemory } from './author-memory.js';
import { OwnIdentity } from './event-author.js';
import type { EventDispatch, EventSink } from './event-source.js';
import { routeEvent, type RoutableTarget } from './event-target-route.js';
import type { TargetedRun } from './targeted-queue.js';
import type { EventIndex } from '../reconcilers/event-routing.js';

/** One target as the events see it: where it is, the role it writes with, its reconciler's side. */
export interface EventTarget extends RoutableTarget {
  roleArn?: string | undefined;
  authors: AuthorMemory;
  index(): EventIndex | undefined;
  run(ids: readonly string[]): Promise<TargetedRun>;
}

/** `arn:aws:iam::1:role/path/Name` -> the session ARN its assumed sessions have (`arn:aws:sts::1:assumed-role/Name/...`). */
export function assumedRoleArn(roleArn: string): string | undefined {
  const m = /^arn:([^:]+):iam::(\d+):role\/(?:.*\/)?([^/]+)$/.exec(roleArn);
  return m === null ? undefined : `arn:${m[1]}:sts::${m[2]}:assumed-role/${m[3]}/ecs-reconciler`;
}

/** The account of an ARN (`arn:aws:sts::123456789012:...`), if it names one. */
export function accountOfArn(arn: string | undefined): string | undefined {
  const account = arn?.split(':')[4];
  return account !== undefined && /^\d{12}$/.test(account) ? account : undefined;
}

export function targetDispatch(
  targets: readonly EventTarget[],
  owned: () => ReadonlySet<string>,
  caller: { arn: string | undefined },
): (event: ApiCallEvent) => EventDispatch {
  const ownAccount = accountOfArn(caller.arn);
  const sinks = new Map<string, EventSink>(
    targets.map((t) => {
      const own = new OwnIdentity(t.roleArn === undefined ? caller.arn : (assumedRoleArn(t.roleArn) ?? caller.arn));
      return [t.name, { own, authors: t.authors, index: () => t.index(), run: (ids) => t.run(ids) }];
    }),
  );
  return (event) => {
    const route = routeEvent(event, targets, owned(), ownAccount);
    if (route.action !== 'reconcile') return route;
    return { action: 'reconcile', target: route.target, sink: sinks.get(route.target)! };
  };
}
