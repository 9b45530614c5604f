// --values and --env-variables, the same on validate, plan and apply (the daemon's are in
// run-config.ts): commander options with their environment variables.
import { Option, type Command } from 'commander';
import type { LoadOptions } from '../spec/load-options.js';
import { parseEnvVariableNames, variableLoadOptions } from '../spec/variable-sources.js';
import type { Output } from './cli-output.js';

export interface VariableCommandOptions {
  values?: string;
  envVariables?: string;
}

export function addVariableOptions(cmd: Command): Command {
  return cmd
    .addOption(new Option('--values <file>', 'values file of one target (NAME: value lines) for ${NAME} in the YAML').env('ECS_RECONCILER_VALUES'))
    .addOption(new Option('--env-variables <names>', 'names (comma separated) that ${NAME} may also take from the environment, e.g. IMAGE_TAG').env('ECS_RECONCILER_ENV_VARIABLES'));
}

/** The --env-variables names, or undefined after printing why they cannot be had (as JSON with --json). */
export function cliEnvVariableNames(options: VariableCommandOptions, output: Output, json: boolean): readonly string[] | undefined {
  const names = parseEnvVariableNames(options.envVariables);
  if (names.ok) return names.names;
  if (json) output.out(JSON.stringify({ ok: false, stage: 'values', errors: [{ file: '', line: 0, col: 0, code: 'values.file', message: names.message }] }, null, 2));
  else output.err(`error: ${names.message}`);
  return undefined;
}

/**
 * The LoadOptions the flags ask for, or undefined after printing why they cannot be had.
 * `envVariables`: the names when the caller has already read them (cliEnvVariableNames).
 */
export async function cliLoadOptions(
  options: VariableCommandOptions,
  output: Output,
  json: boolean,
  envVariables: readonly string[] | undefined = cliEnvVariableNames(options, output, json),
): Promise<LoadOptions | undefined> {
  if (envVariables === undefined) return undefined;
  const loaded = await variableLoadOptions({ values: options.values, envVariables });
  if (loaded.ok) return loaded.options;
  if (json) output.out(JSON.stringify({ ok: false, stage: 'values', errors: loaded.errors }, null, 2));
  else for (const e of loaded.errors) output.err(`${e.line > 0 ? `${e.file}:${e.line}:${e.col}` : e.file}  -  ${e.message}`);
  return undefined;
}
