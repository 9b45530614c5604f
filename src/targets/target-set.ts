// The daemon with a controller config file: one Reconciler per target, each with its own AWS
// clients (assumed role, region, rate-limit buckets), logger field `target`, metrics label,
// drift and rollout incidents (Slack messages name the target), and /status section. A cycle
// syncs the source once, then runs the targets this replica owns in parallel; a target that fails
// (a role that cannot be assumed, a region that does not answer) fails alone.
import { join } from 'node:path';
import { createAwsClients, type AwsClients } from '../aws/clients.js';
import { isWriteOperation } from '../aws/rate-limits.js';
import type { RequestGate } from '../aws/request-gate.js';
import { LogEvent } from '../log/log-events.js';
import type { Logger } from '../log/logger.js';
import type { SecretRegistry } from '../log/redact-secrets.js';
import { DriftIncidents } from '../notify/drift-incidents.js';
import { RolloutIncidents } from '../notify/rollout-incidents.js';
import { slackText } from '../notify/slack-escape.js';
import type { SlackMessage } from '../notify/slack-sender.js';
import { ControllerStatus, type CycleResult, type TargetStatusSection } from '../server/controller-status.js';
import type { ControllerMetrics } from '../server/metrics.js';
import type { DesiredSource } from '../source/desired-source.js';
import { CycleError, Reconciler } from '../controller/cycle.js';
import type { RunConfig } from '../controller/run-config.js';
import { installLeaseGuard, type LeaseCheck } from '../leases/lease-guard.js';
import { assumeRoleCredentials, type CredentialProvider } from './assume-role-credentials.js';
import { SharedSource } from './shared-source.js';
import { loadTarget } from './target-load.js';
import type { TargetSpec } from './targets-config.js';
import { AuthorMemory } from '../events/author-memory.js';
import { accountOfArn, type EventTarget } from '../events/target-dispatch.js';

/** Slack messages of a target start with its name. */
export function messageForTarget(message: SlackMessage, target: string): SlackMessage {
  return { text: `[target ${slackText(target)}] ${message.text}`, title: `[${target}] ${message.title}` };
}

/** The clients of one target: its region, its assumed role, its own buckets, the lease guard. */
export function createTargetClients(
  target: TargetSpec,
  opts: { requestDeadlineMs?: number; gate?: RequestGate; leaseCheck?: LeaseCheck } = {},
): { clients: AwsClients; credentials: CredentialProvider | undefined } {
  const credentials = target.roleArn === undefined ? undefined : assumeRoleCredentials({ ...target, roleArn: target.roleArn });
  const clients = createAwsClients({
    region: target.region,
    ...(credentials === undefined ? {} : { credentials }),
    ...(opts.requestDeadlineMs === undefined ? {} : { requestDeadlineMs: opts.requestDeadlineMs }),
    ...(opts.gate === undefined ? {} : { gate: opts.gate }),
    ...(opts.leaseCheck === undefined ? {} : { extendStack: installLeaseGuard(opts.leaseCheck) }),
  });
  return { clients, credentials };
}

export interface TargetSetOptions {
  targets: readonly TargetSpec[];
  config: RunConfig;
  source: DesiredSource;
  logger: Logger;
  metrics: ControllerMetrics;
  /** the daemon's status: readiness counts every target's calls; the sections hang under it */
  status: ControllerStatus;
  secrets: SecretRegistry;
  notify: (message: SlackMessage) => void;
  /** the daemon's gate: a timed-out cycle stops every target's new requests */
  gate: RequestGate;
  /** with leases: which targets this replica may reconcile now, and the write check of each */
  leases?: { owned: () => readonly string[]; check: (target: string) => LeaseCheck };
  /** POST /retry sets it: every owned target's next cycle deploys again what failed rollouts hold */
  retryFailed: { requested: boolean };
  /** with --events-queue: each target remembers who changed its resources for this long (the resync) */
  events?: { resyncMs: number };
}

interface TargetRun {
  spec: TargetSpec;
  reconciler: Reconciler;
  status: ControllerStatus;
  metrics: ControllerMetrics;
  logger: Logger;
  clients: AwsClients;
  credentials: CredentialProvider | undefined;
  retry: { requested: boolean };
  authors: AuthorMemory | undefined;
}

export class TargetSet {
  readonly #runs: TargetRun[];
  readonly #shared: SharedSource;

