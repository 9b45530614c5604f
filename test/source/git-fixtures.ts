// Real git for tests: bare repositories made with the git CLI, commits pushed from a scratch
// clone, and a smart-HTTP server (git http-backend behind node:http) that demands a token.
import { execFileSync, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'test',
  GIT_AUTHOR_EMAIL: 'test@example.com',
  GIT_COMMITTER_NAME: 'test',
  GIT_COMMITTER_EMAIL: 'test@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
};

export function git(args: string[], cwd?: string): string {
  return execFileSync('git', args, { cwd, env: GIT_ENV, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), `ecsr-${prefix}-`));
}

/** A bare repository `<root>/<name>.git` with HEAD on `main`, plus a scratch clone to commit from. */
export class TestRepo {
  readonly bare: string;
  readonly work: string;

  constructor(
    readonly root: string,
    name = 'desired',
  ) {
    this.bare = join(root, `${name}.git`);
    this.work = join(root, `${name}-work`);
    git(['init', '--quiet', '--bare', '--initial-branch=main', this.bare]);
    git(['init', '--quiet', '--initial-branch=main', this.work]);
    git(['remote', 'add', 'origin', this.bare], this.work);
  }

  /** Write files (path -> content; null deletes), commit on `branch`, push; returns the SHA. */
  commit(files: Record<string, string | null>, message = 'change', branch = 'main'): string {
    const current = git(['symbolic-ref', '--short', 'HEAD'], this.work);
    if (current !== branch) {
      const exists = git(['branch', '--list', branch], this.work) !== '';
      git(exists ? ['checkout', '--quiet', branch] : ['checkout', '--quiet', '-b', branch], this.work);
    }
    for (const [path, content] of Object.entries(files)) {
      const full = join(this.work, path);
      if (content === null) {
        rmSync(full, { force: true });
      } else {
        mkdirSync(dirname(full), { recursive: true });
        writeFileSync(full, content);
      }
    }
    git(['add', '--all'], this.work);
    git(['commit', '--quiet', '--allow-empty', '-m', message], this.work);
    git(['push', '--quiet', '--force', 'origin', `${branch}:${branch}`], this.work);
    return git(['rev-parse', 'HEAD'], this.work);
  }
}

export interface GitHttpServer {
  url: string;
  close(): Promise<void>;
  /** Authorization header values received */
  authHeaders: string[];
}

/** Smart HTTP over `git http-backend`, requiring Basic `username:token`. */
export async function startGitHttpServer(projectRoot: string, username: string, token: string): Promise<GitHttpServer> {
  const expected = `Basic ${Buffer.from(`${username}:${token}`).toString('base64')}`;
  const authHeaders: string[] = [];
  const server: Server = createServer((req, res) => {
    const auth = req.headers.authorization ?? '';
    authHeaders.push(auth);
    if (auth !== expected) {
      res.writeHead(401, { 'WWW-Authenticate': 'Basic realm="git"' }).end('unauthorised');
      req.resume();
      return;
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const cgi = spawn('git', ['http-backend'], {
      env: {
        ...process.env,
        GIT_PROJECT_ROOT: projectRoot,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.slice(1),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: req.headers['content-encoding'] ?? '',
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: username,
        REMOTE_ADDR: '127.0.0.1',
      },
    });
    req.pipe(cgi.stdin);
    const chunks: Buffer[] = [];
    cgi.stdout.on('data', (c: Buffer) => chunks.push(c));
    cgi.on('close', () => {
      const out = Buffer.concat(chunks);
      const sepAt = out.indexOf('\r\n\r\n');
      const head = out.subarray(0, sepAt).toString();
      const body = out.subarray(sepAt + 4);
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.split('\r\n')) {
        const i = line.indexOf(':');
        const k = line.slice(0, i).trim();
        const v = line.slice(i + 1).trim();
        if (k.toLowerCase() === 'status') status = Number(v.split(' ')[0]);
        else if (k) headers[k] = v;
      }
      res.writeHead(status, headers).end(body);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    authHeaders,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A TCP server that accepts connections and never answers (a hung git host). */
export async function startHungServer(): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(() => {
    /* never respond */
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** A `git` wrapper first on PATH that records every argv, to prove no secret reaches a command line. */
export function installGitArgvRecorder(dir: string): { log: string; restore(): void } {
  const realGit = execFileSync('sh', ['-c', 'command -v git'], { encoding: 'utf8' }).trim();
  const log = join(dir, 'argv.log');
  const shim = join(dir, 'bin');
  mkdirSync(shim, { recursive: true });
  writeFileSync(join(shim, 'git'), `#!/bin/sh\nprintf '%s\\n' "$*" >> '${log}'\nexec '${realGit}' "$@"\n`, { mode: 0o755 });
  writeFileSync(log, '');
  const before = process.env.PATH;
  process.env.PATH = `${shim}:${before ?? ''}`;
  return {
    log,
    restore: () => {
      process.env.PATH = before;
    },
  };
}
