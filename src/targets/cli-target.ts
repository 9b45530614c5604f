// `plan --target prod` / `apply --target prod`: the CLI works on one target of the controller
// config file: that target's directory and values file inside [dir] (the source's root), with
// that target's clients (its region and assumed role).
import type { AwsClients } from '../aws/clients.js';
import type { LoadResult } from '../spec/types.js';
import { loadTarget } from './target-load.js';
import { createTargetClients } from './target-set.js';
import { findTarget, formatConfigErrors, readTargetsConfig, type TargetSpec } from './targets-config.js';

export interface CliTargetOptions {
  /** --config, default ECS_RECONCILER_CONFIG */
  config?: string;
  target?: string;
}

export interface CliTarget {
  spec: TargetSpec;
  load(dir: string): Promise<LoadResult>;
  /** destroy() also closes the STS client */
  createClients(): AwsClients;
}

/** undefined without --target; throws an Error with one message for people when the target cannot be used. */
export async function resolveCliTarget(
  options: CliTargetOptions,
  env: NodeJS.ProcessEnv = process.env,
  envVariables: readonly string[] = [],
): Promise<CliTarget | undefined> {
  if (options.target === undefined) return undefined;
  const file = options.config ?? (env.ECS_RECONCILER_CONFIG || undefined);
  if (file === undefined) throw new Error(`--target ${options.target} needs the controller config file: pass --config <file> or set ECS_RECONCILER_CONFIG`);
  const read = await readTargetsConfig(file);
  if (!read.ok) throw new Error(`invalid controller config:\n${formatConfigErrors(read.errors)}`);
  const spec = findTarget(read.config, options.target);
  return {
    spec,
    load: (dir) => loadTarget(dir, spec, { envVariables, env }),
    createClients: () => {
      const { clients, credentials } = createTargetClients(spec);
      return {
        ...clients,
        destroy() {
          clients.destroy();
          credentials?.destroy();
        },
      };
    },
  };
}
