// Picks the source kind from the --source value and builds it.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from '../log/logger.js';
import type { SecretRegistry } from '../log/redact-secrets.js';
import type { DesiredSource } from './desired-source.js';
import { DirectorySource } from './directory-source.js';
import { GitSource } from './git-source.js';

export interface SourceOptions {
  /** a directory, or a git URL (https://, ssh://, git@host:path, file://) or a path to a bare repository */
  source: string;
  /** force the kind; default: detected (see isGitSource) */
  kind?: 'git' | 'directory';
  /** git: branch to follow (default `main`); giving it makes a local path a git source */
  branch?: string;
  /** git: directory inside the repository holding the YAML (default: the root) */
  path?: string;
  /** git: where the fetched repository and per-revision checkouts live */
  workDir: string;
  /** git https: token (GIT_TOKEN) */
  token?: string;
  /** git https: user name sent with the token (GIT_USERNAME, default `x-access-token`) */
  username?: string;
  /** git ssh: private key file (GIT_SSH_KEY_FILE) */
  sshKeyFile?: string;
  /** git: timeout of one git call in ms (default 60 000) */
  timeoutMs?: number;
  logger?: Logger;
  secrets?: SecretRegistry;
}

const GIT_URL = /^(?:https?|ssh|git|file):\/\//i;
const SCP_LIKE = /^[\w.-]+@[\w.-]+:(?!\/\/)/;

/** URL-shaped sources are git. A local path is git when it is a bare repository or a branch was given. */
export async function isGitSource(source: string, branchGiven: boolean): Promise<boolean> {
  if (GIT_URL.test(source) || SCP_LIKE.test(source)) return true;
  if (branchGiven) return true;
  try {
    const [head, objects] = await Promise.all([stat(join(source, 'HEAD')), stat(join(source, 'objects'))]);
    return head.isFile() && objects.isDirectory();
  } catch {
    return false;
  }
}

/** Build the source the CLI flags describe. */
export async function createDesiredSource(options: SourceOptions): Promise<DesiredSource> {
  const git = options.kind ? options.kind === 'git' : await isGitSource(options.source, options.branch !== undefined);
  if (!git) return new DirectorySource(options.source);
  return new GitSource({
    url: options.source,
    branch: options.branch ?? 'main',
    path: options.path ?? '.',
    workDir: options.workDir,
    token: options.token,
    username: options.username,
    sshKeyFile: options.sshKeyFile,
    timeoutMs: options.timeoutMs,
    logger: options.logger,
    secrets: options.secrets,
  });
}
