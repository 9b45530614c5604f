// lazyClient: the client (and its SDK package) is made on the first get(), once for every caller,
// made again after a failed make or a destroy.
import { describe, expect, it } from 'vitest';
import { lazyClient } from '../../src/aws/lazy-client.js';

function fake(): { make: () => Promise<{ id: number; destroyed: boolean; destroy(): void }>; made: number } {
  const state = {
    made: 0,
    make: async () => {
      state.made += 1;
      const c = { id: state.made, destroyed: false, destroy: () => void (c.destroyed = true) };
      return c;
    },
  };
  return state;
}

describe('lazyClient', () => {
  it('makes nothing until the first get, then one client for concurrent and later callers', async () => {
    const f = fake();
    const lazy = lazyClient(f.make);
    expect(f.made).toBe(0);
    expect(lazy.made).toBe(false);
    const [a, b] = await Promise.all([lazy.get(), lazy.get()]);
    expect(a).toBe(b);
    expect(await lazy.get()).toBe(a);
    expect(f.made).toBe(1);
    expect(lazy.made).toBe(true);
  });

  it('a make that failed is tried again on the next get', async () => {
    let attempts = 0;
    const lazy = lazyClient(async () => {
      attempts += 1;
      if (attempts === 1) throw new Error('cannot load');
      return { destroy: () => undefined };
    });
    await expect(lazy.get()).rejects.toThrow('cannot load');
    expect(lazy.made).toBe(false);
    await expect(lazy.get()).resolves.toBeDefined();
    expect(attempts).toBe(2);
  });

  it('destroy closes a made client (and only a made one); a later get makes a new one', async () => {
    const f = fake();
    const lazy = lazyClient(f.make);
    lazy.destroy();
    expect(f.made).toBe(0);
    const first = await lazy.get();
    lazy.destroy();
    expect(first.destroyed).toBe(true);
    expect(lazy.made).toBe(false);
    const second = await lazy.get();
    expect(second).not.toBe(first);
  });
});
