// Service (and the task definition it runs): its live shapes and what its changes carry. Its read
// normalises as it goes (the task definition cache holds normalised revisions), so raw is live.
import type { ServiceNetwork, ServiceSpec, TaskDefinitionSpec } from '../../spec/types.js';
import type { Tags } from '../shared/resource-types.js';
import type { RolloutStatus } from '../shared/rollout-status.js';
import type { ImageParameters } from './image-parameters.js';

export interface LiveTaskDefinition {
  arn: string;
  family: string;
  revision: number;
  /** normalised the same way as the desired TaskDefinitionSpec (ECS defaults filled, read-only fields dropped) */
  spec: TaskDefinitionSpec;
  tags: Tags;
}

export interface LiveService {
  arn: string;
  name: string;
  clusterArn: string;
  clusterName: string;
  status: string;
  launchType: string;
  desiredCount: number;
  deployment: { maximumPercent: number; minimumHealthyPercent: number };
  healthCheckGracePeriodSeconds?: number;
  taskDefinition: LiveTaskDefinition;
  loadBalancers: { targetGroupArn: string; containerName: string; containerPort: number }[];
  network?: ServiceNetwork;
  /** SERVICE_FIELDS (src/spec/aws-fields.ts) as ECS reports them, normalised; see service-fields.ts */
  aws?: Record<string, unknown>;
  tags: Tags;
  /** its deployments and recent events, from the same DescribeServices answer (no extra call) */
  rollout?: LiveRolloutRead;
  /**
   * only on a service of ours no file declares, read with --prune: its running tasks (the most
   * any deployment reports) and the ACTIVE task definition revisions tagged as its own
   */
  prune?: { runningCount: number; revisions: string[] };
}

/** One ECS deployment as DescribeServices reports it. */
export interface LiveDeployment {
  id: string;
  /** PRIMARY (the newest), ACTIVE (an older one still running tasks), INACTIVE */
  status: string;
  /** IN_PROGRESS | COMPLETED | FAILED; absent when ECS does not report it */
  rolloutState?: string;
  rolloutStateReason?: string;
  taskDefinition: string;
  desiredCount: number;
  runningCount: number;
  pendingCount: number;
  failedTasks: number;
  /** ISO 8601 */
  createdAt?: string;
}

export interface LiveRolloutRead {
  deployments: LiveDeployment[];
  /** the most recent service events, newest first (ECS's order), at most 10 kept */
  events: { createdAt?: string; message: string }[];
  /** `deploymentConfiguration.deploymentCircuitBreaker` as AWS reports it (not part of the spec) */
  circuitBreaker?: { enable: boolean; rollback: boolean };
}

export interface EcsObservation {
  /** clusters that exist (not INACTIVE), by name */
  clusters: string[];
  services: LiveService[];
  /** the SSM parameters `imageFrom` names, read this cycle (absent: none named) */
  imageParameters?: ImageParameters;
}

/** One field another owner keeps: its path, the live value shown (secrets as `(secret)`) and who owns it. */
export interface KeptField {
  path: string;
  live: unknown;
  /** `ignored` (metadata.ignore) or the owner, e.g. `ScalableTarget/api (Application Auto Scaling)` */
  owner: string;
}

export interface ServiceTypes {
  raw: EcsObservation;
  live: EcsObservation;
  change: {
    live?: LiveService;
    /** the task definition content differs from the running revision */
    registerTaskDefinition: boolean;
    /** the outcome of the last rollout of ours for the desired spec hash, read from the same answer */
    rollout?: RolloutStatus;
    /** write: record the failed spec hash as held (tag); retry: deploy a held hash again (--retry-failed) */
    hold?: 'write' | 'retry';
    /**
     * what the writes send to an existing service: the file's spec with every field another owner
     * holds (metadata.ignore, a scaler's desiredCount) at its live value (absent on create)
     */
    writeSpec?: ServiceSpec;
    /** the fields another owner holds that differ from the file, with the live value kept */
    kept?: KeptField[];
  };
}
