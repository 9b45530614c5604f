import { describe, expect, it } from 'vitest';
import { chunk, mapConcurrent, paginate, paginatePages } from '../../src/aws/paginate.js';

interface Page {
  Items?: number[];
  NextMarker?: string;
}

/** A fake paged API over `total` items, `size` a page; records the tokens it was called with. */
function pagedApi(total: number, size: number) {
  const calls: (string | undefined)[] = [];
  const fetch = async (token: string | undefined): Promise<Page> => {
    calls.push(token);
    const start = token ? Number(token.slice(1)) : 0;
    const items = Array.from({ length: Math.max(0, Math.min(size, total - start)) }, (_, i) => start + i);
    const next = start + size < total ? `t${start + size}` : undefined;
    return next ? { Items: items, NextMarker: next } : { Items: items };
  };
  return { fetch, calls };
}

describe('paginate', () => {
  it.each([
    { total: 0, size: 400, pages: 1 },
    { total: 1, size: 400, pages: 1 },
    { total: 400, size: 400, pages: 1 },
    { total: 401, size: 400, pages: 2 },
    { total: 1000, size: 100, pages: 10 },
  ])('reads $total items in $pages page(s) of $size', async ({ total, size, pages }) => {
    const api = pagedApi(total, size);
    const items = await paginate({ fetch: api.fetch, items: (p) => p.Items, next: (p) => p.NextMarker });
    expect(items).toEqual(Array.from({ length: total }, (_, i) => i));
    expect(api.calls).toHaveLength(pages);
    expect(api.calls[0]).toBeUndefined();
  });

  it('passes each next token to the following call', async () => {
    const api = pagedApi(5, 2);
    await paginate({ fetch: api.fetch, items: (p) => p.Items, next: (p) => p.NextMarker });
    expect(api.calls).toEqual([undefined, 't2', 't4']);
  });

  it('treats an empty-string token as the last page', async () => {
    const items = await paginate({
      fetch: async () => ({ Items: [1], NextMarker: '' }),
      items: (p: Page) => p.Items,
      next: (p) => p.NextMarker,
    });
    expect(items).toEqual([1]);
  });

  it('fails instead of looping when the server repeats a token', async () => {
    let calls = 0;
    const spec = {
      fetch: async (): Promise<Page> => {
        calls += 1;
        return { Items: [calls], NextMarker: 'same' };
      },
      items: (p: Page) => p.Items,
      next: (p: Page) => p.NextMarker,
    };
    await expect(paginate(spec)).rejects.toThrow(/did not advance/);
    expect(calls).toBe(2);
  });

  it('stops early when stopWhen holds and reports where to continue', async () => {
    const api = pagedApi(1000, 100);
    const result = await paginatePages({
      fetch: api.fetch,
      items: (p) => p.Items,
      next: (p) => p.NextMarker,
      stopWhen: (items) => items.includes(250),
    });
    expect(result).toMatchObject({ pages: 3, complete: false, nextToken: 't300' });
    const rest = await paginatePages({ fetch: api.fetch, items: (p) => p.Items, next: (p) => p.NextMarker }, result.nextToken);
    expect(rest.items[0]).toBe(300);
    expect(rest.complete).toBe(true);
  });

  it('honours maxPages', async () => {
    const api = pagedApi(1000, 100);
    const result = await paginatePages({ fetch: api.fetch, items: (p) => p.Items, next: (p) => p.NextMarker, maxPages: 2 });
    expect(result).toMatchObject({ pages: 2, complete: false, nextToken: 't200' });
    expect(result.items).toHaveLength(200);
  });

  it('is complete when the last page arrives within maxPages', async () => {
    const api = pagedApi(150, 100);
    const result = await paginatePages({ fetch: api.fetch, items: (p) => p.Items, next: (p) => p.NextMarker, maxPages: 5 });
    expect(result).toMatchObject({ pages: 2, complete: true });
  });
});

describe('chunk', () => {
  it.each([
    { n: 0, size: 10, sizes: [] },
    { n: 25, size: 10, sizes: [10, 10, 5] },
    { n: 20, size: 20, sizes: [20] },
    { n: 57, size: 20, sizes: [20, 20, 17] },
  ])('splits $n items into batches of $size', ({ n, size, sizes }) => {
    const batches = chunk(Array.from({ length: n }, (_, i) => i), size);
    expect(batches.map((b) => b.length)).toEqual(sizes);
    expect(batches.flat()).toEqual(Array.from({ length: n }, (_, i) => i));
  });

  it('rejects a size below 1', () => {
    expect(() => chunk([1], 0)).toThrow(/chunk size/);
  });
});

describe('mapConcurrent', () => {
  it('keeps order and never runs more than the limit at once', async () => {
    let running = 0;
    let peak = 0;
    const out = await mapConcurrent([5, 1, 4, 2, 3], 2, async (x) => {
      running += 1;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, x));
      running -= 1;
      return x * 10;
    });
    expect(out).toEqual([50, 10, 40, 20, 30]);
    expect(peak).toBe(2);
  });
});
