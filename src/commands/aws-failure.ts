// Turns a failure from observing or applying into the one-line explanations a person reads:
// one line per distinct AWS failure, never a stack.
import { AwsCallError, describeAwsError } from '../aws/errors.js';
import { ObserveError } from '../controller/observe.js';

export function explainAwsFailure(error: unknown): string[] {
  if (error instanceof ObserveError) return error.lines();
  if (error instanceof AwsCallError) return [error.message];
  if (error instanceof Error && !('$metadata' in error) && !('code' in error)) {
    // not an AWS error: a bug or an unexpected state; still one line
    return [error.message.split('\n')[0] ?? String(error)];
  }
  return [describeAwsError(error)];
}

/** Prints an observe/apply failure (one line each, or `{ ok:false, stage, errors }` as JSON); returns exit code 1. */
export function reportAwsFailure(error: unknown, json: boolean, output: { out(line: string): void; err(line: string): void }): number {
  const lines = explainAwsFailure(error);
  if (json) output.out(JSON.stringify({ ok: false, stage: 'observe', errors: lines }, null, 2));
  else for (const line of lines) output.err(`error: ${line}`);
  return 1;
}
