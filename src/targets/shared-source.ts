// One source, many targets: the targets' reconcilers each see a view whose sync() returns the
// snapshot of the last real sync, so a cycle fetches the source once for all targets and every
// target loads from the same revision.
import type { DesiredSource, SourceSnapshot } from '../source/desired-source.js';

export class SharedSource {
  #last: { snapshot: SourceSnapshot } | { error: unknown } | undefined;
  #syncing: Promise<void> | undefined;

  constructor(readonly source: DesiredSource) {}

  /** Fetch once (callers at the same time share the fetch). */
  sync(): Promise<void> {
    this.#syncing ??= this.source
      .sync()
      .then(
        (snapshot) => {
          this.#last = { snapshot };
        },
        (error: unknown) => {
          this.#last = { error };
        },
      )
      .finally(() => {
        this.#syncing = undefined;
      });
    return this.#syncing;
  }

  /** What a target's reconciler reads as its source. */
  view(): DesiredSource {
    return {
      describe: () => this.source.describe(),
      sync: async () => {
        if (this.#last === undefined) await this.sync();
        const last = this.#last!;
        if ('error' in last) throw last.error;
        return last.snapshot;
      },
      close: async () => undefined,
    };
  }
}
