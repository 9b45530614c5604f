// A commit can hold symbolic links, and the spec loader follows links (a directory source is the
// operator's own disk). In a git checkout a link is content from whoever can push: `desired/ext
// -> /etc` would make the controller read host files, manage resources declared outside the
// repository and echo their keys and values in errors, /status and Slack. So every link of a
// checkout must resolve inside it. The check runs on the filesystem (realpath), not on the link
// text: `sub/a -> l/..` with `sub/l -> ..` looks inside and is not.
import { lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export interface EscapingLink {
  /** path of the link inside the checkout, `/`-separated */
  path: string;
  /** what the link says (its text, from the commit; never the content of what it points to) */
  target: string;
}

function inside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/** Every symbolic link under `tree` (the `.git` entry skipped) that resolves outside it, sorted. */
export async function findEscapingLinks(tree: string): Promise<EscapingLink[]> {
  const root = await realpath(tree);
  const found: EscapingLink[] = [];
  async function walk(dir: string): Promise<void> {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      if (dir === root && entry.name === '.git') continue;
      const full = join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        const target = await readlink(full);
        // a dangling link is judged by where it would point
        const resolved = await realpath(full).catch(() => resolve(dirname(full), target));
        if (!inside(root, resolved)) found.push({ path: relative(root, full).split(sep).join('/'), target });
      } else if (entry.isDirectory()) {
        await walk(full);
      }
    }
  }
  // lstat: the checkout root itself is a directory git made, never a link of the commit
  if ((await lstat(root)).isDirectory()) await walk(root);
  return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** `path:1:1: ...` lines, one per link, for the source error. */
export function describeEscapingLinks(links: readonly EscapingLink[]): string {
  return links
    .map((l) => `${l.path}:1:1: symbolic link to ${JSON.stringify(l.target.slice(0, 200))} leaves the repository; it is never followed: remove it or point it inside the repository`)
    .join('\n');
}
