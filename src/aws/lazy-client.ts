// An SDK client made (and its package imported) on the first call of a feature that needs it:
// SQS only with --events-queue, SSM only when a file reads an image or a client secret from
// Parameter Store. Each SDK package costs megabytes of heap to load, so a controller that never
// uses one does not load it.
export interface LazyClient<C> {
  /** the client, made on the first call (one for all callers) */
  get(): Promise<C>;
  /** made yet (tests, and destroy) */
  readonly made: boolean;
  /** closes the client's sockets if it was made; a later get() makes a new one */
  destroy(): void;
}

export function lazyClient<C extends { destroy(): void }>(make: () => Promise<C>): LazyClient<C> {
  let pending: Promise<C> | undefined;
  let client: C | undefined;
  return {
    get() {
      pending ??= make().then(
        (c) => (client = c),
        (e: unknown) => {
          pending = undefined;
          throw e;
        },
      );
      return pending;
    },
    get made() {
      return client !== undefined;
    },
    destroy() {
      client?.destroy();
      client = undefined;
      pending = undefined;
    },
  };
}
