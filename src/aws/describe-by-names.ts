// Look resources up by name with the fewest calls, where AWS fails a whole by-names call
// when ANY name is missing (DescribeTargetGroups / DescribeLoadBalancers with Names:
// TargetGroupNotFound / LoadBalancerNotFound, no hint which name).
//
// Strategy:
// 1. More names than one by-names call takes (> batchSize): list instead (PageSize 400),
//    stopping as soon as every name is found, within a budget of ceil(n / batchSize) - 1 pages
//    so listing never costs more than asking by names. A listing that reaches its last page
//    proves the rest absent.
// 2. The names still open: by-names calls of `batchSize`, concurrently.
// 3. A batch that fails with NotFound: one shared listing pass (budget: the batch's size in
//    pages, typically 1 page), then bisect what is still open (a single missing name = absent).
import { isNotFound } from './errors.js';
import { chunk, type PageResult } from './paginate.js';

export interface DescribeByNamesSpec<T> {
  names: readonly string[];
  /** most names AWS accepts in one by-names call (20 for target groups and load balancers) */
  batchSize: number;
  /** one by-names call; throws a NotFound error when any name is missing */
  byNames: (names: string[]) => Promise<T[]>;
  /** list everything (e.g. PageSize 400) from `token`, for at most `maxPages` pages, stopping when `stop` holds */
  list?: (token: string | undefined, maxPages: number, stop: (items: readonly T[]) => boolean) => Promise<PageResult<T>>;
  nameOf: (item: T) => string | undefined;
  /** default: isNotFound from errors.ts */
  isMissingError?: (err: unknown) => boolean;
}

export interface DescribeByNamesResult<T> {
  found: Map<string, T>;
  /** names proven absent */
  missing: string[];
}

export async function describeByNames<T>(spec: DescribeByNamesSpec<T>): Promise<DescribeByNamesResult<T>> {
  const wanted = new Set(spec.names);
  const found = new Map<string, T>();
  const absent = new Set<string>();
  const missingError = spec.isMissingError ?? isNotFound;
  const open = (): string[] => [...wanted].filter((n) => !found.has(n) && !absent.has(n));
  const take = (items: readonly T[]): void => {
    for (const item of items) {
      const name = spec.nameOf(item);
      if (name !== undefined && wanted.has(name)) found.set(name, item);
    }
  };

  // the listing state is shared by every step: pages are never read twice
  let listToken: string | undefined;
  let listComplete = false;
  let listing: Promise<void> | undefined;
  const listPass = (maxPages: number): Promise<void> => {
    if (!spec.list || listComplete || maxPages < 1) return Promise.resolve();
    listing ??= (async () => {
      const allFound = (items: readonly T[]): boolean => {
        take(items);
        return open().length === 0;
      };
      const result = await spec.list!(listToken, maxPages, allFound);
      take(result.items);
      if (result.complete) {
        listComplete = true;
        for (const n of open()) absent.add(n);
      } else {
        listToken = result.nextToken;
      }
    })().finally(() => {
      listing = undefined;
    });
    return listing;
  };

  if (wanted.size === 0) return { found, missing: [] };

  if (spec.list && wanted.size > spec.batchSize) {
    await listPass(Math.ceil(wanted.size / spec.batchSize) - 1);
  }

  const bisect = async (names: string[]): Promise<void> => {
    const still = names.filter((n) => !found.has(n) && !absent.has(n));
    if (still.length === 0) return;
    try {
      take(await spec.byNames(still));
      return;
    } catch (err) {
      if (!missingError(err)) throw err;
    }
    if (still.length === 1) {
      absent.add(still[0] as string);
      return;
    }
    const half = Math.ceil(still.length / 2);
    await Promise.all([bisect(still.slice(0, half)), bisect(still.slice(half))]);
  };

  const byBatch = async (batch: string[]): Promise<void> => {
    try {
      take(await spec.byNames(batch));
      return;
    } catch (err) {
      if (!missingError(err)) throw err;
    }
    await listPass(batch.length);
    if (listComplete) return;
    const still = batch.filter((n) => !found.has(n) && !absent.has(n));
    if (still.length === 0) return;
    const half = Math.ceil(still.length / 2);
    if (still.length === 1) await bisect(still);
    else await Promise.all([bisect(still.slice(0, half)), bisect(still.slice(half))]);
  };

  await Promise.all(chunk(open(), spec.batchSize).map(byBatch));
  for (const n of open()) absent.add(n);
  return { found, missing: [...absent].sort() };
}
