// The one base of the controller's own errors (modelled on got's RequestError): a stable `code`
// for logs, tests and callers to branch on, a one-line `message` for people, and the `cause`
// it wraps. Every layer may throw it; it imports nothing.

export class ReconcilerError extends Error {
  /** stable and machine-readable, e.g. `observe.failed`, `config.invalid`, `AccessDenied` */
  readonly code: string;

  constructor(code: string, message: string, options: { cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
  }
}
