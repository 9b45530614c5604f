// plan and apply read --env-variables once, before the target: a bad name is one error, as JSON with --json
import { describe, expect, it } from 'vitest';
import { cliDesiredLoad } from '../../src/commands/cli-desired-load.js';
import type { Output } from '../../src/commands/cli-output.js';

function capture(): Output & { outs: string[]; errs: string[] } {
  const outs: string[] = [];
  const errs: string[] = [];
  return { outs, errs, out: (l) => outs.push(l), err: (l) => errs.push(l) };
}

describe('cliDesiredLoad and --env-variables', () => {
  it('a bad name with --json: one JSON error on stdout, nothing on stderr', async () => {
    const output = capture();
    expect(await cliDesiredLoad({ envVariables: 'IMAGE-TAG' }, output, true)).toBeUndefined();
    expect(output.errs).toEqual([]);
    expect(output.outs).toHaveLength(1);
    const report = JSON.parse(output.outs[0]!) as { ok: boolean; stage: string; errors: { message: string }[] };
    expect(report.ok).toBe(false);
    expect(report.stage).toBe('values');
    expect(report.errors[0]?.message).toContain('"IMAGE-TAG" is not a variable name');
  });

  it('a bad name without --json: one line on stderr', async () => {
    const output = capture();
    expect(await cliDesiredLoad({ envVariables: 'IMAGE-TAG' }, output, false)).toBeUndefined();
    expect(output.outs).toEqual([]);
    expect(output.errs).toHaveLength(1);
    expect(output.errs[0]).toMatch(/^error: --env-variables: "IMAGE-TAG" is not a variable name/);
  });

  it('good names: a load for the directory', async () => {
    const output = capture();
    const desired = await cliDesiredLoad({ envVariables: 'IMAGE_TAG' }, output, true);
    expect(desired?.target).toBeUndefined();
    expect(typeof desired?.load).toBe('function');
    expect([...output.outs, ...output.errs]).toEqual([]);
  });
});
