// `validate --values` (issue 16): what a target gets, one line per substitution; a values file
// that is missing or lacks a variable is an error with its file:line.
import { mkdtemp, mkdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runValidate } from '../../src/commands/validate.js';

let root: string;
const out: string[] = [];
const err: string[] = [];
const output = { out: (l: string) => out.push(l), err: (l: string) => err.push(l) };

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'validate-values-'));
  await mkdir(join(root, 'desired'));
  await mkdir(join(root, 'values'));
  await writeFile(join(root, 'desired', 'tg.yaml'), `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: web-tg }
spec:
  vpc: { tags: { Name: "\${VPC_NAME}" } }
  protocol: HTTP
  port: \${PORT}
`);
  await writeFile(join(root, 'values', 'prod.yaml'), 'VPC_NAME: prod\nPORT: 8080\n');
  await writeFile(join(root, 'values', 'dev.yaml'), 'VPC_NAME: dev\n');
  out.length = 0;
  err.length = 0;
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('validate --values', () => {
  it('prints every substitution at its file:line', async () => {
    expect(await runValidate(join(root, 'desired'), { values: join(root, 'values', 'prod.yaml') }, output)).toBe(0);
    expect(out[0]).toBe('1 resource valid: 1 TargetGroup');
    expect(out.slice(2)).toEqual([
      '  tg.yaml:5:24 spec.vpc.tags.Name: ${VPC_NAME} = "prod" (from the values file)',
      '  tg.yaml:7:9 spec.port: ${PORT} = "8080" (from the values file)',
    ]);
  });

  it('a values file lacking a variable: the error names the file and the variable, at the line using it', async () => {
    const dev = join(root, 'values', 'dev.yaml');
    expect(await runValidate(join(root, 'desired'), { values: dev }, output)).toBe(1);
    expect(err[0]).toContain('tg.yaml:7:9  TargetGroup/web-tg  spec.port: ${PORT} is not set: ' + `${dev} has no PORT`);
  });

  it('an unquoted ${NAME} inside a flow mapping is a YAML error with a hint', async () => {
    await writeFile(join(root, 'desired', 'tg.yaml'), 'apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: web-tg }\nspec:\n  vpc: { tags: { Name: ${VPC_NAME} } }\n  protocol: HTTP\n  port: 80\n');
    expect(await runValidate(join(root, 'desired'), { values: join(root, 'values', 'prod.yaml') }, output)).toBe(1);
    expect(err[0]).toContain('inside { } or [ ] quote a variable: "${NAME}"');
  });

  it('a missing values file is one line, nothing validated', async () => {
    expect(await runValidate(join(root, 'desired'), { values: join(root, 'values', 'nope.yaml') }, output)).toBe(1);
    expect(err).toHaveLength(1);
    expect(err[0]).toContain('no such file');
  });

  it('--json carries the substitutions', async () => {
    expect(await runValidate(join(root, 'desired'), { values: join(root, 'values', 'prod.yaml'), json: true }, output)).toBe(0);
    const report = JSON.parse(out.join('\n')) as { substitutions: { name: string; value: string }[] };
    expect(report.substitutions.map((s) => `${s.name}=${s.value}`)).toEqual(['VPC_NAME=prod', 'PORT=8080']);
  });
});
