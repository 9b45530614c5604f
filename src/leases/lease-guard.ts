// The lease check on every AWS write of a target: SDK middleware on that target's clients, after
// the rate limiter's wait and right before the attempt is counted, signed and sent. A write goes
// out only while the lease is held for at least the safety margin more (the margin covers the
// attempt's own deadline and clock skew), so it has landed or failed before any other replica
// may take the lease. Reads are never refused: they change nothing.
import type { FinalizeRequestMiddleware, HandlerExecutionContext } from '@smithy/types';
import type { AwsService } from '../aws/aws-service.js';
import { CALL_COUNTER_MIDDLEWARE_NAME } from '../aws/call-counter.js';
import type { MiddlewareStackLike } from '../aws/clients.js';
import { isWriteOperation } from '../aws/rate-limits.js';
import { ReconcilerError } from '../reconciler-error.js';

export class LeaseLostError extends ReconcilerError {
  override readonly name = 'LeaseLostError';
  constructor(message: string) {
    super('lease.lost', message);
  }
}

/** Throws LeaseLostError when the write must not go out. */
export type LeaseCheck = (operation: string) => void;

export const LEASE_GUARD_MIDDLEWARE_NAME = 'ecsReconcilerLeaseGuard';

export function leaseGuardMiddleware(check: LeaseCheck): FinalizeRequestMiddleware<object, object> {
  return (next, context: HandlerExecutionContext) => async (args) => {
    const operation = (context.commandName ?? 'Unknown').replace(/Command$/, '');
    if (isWriteOperation(operation)) check(operation);
    return next(args);
  };
}

/** For AwsClientOptions.extendStack. */
export function installLeaseGuard(check: LeaseCheck): (stack: MiddlewareStackLike, service: AwsService) => void {
  return (stack) => {
    stack.addRelativeTo(leaseGuardMiddleware(check), { name: LEASE_GUARD_MIDDLEWARE_NAME, relation: 'before', toMiddleware: CALL_COUNTER_MIDDLEWARE_NAME });
  };
}
