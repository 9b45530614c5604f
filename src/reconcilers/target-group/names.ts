// The AWS names a declared target group may live under: its own, and after a replace an
// alternate derived from the name alone, so the read can find a replaced group by name whatever
// the spec became since. Pure.
import { createHash } from 'node:crypto';

/**
 * The second AWS name a declared target group may live under: at most 32 characters,
 * `[A-Za-z0-9-]`, no `--`, no leading/trailing `-`, e.g. `users-tg-5d1c` (first 27 characters of
 * the name, `-`, 4 hex of the name's sha256). Derived from the name alone, so that observe can
 * find a replaced group by name whatever the spec became since (see targetGroupAwsNames).
 */
export function alternateTargetGroupName(name: string): string {
  const prefix = name.slice(0, 27).replace(/-+$/, '');
  return `${prefix}-${createHash('sha256').update(name).digest('hex').slice(0, 4)}`;
}

/** Every AWS name the declared target group `name` may have: observe reads both. */
export function targetGroupAwsNames(name: string): [string, string] {
  return [name, alternateTargetGroupName(name)];
}

/**
 * The AWS name of the target group that replaces the live one (named `currentName`) when an
 * immutable field changes: the replacements alternate between the declared name and its
 * alternate, so a retried replace picks the same name and nothing accumulates.
 */
export function replacementTargetGroupName(name: string, currentName: string): string {
  return currentName === name ? alternateTargetGroupName(name) : name;
}
