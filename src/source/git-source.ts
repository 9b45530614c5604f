// A branch of a git repository as the desired state. A bare repository in workDir receives a
// shallow fetch (--depth 1) of the branch; each new commit is checked out into its own
// worktree (workDir/trees/<sha>) before sync() returns it, so a load never sees a half-updated
// tree. The current and the previous checkout are kept; older ones are removed.
import { access, mkdir, rm, stat } from 'node:fs/promises';
import { join, relative, resolve, sep, isAbsolute } from 'node:path';
import type { Logger } from '../log/logger.js';
import { SecretRegistry, redactSecrets } from '../log/redact-secrets.js';
import { SourceError } from './desired-source.js';
import type { DesiredSource, SourceSnapshot } from './desired-source.js';
import { GitCommandError, gitEnv, runGit } from './git-command.js';
import { gitAuth } from './git-credentials.js';
import type { GitAuth } from './git-credentials.js';
import { describeEscapingLinks, findEscapingLinks } from './symlink-escapes.js';

export interface GitSourceOptions {
  /** https://, ssh://, git@host:path, file:// or a local path */
  url: string;
  branch: string;
  /** directory inside the repository holding the YAML; `.` for the root */
  path: string;
  workDir: string;
  token?: string;
  username?: string;
  sshKeyFile?: string;
  sshKnownHostsFile?: string;
  /** per git call (default 60 000 ms) */
  timeoutMs?: number;
  /** checkouts kept, the current one included (default 2) */
  keepRevisions?: number;
  logger?: Logger;
  secrets?: SecretRegistry;
}

/** Normalise `--path`: relative, inside the repository, `.` for the root. */
export function normaliseRepoPath(path: string): string {
  const p = path.trim().replace(/\\/g, '/').replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (p === '' || p === '.') return '.';
  if (isAbsolute(p) || p.split('/').includes('..')) {
    throw new SourceError('source.path-missing', `--path "${path}" must be a relative directory inside the repository`);
  }
  return p;
}

export class GitSource implements DesiredSource {
  readonly #opts: Required<Pick<GitSourceOptions, 'branch' | 'workDir' | 'timeoutMs' | 'keepRevisions'>> & GitSourceOptions;
  readonly #auth: GitAuth;
  readonly #secrets: SecretRegistry;
  readonly #path: string;
  readonly #repoDir: string;
  readonly #treesDir: string;
  #initialised = false;
  #closed = false;
  #current: { sha: string; dir: string; subject?: string } | undefined;
  /** checked-out SHAs, oldest first */
  #kept: string[] = [];
  /** the last commit refused for its links: refused again without a new checkout until the branch moves */
  #refused: SourceError | undefined;
  #queue: Promise<unknown> = Promise.resolve();

  constructor(options: GitSourceOptions) {
    this.#opts = { timeoutMs: 60_000, keepRevisions: 2, ...options };
    this.#path = normaliseRepoPath(options.path);
    this.#auth = gitAuth({ ...options, inheritedSshCommand: process.env.GIT_SSH_COMMAND });
    this.#secrets = options.secrets ?? new SecretRegistry();
    this.#secrets.add(...this.#auth.secrets);
    this.#repoDir = join(options.workDir, 'repo.git');
    this.#treesDir = join(options.workDir, 'trees');
    if (this.#auth.insecure) {
      options.logger?.warn({ source: this.describe() }, 'a git token is sent over plain http: use https outside tests');
    }
  }

