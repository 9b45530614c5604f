// `ecs-reconciler run`: the daemon. Every flag is also an environment variable (run-config.ts).
import { Option, type Command } from 'commander';
import { startDaemon } from '../controller/daemon.js';
import { ConfigError, RUN_OPTIONS, resolveRunConfig } from '../controller/run-config.js';

export function registerRunCommand(program: Command): void {
  const cmd = program
    .command('run')
    .description('the daemon: follow a directory or git branch, reconcile every interval and on push, log and alert drift');
  for (const def of RUN_OPTIONS) {
    const spec = def.value === undefined ? def.flag : `${def.flag} ${def.value}`;
    const suffix = def.default === undefined ? `[env ${def.env}]` : `[env ${def.env}, default ${def.default}]`;
    cmd.option(spec, `${def.description} ${suffix}`);
    if (def.alias) cmd.addOption(new Option(`${def.alias.flag}${def.value ? ` ${def.value}` : ''}`).hideHelp());
  }
  // not a run-config option: colour is how this terminal shows logs, not how the daemon runs
  cmd.option('--no-color', 'no colours in --log-format pretty (also: NO_COLOR set)');
  cmd.action(async (flags: Record<string, unknown>) => {
    if (flags.color === false) process.env.NO_COLOR = '1';
    let config;
    try {
      config = resolveRunConfig(flags);
    } catch (error) {
      if (error instanceof ConfigError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exitCode = 1;
        return;
      }
      throw error;
    }
    let daemon;
    try {
      daemon = await startDaemon(config);
    } catch (error) {
      // an invalid controller config file or values file: every error at its file:line, exit 1
      if (error instanceof ConfigError) {
        process.stderr.write(`error: ${error.message}\n`);
        process.exit(1);
      }
      throw error;
    }
    const onSignal = (signal: NodeJS.Signals): void => {
      void daemon.shutdown(signal);
    };
    process.once('SIGTERM', onSignal);
    process.once('SIGINT', onSignal);
    const code = await daemon.done;
    process.exit(code);
  });
}
