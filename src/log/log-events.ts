// Stable event names (the `event` field of every fact the daemon logs) and helpers that log
// the drift facts in one shape, so dashboards and alerts can rely on them.
import type { Logger } from './logger.js';

export const LogEvent = {
  driftDetected: 'drift.detected',
  driftCorrected: 'drift.corrected',
  driftResolved: 'drift.resolved',
  rolloutApplied: 'rollout.applied',
  rolloutStarted: 'rollout.started',
  rolloutCompleted: 'rollout.completed',
  rolloutFailed: 'rollout.failed',
  rolloutRolledBack: 'rollout.rolled_back',
  applyFailed: 'apply.failed',
  sourceInvalid: 'source.invalid',
  sourceUpdated: 'source.updated',
  sourceFailed: 'source.failed',
  cycleStarted: 'cycle.started',
  cycleCompleted: 'cycle.completed',
  cycleFailed: 'cycle.failed',
  webhookPush: 'webhook.push',
  webhookRejected: 'webhook.rejected',
  notifySent: 'notify.sent',
  notifyDropped: 'notify.dropped',
  serverListening: 'server.listening',
  serverError: 'server.error',
  webhookFailed: 'webhook.failed',
  applyWrite: 'apply.write',
  applyRetry: 'apply.retry',
  applySkipped: 'apply.skipped',
  applyNote: 'apply.note',
  notifyDisabled: 'notify.disabled',
  stateUnwritable: 'state.unwritable',
  shutdown: 'shutdown',
  targetFailed: 'target.failed',
  /** one target's part of a cycle ended: result and durationMs (targets run in parallel) */
  targetCompleted: 'target.completed',
  leaseStarted: 'lease.started',
  leaseAcquired: 'lease.acquired',
  leaseReleased: 'lease.released',
  leaseLost: 'lease.lost',
  leaseTickFailed: 'lease.tick-failed',
  /** references by name or tag found new ids (issue 16) */
  lookupsResolved: 'lookups.resolved',
} as const;
export type LogEventName = (typeof LogEvent)[keyof typeof LogEvent];

/** One drifted field as logged: live and desired values (already redacted where secret). */
export interface LoggedField {
  path: string;
  live: unknown;
  desired: unknown;
}

/** The resource a fact is about. */
export interface LoggedResource {
  /** `Kind/name` */
  id: string;
  arn?: string;
}

export interface DriftFact extends LoggedResource {
  /** commit SHA (git) or content hash (directory) in force */
  revision: string;
  fields: LoggedField[];
  policy: 'enforce' | 'observe';
  /** who made the change and how (`changed by <arn> via console (signin) at 12:03:11Z, ModifyRule`), with --events-queue */
  author?: string;
}

/** drift.detected (warn): live differs from desired while the live spec-hash tag equals desired. */
export function logDriftDetected(logger: Logger, fact: DriftFact): void {
  logger.warn(
    { event: LogEvent.driftDetected, resource: fact.id, arn: fact.arn, commit: fact.revision, policy: fact.policy, fields: fact.fields, ...(fact.author === undefined ? {} : { author: fact.author }) },
    `drift detected on ${fact.id}: ${fact.fields.map((f) => f.path).join(', ')}${fact.author === undefined ? '' : `; ${fact.author}`}`,
  );
}

/** drift.corrected (info): the applier wrote the desired values back. */
export function logDriftCorrected(logger: Logger, fact: DriftFact): void {
  logger.info(
    { event: LogEvent.driftCorrected, resource: fact.id, arn: fact.arn, commit: fact.revision, fields: fact.fields },
    `drift corrected on ${fact.id}`,
  );
}

/** drift.resolved (info): a resource with an open drift incident is in sync again. */
export function logDriftResolved(logger: Logger, resource: LoggedResource & { revision: string }): void {
  logger.info(
    { event: LogEvent.driftResolved, resource: resource.id, arn: resource.arn, commit: resource.revision },
    `drift resolved on ${resource.id}`,
  );
}

/** rollout.applied (info): a change of the desired state was written. */
export function logRolloutApplied(
  logger: Logger,
  fact: LoggedResource & { revision: string; action: string; fields: LoggedField[] },
): void {
  logger.info(
    { event: LogEvent.rolloutApplied, resource: fact.id, arn: fact.arn, commit: fact.revision, action: fact.action, fields: fact.fields },
    `${fact.action} ${fact.id}`,
  );
}

/** apply.failed (error): a write failed; `error` is the user-facing message (no stack). */
export function logApplyFailed(
  logger: Logger,
  fact: LoggedResource & { revision: string; action: string; error: string; code?: string },
): void {
  logger.error(
    { event: LogEvent.applyFailed, resource: fact.id, arn: fact.arn, commit: fact.revision, action: fact.action, code: fact.code, error: fact.error },
    `${fact.action} ${fact.id} failed: ${fact.error}`,
  );
}

/** source.invalid (error): a revision failed to load; it is not applied. */
export function logSourceInvalid(
  logger: Logger,
  fact: { revision: string; errors: { file: string; line: number; col: number; message: string; code?: string }[] },
): void {
  const first = fact.errors[0];
  const where = first ? `${first.file}:${first.line}:${first.col}: ${first.message}` : 'no details';
  logger.error(
    { event: LogEvent.sourceInvalid, commit: fact.revision, errors: fact.errors },
    `revision ${fact.revision} is invalid and not applied (${fact.errors.length} error(s); first: ${where})`,
  );
}

/** source.updated (info): a new revision was fetched. */
export function logSourceUpdated(logger: Logger, fact: { revision: string; previous?: string; source: string }): void {
  logger.info(
    { event: LogEvent.sourceUpdated, commit: fact.revision, previous: fact.previous, source: fact.source },
    `desired state at ${fact.revision}${fact.previous ? ` (was ${fact.previous})` : ''}`,
  );
}

export interface RolloutFact extends LoggedResource {
  revision: string;
  specHash: string;
  deploymentId?: string;
  detail: string;
  reason?: string;
  stoppedReason?: string;
  events?: string[];
  rolledBackTo?: string;
}

/** rollout.started / completed (info), rollout.failed / rolled_back (error): what became of a deployment of ours. */
export function logRollout(logger: Logger, event: 'started' | 'completed' | 'failed' | 'rolled_back', fact: RolloutFact): void {
  const name = { started: LogEvent.rolloutStarted, completed: LogEvent.rolloutCompleted, failed: LogEvent.rolloutFailed, rolled_back: LogEvent.rolloutRolledBack }[event];
  const fields = {
    event: name,
    resource: fact.id,
    arn: fact.arn,
    commit: fact.revision,
    specHash: fact.specHash,
    deployment: fact.deploymentId,
    reason: fact.reason,
    stoppedReason: fact.stoppedReason,
    events: fact.events,
    rolledBackTo: fact.rolledBackTo,
  };
  const msg = `rollout ${event.replace('_', ' ')} on ${fact.id}: ${fact.detail}`;
  if (event === 'failed' || event === 'rolled_back') logger.error(fields, msg);
  else logger.info(fields, msg);
}
