// Shared CLI output: spec errors as `file:line:col  Kind/name  message`, and the one-line
// error for everything unexpected. Used by validate and by every command that loads desired state.
import { statSync } from 'node:fs';
import { posix } from 'node:path';
import type { SpecError } from '../spec/types.js';

/** Error codes whose `file` is the path the user gave, not a path inside it. */
const TARGET_LEVEL = new Set(['fs.not-found', 'fs.no-resources']);

/**
 * The path to show for an error's file: inside a directory target, the target joined with the
 * file (`desired/ims.yaml`), so that the location is clickable from where the command ran.
 */
export function displayFile(target: string, err: SpecError): string {
  if (TARGET_LEVEL.has(err.code)) return err.file;
  let isFile = false;
  try {
    isFile = statSync(target).isFile();
  } catch {
    // the target vanished: show the relative name
  }
  if (isFile) return target;
  return posix.normalize(posix.join(target.split('\\').join('/'), err.file));
}

/** `desired/ims.yaml:3:5  TargetGroup/ims-tg  message` (location only `file` for whole-file errors). */
export function formatSpecError(err: SpecError, target: string): string {
  const file = displayFile(target, err);
  const location = err.line > 0 ? `${file}:${err.line}:${err.col}` : file;
  return `${location}  ${err.kindName ?? '-'}  ${err.message}`;
}

/** Errors with display paths, for --json output. */
export function errorsForJson(errors: readonly SpecError[], target: string): SpecError[] {
  return errors.map((e) => ({ ...e, file: displayFile(target, e) }));
}

export interface Output {
  out: (line: string) => void;
  err: (line: string) => void;
}

export const processOutput: Output = {
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
};

/** True when DEBUG names ecs-reconciler (`DEBUG=ecs-reconciler` or `DEBUG=*`): show stacks. */
export function debugEnabled(env: NodeJS.ProcessEnv = process.env): boolean {
  const debug = env.DEBUG ?? '';
  return debug.split(',').some((d) => d.trim() === '*' || d.trim().startsWith('ecs-reconciler'));
}

/** One line `error: ...` for an unexpected failure; the stack only with DEBUG=ecs-reconciler. */
export function describeUnexpected(error: unknown, env: NodeJS.ProcessEnv = process.env): string {
  const message = error instanceof Error ? error.message : String(error);
  const line = `error: ${message.split('\n')[0] ?? message}`;
  if (debugEnabled(env) && error instanceof Error && error.stack !== undefined) return `${line}\n${error.stack}`;
  return line;
}
