// What a kind says of a resource whose writes start something AWS finishes later (an ECS
// deployment): the state of that rollout, read from the same describe the plan used. Pure data;
// the controller turns it into /status states, log events, metrics and Slack messages.

export type RolloutState = 'in-sync' | 'rolling-out' | 'rollout-failed' | 'rolled-back';

export interface RolloutStatus {
  state: RolloutState;
  /** the desired spec hash this rollout deploys */
  specHash: string;
  /** the AWS id of the deployment our write started, when known */
  deploymentId?: string;
  /** one line for people: counts and age, or AWS's reason */
  detail: string;
  /** AWS's reason of a failure (e.g. the circuit breaker's), when it gave one */
  reason?: string;
  /** the first failing task's stopped reason, as the service events report it */
  stoppedReason?: string;
  /** the most recent service events, newest first (at most 5) */
  events?: string[];
  /** the spec hash is held: a failed rollout that is not retried until the files change or a retry is asked */
  held: boolean;
  /** rolled-back: what the service runs again (e.g. `payments-api:7`) */
  rolledBackTo?: string;
  /** rolling-out: when the deployment started (ISO 8601) */
  startedAt?: string;
}
