// Prometheus metrics of the daemon, on a registry of their own (one per server instance; tests
// create several). The loop calls the record/set functions with plain values.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { RESOURCE_STATES } from './controller-status.js';
import type { CycleResult, ResourceState } from './controller-status.js';

export type RolloutResult = 'started' | 'completed' | 'failed' | 'rolled_back';
export const ROLLOUT_RESULTS: readonly RolloutResult[] = ['started', 'completed', 'failed', 'rolled_back'];
export const CYCLE_RESULTS: readonly CycleResult[] = ['success', 'partial', 'failed', 'timeout'];

export interface MetricsOptions {
  /** process_* and nodejs_* metrics (default true) */
  defaultMetrics?: boolean;
}

/** Matches the AWS call counter's event shape (src/aws/call-counter.ts) without importing it. */
export interface AwsCallEvent {
  service: string;
  operation: string;
  outcome: string;
}

export class ControllerMetrics {
  readonly registry: Registry;
  readonly #cycleDuration: Histogram<'result' | 'target'>;
  readonly #cycles: Counter<'result' | 'target'>;
  readonly #drifts: Counter<'kind' | 'target'>;
  readonly #resources: Gauge<'state' | 'target'>;
  readonly #awsCalls: Counter<'service' | 'operation' | 'outcome' | 'target'>;
  readonly #revision: Gauge<'revision'>;
  readonly #rollouts: Counter<'result' | 'target'>;
  readonly #rolloutsInProgress: Gauge<'target'>;
  #currentRevision: string | undefined;
  /** set on a target's view (forTarget): every series it records carries `target` */
  readonly #target: { target: string } | Record<string, never>;
  readonly #of: ControllerMetrics | undefined;

  constructor(options: MetricsOptions = {}, view?: { of: ControllerMetrics; target: string }) {
    if (view !== undefined) {
      const of = view.of;
      this.registry = of.registry;
      this.#of = of;
      this.#target = { target: view.target };
      this.#cycleDuration = of.#cycleDuration;
      this.#cycles = of.#cycles;
      this.#drifts = of.#drifts;
      this.#resources = of.#resources;
      this.#awsCalls = of.#awsCalls;
      this.#revision = of.#revision;
      this.#rollouts = of.#rollouts;
      this.#rolloutsInProgress = of.#rolloutsInProgress;
      for (const r of CYCLE_RESULTS) this.#cycles.inc({ result: r, target: view.target }, 0);
      for (const s of RESOURCE_STATES) this.#resources.set({ state: s, target: view.target }, 0);
      return;
    }
    this.#target = {};
    this.#of = undefined;
    this.registry = new Registry();
    const registers = [this.registry];
    this.#cycleDuration = new Histogram({
      name: 'ecs_reconciler_cycle_duration_seconds',
      help: 'Duration of reconcile cycles (load, observe, plan, apply)',
      labelNames: ['result', 'target'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120],
      registers,
    });
    this.#cycles = new Counter({
      name: 'ecs_reconciler_cycles_total',
      help: 'Reconcile cycles by result',
      labelNames: ['result', 'target'],
      registers,
    });
    this.#drifts = new Counter({
      name: 'ecs_reconciler_drifts_total',
      help: 'Drifts detected (live changed behind the controller), by resource kind',
      labelNames: ['kind', 'target'],
      registers,
    });
    this.#resources = new Gauge({
      name: 'ecs_reconciler_resources',
      help: 'Declared resources by state after the last cycle',
      labelNames: ['state', 'target'],
      registers,
    });
    this.#awsCalls = new Counter({
      name: 'ecs_reconciler_aws_calls_total',
      help: 'AWS API attempts by service, operation and outcome (ok, throttled or the error code)',
      labelNames: ['service', 'operation', 'outcome', 'target'],
      registers,
    });
    this.#revision = new Gauge({
      name: 'ecs_reconciler_revision_info',
      help: 'The desired-state revision in force (value 1)',
      labelNames: ['revision'],
      registers,
    });
    this.#rollouts = new Counter({
      name: 'ecs_reconciler_rollouts_total',
      help: 'Rollouts (deployments started by the controller) by result: started, completed, failed, rolled_back',
      labelNames: ['result', 'target'],
      registers,
    });
    this.#rolloutsInProgress = new Gauge({ name: 'ecs_reconciler_rollouts_in_progress', help: 'Rollouts in progress after the last cycle', labelNames: ['target'], registers });
    for (const r of ROLLOUT_RESULTS) this.#rollouts.inc({ result: r }, 0);
    for (const r of CYCLE_RESULTS) this.#cycles.inc({ result: r }, 0);
    for (const s of RESOURCE_STATES) this.#resources.set({ state: s }, 0);
    if (options.defaultMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /**
   * The same metrics with `target="<name>"` on every series this view records (issue 16: one
   * controller, many accounts and regions). Without a config file nothing carries the label.
   */
  forTarget(target: string): ControllerMetrics {
    return new ControllerMetrics({}, { of: this.#of ?? this, target });
  }

  recordCycle(result: CycleResult, seconds: number): void {
    this.#cycles.inc({ result, ...this.#target });
    this.#cycleDuration.observe({ result, ...this.#target }, seconds);
  }

  recordRollout(result: RolloutResult): void {
    this.#rollouts.inc({ result, ...this.#target });
  }

  setRolloutsInProgress(n: number): void {
    this.#rolloutsInProgress.set({ ...this.#target }, n);
  }

  recordDrift(kind: string, count = 1): void {
    if (count > 0) this.#drifts.inc({ kind, ...this.#target }, count);
  }

  /** Set the per-state gauge from counts or from the resource list (states not given become 0). */
  setResourceStates(states: Partial<Record<ResourceState, number>> | readonly { state: ResourceState }[]): void {
    const counts: Record<string, number> = {};
    if (Array.isArray(states)) {
      for (const r of states as readonly { state: ResourceState }[]) counts[r.state] = (counts[r.state] ?? 0) + 1;
    } else {
      Object.assign(counts, states);
    }
    for (const s of RESOURCE_STATES) this.#resources.set({ state: s, ...this.#target }, counts[s] ?? 0);
  }

  recordAwsCall(service: string, operation: string, outcome: string): void {
    this.#awsCalls.inc({ service, operation, outcome, ...this.#target });
  }

  /** A listener to subscribe to the AWS call counter: `counter.on(metrics.awsCallListener())`. */
  awsCallListener(): (event: AwsCallEvent) => void {
    return (e) => this.recordAwsCall(e.service, e.operation, e.outcome);
  }

  /** Exactly one series: the revision in force. */
  setRevision(revision: string): void {
    // the source's revision: one for all targets
    if (this.#of !== undefined) return this.#of.setRevision(revision);
    if (revision === this.#currentRevision) return;
    this.#revision.reset();
    this.#revision.set({ revision }, 1);
    this.#currentRevision = revision;
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  text(): Promise<string> {
    return this.registry.metrics();
  }
}
