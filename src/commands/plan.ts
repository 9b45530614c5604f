// `ecs-reconciler plan [dir]`: load the desired state, read live AWS, print what would change.
// Exit 0 on success, 1 on any error (spec, AWS, conflicts); with --detailed-exitcode 2 when
// anything is pending (adoption tags included), Terraform's convention: scripts under `set -e`
// must not fail on a plan that succeeded.
import { Option, type Command } from 'commander';
import { createAwsClients } from '../aws/clients.js';
import { loadObservePlan } from '../controller/pipeline.js';
import { formatPlan, planHasChanges, planToJson } from '../reconcilers/format-plan.js';
import { formatPlanMarkdown } from '../reconcilers/format-plan-markdown.js';
import { formatResolvedLookups } from '../reconcilers/resolve-lookups.js';
import { useColor } from './color.js';
import { errorsForJson, formatSpecError, processOutput } from './cli-output.js';
import type { Output } from './cli-output.js';
import { reportAwsFailure } from './aws-failure.js';
import { DEFAULT_DESIRED_DIR } from './validate.js';
import { addVariableOptions, type VariableCommandOptions } from './variable-options.js';
import { cliDesiredLoad } from './cli-desired-load.js';

export const PLAN_FORMATS = ['text', 'json', 'markdown'] as const;
export type PlanFormat = (typeof PLAN_FORMATS)[number];

export interface PlanCommandOptions extends VariableCommandOptions {
  json?: boolean;
  format?: PlanFormat;
  detailedExitcode?: boolean;
  prune?: boolean;
  ownerId: string;
  color?: boolean;
  /** --config: the controller config file (default ECS_RECONCILER_CONFIG) */
  config?: string;
  /** --target: plan that target of the config file */
  target?: string;
}

export const DEFAULT_OWNER_ID = 'ecs-reconciler';

/** Runs plan and returns the exit code. */
export async function runPlan(dir: string, options: PlanCommandOptions, output: Output = processOutput): Promise<number> {
  const format: PlanFormat = options.json === true ? 'json' : (options.format ?? 'text');
  const json = format === 'json';
  const desired = await cliDesiredLoad(options, output, json);
  if (desired === undefined) return 1;
  const { target } = desired;
  const clients = target?.createClients() ?? createAwsClients();
  try {
    const result = await loadObservePlan(dir, clients, { prune: options.prune === true, ownerId: options.ownerId }, desired.load);
    if (!result.ok) {
      if (json) {
        output.out(JSON.stringify({ ok: false, stage: 'load', errors: errorsForJson(result.errors, dir) }, null, 2));
      } else {
        for (const err of result.errors) output.err(formatSpecError(err, dir));
        output.err(`${result.errors.length} error(s) in ${dir}: nothing was planned; run validate for details`);
      }
      return 1;
    }
    const { plan, lookups } = result;
    if (json) output.out(JSON.stringify({ ok: true, ...planToJson(plan), ...(lookups.length > 0 ? { lookups } : {}) }, null, 2));
    else if (format === 'markdown') output.out(formatPlanMarkdown(plan));
    else {
      // the ids the references by name or tag found, before the plan that uses them
      for (const line of formatResolvedLookups(lookups)) output.out(line);
      if (lookups.length > 0) output.out('');
      output.out(formatPlan(plan, { color: options.color === true }));
    }
    if (plan.conflicts.length > 0) return 1;
    return options.detailedExitcode === true && planHasChanges(plan) ? 2 : 0;
  } catch (error) {
    return reportAwsFailure(error, json, output);
  } finally {
    clients.destroy();
  }
}

export function registerPlanCommand(program: Command): void {
  const cmd = program
    .command('plan')
    .description('show what apply would change in AWS (exit 0 success, 1 error; with --detailed-exitcode 2 when changes are pending)')
    .argument('[dir]', 'directory of desired-state YAML, or one file', DEFAULT_DESIRED_DIR)
    .option('--json', 'print the plan as JSON for machines (same as --format json)')
    .addOption(new Option('--format <format>', 'text, json, or markdown (a pull-request comment: summary first, a collapsed section per resource)').choices(PLAN_FORMATS).default('text'))
    .option('--detailed-exitcode', 'exit 2 when changes are pending (adoption tags included), 0 when none, 1 on error')
    .option('--no-color', 'no colours in the output (also: NO_COLOR set)')
    .option('--prune', 'also plan deletion of resources tagged as ours that left the files')
    .option('--owner-id <id>', 'controller id written to the ecs-reconciler/owner tag', process.env.ECS_RECONCILER_OWNER_ID ?? DEFAULT_OWNER_ID)
    .option('--config <file>', 'controller config file listing targets [env ECS_RECONCILER_CONFIG]')
    .option('--target <name>', 'plan this target of --config: its path and values file in [dir], its region and role');
  addVariableOptions(cmd).action(async (dir: string, options: PlanCommandOptions) => {
    process.exitCode = await runPlan(dir, { ...options, color: useColor(options.color) });
  });
}
