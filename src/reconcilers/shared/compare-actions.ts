// Comparing listener / rule actions. Desired actions name target groups as `{ name }` (declared)
// or `{ arn }`; live actions carry ARNs. A declared name stands for the ARN of the live target
// group it was matched to, so `{ name: users-tg }` equals the live ARN of users-tg, and a
// forward to a target group that does not exist yet never equals any live forward. Pure.
import type { Action, TargetGroupRef } from '../../spec/types.js';
import { REDIRECT_PLACEHOLDERS } from './action-normalise.js';
import { forwardGroups } from './forward-names.js';
import type { LiveTargetGroup } from '../target-group/types.js';
import type { LiveAction } from './resource-types.js';

export class TargetGroupIndex {
  private readonly arnByName = new Map<string, string>();
  private readonly nameByArn = new Map<string, string>();

  /**
   * @param matched declared target group name -> the live target group it matched (if any)
   * @param live every observed target group (for naming ARNs in output)
   * @param replaced target groups left over from an unfinished replace (named `<name> (replaced)`)
   */
  constructor(
    matched: ReadonlyMap<string, LiveTargetGroup | undefined>,
    live: readonly LiveTargetGroup[],
    replaced: readonly LiveTargetGroup[] = [],
  ) {
    for (const tg of live) this.nameByArn.set(tg.arn, tg.name);
    for (const tg of replaced) this.nameByArn.set(tg.arn, `${tg.name} (replaced)`);
    for (const [name, tg] of matched) {
      if (tg === undefined) continue;
      this.arnByName.set(name, tg.arn);
      this.nameByArn.set(tg.arn, name);
    }
  }

  /** The live ARN a desired reference stands for, or `new:<name>` for a target group still to create. */
  arnOf(ref: TargetGroupRef): string {
    if ('arn' in ref) return ref.arn;
    return this.arnByName.get(ref.name) ?? `new:${ref.name}`;
  }

  /** A person-readable name for a live target group ARN (its declared or AWS name, else the ARN). */
  nameOf(arn: string): string {
    return this.nameByArn.get(arn) ?? arn;
  }

  /** Person-readable label of a desired reference. */
  labelOf(ref: TargetGroupRef): string {
    return 'arn' in ref ? this.nameOf(ref.arn) : ref.name;
  }
}

type Comparable = Record<string, unknown>;

function withoutPlaceholders(action: Extract<Action, { type: 'redirect' }>): Comparable {
  const out: Comparable = { type: 'redirect', statusCode: action.statusCode };
  for (const key of Object.keys(REDIRECT_PLACEHOLDERS) as (keyof typeof REDIRECT_PLACEHOLDERS)[]) {
    const v = action[key];
    if (v !== undefined && v !== '' && v !== REDIRECT_PLACEHOLDERS[key]) out[key] = v;
  }
  return out;
}

function fixedOf(action: Extract<Action, { type: 'fixed-response' }>): Comparable {
  const out: Comparable = { type: 'fixed-response', statusCode: String(action.statusCode) };
  if (action.contentType !== undefined && action.contentType !== '') out.contentType = action.contentType;
  if (action.messageBody !== undefined && action.messageBody !== '') out.messageBody = action.messageBody;
  return out;
}

interface Weighted {
  arn: string;
  weight: number;
}

/**
 * A forward, comparable: one target group by ARN alone (its weight does not matter), several as
 * `arn*weight` sorted; enabled stickiness by its duration.
 */
function forwardKey(groups: readonly Weighted[], stickiness: { durationSeconds: number } | undefined): Comparable {
  const out: Comparable = {
    type: 'forward',
    targetGroups: groups.length === 1 ? [groups[0]!.arn] : groups.map((g) => `${g.arn}*${g.weight}`).sort(),
  };
  if (stickiness !== undefined) out.stickiness = stickiness.durationSeconds;
  return out;
}

function liveGroups(action: Extract<LiveAction, { type: 'forward' }>): Weighted[] {
  return action.weighted !== undefined && action.weighted.length > 1
    ? action.weighted.map((w) => ({ arn: w.targetGroupArn, weight: w.weight }))
    : [{ arn: action.targetGroupArn, weight: 1 }];
}

function renderForward(groups: readonly { label: string; weight: number }[], stickiness: { durationSeconds: number } | undefined): string {
  const sorted = [...groups].sort((a, b) => a.label.localeCompare(b.label));
  const targets = sorted.length === 1 ? sorted[0]!.label : sorted.map((g) => `${g.label} (weight ${g.weight})`).join(', ');
  return `forward ${targets}${stickiness === undefined ? '' : `, stickiness ${stickiness.durationSeconds}s`}`;
}

/** The comparable form of a desired action (target groups as live ARNs). */
export function desiredActionKey(action: Action, index: TargetGroupIndex): Comparable {
  if (action.type === 'forward') {
    const groups = forwardGroups(action).map((g) => ({ arn: index.arnOf(g.targetGroup), weight: g.weight }));
    return forwardKey(groups, 'stickiness' in action ? action.stickiness : undefined);
  }
  return action.type === 'redirect' ? withoutPlaceholders(action) : fixedOf(action);
}

/** The comparable form of a live action. */
export function liveActionKey(action: LiveAction): Comparable {
  let out: Comparable;
  if (action.type === 'forward') {
    out = forwardKey(liveGroups(action), action.stickiness);
  } else {
    out = action.type === 'redirect' ? withoutPlaceholders(action) : fixedOf(action);
  }
  if (action.preceding !== undefined && action.preceding.length > 0) out.preceding = [...action.preceding];
  return out;
}

function describeRedirect(a: Comparable): string {
  const parts = ['protocol', 'host', 'port', 'path', 'query'].filter((k) => a[k] !== undefined).map((k) => `${k}=${String(a[k])}`);
  return `redirect ${String(a.statusCode)}${parts.length > 0 ? ` ${parts.join(' ')}` : ''}`;
}

function describeFixed(a: Comparable): string {
  const body = a.messageBody === undefined ? '' : ` ${JSON.stringify(a.messageBody)}`;
  const type = a.contentType === undefined ? '' : ` ${String(a.contentType)}`;
  return `fixed-response ${String(a.statusCode)}${type}${body}`;
}

/** How a desired action reads in a plan: `forward users-tg`, `fixed-response 404 text/plain "Not found"`. */
export function renderDesiredAction(action: Action, index: TargetGroupIndex): string {
  if (action.type === 'forward') {
    const groups = forwardGroups(action).map((g) => ({ label: index.labelOf(g.targetGroup), weight: g.weight }));
    return renderForward(groups, 'stickiness' in action ? action.stickiness : undefined);
  }
  return action.type === 'redirect' ? describeRedirect(withoutPlaceholders(action)) : describeFixed(fixedOf(action));
}

/** How a live action reads in a plan. */
export function renderLiveAction(action: LiveAction, index: TargetGroupIndex): string {
  let text: string;
  if (action.type === 'forward') {
    text = renderForward(liveGroups(action).map((g) => ({ label: index.nameOf(g.arn), weight: g.weight })), action.stickiness);
  } else {
    text = action.type === 'redirect' ? describeRedirect(withoutPlaceholders(action)) : describeFixed(fixedOf(action));
  }
  return action.preceding !== undefined && action.preceding.length > 0 ? `${action.preceding.join(' + ')} + ${text}` : text;
}
