// `ecs-reconciler completion bash|zsh`: generated from the registered commands, so every command
// and every option of each completes. The bash script is sourced into a real bash and asked the
// way bash asks (COMP_WORDS / COMP_CWORD); zsh is not installed on the test machines, so its
// script is checked for every command's and option's spec and for escaping.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { beforeAll, describe, expect, it } from 'vitest';
import { completionModel } from '../../src/commands/completion.js';
import { registerApplyCommand } from '../../src/commands/apply.js';
import { registerCompletionCommand } from '../../src/commands/completion.js';
import { registerImportCommand } from '../../src/commands/import.js';
import { registerPlanCommand } from '../../src/commands/plan.js';
import { registerRunCommand } from '../../src/commands/run.js';
import { registerValidateCommand } from '../../src/commands/validate.js';
import { runCli } from '../support/cli-process.js';

let bashScript = '';
let zshScript = '';
const program = new Command('ecs-reconciler');
// the order of src/cli.ts
for (const register of [registerValidateCommand, registerPlanCommand, registerApplyCommand, registerRunCommand, registerImportCommand, registerCompletionCommand]) register(program);

beforeAll(async () => {
  const bash = await runCli(['completion', 'bash']);
  const zsh = await runCli(['completion', 'zsh']);
  expect(bash.code, bash.stderr).toBe(0);
  expect(zsh.code, zsh.stderr).toBe(0);
  bashScript = bash.stdout;
  zshScript = zsh.stdout;
});

/** What bash offers for the command line `words` with the cursor on the last word. */
function complete(words: string[], cwd?: string): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'completion-'));
  writeFileSync(join(dir, 'c.bash'), bashScript);
  const array = words.map((w) => `'${w}'`).join(' ');
  const r = spawnSync('bash', ['-c', `source ${join(dir, 'c.bash')}; COMP_WORDS=(${array}); COMP_CWORD=${words.length - 1}; _ecs_reconciler; printf '%s\\n' "\${COMPREPLY[@]}"`], { encoding: 'utf8', cwd });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter((l) => l !== '');
}

describe('completion bash', () => {
  it('completes every registered command', () => {
    expect(complete(['ecs-reconciler', ''])).toEqual(['validate', 'plan', 'apply', 'run', 'import', 'completion', '--help', '--version']);
    expect(complete(['ecs-reconciler', 'pl'])).toEqual(['plan']);
  });

  it("completes every option of each command, from commander's own list", () => {
    for (const c of completionModel(program)) {
      const offered = complete(['ecs-reconciler', c.name, '-']);
      expect(offered.sort(), c.name).toEqual(c.options.flatMap((o) => o.flags).sort());
    }
    expect(complete(['ecs-reconciler', 'plan', '--det'])).toEqual(['--detailed-exitcode']);
  });

  it('completes the values of an option with choices, files for paths, nothing for other values', () => {
    expect(complete(['ecs-reconciler', 'plan', '--format', ''])).toEqual(['text', 'json', 'markdown']);
    const dir = mkdtempSync(join(tmpdir(), 'completion-files-'));
    writeFileSync(join(dir, 'desired.yaml'), '');
    expect(complete(['ecs-reconciler', 'run', '--source', 'des'], dir)).toEqual(['desired.yaml']);
    expect(complete(['ecs-reconciler', 'plan', 'des'], dir)).toEqual(['desired.yaml']);
    expect(complete(['ecs-reconciler', 'run', '--interval', ''], dir)).toEqual([]);
  });
});

describe('completion zsh', () => {
  it('has a #compdef header, every command with its description, and every option spec', () => {
    expect(zshScript.startsWith('#compdef ecs-reconciler\n')).toBe(true);
    for (const c of completionModel(program)) {
      expect(zshScript).toContain(`    ${c.name})\n      _arguments -s `);
      for (const o of c.options) for (const flag of o.flags) expect(zshScript, `${c.name} ${flag}`).toContain(flag);
    }
    expect(zshScript).toContain("'--format[text, json, or markdown (a pull-request comment\\: summary first, a collapsed section per resource)]:value:(text json markdown)'");
    expect(zshScript).toContain("'--source[a directory, or a git repository (https\\://, ssh, file\\://, or a bare repo path) \\[env ECS_RECONCILER_SOURCE, default desired/\\]]:value:_files'");
  });

  it('rejects a shell it has no script for, in one line', async () => {
    const r = await runCli(['completion', 'fish']);
    expect(r.code).toBe(1);
    expect(r.stderr.split('\n')[0]).toBe("error: command-argument value 'fish' is invalid for argument 'shell'. Allowed choices are bash, zsh.");
  });
});
