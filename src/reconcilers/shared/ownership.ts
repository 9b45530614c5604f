// Ownership tags -> what kind of change a difference is (drift / rollout / adopt) and whether a
// converged resource still needs our tags written. Pure.
import type { Kind, Policy } from '../../spec/types.js';
import { TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH } from './resource-types.js';
import type { ChangeAction, ChangeCause, FieldDiff, Tags } from './resource-types.js';

export type Ownership = 'ours' | 'unowned' | 'foreign';

/** ours: our owner tag; unowned: no owner tag (adoptable); foreign: another controller's owner id. */
export function ownershipOf(tags: Tags, ownerId: string): Ownership {
  const owner = tags[TAG_OWNER];
  if (owner === undefined || owner === '') return 'unowned';
  return owner === ownerId ? 'ours' : 'foreign';
}

/** Carries our owner tag (this owner id): the one ownership check every kind uses. */
export function isOwnedBy(tags: Tags, ownerId: string): boolean {
  return tags[TAG_OWNER] === ownerId;
}

/** Throws unless `tags` (as observe read them) carry our owner tag: nothing else is ever deleted. */
export function assertOwnedForDelete(tags: Tags | undefined, ownerId: string, what: string): void {
  if (tags === undefined || !isOwnedBy(tags, ownerId)) {
    throw new Error(`refusing to delete ${what}: it is not tagged ${TAG_OWNER}=${ownerId}, and ecs-reconciler deletes only what it owns`);
  }
}

/** Tagged as ours for exactly this resource id. */
export function isTaggedAs(tags: Tags, ownerId: string, id: string): boolean {
  return isOwnedBy(tags, ownerId) && tags[TAG_RESOURCE] === id;
}

/**
 * Why a live resource differs from the desired one:
 * - adopt: it has no owner tag (found under a declared name / by exact match, never written by us);
 * - drift: our spec-hash tag equals the desired hash, so AWS changed behind our back;
 * - rollout: the tag differs (or is missing), so the desired state changed.
 * Resources under `policy: observe` are never written (so never tagged): a difference there is
 * drift unless an old spec-hash tag says the desired state changed since it was last enforced.
 */
export function causeOf(tags: Tags, desiredHash: string, policy: Policy): 'adopt' | 'drift' | 'rollout' {
  const hash = tags[TAG_SPEC_HASH];
  if (policy === 'observe') return hash === undefined || hash === desiredHash ? 'drift' : 'rollout';
  const owner = tags[TAG_OWNER];
  if (owner === undefined || owner === '') return 'adopt';
  return hash === desiredHash ? 'drift' : 'rollout';
}

/** Our tags that are missing or stale on a live resource, or [] when it carries all of them. */
export function staleOwnershipTags(tags: Tags, ownerId: string, id: string, desiredHash: string | undefined): string[] {
  const stale: string[] = [];
  if (!isOwnedBy(tags, ownerId)) stale.push(TAG_OWNER);
  if (tags[TAG_RESOURCE] !== id) stale.push(TAG_RESOURCE);
  if (desiredHash !== undefined && tags[TAG_SPEC_HASH] !== desiredHash) stale.push(TAG_SPEC_HASH);
  return stale;
}

export interface Decision {
  action: Extract<ChangeAction, 'update' | 'noop'>;
  cause: ChangeCause;
  reason?: string;
}

/**
 * update when fields differ; an update with no diffs when only our tags need writing (a
 * "tag-only" update: adoption, or recording a new spec hash the live resource already matches);
 * noop otherwise. Resources under `policy: observe` are never tagged, so they have no tag-only updates.
 */
export function decideUpdate(args: {
  diffs: readonly FieldDiff[];
  tags: Tags;
  ownerId: string;
  id: string;
  desiredHash: string;
  policy: Policy;
  /** more tag work than the resource's own tags (e.g. SG rules to adopt) */
  extraTagWork?: string;
}): Decision {
  const { diffs, tags, ownerId, id, desiredHash, policy } = args;
  if (diffs.length > 0) return { action: 'update', cause: causeOf(tags, desiredHash, policy) };
  if (policy === 'observe') return { action: 'noop', cause: 'none' };
  const stale = staleOwnershipTags(tags, ownerId, id, desiredHash);
  if (stale.length === 0 && args.extraTagWork === undefined) return { action: 'noop', cause: 'none' };
  if (!isOwnedBy(tags, ownerId)) {
    return { action: 'update', cause: 'adopt', reason: `tag as managed by ${ownerId} (no field changes)` };
  }
  if (stale.length === 1 && stale[0] === TAG_SPEC_HASH) {
    return { action: 'update', cause: 'rollout', reason: 'record the new spec hash (AWS already matches)' };
  }
  return { action: 'update', cause: 'adopt', reason: args.extraTagWork ?? `write ownership tags ${stale.join(', ')} (no field changes)` };
}

/** The message of a conflict for a declared resource found under another controller's owner id. */
export function foreignOwnerMessage(id: string, what: string, tags: Tags): string {
  return (
    `${id}: ${what} is managed by another ecs-reconciler (tag ${TAG_OWNER}=${tags[TAG_OWNER] ?? ''}); ` +
    'nothing is written to it. Remove it from one of the two desired states, or delete that tag to let this one adopt it.'
  );
}

/** `Kind/name` */
export function resourceId(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

/** The name in a `Kind/name` resource tag when it names this kind, else undefined. */
export function nameFromResourceTag(kind: Kind, tag: string | undefined): string | undefined {
  const prefix = `${kind}/`;
  return tag !== undefined && tag.startsWith(prefix) ? tag.slice(prefix.length) : undefined;
}

export function pruneReason(ownerId: string): string {
  return `tagged ecs-reconciler/owner=${ownerId} and no longer in the desired files`;
}
