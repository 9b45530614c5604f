// Who last changed each declared resource, from the events of the last `ttlMs` (the resync):
// what a drift report names. Bounded: at most `max` resources are remembered (oldest dropped).
import { UNKNOWN_AUTHOR } from './event-author.js';

export class AuthorMemory {
  readonly #byId = new Map<string, { author: string; at: number }>();

  constructor(
    private readonly ttlMs: number,
    private readonly max = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  remember(id: string, author: string): void {
    this.#byId.delete(id);
    this.#byId.set(id, { author, at: this.now() });
    while (this.#byId.size > this.max) {
      const oldest = this.#byId.keys().next().value;
      if (oldest === undefined) break;
      this.#byId.delete(oldest);
    }
  }

  /** The last author of a change to `id` within the TTL, else that the author is unknown. */
  of(id: string): string {
    const seen = this.#byId.get(id);
    if (seen === undefined || this.now() - seen.at > this.ttlMs) return UNKNOWN_AUTHOR;
    return seen.author;
  }

  get size(): number {
    return this.#byId.size;
  }
}
