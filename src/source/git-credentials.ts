// Credentials for git: an https token travels as an Authorization header set through
// GIT_CONFIG_* environment variables, scoped to the repository's origin; an ssh key through
// GIT_SSH_COMMAND. Neither ever appears on a command line or in a message.
import { stripUrlCredentials } from '../log/redact-secrets.js';

export interface GitAuthInput {
  url: string;
  /** GIT_TOKEN */
  token?: string;
  /** GIT_USERNAME; default `x-access-token` (GitHub; GitLab and others accept any name with a token) */
  username?: string;
  /** path of a private key for ssh URLs */
  sshKeyFile?: string;
  /** known_hosts file for ssh (default: ssh's own; unknown hosts are accepted once, then pinned) */
  sshKnownHostsFile?: string;
  /** GIT_SSH_COMMAND already set by the user: kept when no key file is given */
  inheritedSshCommand?: string;
}

export interface GitAuth {
  /** the URL without user info: safe for argv, logs and messages */
  url: string;
  /** GIT_CONFIG_* entries */
  config: Record<string, string>;
  /** extra environment (GIT_SSH_COMMAND) */
  env: Record<string, string>;
  /** values to scrub from any output */
  secrets: string[];
  /** true when a token would travel over plain http (worth a warning) */
  insecure: boolean;
}

const DEFAULT_USERNAME = 'x-access-token';

/** Quote for the POSIX shell git runs GIT_SSH_COMMAND with. */
export function shellQuote(value: string): string {
  return `'${value.replace(/'/g, `'\\''`)}'`;
}

function isHttp(url: string): boolean {
  return /^https?:\/\//i.test(url);
}

/** Work out URL, config and environment for one repository. */
export function gitAuth(input: GitAuthInput): GitAuth {
  const secrets: string[] = [];
  const config: Record<string, string> = {
    // no credential helper of the host may prompt, store or hand out other credentials
    'credential.helper': '',
    'advice.detachedHead': 'false',
  };
  const env: Record<string, string> = {};
  let url = input.url;
  let insecure = false;

  if (isHttp(input.url)) {
    let username = input.username ?? DEFAULT_USERNAME;
    let token = input.token;
    try {
      const u = new URL(input.url);
      if (u.password) {
        username = decodeURIComponent(u.username) || username;
        token = decodeURIComponent(u.password);
      } else if (u.username) {
        // https://<token>@host/...
        token = decodeURIComponent(u.username);
      }
      url = stripUrlCredentials(input.url);
      if (token) {
        const basic = Buffer.from(`${username}:${token}`).toString('base64');
        secrets.push(token, basic);
        config[`http.${u.protocol}//${u.host}/.extraHeader`] = `Authorization: Basic ${basic}`;
        insecure = u.protocol === 'http:';
      }
    } catch {
      url = stripUrlCredentials(input.url);
    }
  } else if (input.sshKeyFile) {
    const parts = [
      'ssh',
      '-i',
      shellQuote(input.sshKeyFile),
      '-o IdentitiesOnly=yes',
      '-o BatchMode=yes',
      '-o StrictHostKeyChecking=accept-new',
    ];
    if (input.sshKnownHostsFile) parts.push(`-o UserKnownHostsFile=${shellQuote(input.sshKnownHostsFile)}`);
    env.GIT_SSH_COMMAND = parts.join(' ');
  } else if (!input.inheritedSshCommand && /^(ssh:\/\/|[\w.-]+@[\w.-]+:)/i.test(input.url)) {
    env.GIT_SSH_COMMAND = 'ssh -o BatchMode=yes -o StrictHostKeyChecking=accept-new';
  }
  if (input.token) secrets.push(input.token);
  return { url, config, env, secrets, insecure };
}
