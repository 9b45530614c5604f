// One events queue for all the targets of a controller config (issue 17 with issue 16): which
// target a CloudTrail event belongs to, by the account and region it names, and what this
// replica does with it. Pure. A replica acts only on events of targets whose lease it holds and
// deletes only those; an event of a target another replica owns is left in the queue (SQS shows
// it again after its visibility timeout, to whichever replica receives it then); an event of no
// target is dropped.
import type { ApiCallEvent } from '../reconcilers/shared/event-hook.js';

export interface RoutableTarget {
  name: string;
  /** absent: the controller's own account (`ownAccount`) */
  account?: string | undefined;
  region: string;
}

export type EventRoute =
  | { action: 'reconcile'; target: string }
  | { action: 'leave'; target: string; reason: string }
  | { action: 'drop'; reason: string };

/**
 * The target an event is for: the one whose account and region it names. A target without an
 * account stands for `ownAccount` (the controller's own); when that is unknown too, such a target
 * matches on region alone, and only while no other target of that region matches.
 */
export function targetOfEvent(event: Pick<ApiCallEvent, 'account' | 'region'>, targets: readonly RoutableTarget[], ownAccount?: string): RoutableTarget | undefined {
  if (event.region === undefined) return undefined;
  const inRegion = targets.filter((t) => t.region === event.region);
  const exact = inRegion.find((t) => (t.account ?? ownAccount) !== undefined && (t.account ?? ownAccount) === event.account);
  if (exact !== undefined) return exact;
  const unknownAccount = inRegion.filter((t) => t.account === undefined && ownAccount === undefined);
  return unknownAccount.length === 1 ? unknownAccount[0] : undefined;
}

export function routeEvent(
  event: Pick<ApiCallEvent, 'account' | 'region'>,
  targets: readonly RoutableTarget[],
  owned: ReadonlySet<string>,
  ownAccount?: string,
): EventRoute {
  const target = targetOfEvent(event, targets, ownAccount);
  if (target === undefined) return { action: 'drop', reason: `no target for account ${event.account ?? '(none)'} in ${event.region ?? '(no region)'}` };
  if (!owned.has(target.name)) return { action: 'leave', target: target.name, reason: `target ${target.name} is held by another replica` };
  return { action: 'reconcile', target: target.name };
}
