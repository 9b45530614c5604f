// The names a replaced target group alternates between: deterministic, valid AWS names.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  alternateTargetGroupName,
  replacementTargetGroupName,
  targetGroupAwsNames,
} from '../../../src/reconcilers/target-group/names.js';

const VALID = /^(?!.*--)(?!-)(?!.*-$)[A-Za-z0-9-]{1,32}$/;
const hex4 = (name: string) => createHash('sha256').update(name).digest('hex').slice(0, 4);

describe('alternateTargetGroupName', () => {
  it.each([
    { name: 'users-tg', want: `users-tg-${hex4('users-tg')}` },
    { name: 'a'.repeat(32), want: `${'a'.repeat(27)}-${hex4('a'.repeat(32))}` },
    { name: `${'b'.repeat(26)}-cdef`, want: `${'b'.repeat(26)}-${hex4(`${'b'.repeat(26)}-cdef`)}` },
    { name: `${'c'.repeat(25)}--xy`, want: `${'c'.repeat(25)}-${hex4(`${'c'.repeat(25)}--xy`)}` },
    { name: 'flask-react-users-tg', want: `flask-react-users-tg-${hex4('flask-react-users-tg')}` },
  ])('$name -> $want', ({ name, want }) => {
    const got = alternateTargetGroupName(name);
    expect(got).toBe(want);
    expect(got).toMatch(VALID);
    expect(got).not.toBe(name);
  });
});

describe('replacementTargetGroupName', () => {
  it('alternates between the declared name and its alternate', () => {
    const alt = alternateTargetGroupName('users-tg');
    expect(replacementTargetGroupName('users-tg', 'users-tg')).toBe(alt);
    expect(replacementTargetGroupName('users-tg', alt)).toBe('users-tg');
  });

  it('observe reads both names', () => {
    expect(targetGroupAwsNames('users-tg')).toEqual(['users-tg', alternateTargetGroupName('users-tg')]);
  });
});
