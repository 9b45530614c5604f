#!/usr/bin/env node
// The ecs-reconciler command line. Each command lives in src/commands/<name>.ts and exports
// register<Name>Command(program); add new ones to the list below.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describeUnexpected } from './commands/cli-output.js';

type Register = (program: Command) => void;

/**
 * Every command, loaded on demand: `validate` must not pay for loading the AWS SDK that
 * plan/apply/run import (about a second of CPU). Add new commands here.
 */
const COMMANDS: Record<string, () => Promise<Register>> = {
  validate: async () => (await import('./commands/validate.js')).registerValidateCommand,
  plan: async () => (await import('./commands/plan.js')).registerPlanCommand,
  apply: async () => (await import('./commands/apply.js')).registerApplyCommand,
  run: async () => (await import('./commands/run.js')).registerRunCommand,
  import: async () => (await import('./commands/import.js')).registerImportCommand,
  completion: async () => (await import('./commands/completion.js')).registerCompletionCommand,
};

/** Commands that need every other one registered (the completion script is generated from them). */
const NEEDS_ALL = new Set(['completion']);

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

/** Registers only the command being run (all of them for help, version, completion or an unknown name). */
async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command('ecs-reconciler')
    .description('Kubernetes-style reconciliation of ECS services, target groups, listener rules and security-group ingress from YAML in git')
    .version(packageVersion())
    .showHelpAfterError('(run ecs-reconciler --help for usage)');
  const wanted = argv[2];
  const names = wanted !== undefined && Object.hasOwn(COMMANDS, wanted) && !NEEDS_ALL.has(wanted) ? [wanted] : Object.keys(COMMANDS);
  for (const name of names) (await COMMANDS[name]!())(program);
  return program;
}

function fail(error: unknown): void {
  process.stderr.write(`${describeUnexpected(error)}\n`);
  process.exit(1);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  await (await buildProgram(process.argv)).parseAsync(process.argv);
} catch (error) {
  fail(error);
}
