// Which targets this replica owns, through leases in DynamoDB (lease-table.ts). Every tick
// (`renewMs`): heartbeat this replica's row, read the table, renew the leases held (conditional
// on the version read), give up those above this replica's share, take free or expired ones up
// to its share. The share is ceil(targets / live replicas), live = heartbeat not expired, so the
// targets spread evenly and a dead replica's targets are taken once its leases expire.
//
// Safety: `check(target)` (the lease guard on the target's writes) lets a write out only while the
// lease is valid for `safetyMarginMs` more by this replica's clock. A lease given up is written
// with its expiry at now + margin, so the writes already sent have finished before another
// replica may take it. The margin must cover an AWS attempt's deadline plus the clock skew
// between replicas; `ttlMs` must exceed `renewMs + safetyMarginMs` (checked).
import { LogEvent } from '../log/log-events.js';
import type { Logger } from '../log/logger.js';
import { LeaseLostError } from './lease-guard.js';
import type { LeaseTable, TableSnapshot } from './lease-table.js';

export interface LeaseManagerOptions {
  table: LeaseTable;
  replicaId: string;
  targets: readonly string[];
  ttlMs: number;
  renewMs: number;
  safetyMarginMs: number;
  logger: Logger;
  now?: () => number;
  /** after a tick that took or lost a lease (the daemon starts a cycle for the new ones) */
  onChange?: (owned: readonly string[]) => void;
}

interface Held {
  version: number;
  expiresAt: number;
}

export class LeaseManager {
  readonly #held = new Map<string, Held>();
  readonly #now: () => number;
  #timer: NodeJS.Timeout | undefined;
  #stopped = false;
  #ticking: Promise<void> | undefined;
  /** the earliest expiry, seen at the last tick, of a lease or heartbeat of another replica */
  #foreignExpiry = Number.POSITIVE_INFINITY;

  constructor(private readonly opts: LeaseManagerOptions) {
    if (opts.ttlMs <= opts.renewMs + opts.safetyMarginMs) {
      throw new Error(`lease TTL ${opts.ttlMs} ms must be more than the renew interval ${opts.renewMs} ms plus the safety margin ${opts.safetyMarginMs} ms`);
    }
    this.#now = opts.now ?? Date.now;
  }