  constructor(private readonly opts: TargetSetOptions) {
    const { config } = opts;
    this.#shared = new SharedSource(opts.source);
    this.#runs = opts.targets.map((spec) => {
      const logger = opts.logger.child({ target: spec.name });
      const metrics = opts.metrics.forTarget(spec.name);
      const status = new ControllerStatus({ intervalMs: config.intervalMs, cycleTimeoutMs: config.cycleTimeoutMs, stallGraceMs: config.stallGraceMs });
      status.setSource(`${opts.source.describe()} path ${spec.path}${spec.values ? ` values ${spec.values}` : ''}`);
      const { clients, credentials } = createTargetClients(spec, {
        requestDeadlineMs: config.awsTimeoutMs,
        gate: opts.gate,
        ...(opts.leases === undefined ? {} : { leaseCheck: opts.leases.check(spec.name) }),
      });
      clients.calls.onCall(metrics.awsCallListener());
      clients.calls.onCall((call) => {
        const write = isWriteOperation(call.operation);
        status.awsCallFinished(call.outcome === 'ok', write);
        opts.status.awsCallFinished(call.outcome === 'ok', write);
      });
      const notify = (m: SlackMessage): void => opts.notify(messageForTarget(m, spec.name));
      const stateFile = (base: string): { stateFile: string } | object =>
        config.stateDir === undefined ? {} : { stateFile: join(config.stateDir, `${base}-${spec.name}.json`) };
      const incidents = new DriftIncidents({ notify, realertMs: config.realertMs, ...stateFile('incidents'), logger });
      const rollouts = new RolloutIncidents({ notify, notifyRollouts: config.notifyRollouts, ...stateFile('rollouts'), warn: (msg) => logger.warn(msg) });
      const retry = { requested: false };
      const authors = opts.events === undefined ? undefined : new AuthorMemory(opts.events.resyncMs);
      const reconciler = new Reconciler({
        source: this.#shared.view(), clients, logger, incidents, rollouts, retryFailed: retry, status, metrics, secrets: opts.secrets,
        ...(authors === undefined ? {} : { authors }),
        ownerId: config.ownerId, prune: config.prune, maxDeletes: config.maxDeletes, dryRun: config.dryRun,
        load: (dir) => loadTarget(dir, spec, { envVariables: config.envVariables }),
      });
      return { spec, reconciler, status, metrics, logger, clients, credentials, retry, authors };
    });
    opts.status.setTargetSections(() => this.sections());
  }

  /** What the events queue routes to (with `events` only): each target's place, role and reconciler. */
  eventTargets(): EventTarget[] {
    return this.#runs.flatMap((r) => (r.authors === undefined ? [] : [{
      name: r.spec.name, account: r.spec.account ?? accountOfArn(r.spec.roleArn), region: r.spec.region, roleArn: r.spec.roleArn, authors: r.authors,
      index: () => r.reconciler.eventIndex(),
      run: (ids: readonly string[]) => r.reconciler.runTargeted(ids),
    }]));
  }

  /** The targets this replica reconciles now (all of them without leases). */
  owned(): ReadonlySet<string> {
    return this.#owned();
  }

  #owned(): Set<string> {
    return new Set(this.opts.leases === undefined ? this.#runs.map((r) => r.spec.name) : this.opts.leases.owned());
  }

  sections(): TargetStatusSection[] {
    const owned = this.#owned();
    return this.#runs.map((r) => {
      const { targets: _, ...status } = r.status.snapshot();
      return { name: r.spec.name, account: r.spec.account ?? null, region: r.spec.region, owned: owned.has(r.spec.name), status };
    });
  }

  /** Sync once, then load every target (a target's invalid files refuse that target's revision only). */
  async #refresh(runs: readonly TargetRun[]): Promise<void> {
    await this.#shared.sync();
    await Promise.all(runs.map((r) => r.reconciler.refreshSource().catch(() => undefined)));
    // the daemon's own readiness needs a revision in force: the source's, once a target loaded it
    const revision = this.#runs.find((r) => r.reconciler.inForce !== undefined)?.reconciler.inForce?.revision;
    if (revision !== undefined) this.opts.status.setRevision(revision);
  }

  async sourceMoved(): Promise<boolean> {
    const before = this.#runs.map((r) => r.reconciler.inForce?.revision).join();
    await this.#refresh(this.#runs);
    return this.#runs.map((r) => r.reconciler.inForce?.revision).join() !== before;
  }

  /** One cycle of every owned target, in parallel. Throws CycleError only when every one failed. */
  async run(): Promise<CycleResult> {
    const owned = this.#owned();
    const runs = this.#runs.filter((r) => owned.has(r.spec.name));
    await this.#refresh(runs);
    if (this.opts.retryFailed.requested) {
      this.opts.retryFailed.requested = false;
      for (const r of runs) r.retry.requested = true;
    }
    const results = await Promise.all(runs.map((r) => this.#runOne(r)));
    if (results.length > 0 && results.every((r) => r === 'failed')) throw new CycleError(`every target failed (${runs.map((r) => r.spec.name).join(', ')}): see target.failed`);
    return results.every((r) => r === 'success') ? 'success' : 'partial';
  }

  async #runOne(r: TargetRun): Promise<CycleResult> {
    const started = performance.now();
    r.status.cycleStarted();
    let result: CycleResult;
    let error: string | undefined;
    try {
      result = await r.reconciler.run();
    } catch (e) {
      result = 'failed';
      error = this.opts.secrets.scrub(e instanceof Error ? e.message : String(e));
      r.logger.error({ event: LogEvent.targetFailed, target: r.spec.name, err: { message: error } }, `target ${r.spec.name}: ${error}`);
    }
    r.status.cycleFinished({ result, ...(error === undefined ? {} : { error }) });
    const seconds = (performance.now() - started) / 1000;
    r.metrics.recordCycle(result, seconds);
    const durationMs = Math.round(seconds * 1000);
    r.logger.info({ event: LogEvent.targetCompleted, target: r.spec.name, result, durationMs }, `target ${r.spec.name}: ${result} in ${durationMs} ms`);
    return result;
  }

  close(): void {
    for (const r of this.#runs) {
      r.clients.destroy();
      r.credentials?.destroy();
    }
  }
}
