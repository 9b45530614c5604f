// `ecs-reconciler validate [dir]`: load and check the desired state; print every error.
import type { Command } from 'commander';
import { loadDesiredState } from '../spec/load-desired-state.js';
import { formatSummary, summariseState } from '../spec/load-desired-state.js';
import type { StateSummary } from '../spec/load-desired-state.js';
import type { SpecError } from '../spec/types.js';
import { errorsForJson, formatSpecError, processOutput } from './cli-output.js';
import type { Output } from './cli-output.js';

export const DEFAULT_DESIRED_DIR = 'desired/';

export interface ValidateOptions {
  json?: boolean;
}

export interface ValidateReport {
  ok: boolean;
  errors: SpecError[];
  summary: StateSummary | null;
}

/** Runs validate and returns the exit code (0 valid, 1 any error). */
export async function runValidate(dir: string, options: ValidateOptions, output: Output = processOutput): Promise<number> {
  const result = await loadDesiredState(dir);
  if (options.json === true) {
    const report: ValidateReport = result.ok
      ? { ok: true, errors: [], summary: summariseState(result.state) }
      : { ok: false, errors: errorsForJson(result.errors, dir), summary: null };
    output.out(JSON.stringify(report, null, 2));
    return result.ok ? 0 : 1;
  }
  if (!result.ok) {
    for (const err of result.errors) output.err(formatSpecError(err, dir));
    const n = result.errors.length;
    output.err(`${n} error${n === 1 ? '' : 's'} in ${dir}: fix them and run validate again`);
    return 1;
  }
  output.out(formatSummary(summariseState(result.state)));
  return 0;
}

export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('check the desired-state YAML (schema, references, AWS constraints); exit 1 on any error')
    .argument('[dir]', 'directory of *.yaml / *.yml files (searched recursively), or one file', DEFAULT_DESIRED_DIR)
    .option('--json', 'print { ok, errors, summary } as JSON for machines')
    .action(async (dir: string, options: ValidateOptions) => {
      process.exitCode = await runValidate(dir, options);
    });
}
