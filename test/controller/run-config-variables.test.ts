// `run --values` / `--env-variables` (issue 16): flags over environment, names checked.
import { describe, expect, it } from 'vitest';
import { ConfigError, resolveRunConfig } from '../../src/controller/run-config.js';

describe('run: variables options', () => {
  it('defaults: no values file, no environment names', () => {
    const c = resolveRunConfig({}, {});
    expect(c.values).toBeUndefined();
    expect(c.envVariables).toEqual([]);
  });
  it('from the environment, comma or space separated', () => {
    const c = resolveRunConfig({}, { ECS_RECONCILER_VALUES: 'values/prod.yaml', ECS_RECONCILER_ENV_VARIABLES: 'IMAGE_TAG, GIT_SHA' });
    expect(c.values).toBe('values/prod.yaml');
    expect(c.envVariables).toEqual(['IMAGE_TAG', 'GIT_SHA']);
  });
  it('the flag wins; a bad name is refused with the flag named', () => {
    expect(resolveRunConfig({ envVariables: 'A' }, { ECS_RECONCILER_ENV_VARIABLES: 'B' }).envVariables).toEqual(['A']);
    expect(() => resolveRunConfig({ envVariables: 'IMAGE-TAG' }, {})).toThrow(ConfigError);
    expect(() => resolveRunConfig({}, { ECS_RECONCILER_ENV_VARIABLES: '1X' })).toThrow(/ECS_RECONCILER_ENV_VARIABLES: "1X" is not a variable name/);
  });
});
