// One AWS write, the way every applier makes it: paired log lines, the retry policy, a record of
// the write on success, and on failure one clear line naming the call and the resource.
import type { Kind } from '../../spec/types.js';
import type { AwsService } from '../../aws/aws-service.js';
import { describeAwsError, errorCode, isNotFound } from '../../aws/errors.js';
import type { ApplyContext } from './apply-context.js';
import { changeKey } from './steps.js';
import { withWriteRetry, type WriteAttempt } from '../../aws/write-retry.js';
import { LogEvent } from '../../log/log-events.js';

export type WriteVerb = 'create' | 'update' | 'delete' | 'tag' | 'untag' | 'register' | 'authorize' | 'revoke' | 'move' | 'scale' | 'deregister';

/** [to do, doing, done] */
const VERB_FORMS: Record<WriteVerb, [string, string, string]> = {
  create: ['create', 'creating', 'created'],
  update: ['update', 'updating', 'updated'],
  delete: ['delete', 'deleting', 'deleted'],
  tag: ['tag', 'tagging', 'tagged'],
  untag: ['untag', 'untagging', 'untagged'],
  register: ['register', 'registering', 'registered'],
  authorize: ['authorize rules for', 'authorizing rules for', 'authorized rules for'],
  revoke: ['revoke rules of', 'revoking rules of', 'revoked rules of'],
  move: ['move', 'moving', 'moved'],
  scale: ['scale down', 'scaling down', 'scaled down'],
  deregister: ['deregister', 'deregistering', 'deregistered'],
};


export interface WriteSpec<T> {
  /** the change this write belongs to */
  change: { id: string; kind: Kind; name: string; action?: string; liveId?: string };
  verb: WriteVerb;
  /** what is written, when not the change's own resource (e.g. `task definition payments-api`) */
  subject?: string;
  service: AwsService;
  /** AWS API operation, e.g. `CreateTargetGroup` */
  operation: string;
  /** ARN / id of the resource written, when known before the call */
  target?: string;
  /** extra words after the name in the log lines, e.g. `priority 100 -> 200` */
  detail?: string;
  send: (attempt: WriteAttempt) => Promise<T>;
  /** ARN / id of what was created, from the result */
  resultId?: (result: T) => string | undefined;
  /** failures the caller handles itself: rethrown as they are, not logged as errors */
  expectedFailure?: (err: unknown) => boolean;
}

/** A write that failed for good: the message is one line, safe to show. */
export class ApplyWriteError extends Error {
  override readonly name = 'ApplyWriteError';
  constructor(
    readonly changeId: string,
    readonly operation: string,
    message: string,
    readonly original: unknown,
  ) {
    super(message);
  }
}

/** How people read a kind in log lines: `TargetGroup` -> `target group`, `ListenerRule` -> `listener rule`. */
export function subjectOf(kind: Kind): string {
  return kind.replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
}

export async function performWrite<T>(ctx: ApplyContext, spec: WriteSpec<T>): Promise<T> {
  const [base, ing, ed] = VERB_FORMS[spec.verb];
  const what = `${spec.subject ?? `${subjectOf(spec.change.kind)} ${spec.change.name}`}`;
  const detail = spec.detail === undefined ? '' : ` ${spec.detail}`;
  const fields = {
    kind: spec.change.kind,
    name: spec.change.name,
    operation: spec.operation,
    ...(spec.target === undefined ? {} : { arn: spec.target }),
  };
  ctx.log.info({ event: LogEvent.applyWrite, ...fields, phase: 'started' }, `${ing} ${what}${detail}`);
  let attempts = 0;
  let result: T;
  try {
    result = await withWriteRetry(
      (attempt) => {
        attempts = attempt.attempt;
        return spec.send(attempt);
      },
      {
        ...ctx.retry,
        onRetry: (info) => {
          ctx.log.warn({ event: LogEvent.applyRetry, ...fields, attempt: info.attempt }, `retrying ${spec.operation} for ${spec.change.id}`);
          ctx.retry?.onRetry?.(info);
        },
      },
    );
  } catch (err) {
    if (err instanceof ApplyWriteError) throw err;
    if (spec.expectedFailure?.(err) === true) {
      ctx.log.info({ event: LogEvent.applyWrite, ...fields, phase: 'refused', code: errorCode(err) }, `${spec.operation} refused for ${what}: ${errorCode(err)}`);
      throw err;
    }
    const message = describeAwsError(err, { service: spec.service, operation: spec.operation, resource: spec.change.id });
    ctx.log.error({ event: LogEvent.applyFailed, ...fields, error: message }, `failed to ${base} ${what}: ${message}`);
    throw new ApplyWriteError(spec.change.id, spec.operation, message, err);
  }
  const id = spec.resultId?.(result) ?? spec.target;
  ctx.record({
    changeId: spec.change.id,
    changeKey: changeKey(spec.change),
    kind: spec.change.kind,
    name: spec.change.name,
    operation: spec.operation,
    ...(id === undefined ? {} : { target: id }),
    attempts,
  });
  ctx.log.info({ event: LogEvent.applyWrite, ...fields, phase: 'done', ...(id === undefined ? {} : { arn: id }) }, `${ed} ${what}${detail}${id === undefined ? '' : ` ${id}`}`);
  return result;
}

/** A delete whose target is already gone has done its job: AWS's NotFound counts as success. */
export async function deleteUnlessGone(send: () => Promise<unknown>): Promise<void> {
  try {
    await send();
  } catch (err) {
    if (!isNotFound(err)) throw err;
  }
}
