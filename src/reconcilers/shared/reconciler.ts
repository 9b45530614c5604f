// The one interface every kind implements (one folder each under src/reconcilers/), modelled on
// the AWS Load Balancer Controller's synthesizer + manager per kind: read (batched describes),
// normalise (AWS shapes -> live shapes), plan (pure), apply (steps over the kind's AWS writes).
// src/reconcilers/registry.ts lists them, typed over every Kind, in apply order.
import type { Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../aws/clients.js';
import type { AwsService } from '../../aws/aws-service.js';
import type { DesiredOf, DesiredState, Kind } from '../../spec/types.js';
import type { ChangeOf, KindTypes } from '../types.js';
import type { ApplyContext } from './apply-context.js';
import type { RolloutStatus } from './rollout-status.js';
import type { KindPlan, PlanContext } from './plan-context.js';
import type { ApplyStep, StepInput } from './steps.js';
import type { KindExport } from './export-hook.js';
import type { KindEvents } from './event-hook.js';

/** What a kind's read gets: the clients, its own cache between cycles, the reads of kinds before it. */
export interface ReadIO {
  clients: AwsClients;
  /** this kind's cache for the life of the process (see Reconciler.createCache) */
  cache: unknown;
  /** the raw read of a kind earlier in the registry (rules are read from the listeners found) */
  readOf<O extends Kind>(kind: O): Promise<KindTypes[O]['raw']>;
  /**
   * --prune was asked: also find what carries our owner tag but the files no longer name (each
   * kind's cheapest batched listing). False on every other cycle: the reads are the same as ever.
   */
  owned: boolean;
  /** the `ecs-reconciler/owner` value that marks ours (the --owner-id) */
  ownerId: string;
  /**
   * `desired` is part of the files (a targeted reconcile of an event's resources): what the
   * read keeps between cycles must not be trimmed to it (the rest is still declared)
   */
  partial?: boolean;
}

/** ARN -> tags, from the one ELBv2 DescribeTags pass over everything every ELBv2 kind read. */
export type TagLookup = (arn: string | undefined) => Tag[];

/** Every kind's writes, by kind (a target group replace moves rules, listeners and services). */
export type AppliersByKind = { readonly [K in Kind]: unknown };

export interface Reconciler<K extends Kind, A> {
  readonly kind: K;
  /** the AWS service its reads call (names a failure that is not an AWS error) */
  readonly service: AwsService;
  /** its apply stages, in order (most kinds have one: `write`); deletes run in `delete` */
  readonly applyStages: readonly string[];
  /** its documents in the desired state */
  desired(state: DesiredState): readonly DesiredOf<K>[];
  /**
   * References by name or tag (issue 16): the resource with the ids its lookups found put where
   * their `lookup:<site>` placeholders are (resource.lookups lists the sites), normalised again
   * (sorted lists). src/reconcilers/resolve-lookups.ts calls it every cycle, before any read; a
   * kind whose files take no id leaves it out.
   */
  withLookups?(resource: DesiredOf<K>, idsOf: (site: string) => readonly string[]): DesiredOf<K>;
  /** state kept between cycles (data AWS never changes once written), one per process */
  createCache?(): unknown;
  /** the batched describes of everything the desired state names (and, for pruning, what is ours) */
  read(desired: DesiredState, io: ReadIO): Promise<KindTypes[K]['raw']>;
  /** ARNs (and a label for errors) that need tags from the shared ELBv2 DescribeTags pass */
  elbv2TagArns?(raw: KindTypes[K]['raw']): [arn: string, label: string][];
  /** AWS shapes -> this kind's part of LiveState */
  normalise(raw: KindTypes[K]['raw'], tags: TagLookup): KindTypes[K]['live'];
  /** pure: desired + live -> changes and conflicts */
  plan(ctx: PlanContext): KindPlan;
  /**
   * The other kinds whose live state its plan and its create/update steps read (the target
   * groups' are always read: every plan resolves names through them). Lets a cycle plan and
   * start this kind's writes while slower reads go on. Undefined: every kind (planned last).
   */
  readonly plansFrom?: readonly Kind[];
  /** the AWS writes (tests pass fakes) */
  readonly appliers: A;
  /** called once before any step runs (e.g. the resolved names of target groups) */
  beforeApply?(changes: readonly ChangeOf<K>[], ctx: ApplyContext): void;
  /**
   * How many deletions a change carries toward --max-deletes (default: 1 for a prune delete, 0
   * otherwise). A kind whose updates also remove things (revoked ingress rules) counts them, so
   * that the prune guard and --prune cover them like any delete.
   */
  deletionCount?(change: ChangeOf<K>): number;
  /**
   * The change with its deletions held back, run when the prune guard refuses deletions; `reason`
   * is the guard's. Default: a change that carries deletions is skipped whole.
   */
  withoutDeletions?(change: ChangeOf<K>, reason: string): ChangeOf<K>;
  /** the executable changes -> steps */
  steps(input: StepInput<K>, ctx: ApplyContext, appliers: A, all: AppliersByKind): ApplyStep[];
  /**
   * What a write of this kind started and AWS finishes later (an ECS deployment): its state, from
   * the same answer the plan read. `applied`: this cycle wrote the change (a rollout just started).
   */
  rolloutStatus?(change: ChangeOf<K>, applied: boolean): RolloutStatus | undefined;
  /** apply's wait: read again the rollouts these applied changes started (batched), by change id */
  pollRollouts?(changes: readonly ChangeOf<K>[], clients: AwsClients): Promise<Map<string, RolloutStatus | undefined>>;
  /** extra lines under a change in `plan` output */
  detailLines?(change: ChangeOf<K>): string[];
  /** extra members of a change in `plan --json` */
  planJson?(change: ChangeOf<K>): Record<string, unknown>;
  /** `import`: what a selection picks of this kind, and live -> the YAML spec (its export.ts) */
  readonly exporter?: KindExport<K>;
  /** CloudTrail events (--events-queue): the calls that write this kind and the resources they touch */
  readonly events?: KindEvents<K>;
}
