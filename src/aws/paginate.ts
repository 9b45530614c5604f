// Pagination and batching for every list/describe call. Every paged AWS call goes through
// `paginate`, even where an emulator never returns a next token, so a real account with
// more items than one page is read whole. Guards against a token that never advances.

export interface PageSpec<P, T> {
  /** fetch one page; `token` is undefined for the first */
  fetch: (token: string | undefined) => Promise<P>;
  items: (page: P) => readonly T[] | undefined;
  /** NextToken / NextMarker / nextToken of the page */
  next: (page: P) => string | undefined | null;
  /** stop early (after a page) once this holds for everything read so far */
  stopWhen?: (itemsSoFar: readonly T[]) => boolean;
  /** read at most this many pages (default: until the last) */
  maxPages?: number;
}

export interface PageResult<T> {
  items: T[];
  pages: number;
  /** true when the last page was read (no next token): absence from `items` is proof */
  complete: boolean;
  /** where to continue when not complete */
  nextToken?: string;
}

/** Hard stop against a broken server or emulator that keeps returning tokens. */
export const MAX_PAGES = 10_000;

/** Read pages until the last one, `stopWhen`, or `maxPages`. */
export async function paginatePages<P, T>(spec: PageSpec<P, T>, startToken?: string): Promise<PageResult<T>> {
  const items: T[] = [];
  const limit = Math.min(spec.maxPages ?? MAX_PAGES, MAX_PAGES);
  const seen = new Set<string>();
  let token = startToken;
  let pages = 0;
  while (pages < limit) {
    const page = await spec.fetch(token);
    pages += 1;
    items.push(...(spec.items(page) ?? []));
    const next = spec.next(page) || undefined;
    if (!next) return { items, pages, complete: true };
    if (next === token || seen.has(next)) {
      throw new Error(`pagination did not advance: the next token ${JSON.stringify(next)} was returned before`);
    }
    seen.add(next);
    token = next;
    if (spec.stopWhen?.(items)) return { items, pages, complete: false, nextToken: token };
  }
  if (pages >= MAX_PAGES && spec.maxPages === undefined) {
    throw new Error(`pagination stopped after ${MAX_PAGES} pages`);
  }
  return { items, pages, complete: false, ...(token !== undefined ? { nextToken: token } : {}) };
}

/** Every item of every page. */
export async function paginate<P, T>(spec: Omit<PageSpec<P, T>, 'stopWhen' | 'maxPages'>): Promise<T[]> {
  return (await paginatePages(spec)).items;
}

/** Split into batches of at most `size` (AWS per-call limits: 10 services, 20 tags ARNs, ...). */
export function chunk<T>(items: readonly T[], size: number): T[][] {
  if (!(size >= 1)) throw new Error(`chunk size must be >= 1 (got ${size})`);
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** Map over items with at most `limit` promises in flight; results keep the input order. */
export async function mapConcurrent<T, R>(items: readonly T[], limit: number, fn: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async (): Promise<void> => {
    while (nextIndex < items.length) {
      const i = nextIndex++;
      results[i] = await fn(items[i] as T, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(Math.max(1, limit), items.length) }, worker));
  return results;
}
