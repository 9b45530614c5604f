// Which live target group each declared one stands for: by our resource tag, else by AWS name;
// a group that needs no replace first. Computed once per plan: listeners, rules and services
// resolve `{ targetGroup: name }` through it. Pure.
import type { DesiredOf } from '../../spec/types.js';
import { isTaggedAs, nameFromResourceTag, ownershipOf } from '../shared/ownership.js';
import { TAG_RESOURCE } from '../shared/resource-types.js';
import type { LiveTargetGroup } from './types.js';

type DesiredTargetGroup = DesiredOf<'TargetGroup'>;

export interface TargetGroupMatch {
  /** the live target group this declared one stands for */
  live?: LiveTargetGroup;
  /** other live target groups tagged as this resource (an unfinished replace) */
  leftovers: LiveTargetGroup[];
  /** a live target group under the declared name that another controller owns */
  foreign?: LiveTargetGroup;
}

function immutablesMatch(desired: DesiredTargetGroup, live: LiveTargetGroup): boolean {
  const s = desired.spec;
  return live.protocol === s.protocol && live.port === s.port && live.vpcId === s.vpcId && live.targetType === s.targetType;
}

/** Finds the live target group of each declared one (by our resource tag, else by AWS name). */
export function matchTargetGroups(
  desired: readonly DesiredTargetGroup[],
  live: readonly LiveTargetGroup[],
  ownerId: string,
): Map<string, TargetGroupMatch> {
  const declared = new Set(desired.map((d) => d.name));
  const result = new Map<string, TargetGroupMatch>();
  const byName = new Map<string, LiveTargetGroup>();
  const byResourceTag = new Map<string, LiveTargetGroup[]>();
  for (const tg of live) {
    if (!byName.has(tg.name)) byName.set(tg.name, tg);
    const tag = tg.tags[TAG_RESOURCE];
    if (tag !== undefined && isTaggedAs(tg.tags, ownerId, tag)) byResourceTag.set(tag, [...(byResourceTag.get(tag) ?? []), tg]);
  }
  for (const d of desired) {
    const tagged = byResourceTag.get(d.id) ?? [];
    const named = byName.get(d.name);
    const candidates = [...tagged];
    let foreign: LiveTargetGroup | undefined;
    if (named !== undefined && !candidates.includes(named)) {
      const ownership = ownershipOf(named.tags, ownerId);
      const taggedFor = nameFromResourceTag('TargetGroup', named.tags[TAG_RESOURCE]);
      if (ownership === 'foreign') foreign = named;
      else if (ownership === 'unowned' || taggedFor === undefined || !declared.has(taggedFor)) candidates.push(named);
    }
    // settings first (a group that needs no replace), then ours: a group under the declared name
    // without our tag that was replaced (and left in place, it is not ours to delete) stays out
    // of the way until the files ask for its settings again (a revert adopts it back)
    const chosen =
      candidates.find((tg) => immutablesMatch(d, tg) && tg.name === d.name) ??
      candidates.find((tg) => immutablesMatch(d, tg)) ??
      tagged.find((tg) => tg.name === d.name) ??
      candidates[0];
    const match: TargetGroupMatch = { leftovers: tagged.filter((tg) => tg !== chosen) };
    if (chosen !== undefined) match.live = chosen;
    else if (foreign !== undefined) match.foreign = foreign;
    result.set(d.name, match);
  }
  return result;
}
