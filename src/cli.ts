#!/usr/bin/env node
// The ecs-reconciler command line. Each command lives in src/commands/<name>.ts and exports
// register<Name>Command(program); add new ones to the list below.
import { readFileSync } from 'node:fs';
import { Command } from 'commander';
import { describeUnexpected } from './commands/cli-output.js';
import { registerApplyCommand } from './commands/apply.js';
import { registerPlanCommand } from './commands/plan.js';
import { registerRunCommand } from './commands/run.js';
import { registerValidateCommand } from './commands/validate.js';

function packageVersion(): string {
  try {
    const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version?: string };
    return pkg.version ?? '0.0.0';
  } catch {
    return '0.0.0';
  }
}

function buildProgram(): Command {
  const program = new Command('ecs-reconciler')
    .description('Kubernetes-style reconciliation of ECS services, target groups, listener rules and security-group ingress from YAML in git')
    .version(packageVersion())
    .showHelpAfterError('(run ecs-reconciler --help for usage)');
  registerValidateCommand(program);
  registerPlanCommand(program);
  registerApplyCommand(program);
  registerRunCommand(program);
  return program;
}

function fail(error: unknown): void {
  process.stderr.write(`${describeUnexpected(error)}\n`);
  process.exit(1);
}

process.on('uncaughtException', fail);
process.on('unhandledRejection', fail);

try {
  await buildProgram().parseAsync(process.argv);
} catch (error) {
  fail(error);
}
