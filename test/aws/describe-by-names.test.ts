import { describe, expect, it } from 'vitest';
import { describeByNames } from '../../src/aws/describe-by-names.js';
import { paginatePages } from '../../src/aws/paginate.js';

interface Item {
  Name: string;
}

/**
 * A fake ELBv2-like account: by-names calls take <= 20 names and fail whole with NotFound
 * when any is missing; listing returns 400 items a page in name order.
 */
function account(existing: string[], pageSize = 400) {
  const calls = { byNames: 0, list: 0 };
  const notFound = Object.assign(new Error('One or more target groups not found'), { name: 'TargetGroupNotFoundException', Code: 'TargetGroupNotFound' });
  const sorted = [...existing].sort();
  const byNames = async (names: string[]): Promise<Item[]> => {
    calls.byNames += 1;
    if (names.length > 20) throw Object.assign(new Error("You cannot describe more than '20' target groups at a time"), { Code: 'ValidationError' });
    if (names.some((n) => !existing.includes(n))) throw notFound;
    return names.map((Name) => ({ Name }));
  };
  const list = (token: string | undefined, maxPages: number, stop: (items: readonly Item[]) => boolean) =>
    paginatePages(
      {
        fetch: async (marker: string | undefined) => {
          calls.list += 1;
          const start = marker ? Number(marker) : 0;
          const page = sorted.slice(start, start + pageSize).map((Name) => ({ Name }));
          return { items: page, next: start + pageSize < sorted.length ? String(start + pageSize) : undefined };
        },
        items: (p) => p.items,
        next: (p) => p.next,
        stopWhen: stop,
        maxPages,
      },
      token,
    );
  return { calls, byNames, list };
}

const names = (prefix: string, n: number) => Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);

describe('describeByNames', () => {
  it.each([
    // [label, declared, existing in account, expected calls]
    ['nothing declared', [], names('tg', 5), { byNames: 0, list: 0 }],
    ['3 declared, all exist', names('tg', 3), names('tg', 10), { byNames: 1, list: 0 }],
    ['20 declared, all exist', names('tg', 20), names('tg', 20), { byNames: 1, list: 0 }],
    ['25 declared, all exist, small account: one listing page', names('tg', 25), names('tg', 25), { byNames: 0, list: 1 }],
    ['500 declared in a 500 account: 2 listing pages, not 25 by-names calls', names('tg', 500), names('tg', 500), { byNames: 0, list: 2 }],
    ['3 declared, none exist: failed call + one listing page', names('tg', 3), names('other', 5), { byNames: 1, list: 1 }],
    ['25 declared, none exist: one listing page proves it', names('tg', 25), [], { byNames: 0, list: 1 }],
  ])('%s', async (_label, declared, existing, expected) => {
    const acct = account(existing);
    const result = await describeByNames<Item>({ names: declared, batchSize: 20, byNames: acct.byNames, list: acct.list, nameOf: (i) => i.Name });
    expect([...result.found.keys()].sort()).toEqual(declared.filter((n) => existing.includes(n)).sort());
    expect(result.missing).toEqual(declared.filter((n) => !existing.includes(n)).sort());
    expect(acct.calls).toEqual(expected);
  });

  it('in a huge account, gives up listing within budget and asks by names', async () => {
    const acct = account([...names('aaa', 5000), ...names('tg', 25)]);
    const result = await describeByNames<Item>({ names: names('tg', 25), batchSize: 20, byNames: acct.byNames, list: acct.list, nameOf: (i) => i.Name });
    expect(result.found.size).toBe(25);
    // budget ceil(25/20)-1 = 1 listing page, then 2 by-names batches: never more than by-names alone + 1
    expect(acct.calls).toEqual({ list: 1, byNames: 2 });
  });

  it('without a listing, bisects a failed batch down to the missing name', async () => {
    const acct = account(names('tg', 8));
    const declared = [...names('tg', 8), 'gone'];
    const result = await describeByNames<Item>({ names: declared, batchSize: 20, byNames: acct.byNames, nameOf: (i) => i.Name });
    expect(result.found.size).toBe(8);
    expect(result.missing).toEqual(['gone']);
    expect(acct.calls.byNames).toBeLessThanOrEqual(1 + 2 * Math.ceil(Math.log2(9)));
  });

  it('a huge account with one missing name: listing within budget, then by names with bisect', async () => {
    const acct = account([...names('aaa', 5000), ...names('tg', 30)]);
    const declared = [...names('tg', 30), 'tg-gone'];
    const result = await describeByNames<Item>({ names: declared, batchSize: 20, byNames: acct.byNames, list: acct.list, nameOf: (i) => i.Name });
    expect(result.found.size).toBe(30);
    expect(result.missing).toEqual(['tg-gone']);
  });

  it('errors other than NotFound fail the lookup', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDenied', Code: 'AccessDenied' });
    await expect(
      describeByNames<Item>({
        names: ['a'],
        batchSize: 20,
        byNames: async () => {
          throw denied;
        },
        nameOf: (i) => i.Name,
      }),
    ).rejects.toBe(denied);
  });
});
