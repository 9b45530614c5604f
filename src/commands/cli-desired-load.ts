// How `plan` and `apply` load the desired state: with --target, that target of the controller
// config file (its path, values file, region and role); otherwise [dir] with --values and
// --env-variables. One place, so both commands refuse the same bad input with the same words.
import type { CliTarget, CliTargetOptions } from '../targets/cli-target.js';
import { loadDesiredState } from '../spec/load-desired-state.js';
import type { LoadResult } from '../spec/types.js';
import type { Output } from './cli-output.js';
import { cliEnvVariableNames, cliLoadOptions, type VariableCommandOptions } from './variable-options.js';

export interface CliDesiredLoad {
  /** the --target, if one was named (its clients: createClients()) */
  target: CliTarget | undefined;
  load(dir: string): Promise<LoadResult>;
}

/** undefined when the target or the values cannot be used (the error is already printed). */
export async function cliDesiredLoad(options: CliTargetOptions & VariableCommandOptions, output: Output, json: boolean): Promise<CliDesiredLoad | undefined> {
  let target: CliTarget | undefined;
  const names = cliEnvVariableNames(options, output, json);
  if (names === undefined) return undefined;
  try {
    // loaded only for --target: the STS client and the config schema cost start-up time otherwise
    target = options.target === undefined ? undefined : await (await import('../targets/cli-target.js')).resolveCliTarget(options, process.env, names);
  } catch (error) {
    output.err(`error: ${(error as Error).message}`);
    return undefined;
  }
  // a target brings its own values file (and --env-variables holds for it too); --values otherwise
  if (target !== undefined) return { target, load: (dir) => target.load(dir) };
  const loadOptions = await cliLoadOptions(options, output, json, names);
  if (loadOptions === undefined) return undefined;
  return { target, load: (dir) => loadDesiredState(dir, loadOptions) };
}
