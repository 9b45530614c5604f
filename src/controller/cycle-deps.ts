// What a cycle works with (the daemon wires it) and the revision in force between cycles.
import type { AwsClients } from '../aws/clients.js';
import type { Logger } from '../log/logger.js';
import type { SecretRegistry } from '../log/redact-secrets.js';
import type { DriftIncidents } from '../notify/drift-incidents.js';
import type { RolloutIncidents } from '../notify/rollout-incidents.js';
import type { ControllerMetrics } from '../server/metrics.js';
import type { ControllerStatus } from '../server/controller-status.js';
import type { DesiredSource } from '../source/desired-source.js';
import type { DesiredState, LoadResult } from '../spec/types.js';
import type { LoadOptions } from '../spec/load-options.js';

export interface CycleDeps {
  source: DesiredSource;
  clients: AwsClients;
  logger: Logger;
  incidents: DriftIncidents;
  /** rollouts followed across cycles (log facts, Slack); absent: not followed (tests) */
  rollouts?: RolloutIncidents;
  status: ControllerStatus;
  metrics: ControllerMetrics;
  secrets: SecretRegistry;
  ownerId: string;
  prune: boolean;
  maxDeletes: number;
  /** report only: observe and plan, never write (every resource behaves as policy observe) */
  dryRun: boolean;
  /** the `${NAME}` values every revision is loaded with (--values, --env-variables) */
  loadOptions?: LoadOptions;
  /** plan the next cycle with --retry-failed once (POST /retry sets it; the cycle clears it) */
  retryFailed?: { requested: boolean };
  /** with --events-queue: who changed a resource (from its CloudTrail event), for drift reports */
  authors?: { of(id: string): string | undefined };
  /** how a synced directory is loaded; default loadDesiredState(dir) (a target: its path and values file) */
  load?: (dir: string) => Promise<LoadResult>;
}

export interface InForce {
  revision: string;
  state: DesiredState;
}