  describe(): string {
    return `git ${this.#auth.url} branch ${this.#opts.branch}${this.#path === '.' ? '' : ` path ${this.#path}/`}`;
  }

  /** Serialised: a webhook-triggered sync and a poll never run git at the same time. */
  sync(): Promise<SourceSnapshot> {
    const run = this.#queue.then(() => this.#syncOnce());
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async checkExists(): Promise<void> {
    const { branch } = this.#opts;
    let stdout: string;
    try {
      ({ stdout } = await runGit(['ls-remote', '--heads', '--', this.#auth.url, `refs/heads/${branch}`], {
        env: gitEnv(this.#auth.config, this.#auth.env),
        timeoutMs: this.#opts.timeoutMs,
        scrub: this.#scrub,
      }));
    } catch (e) {
      const stderr = e instanceof GitCommandError && !e.timedOut ? e.stderr : '';
      // only an answer that the repository is not there; unreachable hosts and refused credentials are retried
      if (/does not appear to be a git repository|repository .*not found|not found|no such file or directory|does not exist/i.test(stderr)) {
        throw this.#error('source.not-found', `--source ${this.#auth.url}: no such git repository`, e);
      }
      return;
    }
    if (stdout.trim() === '') throw new SourceError('source.branch-missing', `--source ${this.#auth.url} has no branch "${branch}": check --branch`);
  }

  async close(): Promise<void> {
    this.#closed = true;
    await this.#queue;
    await rm(this.#treesDir, { recursive: true, force: true });
    if (this.#initialised) await this.#git(['worktree', 'prune']).catch(() => undefined);
  }

  #scrub = (text: string): string => redactSecrets(text, [...this.#secrets.values(), ...this.#auth.secrets]);

  #git(args: string[]): Promise<{ stdout: string }> {
    return runGit(['--git-dir', this.#repoDir, ...args], {
      env: gitEnv(this.#auth.config, this.#auth.env),
      timeoutMs: this.#opts.timeoutMs,
      scrub: this.#scrub,
    });
  }

  async #init(): Promise<void> {
    if (this.#initialised) return;
    await mkdir(this.#opts.workDir, { recursive: true });
    const exists = await access(join(this.#repoDir, 'HEAD')).then(
      () => true,
      () => false,
    );
    if (!exists) {
      await runGit(['init', '--quiet', '--bare', this.#repoDir], {
        env: gitEnv(this.#auth.config, this.#auth.env),
        timeoutMs: this.#opts.timeoutMs,
        scrub: this.#scrub,
      }).catch((e: unknown) => {
        throw this.#error('source.checkout-failed', `could not create the git work directory ${this.#repoDir}`, e);
      });
    }
    // checkouts of a previous process are stale: start clean
    await rm(this.#treesDir, { recursive: true, force: true });
    await mkdir(this.#treesDir, { recursive: true });
    await this.#git(['worktree', 'prune']).catch(() => undefined);
    this.#initialised = true;
  }

  #error(code: SourceError['code'], what: string, cause: unknown, revision?: string): SourceError {
    let detail: string;
    if (cause instanceof GitCommandError) {
      detail = cause.timedOut ? `git ${cause.command} did not finish within ${this.#opts.timeoutMs} ms` : cause.stderr || cause.message;
      if (cause.timedOut) code = 'source.timeout';
    } else {
      detail = cause instanceof Error ? cause.message : String(cause);
    }
    return new SourceError(code, this.#scrub(`${what}: ${detail}`), revision);
  }

  async #syncOnce(): Promise<SourceSnapshot> {
    if (this.#closed) throw new SourceError('source.closed', 'the desired-state source was closed');
    await this.#init();
    const { branch } = this.#opts;
    const ref = `refs/remotes/origin/${branch}`;
    try {
      await this.#git(['fetch', '--quiet', '--depth', '1', '--no-tags', '--force', '--', this.#auth.url, `+refs/heads/${branch}:${ref}`]);
    } catch (e) {
      const stderr = e instanceof GitCommandError ? e.stderr : '';
      if (/couldn't find remote ref/i.test(stderr)) {
        throw new SourceError('source.branch-missing', `branch "${branch}" does not exist in ${this.#auth.url}: check --branch`);
      }
      throw this.#error(
        'source.fetch-failed',
        `git fetch of ${this.#auth.url} (branch ${branch}) failed; check the URL, the branch and the credentials (GIT_TOKEN or the ssh key)`,
        e,
      );
    }
    const sha = (await this.#git(['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])).stdout.trim();
    if (this.#current?.sha === sha) {
      return { revision: sha, dir: this.#current.dir, changed: false, subject: this.#current.subject };
    }
    if (this.#refused?.revision === sha) throw this.#refused;
    const tree = join(this.#treesDir, sha);
    await rm(tree, { recursive: true, force: true });
    await this.#git(['worktree', 'prune']).catch(() => undefined);
    try {
      await this.#git(['worktree', 'add', '--quiet', '--detach', '--force', tree, sha]);
    } catch (e) {
      await rm(tree, { recursive: true, force: true });
      throw this.#error('source.checkout-failed', `checkout of commit ${sha} failed`, e, sha);
    }
    const escaping = await findEscapingLinks(tree);
    if (escaping.length > 0) {
      await this.#removeTree(sha);
      this.#refused = new SourceError(
        'source.unsafe-link',
        this.#scrub(`commit ${sha} of ${this.#auth.url} was not loaded: ${escaping.length} symbolic link(s) leave the repository\n${describeEscapingLinks(escaping)}`),
        sha,
      );
      throw this.#refused;
    }
    const dir = this.#path === '.' ? tree : resolve(tree, this.#path);
    const isDir = await stat(dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir || relative(tree, dir).split(sep).includes('..')) {
      await this.#removeTree(sha);
      throw new SourceError(
        'source.path-missing',
        `commit ${sha} of ${this.#auth.url} has no directory "${this.#path}": check --path`,
        sha,
      );
    }
    const subject = await this.#git(['log', '-1', '--format=%s', sha]).then(
      (r) => this.#scrub(r.stdout.trim()),
      () => undefined,
    );
    const previous = this.#current?.sha;
    this.#current = { sha, dir, subject };
    this.#kept = [...this.#kept.filter((s) => s !== sha), sha];
    while (this.#kept.length > this.#opts.keepRevisions) {
      const old = this.#kept.shift();
      if (old) await this.#removeTree(old);
    }
    this.#opts.logger?.debug({ source: this.describe(), commit: sha, previous }, 'checked out a new revision');
    return { revision: sha, dir, changed: true, subject };
  }

  async #removeTree(sha: string): Promise<void> {
    const tree = join(this.#treesDir, sha);
    await this.#git(['worktree', 'remove', '--force', tree]).catch(() => undefined);
    await rm(tree, { recursive: true, force: true });
    this.#kept = this.#kept.filter((s) => s !== sha);
  }
}
