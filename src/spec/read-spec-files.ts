// Finding and reading the YAML files of a desired state: every *.yaml / *.yml under a directory
// (recursively, sorted), or one file. Rejects, before parsing, what is not a sane YAML text file.
import { open, readdir, realpath, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import type { SpecError } from './types.js';
import { SPEC_ERROR_CODES as C, fileError, targetError } from './spec-errors.js';

/** Per-file size cap: desired-state files are small; anything larger is a mistake or an attack. */
export const MAX_FILE_BYTES = 1024 * 1024;

export interface SpecFileRef {
  /** absolute or cwd-relative path used to read the file */
  path: string;
  /** path shown in errors: relative to the directory given (the file name for a single file) */
  rel: string;
}

export type ListResult = { ok: true; files: SpecFileRef[] } | { ok: false; errors: SpecError[] };
export type ReadResult = { ok: true; text: string } | { ok: false; error: SpecError };

const YAML_FILE = /\.ya?ml$/i;

/** The YAML files of `target` (a directory or a single file), sorted by relative path. */
export async function listSpecFiles(target: string): Promise<ListResult> {
  let info;
  try {
    info = await stat(target);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const message =
      code === 'ENOENT'
        ? `${target} does not exist: give the directory that holds your *.yaml files (default desired/)`
        : `cannot read ${target} (${code ?? 'unknown error'}): check the path and its permissions`;
    return { ok: false, errors: [targetError(target, C.notFound, message)] };
  }
  if (info.isFile()) return { ok: true, files: [{ path: target, rel: basename(target) }] };
  if (!info.isDirectory()) {
    return { ok: false, errors: [targetError(target, C.notFound, `${target} is neither a directory nor a file`)] };
  }
  const files: SpecFileRef[] = [];
  const errors: SpecError[] = [];
  await walk(target, target, files, errors, new Set());
  files.sort((a, b) => (a.rel < b.rel ? -1 : a.rel > b.rel ? 1 : 0));
  return errors.length > 0 ? { ok: false, errors } : { ok: true, files };
}

/** Hidden entries (.git, .github, editor swap dirs) are skipped: they are never desired state. */
async function walk(root: string, dir: string, files: SpecFileRef[], errors: SpecError[], seen: Set<string>): Promise<void> {
  // a symlinked directory is followed once: a link loop must not recurse forever
  const real = await realpath(dir).catch(() => dir);
  if (seen.has(real)) return;
  seen.add(real);
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    errors.push(targetError(toRel(root, dir), C.readFailed, `cannot list directory (${code}): check its permissions`));
    return;
  }
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const full = join(dir, entry.name);
    let isDir = entry.isDirectory();
    let isFile = entry.isFile();
    if (entry.isSymbolicLink()) {
      const target = await stat(full).catch(() => undefined);
      isDir = target?.isDirectory() ?? false;
      isFile = target?.isFile() ?? false;
    }
    if (isDir) await walk(root, full, files, errors, seen);
    else if (isFile && YAML_FILE.test(entry.name)) files.push({ path: full, rel: toRel(root, full) });
  }
}

function toRel(root: string, full: string): string {
  const rel = relative(root, full);
  return (rel === '' ? '.' : rel).split(sep).join('/');
}

/**
 * Reads one file as UTF-8 text, refusing (without reading it all) files over MAX_FILE_BYTES,
 * files with NUL bytes (binary) and invalid UTF-8. A leading BOM is dropped.
 */
export async function readSpecFile(ref: SpecFileRef): Promise<ReadResult> {
  let handle;
  try {
    handle = await open(ref.path, 'r');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, error: fileError(ref.rel, C.readFailed, `cannot open file (${code}): check its permissions`) };
  }
  try {
    const { size } = await handle.stat();
    if (size > MAX_FILE_BYTES) {
      return { ok: false, error: fileError(ref.rel, C.tooLarge, tooLargeMessage(size)) };
    }
    // read at most one byte past the cap, in case the file grew since stat()
    const buffer = Buffer.alloc(Math.min(size, MAX_FILE_BYTES) + 1);
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
    if (bytesRead > MAX_FILE_BYTES) {
      return { ok: false, error: fileError(ref.rel, C.tooLarge, tooLargeMessage(bytesRead)) };
    }
    return decodeSpecText(ref.rel, buffer.subarray(0, bytesRead));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? 'unknown error';
    return { ok: false, error: fileError(ref.rel, C.readFailed, `cannot read file (${code})`) };
  } finally {
    await handle.close();
  }
}

function tooLargeMessage(size: number): string {
  const mib = (size / (1024 * 1024)).toFixed(1);
  return `file is ${mib} MiB, over the 1 MiB limit for a desired-state file: split it into several files or remove what is not YAML resources`;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Bytes -> text, or the error saying why these bytes are not a YAML text file. */
export function decodeSpecText(rel: string, bytes: Uint8Array): ReadResult {
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    const { line, col } = positionOfByte(bytes, nul);
    return {
      ok: false,
      error: { file: rel, line, col, code: C.binary, message: 'file contains NUL bytes: it is binary, not YAML; remove it from the desired-state directory' },
    };
  }
  try {
    const text = utf8.decode(bytes);
    return { ok: true, text: text.charCodeAt(0) === 0xfeff ? text.slice(1) : text };
  } catch {
    return {
      ok: false,
      error: fileError(rel, C.encoding, 'file is not valid UTF-8: save it as UTF-8 text (it may be binary or in another encoding)'),
    };
  }
}

function positionOfByte(bytes: Uint8Array, index: number): { line: number; col: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < index; i++) {
    if (bytes[i] === 0x0a) {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, col: index - lineStart + 1 };
}
