// `ecs-reconciler validate [dir]`: load and check the desired state; print every error.
import type { Command } from 'commander';
import { loadDesiredState } from '../spec/load-desired-state.js';
import { formatSummary, summariseState } from '../spec/load-desired-state.js';
import type { StateSummary } from '../spec/load-desired-state.js';
import type { SpecError } from '../spec/types.js';
import { errorsForJson, formatSpecError, processOutput } from './cli-output.js';
import type { Output } from './cli-output.js';
import { formatSubstitutions } from '../spec/substitute-variables.js';
import type { Substitution } from '../spec/substitute-variables.js';
import { addVariableOptions, cliLoadOptions, type VariableCommandOptions } from './variable-options.js';

export const DEFAULT_DESIRED_DIR = 'desired/';

export interface ValidateOptions extends VariableCommandOptions {
  json?: boolean;
}

export interface ValidateReport {
  ok: boolean;
  errors: SpecError[];
  summary: StateSummary | null;
  /** every `${NAME}` put in (with --values / --env-variables); values that look like secrets left out */
  substitutions?: Substitution[];
}

/** Runs validate and returns the exit code (0 valid, 1 any error). */
export async function runValidate(dir: string, options: ValidateOptions, output: Output = processOutput): Promise<number> {
  const loadOptions = await cliLoadOptions(options, output, options.json === true);
  if (loadOptions === undefined) return 1;
  const result = await loadDesiredState(dir, loadOptions);
  if (options.json === true) {
    const report: ValidateReport = result.ok
      ? { ok: true, errors: [], summary: summariseState(result.state), ...(result.substitutions ? { substitutions: result.substitutions } : {}) }
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
  // what this target gets: every substituted value at its file:line
  const subs = result.substitutions ?? [];
  if (subs.length > 0) {
    const from = options.values === undefined ? '' : ` from ${options.values}`;
    output.out(`${subs.length} variable${subs.length === 1 ? '' : 's'} substituted${from}:`);
    for (const line of formatSubstitutions(subs)) output.out(line);
  }
  return 0;
}

export function registerValidateCommand(program: Command): void {
  const cmd = program
    .command('validate')
    .description('check the desired-state YAML (schema, references, AWS constraints); exit 1 on any error')
    .argument('[dir]', 'directory of *.yaml / *.yml files (searched recursively), or one file', DEFAULT_DESIRED_DIR)
    .option('--json', 'print { ok, errors, summary, substitutions } as JSON for machines');
  addVariableOptions(cmd).action(async (dir: string, options: ValidateOptions) => {
    process.exitCode = await runValidate(dir, options);
  });
}
