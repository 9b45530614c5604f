// `ecs-reconciler completion bash|zsh`: a completion script generated from the commands and
// options commander has registered, so a new command or flag completes without editing a script.
// Options with a fixed set of values (commander `.choices()`) complete those values, options
// whose value names a path (`<dir>`, `<dir|git-url>`, `<file>`) and arguments complete file
// names, other values (`<duration>`, `<id>`) complete nothing rather than offer wrong words.
import { Argument, type Command, type Option } from 'commander';

export const SHELLS = ['bash', 'zsh'] as const;
export type Shell = (typeof SHELLS)[number];

interface OptionModel {
  flags: string[];
  takesValue: boolean;
  choices: readonly string[] | undefined;
  /** the value is a path: complete file names */
  pathValue: boolean;
  description: string;
}

interface CommandModel {
  name: string;
  description: string;
  options: OptionModel[];
}

function optionModel(o: Option): OptionModel {
  return {
    flags: [o.short, o.long].filter((f): f is string => f !== undefined),
    takesValue: o.required || o.optional,
    choices: o.argChoices,
    pathValue: /<[^>]*(dir|file|path)[^>]*>/.test(o.flags),
    description: o.description,
  };
}

/** What the script completes: every visible command with its visible options, plus --help. */
export function completionModel(program: Command): CommandModel[] {
  const help = program.createHelp();
  return program.commands
    .filter((c) => c.name() !== 'help')
    .map((c) => ({
      name: c.name(),
      description: c.description(),
      options: [...help.visibleOptions(c).map(optionModel)],
    }));
}

const bashWords = (words: readonly string[]): string => words.join(' ');

export function bashCompletion(program: Command): string {
  const commands = completionModel(program);
  const caseArms = commands.map((c) => {
    const valued = c.options.filter((o) => o.takesValue);
    const valueArms = valued.map((o) => {
      const reply =
        o.choices !== undefined ? `COMPREPLY=( $(compgen -W "${bashWords(o.choices)}" -- "$cur") )` : o.pathValue ? 'COMPREPLY=( $(compgen -f -- "$cur") )' : 'COMPREPLY=()';
      return `        ${o.flags.join('|')}) ${reply}; return ;;`;
    });
    return [
      `    ${c.name})`,
      `      opts="${bashWords(c.options.flatMap((o) => o.flags))}"`,
      ...(valueArms.length > 0 ? ['      case "$prev" in', ...valueArms, '      esac'] : []),
      '      ;;',
    ].join('\n');
  });
  return `# ecs-reconciler completion for bash, generated from its commands.
# Load it now: source <(ecs-reconciler completion bash)
# or for every shell: ecs-reconciler completion bash > ~/.local/share/bash-completion/completions/ecs-reconciler
_ecs_reconciler() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" prev="\${COMP_WORDS[COMP_CWORD-1]}" opts=""
  if [ "$COMP_CWORD" -eq 1 ]; then
    COMPREPLY=( $(compgen -W "${bashWords(commands.map((c) => c.name))} --help --version" -- "$cur") )
    return
  fi
  case "\${COMP_WORDS[1]}" in
${caseArms.join('\n')}
  esac
  if [[ "$cur" == -* ]]; then
    COMPREPLY=( $(compgen -W "$opts" -- "$cur") )
  else
    COMPREPLY=( $(compgen -f -- "$cur") )
  fi
}
complete -o filenames -F _ecs_reconciler ecs-reconciler
`;
}

/** zsh `_arguments` spec text: brackets and colons are syntax there, quotes end the word. */
function zshText(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1').replace(/'/g, "'\\''").replace(/\s+/g, ' ');
}

function zshOptionSpec(o: OptionModel): string {
  const names = o.flags.length > 1 ? `(${o.flags.join(' ')})'{${o.flags.join(',')}}'` : o.flags[0]!;
  const value = !o.takesValue ? '' : o.choices !== undefined ? `:value:(${o.choices.join(' ')})` : o.pathValue ? ':value:_files' : ':value: ';
  return `'${names}[${zshText(o.description)}]${value}'`;
}

export function zshCompletion(program: Command): string {
  const commands = completionModel(program);
  const list = commands.map((c) => `    '${zshText(c.name)}:${zshText(c.description)}'`);
  const arms = commands.map((c) => [`    ${c.name})`, `      _arguments -s ${[...c.options.map(zshOptionSpec), "'*:file:_files'"].join(' \\\n        ')}`, '      ;;'].join('\n'));
  return `#compdef ecs-reconciler
# ecs-reconciler completion for zsh, generated from its commands.
# Load it now: source <(ecs-reconciler completion zsh)
# or for every shell: ecs-reconciler completion zsh > "\${fpath[1]}/_ecs-reconciler"
_ecs_reconciler() {
  local -a commands
  commands=(
${list.join('\n')}
  )
  if (( CURRENT == 2 )); then
    _describe 'command' commands
    return
  fi
  shift words
  (( CURRENT-- ))
  case $words[1] in
${arms.join('\n')}
  esac
}
if [ "$funcstack[1]" = "_ecs_reconciler" ]; then
  _ecs_reconciler "$@"
else
  compdef _ecs_reconciler ecs-reconciler
fi
`;
}

export function registerCompletionCommand(program: Command): void {
  program
    .command('completion')
    .description('print a shell completion script: source <(ecs-reconciler completion bash)')
    .addArgument(new Argument('<shell>', 'bash or zsh').choices(SHELLS))
    .action((shell: Shell) => {
      process.stdout.write(shell === 'bash' ? bashCompletion(program) : zshCompletion(program));
    });
}
