// The observe cache of immutable task definition revisions: one read per revision ARN,
// concurrent callers share the pending read, a failed read is retried, and only the
// revisions services still run are kept.
import { describe, expect, it } from 'vitest';
import { cachedTaskDefinition, createTaskDefinitionCache, retainTaskDefinitions, retainTaskDefinitionsOf } from '../../../src/reconcilers/service/task-definition-cache.js';
import type { LiveTaskDefinition } from '../../../src/reconcilers/types.js';

const td = (arn: string): LiveTaskDefinition => ({ arn }) as unknown as LiveTaskDefinition;

function counter() {
  const reads: string[] = [];
  return {
    reads,
    read: (arn: string) => async (): Promise<LiveTaskDefinition> => {
      reads.push(arn);
      return td(arn);
    },
  };
}

describe('observe cache', () => {
  it('reads a revision once, and concurrent callers share the pending read', async () => {
    const cache = createTaskDefinitionCache();
    const c = counter();
    await Promise.all([cachedTaskDefinition(cache, 'arn:a:1', c.read('arn:a:1')), cachedTaskDefinition(cache, 'arn:a:1', c.read('arn:a:1'))]);
    await cachedTaskDefinition(cache, 'arn:a:1', c.read('arn:a:1'));
    expect(c.reads).toEqual(['arn:a:1']);
  });

  it('forgets a failed read so the next cycle tries again', async () => {
    const cache = createTaskDefinitionCache();
    await expect(cachedTaskDefinition(cache, 'arn:a:1', () => Promise.reject(new Error('throttled')))).rejects.toThrow('throttled');
    const c = counter();
    await expect(cachedTaskDefinition(cache, 'arn:a:1', c.read('arn:a:1'))).resolves.toEqual(td('arn:a:1'));
    expect(c.reads).toEqual(['arn:a:1']);
  });

  it.each([
    { cached: ['arn:a:1', 'arn:a:2', 'arn:b:1'], inUse: ['arn:a:2', 'arn:b:1'], kept: ['arn:a:2', 'arn:b:1'] },
    { cached: ['arn:a:1'], inUse: [], kept: [] },
    { cached: ['arn:a:1'], inUse: ['arn:a:1', 'arn:c:9'], kept: ['arn:a:1'] },
  ])('keeps only the revisions in use: $inUse', async ({ cached, inUse, kept }) => {
    const cache = createTaskDefinitionCache();
    const c = counter();
    for (const arn of cached) await cachedTaskDefinition(cache, arn, c.read(arn));
    retainTaskDefinitions(cache, inUse);
    expect([...cache.taskDefinitions.keys()].sort()).toEqual(kept);
  });

  it("a targeted read of one service (partial) keeps the other services' revisions, drops its own old one", async () => {
    const cache = createTaskDefinitionCache();
    const c = counter();
    const [a1, a2, b1] = ['arn:aws:ecs:us-east-1:1:task-definition/a:1', 'arn:aws:ecs:us-east-1:1:task-definition/a:2', 'arn:aws:ecs:us-east-1:1:task-definition/b:1'];
    for (const arn of [a1, b1]) await cachedTaskDefinition(cache, arn, c.read(arn));
    await cachedTaskDefinition(cache, a2, c.read(a2));
    retainTaskDefinitionsOf(cache, [a2]);
    expect([...cache.taskDefinitions.keys()].sort()).toEqual([a2, b1]);
    // the next full cycle reads nothing again
    for (const arn of [a2, b1]) await cachedTaskDefinition(cache, arn, c.read(arn));
    expect(c.reads).toEqual([a1, b1, a2]);
  });

  it('a rolled-out service: the old revision leaves, the new one is read once', async () => {
    const cache = createTaskDefinitionCache();
    const c = counter();
    await cachedTaskDefinition(cache, 'arn:svc:1', c.read('arn:svc:1'));
    retainTaskDefinitions(cache, ['arn:svc:1']);
    await cachedTaskDefinition(cache, 'arn:svc:2', c.read('arn:svc:2'));
    retainTaskDefinitions(cache, ['arn:svc:2']);
    await cachedTaskDefinition(cache, 'arn:svc:2', c.read('arn:svc:2'));
    expect(c.reads).toEqual(['arn:svc:1', 'arn:svc:2']);
    expect([...cache.taskDefinitions.keys()]).toEqual(['arn:svc:2']);
  });
});
