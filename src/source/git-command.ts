// Running the git CLI: execFile (never a shell), a timeout, a minimal environment that can
// never prompt, and errors whose text has been scrubbed of credentials.
import { execFile } from 'node:child_process';
import { ReconcilerError } from '../reconciler-error.js';

export interface GitRunOptions {
  cwd?: string;
  /** the complete environment of the child (see gitEnv) */
  env: NodeJS.ProcessEnv;
  timeoutMs: number;
  /** applied to stderr/stdout before they reach an error message */
  scrub: (text: string) => string;
}

export interface GitResult {
  stdout: string;
  stderr: string;
}

/** A failed git call; `stderr` is already scrubbed, `command` holds only the safe subcommand name. */
export class GitCommandError extends ReconcilerError {
  override readonly name = 'GitCommandError';
  constructor(
    readonly command: string,
    readonly stderr: string,
    readonly timedOut: boolean,
    readonly exitCode: number | null,
  ) {
    super(
      timedOut ? 'git.timeout' : 'git.failed',
      timedOut ? `git ${command} timed out` : `git ${command} failed${exitCode === null ? '' : ` (exit ${exitCode})`}: ${stderr}`,
    );
  }
}

// Variables that could redirect git to another repository or configuration, make it prompt,
// or hand it our secrets. Everything else (PATH, HOME, proxies, CA bundles) is inherited.
const DROPPED_ENV = /^(GIT_(DIR|WORK_TREE|INDEX_FILE|OBJECT_DIRECTORY|ALTERNATE_OBJECT_DIRECTORIES|NAMESPACE|CEILING_DIRECTORIES|COMMON_DIR|CONFIG.*|ASKPASS|TOKEN|TRACE.*|TERMINAL_PROMPT|USERNAME)|SSH_ASKPASS.*|SLACK_WEBHOOK_URL|WEBHOOK_SECRET|STATUS_TOKEN)$/;

/**
 * The environment of every git call: inherited minus the dangerous variables, never prompting,
 * C locale (stable messages), plus `config` passed as GIT_CONFIG_COUNT/KEY/VALUE (never argv),
 * plus `extra` (e.g. GIT_SSH_COMMAND).
 */
export function gitEnv(
  config: Record<string, string>,
  extra: Record<string, string> = {},
  base: NodeJS.ProcessEnv = process.env,
): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(base)) {
    if (v !== undefined && !DROPPED_ENV.test(k)) env[k] = v;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  env.GCM_INTERACTIVE = 'never';
  env.LC_ALL = 'C';
  env.LANGUAGE = 'C';
  const entries = Object.entries(config);
  env.GIT_CONFIG_COUNT = String(entries.length);
  entries.forEach(([key, value], i) => {
    env[`GIT_CONFIG_KEY_${i}`] = key;
    env[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return { ...env, ...extra };
}

/** Last `max` non-empty lines of git's stderr, for an error message. */
export function tailLines(text: string, max = 4): string {
  const lines = text
    .split('\n')
    .map((l) => l.trimEnd())
    .filter((l) => l.trim() !== '');
  return lines.slice(-max).join(' | ');
}

/** Run `git args...`; rejects with GitCommandError. `args[0]` (or the first non-option) names the call in errors. */
export function runGit(args: string[], options: GitRunOptions): Promise<GitResult> {
  const command = args.find((a) => !a.startsWith('-')) ?? 'git';
  return new Promise((resolvePromise, reject) => {
    execFile(
      'git',
      args,
      {
        cwd: options.cwd,
        env: options.env,
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: 16 * 1024 * 1024,
        encoding: 'utf8',
        windowsHide: true,
      },
      (error, stdout, stderr) => {
        if (!error) {
          resolvePromise({ stdout, stderr });
          return;
        }
        const err = error as NodeJS.ErrnoException & { killed?: boolean; code?: number | string; signal?: string };
        if (err.code === 'ENOENT') {
          reject(new GitCommandError(command, 'the git program was not found on PATH: install git', false, null));
          return;
        }
        const timedOut = Boolean(err.killed) && err.signal === 'SIGKILL';
        const exitCode = typeof err.code === 'number' ? err.code : null;
        reject(new GitCommandError(command, options.scrub(tailLines(stderr || stdout || '')), timedOut, exitCode));
      },
    );
  });
}
