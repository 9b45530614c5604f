// `ecs-reconciler apply [dir]`: load the desired state, read live AWS, print the plan, make the
// writes (each printed as it happens), then a summary. Exit 0 when everything applied, 1 when
// anything failed, the spec is invalid, AWS could not be read, or a requested prune was refused.
import type { Command } from 'commander';
import { createAwsClients } from '../aws/clients.js';
import { applyPlan } from '../controller/apply.js';
import { createApplyContext, type ApplyLog } from '../reconcilers/shared/apply-context.js';
import { applyReportToJson, formatApplyDetails, formatApplySummary } from '../controller/apply-report.js';
import { observeAndPlan } from '../controller/pipeline.js';
import { DEFAULT_WAIT_TIMEOUT_MS, waitForRollouts, type WaitResult } from '../controller/rollout-wait.js';
import { parseDuration } from '../controller/run-config.js';
import { checkPruneGuard, DEFAULT_MAX_DELETES } from '../controller/prune-guard.js';
import { formatPlan, planToJson } from '../reconcilers/format-plan.js';
import { desiredResources } from '../reconcilers/registry.js';
import { formatResolvedLookups } from '../reconcilers/resolve-lookups.js';
import type { DesiredState } from '../spec/types.js';
import { reportAwsFailure } from './aws-failure.js';
import { errorsForJson, formatSpecError, processOutput, type Output } from './cli-output.js';
import { DEFAULT_OWNER_ID } from './plan.js';
import { useColor } from './color.js';
import { DEFAULT_DESIRED_DIR } from './validate.js';
import { addVariableOptions, type VariableCommandOptions } from './variable-options.js';
import { cliDesiredLoad } from './cli-desired-load.js';

export interface ApplyCommandOptions extends VariableCommandOptions {
  dryRun?: boolean;
  prune?: boolean;
  maxDeletes?: number;
  ownerId: string;
  json?: boolean;
  color?: boolean;
  /** commander's --no-wait: false */
  wait?: boolean;
  waitTimeout?: number;
  /** ms between two reads of the rollouts (tests shorten it) */
  waitPollMs?: number;
  retryFailed?: boolean;
  /** --config: the controller config file (default ECS_RECONCILER_CONFIG) */
  config?: string;
  /** --target: apply that target of the config file */
  target?: string;
}

/** Every declared resource of every kind (the registry's list, as the daemon's cycle counts them). */
export function desiredResourceCount(state: DesiredState): number {
  return desiredResources(state).length;
}

/** Write progress as plain lines: stdout for people, stderr when stdout carries JSON. */
export function cliApplyLog(output: Output, json: boolean): ApplyLog {
  const line = json ? output.err : output.out;
  return {
    info: (_obj, msg) => line(`  ${msg}`),
    warn: (_obj, msg) => line(`  ${msg}`),
    error: (_obj, msg) => output.err(`  ${msg}`),
  };
}

function parseMaxDeletes(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new Error(`--max-deletes must be a whole number >= 0 (got "${value}")`);
  return n;
}

