// NO_COLOR (https://no-color.org: any non-empty value) and --no-color turn colours off for the
// CLI's own output and the daemon's pretty logs; without either, colours only on a terminal.
import { describe, expect, it } from 'vitest';
import { useColor } from '../../src/commands/color.js';
import { prettyColours } from '../../src/log/logger.js';
import { formatPlan } from '../../src/reconcilers/format-plan.js';
import { planAll } from '../../src/reconcilers/plan.js';
import { OWNER, desiredState, liveState, targetGroup } from '../reconcilers/fixtures.js';

const tty = { isTTY: true };
const pipe = { isTTY: false };

describe('colour', () => {
  it.each([
    ['a terminal', undefined, tty, {}, true],
    ['a pipe', undefined, pipe, {}, false],
    ['--no-color on a terminal', false, tty, {}, false],
    ['NO_COLOR=1 on a terminal', undefined, tty, { NO_COLOR: '1' }, false],
    ['NO_COLOR set to anything', true, tty, { NO_COLOR: 'no' }, false],
    ['NO_COLOR empty (unset, per no-color.org)', undefined, tty, { NO_COLOR: '' }, true],
  ] as const)('CLI output on %s', (_name, option, stream, env, expected) => {
    expect(useColor(option, stream, env)).toBe(expected);
  });

  it('pretty logs follow NO_COLOR and colour only a terminal', () => {
    expect(prettyColours(undefined, tty, {})).toBe(true);
    expect(prettyColours(undefined, tty, { NO_COLOR: '1' })).toBe(false);
    expect(prettyColours(undefined, pipe, {})).toBe(false);
  });

  it('plan output carries no escape codes when colour is off', () => {
    const plan = planAll(desiredState({ targetGroups: [targetGroup('client-tg')] }), liveState(), { prune: false, ownerId: OWNER });
    expect(formatPlan(plan, { color: useColor(false, tty, {}) })).not.toContain('\u001b[');
    expect(formatPlan(plan, { color: useColor(undefined, tty, {}) })).toContain('\u001b[');
  });
});
