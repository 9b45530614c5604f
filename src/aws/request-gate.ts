// Lets the daemon's loop stop a timed-out cycle from starting AWS requests. A cycle that ran
// past its timeout keeps running until its promise settles (the loop never starts a second
// one meanwhile); closing the gate makes each of its next attempts fail at once instead of
// going to AWS, so the cycle drains within one request deadline. Requests already sent are
// not cut: a write in flight finishes (or meets its own deadline).
export class RequestsStoppedError extends Error {
  override readonly name = 'RequestsStopped';
}

export class RequestGate {
  #reason: string | undefined;

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
