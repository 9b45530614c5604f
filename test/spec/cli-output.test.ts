// The shared CLI output of src/commands/cli-output.ts (here with the validate tests it serves).
import { describe, expect, it } from 'vitest';
import { debugEnabled, describeUnexpected, formatSpecError } from '../../src/commands/cli-output.js';
import type { SpecError } from '../../src/spec/types.js';

const err = (over: Partial<SpecError>): SpecError => ({ file: 'a.yaml', line: 3, col: 5, code: 'schema.type', message: 'spec.port must be an integer', ...over });

describe('formatSpecError', () => {
  it.each([
    ['inside a directory', err({ kindName: 'TargetGroup/tg' }), 'desired/', 'desired/a.yaml:3:5  TargetGroup/tg  spec.port must be an integer'],
    ['nested file, no resource name yet', err({ file: 'sub/b.yaml' }), 'desired', 'desired/sub/b.yaml:3:5  -  spec.port must be an integer'],
    ['the target itself (no position)', err({ file: 'nope/', line: 0, col: 0, code: 'fs.not-found', message: 'nope/ does not exist' }), 'nope/', 'nope/  -  nope/ does not exist'],
    ['a single file target', err({ file: 'a.yaml' }), 'test/spec/valid/full/routing.yaml', 'test/spec/valid/full/routing.yaml:3:5  -  spec.port must be an integer'],
  ])('%s', (_name, e, target, line) => {
    expect(formatSpecError(e, target)).toBe(line);
  });
});

describe('unexpected errors', () => {
  const boom = new Error('socket hang up\nsecond line');

  it.each([
    [{}, false],
    [{ DEBUG: 'ecs-reconciler' }, true],
    [{ DEBUG: 'express,ecs-reconciler:*' }, true],
    [{ DEBUG: '*' }, true],
    [{ DEBUG: 'express' }, false],
  ])('DEBUG %j -> stack %s', (env, stack) => {
    expect(debugEnabled(env)).toBe(stack);
    const text = describeUnexpected(boom, env);
    expect(text.split('\n')[0]).toBe('error: socket hang up');
    expect(/\n\s+at /.test(text)).toBe(stack);
  });

  it('describes non-Error throws', () => {
    expect(describeUnexpected('plain string', {})).toBe('error: plain string');
  });
});
