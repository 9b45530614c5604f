import { describe, expect, it } from 'vitest';
import { ConfigError, configurationTable, parseBoolean, parseDuration, resolveRunConfig, RUN_OPTIONS } from '../../src/controller/run-config.js';

describe('parseDuration', () => {
  it.each([
    ['60s', 60_000],
    ['2s', 2_000],
    ['500ms', 500],
    ['5m', 300_000],
    ['6h', 21_600_000],
    ['30', 30_000],
    ['1.5s', 1_500],
  ])('%s -> %i ms', (raw, ms) => expect(parseDuration(raw, '--interval')).toBe(ms));

  it.each(['', 'soon', '10d', '-1s', '0s'])('rejects %j naming the flag', (raw) => {
    expect(() => parseDuration(raw, '--interval')).toThrow(ConfigError);
    expect(() => parseDuration(raw, '--interval')).toThrow(/--interval/);
  });
});

describe('parseBoolean', () => {
  it.each([['true', true], ['1', true], ['yes', true], ['false', false], ['0', false], ['', false]])('%j -> %s', (raw, v) =>
    expect(parseBoolean(raw, '--prune')).toBe(v));
  it('rejects anything else', () => expect(() => parseBoolean('maybe', 'ECS_RECONCILER_PRUNE')).toThrow(/ECS_RECONCILER_PRUNE/));
});

describe('resolveRunConfig', () => {
  it('uses the defaults with no flag and no environment', () => {
    const c = resolveRunConfig({}, {});
    expect(c).toMatchObject({ source: 'desired/', intervalMs: 60_000, gitPollMs: 60_000, port: 8080, logFormat: 'json', prune: false, maxDeletes: 5, realertMs: 21_600_000, maxCycles: 0 });
    expect(c.branch).toBeUndefined();
  });

  it('takes every option from its environment variable', () => {
    const c = resolveRunConfig({}, { ECS_RECONCILER_INTERVAL: '2s', ECS_RECONCILER_PRUNE: 'true', ECS_RECONCILER_PORT: '9090', ECS_RECONCILER_BRANCH: 'prod' });
    expect(c).toMatchObject({ intervalMs: 2_000, prune: true, port: 9090, branch: 'prod' });
  });

  it('prefers a flag over the environment', () => {
    const c = resolveRunConfig({ interval: '5s', logFormat: 'pretty' }, { ECS_RECONCILER_INTERVAL: '2s', ECS_RECONCILER_LOG_FORMAT: 'json' });
    expect(c.intervalMs).toBe(5_000);
    expect(c.logFormat).toBe('pretty');
  });

  it.each([
    [{ port: '70000' }, {}, /--port/],
    [{}, { ECS_RECONCILER_MAX_DELETES: 'many' }, /ECS_RECONCILER_MAX_DELETES/],
    [{ logFormat: 'xml' }, {}, /json or pretty/],
  ])('names the bad option: %j %j', (flags, env, message) => {
    expect(() => resolveRunConfig(flags, env)).toThrow(message);
  });

  it('takes an events queue beside a controller config of targets (one queue, each event routed to its target)', () => {
    const c = resolveRunConfig({ eventsQueue: 'http://127.0.0.1:1/q', config: 'targets.yaml' }, {});
    expect(c.eventsQueue).toBe('http://127.0.0.1:1/q');
    expect(c.configFile).toBe('targets.yaml');
    const e = resolveRunConfig({}, { ECS_RECONCILER_EVENTS_QUEUE: 'http://127.0.0.1:1/q', ECS_RECONCILER_CONFIG: 'targets.yaml' });
    expect([e.eventsQueue, e.configFile]).toEqual(['http://127.0.0.1:1/q', 'targets.yaml']);
  });

  it('has one environment variable per flag, all prefixed, and documents them all', () => {
    const envs = RUN_OPTIONS.map((o) => o.env);
    expect(new Set(envs).size).toBe(envs.length);
    for (const e of envs) expect(e).toMatch(/^ECS_RECONCILER_[A-Z_]+$/);
    const table = configurationTable();
    for (const o of RUN_OPTIONS) expect(table).toContain(o.env);
  });
});
