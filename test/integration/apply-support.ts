// Shared by the apply integration tests: run load -> observe -> plan -> apply in process with the
// production AWS clients (createAwsClients, endpoint from AWS_ENDPOINT_URL), against moto or the
// fault proxy in front of it.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAwsClients, type AwsClientOptions } from '../../src/aws/clients.js';
import { applyPlan, type ApplyOptions } from '../../src/controller/apply.js';
import { createApplyContext, type ApplyLog } from '../../src/reconcilers/shared/apply-context.js';
import type { ApplyReport } from '../../src/controller/apply-report.js';
import { observe } from '../../src/controller/observe.js';
import { planAll } from '../../src/reconcilers/plan.js';
import { planHasFieldChanges } from '../../src/reconcilers/format-plan.js';
import type { LiveState, Plan } from '../../src/reconcilers/types.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import type { DesiredState } from '../../src/spec/types.js';
import { desiredResourceCount } from '../../src/commands/apply.js';
import { TEST_AWS_ENV, withEnv } from '../aws/fake-aws-server.js';
import type { FaultProxy } from '../support/fault-proxy.js';
import type { TestClients } from '../../src/demo/aws-demo-clients.js';
import { renderDesired, seedSystem, type SeedSystemName } from '../../src/demo/worlds/seed-systems.js';

export const OWNER = 'ecs-reconciler';

export async function loadOk(dir: string): Promise<DesiredState> {
  const loaded = await loadDesiredState(dir);
  if (!loaded.ok) throw new Error(`desired state invalid:\n${loaded.errors.map((e) => `${e.file}:${e.line} ${e.message}`).join('\n')}`);
  return loaded.state;
}

export interface RunOptions extends Omit<ApplyOptions, 'appliers'> {
  /** the endpoint the production clients send to (moto or the fault proxy) */
  endpoint: string;
  clientOptions?: AwsClientOptions;
  log?: ApplyLog;
}

export interface ApplyRun {
  plan: Plan;
  report: ApplyReport;
  lines: string[];
}

function collectingLog(lines: string[]): ApplyLog {
  return {
    info: (_o, msg) => lines.push(msg),
    warn: (_o, msg) => lines.push(`warn: ${msg}`),
    error: (_o, msg) => lines.push(`error: ${msg}`),
  };
}

/**
 * The apply tests' one step: write `yaml` as `dir/file`, apply `dir` through `proxy`, and list the
 * write operations that reached AWS (in the order made).
 */
export async function applyWith(proxy: FaultProxy, dir: string, file: string, yaml: string, opts: { prune?: boolean } = {}) {
  writeFileSync(join(dir, file), yaml);
  proxy.resetCounts();
  const run = await applyDir(dir, { endpoint: proxy.url, ...opts });
  const writes = proxy.writes().filter((c) => c.outcome === 'forwarded' || c.status !== undefined);
  return { ...run, ops: writes.map((c) => c.operation) };
}

/** One `apply` of `dir`: load, observe, plan (prune as given), apply. */
export async function applyDir(dir: string, opts: RunOptions): Promise<ApplyRun> {
  const desired = await loadOk(dir);
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: opts.endpoint }, async () => {
    const clients = createAwsClients({ rateLimits: false, ...opts.clientOptions });
    try {
      const live = await observe(desired, clients, { owned: opts.prune === true, ownerId: OWNER });
      const plan = planAll(desired, live, { prune: opts.prune === true, ownerId: OWNER });
      const lines: string[] = [];
      const ctx = createApplyContext({
        clients,
        ownerId: OWNER,
        log: opts.log ?? collectingLog(lines),
        live,
        retry: { minTimeoutMs: 20, maxTimeoutMs: 200 },
      });
      const { endpoint: _e, clientOptions: _c, log: _l, ...applyOpts } = opts;
      const report = await applyPlan(plan, ctx, { desiredResourceCount: desiredResourceCount(desired), ...applyOpts });
      return { plan, report, lines };
    } finally {
      clients.destroy();
    }
  });
}

/** Observe and plan now; apply later with applyPlanned (to test a plan gone stale in between). */
export async function observePlan(dir: string, endpoint: string): Promise<{ desired: DesiredState; live: LiveState; plan: Plan }> {
  const desired = await loadOk(dir);
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: endpoint }, async () => {
    const clients = createAwsClients({ rateLimits: false });
    try {
      const live = await observe(desired, clients);
      return { desired, live, plan: planAll(desired, live, { prune: false, ownerId: OWNER }) };
    } finally {
      clients.destroy();
    }
  });
}

export async function applyPlanned(planned: { desired: DesiredState; live: LiveState; plan: Plan }, endpoint: string): Promise<ApplyRun> {
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: endpoint }, async () => {
    const clients = createAwsClients({ rateLimits: false });
    try {
      const lines: string[] = [];
      const ctx = createApplyContext({ clients, ownerId: OWNER, log: collectingLog(lines), live: planned.live });
      const report = await applyPlan(planned.plan, ctx, { desiredResourceCount: desiredResourceCount(planned.desired) });
      return { plan: planned.plan, report, lines };
    } finally {
      clients.destroy();
    }
  });
}

/** The plan for `dir` against AWS now (no writes). */
export async function planDir(dir: string, endpoint: string, prune = false): Promise<Plan> {
  const desired = await loadOk(dir);
  return withEnv({ ...TEST_AWS_ENV, AWS_ENDPOINT_URL: endpoint }, async () => {
    const clients = createAwsClients({ rateLimits: false });
    try {
      return planAll(desired, await observe(desired, clients, { owned: prune, ownerId: OWNER }), { prune, ownerId: OWNER });
    } finally {
      clients.destroy();
    }
  });
}

/**
 * `Kind/name: path live -> desired` for every pending change: readable assertion failures.
 * Tag-only updates alone are not listed (an observe-only resource is never tagged), as before
 * `plan --detailed-exitcode` counted them.
 */
export function pendingChanges(plan: Plan): string[] {
  if (!planHasFieldChanges(plan) && plan.conflicts.length === 0) return [];
  return [
    ...plan.changes
      .filter((c) => c.action !== 'noop')
      .map((c) => `${c.action} ${c.id} (${c.cause})${c.diffs.map((d) => ` ${d.path}: ${JSON.stringify(d.live)} -> ${JSON.stringify(d.desired)}`).join(';')}${c.reason ? ` [${c.reason}]` : ''}`),
    ...plan.conflicts.map((c) => `conflict ${c.id}: ${c.message}`),
  ];
}

/** Build the world of a seed system and render its desired file (placeholders -> moto ids) into a temp dir. */
export async function seedWorld(name: SeedSystemName, clients: TestClients): Promise<{ dir: string; ids: Record<string, string> }> {
  const system = seedSystem(name);
  const world = await system.buildWorld(clients);
  const dir = mkdtempSync(join(tmpdir(), `apply-${name}-`));
  await renderDesired([system.desiredFile], world.ids, dir);
  return { dir, ids: world.ids };
}
