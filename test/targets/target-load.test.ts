// One target's load (src/targets/target-load.ts): its values file plus the controller's
// --env-variables allow-list, the same for every target.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadTarget } from '../../src/targets/target-load.js';

const service = `apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: api }
spec:
  cluster: \${CLUSTER}
  desiredCount: 1
  taskDefinition:
    family: api
    containers:
      - name: web
        image: nginx:\${IMAGE_TAG}
        memory: 256
        portMappings: [{ containerPort: 80 }]
`;

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'target-load-'));
  await mkdir(join(root, 'stack'));
  await mkdir(join(root, 'values'));
  await writeFile(join(root, 'stack', 'api.yaml'), service);
  await writeFile(join(root, 'values', 'prod.yaml'), 'CLUSTER: prod\nIMAGE_TAG: "1.0"\n');
  await writeFile(join(root, 'values', 'dev.yaml'), 'CLUSTER: dev\n');
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const image = (r: Awaited<ReturnType<typeof loadTarget>>): string | undefined =>
  r.ok ? r.state.services[0]?.spec.taskDefinition.containers[0]?.image : undefined;

describe('loadTarget and --env-variables', () => {
  it('an allowed name set in the environment wins over the values file', async () => {
    const r = await loadTarget(root, { path: 'stack', values: 'values/prod.yaml' }, { envVariables: ['IMAGE_TAG'], env: { IMAGE_TAG: 'ci-77' } });
    expect(image(r)).toBe('nginx:ci-77');
  });

  it('an allowed name fills what a target\'s values file lacks', async () => {
    const r = await loadTarget(root, { path: 'stack', values: 'values/dev.yaml' }, { envVariables: ['IMAGE_TAG'], env: { IMAGE_TAG: 'ci-78' } });
    expect(image(r)).toBe('nginx:ci-78');
  });

  it('a name not on the allow-list is never read from the environment, and the error names the values file', async () => {
    const r = await loadTarget(root, { path: 'stack', values: 'values/dev.yaml' }, { envVariables: [], env: { IMAGE_TAG: 'ci-79' } });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.errors[0]?.file).toBe(join('stack', 'api.yaml'));
    expect(r.errors[0]?.message).toContain('values/dev.yaml has no IMAGE_TAG');
    expect(r.errors[0]?.message).toContain('--env-variables IMAGE_TAG');
  });

  it('without the environment the values file alone', async () => {
    const r = await loadTarget(root, { path: 'stack', values: 'values/prod.yaml' });
    expect(image(r)).toBe('nginx:1.0');
  });
});
