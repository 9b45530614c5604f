// `ecs-reconciler plan [dir]`: load the desired state, read live AWS, print what would change.
// Exit 0 nothing to change, 2 changes pending, 1 on any error (spec, AWS, conflicts).
import type { Command } from 'commander';
import { createAwsClients } from '../aws/clients.js';
import { loadObservePlan } from '../controller/pipeline.js';
import { formatPlan, planHasChanges, planToJson } from '../reconcilers/format-plan.js';
import { errorsForJson, formatSpecError, processOutput } from './cli-output.js';
import type { Output } from './cli-output.js';
import { reportAwsFailure } from './aws-failure.js';
import { DEFAULT_DESIRED_DIR } from './validate.js';

export interface PlanCommandOptions {
  json?: boolean;
  prune?: boolean;
  ownerId: string;
  color?: boolean;
}

export const DEFAULT_OWNER_ID = 'ecs-reconciler';

/** Runs plan and returns the exit code. */
export async function runPlan(dir: string, options: PlanCommandOptions, output: Output = processOutput): Promise<number> {
  const clients = createAwsClients();
  try {
    const result = await loadObservePlan(dir, clients, { prune: options.prune === true, ownerId: options.ownerId });
    if (!result.ok) {
      if (options.json === true) {
        output.out(JSON.stringify({ ok: false, stage: 'load', errors: errorsForJson(result.errors, dir) }, null, 2));
      } else {
        for (const err of result.errors) output.err(formatSpecError(err, dir));
        output.err(`${result.errors.length} error(s) in ${dir}: nothing was planned; run validate for details`);
      }
      return 1;
    }
    const { plan } = result;
    if (options.json === true) output.out(JSON.stringify({ ok: true, ...planToJson(plan) }, null, 2));
    else output.out(formatPlan(plan, { color: options.color === true }));
    if (plan.conflicts.length > 0) return 1;
    return planHasChanges(plan) ? 2 : 0;
  } catch (error) {
    return reportAwsFailure(error, options.json === true, output);
  } finally {
    clients.destroy();
  }
}

export function registerPlanCommand(program: Command): void {
  program
    .command('plan')
    .description('show what apply would change in AWS (exit 0 none, 2 changes pending, 1 error)')
    .argument('[dir]', 'directory of desired-state YAML, or one file', DEFAULT_DESIRED_DIR)
    .option('--json', 'print the plan as JSON for machines')
    .option('--prune', 'also plan deletion of resources tagged as ours that left the files')
    .option('--owner-id <id>', 'controller id written to the ecs-reconciler/owner tag', process.env.ECS_RECONCILER_OWNER_ID ?? DEFAULT_OWNER_ID)
    .action(async (dir: string, options: PlanCommandOptions) => {
      process.exitCode = await runPlan(dir, { ...options, color: process.stdout.isTTY === true });
    });
}
