// A desired-state directory on local disk. The revision is a content hash of every YAML file
// (relative path + bytes), so an edit is noticed on the next sync without watching the disk.
import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import { SourceError } from './desired-source.js';
import type { DesiredSource, SourceSnapshot } from './desired-source.js';

const YAML_FILE = /\.ya?ml$/i;

/** Every *.yaml / *.yml file under `root`, relative, sorted; `.git` directories skipped. */
export async function listYamlFiles(root: string): Promise<string[]> {
  const out: string[] = [];
  async function walk(dir: string): Promise<void> {
    const entries = await readdir(dir, { withFileTypes: true });
    for (const e of entries) {
      const full = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== '.git' && e.name !== 'node_modules') await walk(full);
      } else if (e.isFile() && YAML_FILE.test(e.name)) {
        out.push(relative(root, full).split(sep).join('/'));
      }
    }
  }
  await walk(root);
  return out.sort();
}

/** `dir-` + the first 16 hex chars of sha256 over (path, NUL, size, NUL, bytes) of every YAML file. */
export async function hashYamlTree(root: string): Promise<string> {
  const hash = createHash('sha256');
  for (const file of await listYamlFiles(root)) {
    const bytes = await readFile(join(root, file));
    hash.update(file).update('\0').update(String(bytes.length)).update('\0').update(bytes);
  }
  return `dir-${hash.digest('hex').slice(0, 16)}`;
}

export class DirectorySource implements DesiredSource {
  readonly #dir: string;
  #last: string | undefined;
  #closed = false;

  constructor(dir: string) {
    this.#dir = resolve(dir);
  }

  describe(): string {
    return `directory ${this.#dir}`;
  }

  async sync(): Promise<SourceSnapshot> {
    if (this.#closed) throw new SourceError('source.closed', 'the desired-state source was closed');
    let isDir = false;
    try {
      isDir = (await stat(this.#dir)).isDirectory();
    } catch {
      isDir = false;
    }
    if (!isDir) {
      throw new SourceError(
        'source.not-found',
        `source directory ${this.#dir} does not exist or is not a directory: pass --source <directory or git URL>`,
      );
    }
    const revision = await hashYamlTree(this.#dir);
    const changed = revision !== this.#last;
    this.#last = revision;
    return { revision, dir: this.#dir, changed };
  }

  async close(): Promise<void> {
    this.#closed = true;
  }
}
