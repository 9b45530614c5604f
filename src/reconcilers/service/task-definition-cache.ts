// What the service read keeps between cycles: data AWS never changes once written.
// Task definition revisions are immutable, so DescribeTaskDefinition runs once per
// revision ARN for the life of the process. Only the revisions services run at the last
// observation are kept: a daemon that rolls out for months does not keep every revision
// it ever read.
import type { LiveTaskDefinition } from '../types.js';

export interface TaskDefinitionCache {
  /** normalised task definition revisions by ARN (a pending read is shared by concurrent callers) */
  taskDefinitions: Map<string, Promise<LiveTaskDefinition>>;
}

export function createTaskDefinitionCache(): TaskDefinitionCache {
  return { taskDefinitions: new Map() };
}

/** Read through the cache; a failed read is forgotten so the next cycle tries again. */
export function cachedTaskDefinition(
  cache: TaskDefinitionCache,
  arn: string,
  read: () => Promise<LiveTaskDefinition>,
): Promise<LiveTaskDefinition> {
  const hit = cache.taskDefinitions.get(arn);
  if (hit) return hit;
  const pending = read();
  cache.taskDefinitions.set(arn, pending);
  pending.catch(() => {
    if (cache.taskDefinitions.get(arn) === pending) cache.taskDefinitions.delete(arn);
  });
  return pending;
}

/** `arn:...:task-definition/<family>:<revision>` -> `arn:...:task-definition/<family>` */
const familyOf = (arn: string): string => arn.replace(/:\d+$/, '');

/**
 * Some services were read (a targeted reconcile): forget the other revisions of their
 * families only; every other family's revisions stay for the services not read now.
 */
export function retainTaskDefinitionsOf(cache: TaskDefinitionCache, inUse: Iterable<string>): void {
  const keep = new Set(inUse);
  const families = new Set([...keep].map(familyOf));
  for (const arn of [...cache.taskDefinitions.keys()]) if (!keep.has(arn) && families.has(familyOf(arn))) cache.taskDefinitions.delete(arn);
}

/** Forget every revision not in `inUse` (the revisions the services observed just now run). */
export function retainTaskDefinitions(cache: TaskDefinitionCache, inUse: Iterable<string>): void {
  const keep = new Set(inUse);
  for (const arn of [...cache.taskDefinitions.keys()]) if (!keep.has(arn)) cache.taskDefinitions.delete(arn);
}
