// Where one run's `${NAME}` values come from (issue 16): a values file (--values) and the names
// allowed from the controller's environment (--env-variables / ECS_RECONCILER_ENV_VARIABLES).
// Shared by validate, plan, apply and the daemon, so every one of them substitutes alike.
import type { LoadOptions } from './load-options.js';
import type { SpecError } from './types.js';
import { readValuesFile, VARIABLE_NAME } from './values-file.js';

export interface VariableSourceInput {
  /** path of a values file (`values/prod.yaml`) */
  values?: string | undefined;
  /** the allow-list: names that may come from the environment */
  envVariables?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv;
}

/** `IMAGE_TAG,GIT_SHA` or `IMAGE_TAG GIT_SHA` -> the names; a bad name is refused with why. */
export function parseEnvVariableNames(raw: string | undefined, flag = '--env-variables'): { ok: true; names: string[] } | { ok: false; message: string } {
  const names = (raw ?? '').split(/[\s,]+/).filter((n) => n !== '');
  const bad = names.find((n) => !VARIABLE_NAME.test(n));
  if (bad !== undefined) return { ok: false, message: `${flag}: "${bad}" is not a variable name; list names like IMAGE_TAG,GIT_SHA (letters, digits, underscores)` };
  return { ok: true, names: [...new Set(names)] };
}

/** The LoadOptions of one run: the values file read and checked, the allowed environment names' values. */
export async function variableLoadOptions(input: VariableSourceInput): Promise<{ ok: true; options: LoadOptions } | { ok: false; errors: SpecError[] }> {
  const env = input.env ?? process.env;
  const names = input.envVariables ?? [];
  const environment = names.length === 0 ? {} : { environment: { names, values: Object.fromEntries(names.map((n) => [n, env[n]])) } };
  if (input.values === undefined) return { ok: true, options: environment };
  const read = await readValuesFile(input.values);
  if (!read.ok) return read;
  return { ok: true, options: { variables: read.variables, valuesFile: input.values, ...environment } };
}
