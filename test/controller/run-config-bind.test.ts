// --bind (ECS_RECONCILER_BIND) picks the listen address; the older --host / ECS_RECONCILER_HOST
// keep working, and the new name wins when both are given.
import { describe, expect, it } from 'vitest';
import { resolveRunConfig } from '../../src/controller/run-config.js';

describe('--bind', () => {
  it.each([
    [{}, {}, '0.0.0.0'],
    [{ bind: '127.0.0.1' }, {}, '127.0.0.1'],
    [{}, { ECS_RECONCILER_BIND: '10.0.0.5' }, '10.0.0.5'],
    [{ host: '127.0.0.2' }, {}, '127.0.0.2'],
    [{}, { ECS_RECONCILER_HOST: '127.0.0.3' }, '127.0.0.3'],
    [{ bind: '127.0.0.1', host: '127.0.0.2' }, {}, '127.0.0.1'],
    [{}, { ECS_RECONCILER_BIND: '127.0.0.1', ECS_RECONCILER_HOST: '127.0.0.3' }, '127.0.0.1'],
    [{ host: '127.0.0.2' }, { ECS_RECONCILER_BIND: '127.0.0.1' }, '127.0.0.2'],
  ])('flags %j env %j -> %s', (flags, env, host) => {
    expect(resolveRunConfig(flags, env).host).toBe(host);
  });
});