  /** Targets this replica may write to now. */
  owned(): string[] {
    return this.opts.targets.filter((t) => this.#valid(t));
  }

  holds(target: string): boolean {
    return this.#valid(target);
  }

  /** The lease guard of `target`'s clients. */
  check(target: string): (operation: string) => void {
    return (operation) => {
      if (this.#valid(target)) return;
      throw new LeaseLostError(`target ${target}: ${operation} not sent: this replica (${this.opts.replicaId}) no longer holds the target's lease with ${this.opts.safetyMarginMs} ms to spare`);
    };
  }

  #valid(target: string): boolean {
    const held = this.#held.get(target);
    return held !== undefined && held.expiresAt - this.#now() >= this.opts.safetyMarginMs;
  }

  start(): void {
    const loop = (): void => {
      if (this.#stopped) return;
      this.#ticking = this.tick()
        .catch((error: unknown) => {
          this.opts.logger.warn({ event: LogEvent.leaseTickFailed, err: { message: (error as Error).message } }, `lease table ${this.opts.table.tableName}: ${(error as Error).message}; the leases held stay valid until they expire`);
        })
        .finally(() => {
          this.#ticking = undefined;
          if (!this.#stopped) {
            this.#timer = setTimeout(loop, this.nextTickMs());
            this.#timer.unref();
          }
        });
    };
    loop();
  }

  /**
   * When the next tick is due: one renew interval, or sooner when another replica's lease or
   * heartbeat expires before that (a dead replica's targets are taken at its expiry, not up to a
   * renew interval later). A live replica renews a TTL ahead, so this costs no extra tick then.
   */
  nextTickMs(): number {
    const untilExpiry = this.#foreignExpiry - this.#now() + 1;
    return Math.max(0, Math.min(this.opts.renewMs, untilExpiry));
  }

  /** Stop renewing, give every lease up (expiring after the safety margin) and leave the live replicas. */
  async stop(): Promise<void> {
    this.#stopped = true;
    clearTimeout(this.#timer);
    await this.#ticking;
    const now = this.#now();
    for (const [target, held] of [...this.#held]) {
      this.#held.delete(target);
      await this.opts.table.write(target, this.opts.replicaId, held.version, now + this.opts.safetyMarginMs).catch(() => undefined);
    }
    // the others count one replica less at their next tick, and take these targets
    await this.opts.table.heartbeat(this.opts.replicaId, 0).catch(() => undefined);
  }

  /** One round: heartbeat, read, renew, give up, take. Exported for tests. */
  async tick(): Promise<void> {
    const { table, replicaId, ttlMs, logger } = this.opts;
    const before = this.owned().join(',');
    const t0 = this.#now();
    await table.heartbeat(replicaId, t0 + ttlMs);
    const snap = await table.read();
    const live = [...snap.replicas.entries()].filter(([id, exp]) => id === replicaId || exp > t0).length;
    const share = Math.ceil(this.opts.targets.length / Math.max(1, live));
    const foreign = [
      ...[...snap.replicas.entries()].filter(([id]) => id !== replicaId).map(([, exp]) => exp),
      ...[...snap.leases.values()].filter((row) => row.owner !== replicaId).map((row) => row.expiresAt),
    ].filter((exp) => exp > t0);
    this.#foreignExpiry = Math.min(Number.POSITIVE_INFINITY, ...foreign);
    await this.#renew(snap, t0);
    // above the share (a replica joined): give up the last ones, no new write goes to them
    const mine = this.opts.targets.filter((t) => this.#held.has(t));
    for (const target of mine.slice(share)) {
      const held = this.#held.get(target)!;
      this.#held.delete(target);
      await table.write(target, replicaId, held.version, this.#now() + this.opts.safetyMarginMs);
      logger.info({ event: LogEvent.leaseReleased, target, share, replicas: live }, `lease of target ${target} given up: ${live} replicas share ${this.opts.targets.length} targets, ${share} each`);
    }
    // below the share: take free and expired leases
    for (const target of this.opts.targets) {
      if (this.#held.size >= share) break;
      if (this.#held.has(target)) continue;
      const row = snap.leases.get(target);
      if (row !== undefined && row.expiresAt > t0) continue;
      const expiresAt = t0 + ttlMs;
      const version = await table.write(target, replicaId, row?.version ?? 0, expiresAt);
      if (version === undefined) continue;
      this.#held.set(target, { version, expiresAt });
      logger.info(
        { event: LogEvent.leaseAcquired, target, version, ...(row?.owner ? { previousOwner: row.owner } : {}) },
        `lease of target ${target} taken${row?.owner && row.owner !== replicaId ? ` from ${row.owner} (expired)` : ''}`,
      );
    }
    const after = this.owned().join(',');
    if (after !== before) this.opts.onChange?.(this.owned());
  }

  async #renew(snap: TableSnapshot, t0: number): Promise<void> {
    const { table, replicaId, ttlMs, logger } = this.opts;
    for (const [target, held] of [...this.#held]) {
      const row = snap.leases.get(target);
      const lost = (why: string): void => {
        this.#held.delete(target);
        logger.warn({ event: LogEvent.leaseLost, target, ...(row?.owner ? { owner: row.owner } : {}) }, `lease of target ${target} lost (${why}): no more writes to it from this replica`);
      };
      if (row === undefined || row.owner !== replicaId || row.version !== held.version) {
        lost(row === undefined ? 'its item is gone' : `now ${row.owner} version ${row.version}`);
        continue;
      }
      const version = await table.write(target, replicaId, held.version, t0 + ttlMs);
      if (version === undefined) lost('another replica wrote it first');
      else this.#held.set(target, { version, expiresAt: t0 + ttlMs });
    }
  }
}
