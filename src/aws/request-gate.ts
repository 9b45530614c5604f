// Lets the daemon's loop stop a timed-out cycle from starting AWS requests. A cycle that ran
// past its timeout keeps running until its promise settles (the loop never starts a second
// one meanwhile); closing the gate makes each of its next attempts fail at once instead of
// going to AWS, so the cycle drains within one request deadline. Requests already sent are
// not cut: a write in flight finishes (or meets its own deadline).
// Shutdown is softer (drain): the requests of work already under way still go, so a step that has
// started its writes finishes them, but the applier starts no new step (controller/apply.ts asks
// `stopping` before each one). It is never undone: the process is on its way out.
export class RequestsStoppedError extends Error {
  override readonly name = 'RequestsStopped';
}

export class RequestGate {
  #reason: string | undefined;
  #stopping: string | undefined;

  /** Start no new unit of work (an apply step) from now on; requests of those under way still pass. */
  drain(reason: string): void {
    this.#stopping ??= reason;
  }

  /** Why no new work may start (set by drain()), or undefined. */
  get stopping(): string | undefined {
    return this.#stopping;
  }

  /** Refuse every new attempt with `reason` until open() is called. */
  close(reason: string): void {
    this.#reason = reason;
  }

  open(): void {
    this.#reason = undefined;
  }

  get closed(): boolean {
    return this.#reason !== undefined;
  }

  /** Throws RequestsStoppedError while closed. */
  check(what: string): void {
    if (this.#reason !== undefined) throw new RequestsStoppedError(`${what} not sent: ${this.#reason}`);
  }
}
