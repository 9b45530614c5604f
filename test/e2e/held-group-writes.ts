// The two shutdown tests (apply-interrupt, daemon-shutdown) hold flask-react's CreateTargetGroup
// and stop the controller meanwhile: these are the writes that must not start, the steps that wait
// for the held group. The EC2 ingress and the client service (on a group that exists) run beside
// the target groups (apply runs the AWS services side by side), so they may go before the stop.
import type { RecordedCall } from '../support/fault-proxy.js';

/** Writes of the steps that wait for flask-react-users-tg: the rule forwarding to it, the users service's. */
export function waitingForHeldGroup(writes: readonly RecordedCall[]): string[] {
  const later = ['CreateRule', 'RegisterTaskDefinition', 'CreateService'];
  return writes
    .filter((c) => later.includes(c.operation) && (c.operation === 'CreateRule' || JSON.stringify(c.params ?? {}).includes('flask-react-users')))
    .map((c) => c.operation);
}
