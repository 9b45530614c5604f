// What `run --config` adds to the daemon: the targets of the config file, and with
// --lease-table the lease manager that decides which of them this replica reconciles.
import { hostname } from 'node:os';
import { randomBytes } from 'node:crypto';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { LogEvent } from '../log/log-events.js';
import type { CycleResult } from '../server/controller-status.js';
import { ConfigError, type RunConfig } from '../controller/run-config.js';
import { LeaseManager } from '../leases/lease-manager.js';
import { LeaseTable } from '../leases/lease-table.js';
import { TargetSet, type TargetSetOptions } from './target-set.js';
import type { EventTarget } from '../events/target-dispatch.js';
import { formatConfigErrors, readTargetsConfig } from './targets-config.js';

/** Clock skew between replicas the lease safety margin allows for, besides one AWS attempt's deadline. */
export const LEASE_CLOCK_SKEW_MS = 2_000;

export interface TargetsWork {
  run(): Promise<CycleResult>;
  sourceMoved(): Promise<boolean>;
  /** with --events-queue: the targets the events route to, and those this replica holds now */
  eventTargets(): EventTarget[];
  owned(): ReadonlySet<string>;
  /** give the leases up (they expire after the safety margin) and close the clients */
  close(): Promise<void>;
}

/** What the target set takes, but the targets (read from the config file) and the leases (made here). */
export interface StartTargetsOptions extends Omit<TargetSetOptions, 'targets' | 'leases' | 'config'> {
  config: RunConfig & { configFile: string };
  /** a lease was taken or lost: run a cycle now */
  trigger: (reason: string) => void;
}

export async function startTargets(opts: StartTargetsOptions): Promise<TargetsWork> {
  const { config, logger } = opts;
  const read = await readTargetsConfig(config.configFile);
  if (!read.ok) throw new ConfigError(`invalid controller config:\n${formatConfigErrors(read.errors)}`);
  const targets = read.config.targets;
  let leases: LeaseManager | undefined;
  let dynamo: DynamoDBClient | undefined;
  if (config.leaseTable !== undefined) {
    dynamo = new DynamoDBClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 3_000, socketTimeout: 5_000 } });
    const replicaId = config.replicaId ?? `${hostname()}-${process.pid}-${randomBytes(2).toString('hex')}`;
    const safetyMarginMs = config.awsTimeoutMs + LEASE_CLOCK_SKEW_MS;
    if (config.leaseTtlMs <= config.leaseRenewMs + safetyMarginMs) {
      throw new ConfigError(`--lease-ttl ${config.leaseTtlMs} ms must be more than --lease-renew (${config.leaseRenewMs} ms) + --aws-timeout (${config.awsTimeoutMs} ms) + ${LEASE_CLOCK_SKEW_MS} ms of clock skew`);
    }
    leases = new LeaseManager({
      table: new LeaseTable(dynamo, config.leaseTable),
      replicaId,
      targets: targets.map((t) => t.name),
      ttlMs: config.leaseTtlMs,
      renewMs: config.leaseRenewMs,
      safetyMarginMs,
      logger: logger.child({ replica: replicaId }),
      onChange: () => opts.trigger('lease'),
    });
    logger.info({ event: LogEvent.leaseStarted, replica: replicaId, table: config.leaseTable, targets: targets.length }, `replica ${replicaId} shares ${targets.length} targets through lease table ${config.leaseTable}`);
  }
  const lm = leases;
  const set = new TargetSet({
    targets, config, source: opts.source, logger, metrics: opts.metrics, status: opts.status, secrets: opts.secrets,
    notify: opts.notify, gate: opts.gate, retryFailed: opts.retryFailed,
    ...(config.eventsQueue === undefined ? {} : { events: { resyncMs: config.resyncMs } }),
    ...(lm === undefined ? {} : { leases: { owned: () => lm.owned(), check: (t: string) => lm.check(t) } }),
  });
  lm?.start();
  return {
    run: () => set.run(),
    sourceMoved: () => set.sourceMoved(),
    eventTargets: () => set.eventTargets(),
    owned: () => set.owned(),
    async close() {
      await lm?.stop();
      set.close();
      dynamo?.destroy();
    },
  };
}
