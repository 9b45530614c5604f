// A desired-state directory on local disk. The revision is a content hash of every YAML file
// (relative path + bytes), so an edit is noticed on the next sync without watching the disk.
// The files are the ones the spec loader reads (src/spec/read-spec-files.ts: hidden entries
// skipped, symbolic links followed, each directory once): a directory source is the operator's
// own disk, so a link there is the operator's choice. A git source, whose links come from
// whoever can push, refuses links that leave the checkout (symlink-escapes.ts).
import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { MAX_FILE_BYTES, listSpecFiles } from '../spec/read-spec-files.js';
import { SourceError } from './desired-source.js';
import type { DesiredSource, SourceSnapshot } from './desired-source.js';

/** Every *.yaml / *.yml file the loader reads under `root`, relative, sorted. */
export async function listYamlFiles(root: string): Promise<string[]> {
  const listed = await listSpecFiles(root);
  return listed.ok ? listed.files.map((f) => f.rel) : [];
}

/**
 * `dir-` + the first 16 hex chars of sha256 over (path, NUL, size, NUL, bytes) of every YAML
 * file. A file over the loader's 1 MiB limit is refused by the loader anyway: it is hashed by
 * size and modification time, never read (a 50 MB file used to be read whole on every sync).
 */
export async function hashYamlTree(root: string): Promise<string> {
  const hash = createHash('sha256');
  const listed = await listSpecFiles(root);
  if (!listed.ok) hash.update(JSON.stringify(listed.errors));
  for (const file of listed.ok ? listed.files : []) {
    const info = await stat(file.path).catch(() => undefined);
    hash.update(file.rel).update('\0');
    if (info === undefined) hash.update('unreadable\0');
    else if (info.size > MAX_FILE_BYTES) hash.update(`${info.size}\0${info.mtimeMs}\0too-large`);
    else {
      const bytes = await readFile(file.path).catch(() => Buffer.from('unreadable'));
      hash.update(String(bytes.length)).update('\0').update(bytes);
    }
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

  async checkExists(): Promise<void> {
    const isDir = await stat(this.#dir).then(
      (s) => s.isDirectory(),
      () => false,
    );
    if (!isDir) throw new SourceError('source.not-found', `--source ${this.#dir} does not exist or is not a directory: pass --source <directory or git URL>`);
  }
}
