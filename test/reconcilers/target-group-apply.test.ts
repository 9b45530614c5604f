// The name a replacement target group gets: deterministic, a valid AWS target group name.
import { describe, expect, it } from 'vitest';
import { replacementTargetGroupName } from '../../src/reconcilers/target-group-apply.js';

const VALID = /^(?!.*--)(?!-)(?!.*-$)[A-Za-z0-9-]{1,32}$/;

describe('replacementTargetGroupName', () => {
  it.each([
    { name: 'users-tg', hash: '1a2b3c4d5e6f7a8b', want: 'users-tg-1a2b' },
    { name: 'a'.repeat(32), hash: 'ffff000011112222', want: `${'a'.repeat(27)}-ffff` },
    { name: `${'b'.repeat(26)}-cdef`, hash: '0123456789abcdef', want: `${'b'.repeat(26)}-0123` },
    { name: `${'c'.repeat(26)}--x`, hash: '9999aaaabbbbcccc', want: `${'c'.repeat(26)}-9999` },
    { name: 'flask-react-users-tg', hash: 'abcdef0123456789', want: 'flask-react-users-tg-abcd' },
  ])('$name -> $want', ({ name, hash, want }) => {
    const got = replacementTargetGroupName(name, hash);
    expect(got).toBe(want);
    expect(got).toMatch(VALID);
  });

  it('is deterministic and differs per spec hash', () => {
    expect(replacementTargetGroupName('tg', 'aaaa1')).toBe(replacementTargetGroupName('tg', 'aaaa2'));
    expect(replacementTargetGroupName('tg', 'aaaa1')).not.toBe(replacementTargetGroupName('tg', 'bbbb1'));
  });

  it('goes back to the declared name when the derived one is the group being replaced', () => {
    expect(replacementTargetGroupName('users-tg', '1a2b9999', 'users-tg-1a2b')).toBe('users-tg');
    expect(replacementTargetGroupName('users-tg', '1a2b9999', 'users-tg')).toBe('users-tg-1a2b');
  });
});
