// Loading one target's desired state from a source checkout: its directory, with the variables
// of its values file (both relative to the source's root). A missing values file or directory is
// an error at the config's names, so an invalid revision is refused for that target alone. The
// controller's --env-variables allow-list holds for every target alike.
import { isAbsolute, join, normalize, sep } from 'node:path';
import { loadDesiredState } from '../spec/load-desired-state.js';
import type { LoadOptions } from '../spec/load-options.js';
import type { LoadResult } from '../spec/types.js';
import { readValuesFile } from '../spec/values-file.js';
import type { TargetSpec } from './targets-config.js';

/** `relative` inside `root`, refusing absolute paths and `..` out of it. */
export function insideSource(root: string, relative: string, what: string): string {
  const clean = normalize(relative);
  if (isAbsolute(clean) || clean === '..' || clean.startsWith(`..${sep}`)) throw new Error(`${what} ${relative}: must be a path inside the source`);
  return join(root, clean);
}

export interface TargetEnvironment {
  /** --env-variables: the names `${NAME}` may take from the controller's environment */
  envVariables?: readonly string[] | undefined;
  env?: NodeJS.ProcessEnv;
}

export async function loadTarget(root: string, target: Pick<TargetSpec, 'path' | 'values'>, environment: TargetEnvironment = {}): Promise<LoadResult> {
  const names = environment.envVariables ?? [];
  const env = environment.env ?? process.env;
  const options: { -readonly [K in keyof LoadOptions]: LoadOptions[K] } =
    names.length === 0 ? {} : { environment: { names, values: Object.fromEntries(names.map((n) => [n, env[n]])) } };
  if (target.values !== undefined) {
    const values = await readValuesFile(insideSource(root, target.values, 'values'));
    if (!values.ok) return { ok: false, errors: values.errors.map((e) => ({ ...e, file: target.values ?? e.file })) };
    options.variables = values.variables;
    options.valuesFile = target.values;
  }
  const loaded = await loadDesiredState(insideSource(root, target.path, 'path'), options);
  // errors name files from the source's root, as the config's paths do
  return loaded.ok ? loaded : { ok: false, errors: loaded.errors.map((e) => ({ ...e, file: join(target.path, e.file) })) };
}
