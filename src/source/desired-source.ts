// Where the desired YAML comes from: a local directory or a git branch. The loop calls sync()
// before each cycle (and on a webhook push); sync() returns a directory that stays unchanged
// until a later sync() returns a different one, so a load never sees a half-updated tree.
import { ReconcilerError } from '../reconciler-error.js';

export interface SourceSnapshot {
  /** commit SHA (git) or `dir-<content hash>` (directory) */
  revision: string;
  /** directory holding the desired YAML at `revision` (already joined with --path for git) */
  dir: string;
  /** true when `revision` differs from the one the previous sync() returned (always true the first time) */
  changed: boolean;
  /** first line of the commit message (git only), scrubbed */
  subject?: string;
}

export interface DesiredSource {
  /** human description, credentials removed: `git https://host/org/repo.git branch main path desired/` */
  describe(): string;
  /** fetch / re-read; throws SourceError (message safe to log and show) */
  sync(): Promise<SourceSnapshot>;
  /** remove work files; the source is unusable afterwards */
  close(): Promise<void>;
  /**
   * At start: throws a SourceError when the source does not exist (a missing directory or
   * repository, a branch the repository lacks), so `run` fails with one line instead of
   * retrying forever. A failure that may pass (network, timeout, credentials) does not throw:
   * the daemon retries it every cycle, as before.
   */
  checkExists?(): Promise<void>;
}

export type SourceErrorCode =
  | 'source.not-found'
  | 'source.fetch-failed'
  | 'source.branch-missing'
  | 'source.path-missing'
  | 'source.checkout-failed'
  | 'source.unsafe-link'
  | 'source.timeout'
  | 'source.closed';

/** A failure of the source. `revision` is set when the failure belongs to one commit (report once per SHA). */
export class SourceError extends ReconcilerError {
  override readonly name = 'SourceError';
  declare readonly code: SourceErrorCode;
  constructor(
    code: SourceErrorCode,
    message: string,
    readonly revision?: string,
  ) {
    super(code, message);
  }
}
