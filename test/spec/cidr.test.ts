import { describe, expect, it } from 'vitest';
import { cidrProblem, parseCidr } from '../../src/spec/cidr.js';

describe('parseCidr', () => {
  it.each([
    ['10.2.0.0/24', '10.2.0.0/24'],
    ['10.2.0.5/24', '10.2.0.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['192.168.1.77/32', '192.168.1.77/32'],
    ['172.31.255.255/12', '172.16.0.0/12'],
    ['2001:db8::/32', '2001:db8::/32'],
    ['2001:DB8:0:0:0:0:0:0/32', '2001:db8::/32'],
    ['2001:db8:1234:5678::1/64', '2001:db8:1234:5678::/64'],
    ['2001:db8:0:1:0:0:0:1/128', '2001:db8:0:1::1/128'],
    ['::/0', '::/0'],
    ['fe80::1ff:fe23:4567:890a/10', 'fe80::/10'],
    ['2001:db8:abcd:12ff::/60', '2001:db8:abcd:12f0::/60'],
  ])('%s -> %s', (input, canonical) => {
    expect(parseCidr(input)).toEqual({ ok: true, canonical });
  });

  it.each(['10.0.0.256/8', '10.0.0.0/33', '10.0.0/8', '2001:db8:::/32', '2001:db8::/129', '1:2:3:4:5:6:7:8:9/64', '2001:db8/32', 'g::/16'])(
    '%s is invalid',
    (input) => {
      expect(parseCidr(input).ok).toBe(false);
    },
  );
});

describe('cidrProblem', () => {
  it.each([
    ['10.2.0.0/24', undefined],
    ['2001:DB8::/32', undefined],
    ['10.2.0.5/24', 'cidr.not-canonical'],
    ['2001:db8::1/64', 'cidr.not-canonical'],
    ['10.0.0.300/24', 'cidr.invalid'],
  ])('%s -> %s', (input, code) => {
    expect(cidrProblem(input)?.code).toBe(code);
  });

  it('names the canonical block', () => {
    expect(cidrProblem('10.2.0.5/24')?.message).toBe('CIDR 10.2.0.5/24 has host bits set: the block it means is 10.2.0.0/24; write that');
  });
});