/** Runs apply and returns the exit code. */
export async function runApply(dir: string, options: ApplyCommandOptions, output: Output = processOutput): Promise<number> {
  const json = options.json === true;
  const desired = await cliDesiredLoad(options, output, json);
  if (desired === undefined) return 1;
  const { target } = desired;
  const loaded = await desired.load(dir);
  if (!loaded.ok) {
    const refusal =
      options.prune === true
        ? checkPruneGuard({ prune: true, desiredLoaded: false, desiredResourceCount: 0, deletions: 0 })
        : undefined;
    const why = refusal !== undefined && !refusal.allowed ? refusal.reason : undefined;
    if (json) {
      output.out(JSON.stringify({ ok: false, stage: 'load', errors: errorsForJson(loaded.errors, dir), ...(why ? { prune: why } : {}) }, null, 2));
    } else {
      for (const err of loaded.errors) output.err(formatSpecError(err, dir));
      output.err(`${loaded.errors.length} error(s) in ${dir}: nothing was applied (a broken desired state is never applied, even in part)`);
      if (why !== undefined) output.err(why);
    }
    return 1;
  }
  const clients = target?.createClients() ?? createAwsClients();
  // Ctrl-C / SIGTERM during an apply: the steps under way finish their writes, no new one starts
  // (the report lists them as skipped), exit 1; a second signal stops at once
  const waitAbort = new AbortController();
  const stop = (signal: NodeJS.Signals): void => {
    clients.gate.drain(signal);
    waitAbort.abort();
    output.err(`${signal}: finishing the writes under way and starting no new one; ${signal} again stops at once`);
    process.once(signal, () => process.exit(130));
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    const { live, plan, lookups } = await observeAndPlan(loaded.state, clients, { prune: options.prune === true, ownerId: options.ownerId, retryFailed: options.retryFailed === true });
    if (!json) {
      for (const line of formatResolvedLookups(lookups)) output.out(line);
      if (lookups.length > 0) output.out('');
      output.out(formatPlan(plan, { color: options.color === true }));
      output.out('');
    }
    const ctx = createApplyContext({ clients, ownerId: options.ownerId, log: cliApplyLog(output, json), live });
    const report = await applyPlan(plan, ctx, {
      dryRun: options.dryRun === true,
      prune: options.prune === true,
      maxDeletes: options.maxDeletes ?? DEFAULT_MAX_DELETES,
      desiredResourceCount: desiredResourceCount(loaded.state),
    });
    if (!json) {
      output.out('');
      output.out(formatApplySummary(report));
      for (const line of formatApplyDetails(report)) output.out(line);
    }
    // wait for the rollouts this apply started (like ecspresso's deploy), unless --no-wait
    let waited: WaitResult | undefined;
    if (options.wait !== false && options.dryRun !== true) {
      const progress = json ? output.err : output.out;
      waited = await waitForRollouts(plan, report, clients, {
        timeoutMs: options.waitTimeout ?? DEFAULT_WAIT_TIMEOUT_MS,
        ...(options.waitPollMs === undefined ? {} : { pollMs: options.waitPollMs }),
        progress,
        signal: waitAbort.signal,
      });
      if (!json) for (const o of waited.outcomes) if (o.state !== 'not-followed') output.out(`rollout ${o.state} ${o.id}: ${o.detail}`);
    }
    const ok = report.ok && (waited?.ok ?? true);
    if (json) {
      output.out(JSON.stringify({ ok, plan: planToJson(plan), apply: applyReportToJson(report), ...(waited === undefined ? {} : { rollouts: waited.outcomes }) }, null, 2));
    }
    return ok ? 0 : 1;
  } catch (error) {
    return reportAwsFailure(error, json, output);
  } finally {
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
    clients.destroy();
  }
}

export function registerApplyCommand(program: Command): void {
  const cmd = program
    .command('apply')
    .description('make AWS match the desired state: print the plan, make the writes, print a summary (exit 1 if anything failed)')
    .argument('[dir]', 'directory of desired-state YAML, or one file', DEFAULT_DESIRED_DIR)
    .option('--dry-run', 'print the plan and what would be written; write nothing')
    .option('--prune', 'delete resources tagged as ours that left the files (refused when the desired state is empty or invalid)')
    .option('--max-deletes <n>', `refuse to prune more than n resources in one apply (default ${DEFAULT_MAX_DELETES})`, parseMaxDeletes)
    .option('--owner-id <id>', 'controller id written to the ecs-reconciler/owner tag', process.env.ECS_RECONCILER_OWNER_ID ?? DEFAULT_OWNER_ID)
    .option('--json', 'print the plan and the apply report as JSON (progress goes to stderr)')
    .option('--no-color', 'no colours in the output (also: NO_COLOR set)')
    .option('--no-wait', 'exit once the writes are made, without waiting for the ECS rollouts they started')
    .option('--wait-timeout <duration>', 'how long to wait for the rollouts to complete, e.g. 90s or 10m (default 10m); exit 1 past it', (v: string) => parseDuration(v, '--wait-timeout'))
    .option('--retry-failed', 'deploy again the spec hashes held by failed rollouts')
    .option('--config <file>', 'controller config file listing targets [env ECS_RECONCILER_CONFIG]')
    .option('--target <name>', 'apply this target of --config: its path and values file in [dir], its region and role');
  addVariableOptions(cmd).action(async (dir: string, options: ApplyCommandOptions) => {
    process.exitCode = await runApply(dir, { ...options, color: useColor(options.color) });
  });
}
