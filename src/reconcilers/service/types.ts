// Service (and the task definition it runs): its live shapes and what its changes carry. Its read
// normalises as it goes (the task definition cache holds normalised revisions), so raw is live.
import type { ServiceNetwork, TaskDefinitionSpec } from '../../spec/types.js';
import type { Tags } from '../shared/resource-types.js';

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
  tags: Tags;
  /**
   * only on a service of ours no file declares, read with --prune: its running tasks (the most
   * any deployment reports) and the ACTIVE task definition revisions tagged as its own
   */
  prune?: { runningCount: number; revisions: string[] };
}

export interface EcsObservation {
  /** clusters that exist (not INACTIVE), by name */
  clusters: string[];
  services: LiveService[];
}

export interface ServiceTypes {
  raw: EcsObservation;
  live: EcsObservation;
  change: {
    live?: LiveService;
    /** the task definition content differs from the running revision */
    registerTaskDefinition: boolean;
  };
}
