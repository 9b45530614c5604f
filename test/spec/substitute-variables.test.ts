// `${NAME}` substitution in the loader (issue 16): values file and allow-listed environment,
// errors at the node's file:line, the `$${` escape, typed plain values, refused secret places.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import type { LoadOptions } from '../../src/spec/load-options.js';
import { formatSubstitutions, looksSecret } from '../../src/spec/substitute-variables.js';
import { parseValuesText } from '../../src/spec/values-file.js';

const service = (image: string, extra = ''): string => `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: api }
spec:
  cluster: \${CLUSTER}
  desiredCount: \${COUNT}
  taskDefinition:
    family: api
    containers:
      - name: web
        image: ${image}
        memory: 256
        portMappings: [{ containerPort: 80 }]
${extra}`;

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'subst-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function load(text: string, options: LoadOptions) {
  await writeFile(join(dir, 'api.yaml'), text);
  return loadDesiredState(dir, options);
}

const values: LoadOptions = { variables: { CLUSTER: 'prod', COUNT: '3', IMAGE_TAG: '1.4.2' }, valuesFile: 'values/prod.yaml' };

describe('variables', () => {
  it('substitutes values-file variables; a plain ${COUNT} alone becomes a number', async () => {
    const r = await load(service('nginx:${IMAGE_TAG}'), values);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const spec = r.state.services[0]!.spec;
    expect(spec.cluster).toBe('prod');
    expect(spec.desiredCount).toBe(3);
    expect(spec.taskDefinition.containers[0]!.image).toBe('nginx:1.4.2');
    expect(r.substitutions?.map((s) => [s.line, s.path, s.name, s.value, s.from])).toEqual([
      [5, 'spec.cluster', 'CLUSTER', 'prod', 'values'],
      [6, 'spec.desiredCount', 'COUNT', '3', 'values'],
      [11, 'spec.taskDefinition.containers[0].image', 'IMAGE_TAG', '1.4.2', 'values'],
    ]);
    expect(formatSubstitutions(r.substitutions ?? [])[2]).toBe('  api.yaml:11:16 spec.taskDefinition.containers[0].image: ${IMAGE_TAG} = "1.4.2" (from the values file)');
  });

  it('a quoted "${COUNT}" stays a string (and the schema says so at its line)', async () => {
    const r = await load(service('nginx').replace('desiredCount: ${COUNT}', 'desiredCount: "${COUNT}"'), values);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]).toMatchObject({ file: 'api.yaml', line: 6 });
  });

  it('an unset variable is an error at its file:line naming the variable and where values come from', async () => {
    const r = await load(service('nginx:${IMAGE_TAG}'), { variables: { CLUSTER: 'prod', COUNT: '1' }, valuesFile: 'values/prod.yaml' });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatchObject({ file: 'api.yaml', line: 11, col: 16, code: 'variables.unset' });
    expect(r.errors[0]!.message).toContain('${IMAGE_TAG} is not set: values/prod.yaml has no IMAGE_TAG');
    expect(r.errors[0]!.message).toContain('--env-variables IMAGE_TAG');
  });

  it('without a values file the error says to pass --values', async () => {
    const r = await load(service('nginx:${IMAGE_TAG}'), {});
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([5, 6, 11]);
    expect(r.errors[0]!.message).toContain('no values file was given (--values)');
  });

  it('the environment gives only allow-listed names, and wins over the values file for them', async () => {
    const env = { IMAGE_TAG: 'ci-77', CLUSTER: 'from-env' };
    const r = await load(service('nginx:${IMAGE_TAG}'), { ...values, environment: { names: ['IMAGE_TAG'], values: env } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.state.services[0]!.spec.cluster).toBe('prod');
    expect(r.state.services[0]!.spec.taskDefinition.containers[0]!.image).toBe('nginx:ci-77');
    expect(r.substitutions?.find((s) => s.name === 'IMAGE_TAG')?.from).toBe('environment');
  });

  it('an allow-listed name unset in the environment says so', async () => {
    const r = await load(service('nginx:${TAG}'), { ...values, environment: { names: ['TAG'], values: {} } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]!.message).toContain('TAG is allowed from the environment but not set there');
  });

  it('$${ is a literal ${ and needs no variable', async () => {
    const r = await load(service('nginx', '        command: ["sh", "-c", "echo $${HOME}"]\n'), values);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.state.services[0]!.spec.taskDefinition.containers[0]!.command).toEqual(['sh', '-c', 'echo ${HOME}']);
  });

  it('an unclosed ${ or a bad name is a syntax error at its line', async () => {
    const r = await load(service('nginx:${IMAGE_TAG', '        command: ["${1abc}"]\n'), values);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => [e.line, e.code])).toEqual([
      [11, 'variables.syntax'],
      [14, 'variables.syntax'],
    ]);
  });

  it('refuses a variable where a secret goes (secrets, an environment entry marked secret)', async () => {
    const extra = `        environment:
          PLAIN: \${IMAGE_TAG}
          HIDDEN: { value: "\${IMAGE_TAG}", secret: true }
        secrets:
          DB: arn:aws:ssm:us-east-2:123456789012:parameter/\${CLUSTER}
`;
    const r = await load(service('nginx', extra), values);
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors.map((e) => e.line)).toEqual([16, 18]);
    expect(r.errors[0]!.message).toContain('not substituted where a secret goes');
  });

  it('never shows a value that looks like a secret', async () => {
    const r = await load(service('nginx:${IMAGE_TAG}', '        environment: { KEY: "${API_TOKEN}" }\n'), { ...values, variables: { ...values.variables, API_TOKEN: 'x' } });
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    const token = r.substitutions?.find((s) => s.name === 'API_TOKEN');
    expect(token).toBeDefined();
    expect(token?.value).toBeUndefined();
    expect(formatSubstitutions([token!])[0]).toContain('(hidden: looks like a secret)');
    expect(looksSecret('TAG', 'AKIAABCDEFGHIJKLMNOP')).toBe(true);
    expect(looksSecret('TAG', 'aB3dE5fG7hJ9kL1mN3pQ5rS7')).toBe(true);
    expect(looksSecret('TAG', '1.4.2')).toBe(false);
    expect(looksSecret('GIT_SHA', '0123456789abcdef0123456789abcdef01234567')).toBe(false);
  });

  it('keys are never substituted', async () => {
    const r = await load(service('nginx', '  tags: { "${X}": plain }\n'), values);
    expect(r.ok).toBe(true);
  });

  it('a values file from parseValuesText feeds the loader', async () => {
    const parsed = parseValuesText('values/prod.yaml', 'CLUSTER: prod\nCOUNT: 2\nIMAGE_TAG: "1.0"\n');
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    const r = await load(service('nginx:${IMAGE_TAG}'), { variables: parsed.variables });
    expect(r.ok && r.state.services[0]!.spec.desiredCount).toBe(2);
  });
});
