// CIDR parsing: is it valid, and what is its canonical form (network address, lower-case,
// IPv6 compressed per RFC 5952)? AWS rejects or silently rewrites non-canonical blocks.
import { SPEC_ERROR_CODES as C } from './spec-errors.js';

export type CidrResult = { ok: true; canonical: string } | { ok: false; reason: string };

export function parseCidr(text: string): CidrResult {
  return text.includes(':') ? parseIpv6Cidr(text) : parseIpv4Cidr(text);
}

export function parseIpv4Cidr(text: string): CidrResult {
  const match = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/.exec(text);
  if (match === null) return { ok: false, reason: 'is not an IPv4 CIDR like 10.0.0.0/16' };
  const octets = match.slice(1, 5).map(Number);
  const prefix = Number(match[5]);
  if (octets.some((o) => o > 255)) return { ok: false, reason: 'has an address part over 255' };
  if (prefix > 32) return { ok: false, reason: 'has a prefix length over 32' };
  const address = octets.reduce((acc, o) => acc * 256 + o, 0);
  const size = 2 ** (32 - prefix);
  const network = Math.floor(address / size) * size;
  const parts = [24, 16, 8, 0].map((shift) => Math.floor(network / 2 ** shift) % 256);
  return { ok: true, canonical: `${parts.join('.')}/${prefix}` };
}

export function parseIpv6Cidr(text: string): CidrResult {
  const slash = text.lastIndexOf('/');
  if (slash === -1) return { ok: false, reason: 'is not an IPv6 CIDR like 2001:db8::/32' };
  const prefix = Number(text.slice(slash + 1));
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > 128) return { ok: false, reason: 'has a prefix length over 128' };
  const groups = expandIpv6(text.slice(0, slash));
  if (groups === undefined) return { ok: false, reason: 'is not a valid IPv6 address' };
  const masked = groups.map((g, i) => {
    const bitsKept = Math.min(16, Math.max(0, prefix - i * 16));
    return bitsKept === 16 ? g : bitsKept === 0 ? 0 : g & (0xffff << (16 - bitsKept)) & 0xffff;
  });
  return { ok: true, canonical: `${compressIpv6(masked)}/${prefix}` };
}

function expandIpv6(address: string): number[] | undefined {
  const halves = address.split('::');
  if (halves.length > 2) return undefined;
  const parse = (part: string): number[] | undefined => {
    if (part === '') return [];
    const groups = part.split(':');
    if (!groups.every((g) => /^[0-9a-fA-F]{1,4}$/.test(g))) return undefined;
    return groups.map((g) => parseInt(g, 16));
  };
  const head = parse(halves[0] ?? '');
  const tail = halves.length === 2 ? parse(halves[1] ?? '') : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** RFC 5952: lower-case, no leading zeros, the longest run (>= 2) of zero groups as `::`. */
function compressIpv6(groups: number[]): string {
  let bestStart = -1;
  let bestLength = 0;
  for (let i = 0; i < groups.length; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < groups.length && groups[j] === 0) j++;
    if (j - i > bestLength && j - i >= 2) {
      bestStart = i;
      bestLength = j - i;
    }
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (bestStart === -1) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLength).join(':')}`;
}

/**
 * Invalid CIDR, or one with host bits set (10.2.0.5/24) -> what to write instead.
 * IPv6 spelling (case, zero compression) is normalised, not an error.
 */
export function cidrProblem(cidr: string): { code: typeof C.cidrInvalid | typeof C.cidrNotCanonical; message: string } | undefined {
  const parsed = parseCidr(cidr);
  if (!parsed.ok) return { code: C.cidrInvalid, message: `CIDR ${cidr} ${parsed.reason}` };
  const [address = ''] = cidr.split('/');
  const hostLength = cidr.includes(':') ? 128 : 32;
  const unmasked = parseCidr(`${address}/${hostLength}`);
  const network = parsed.canonical.split('/')[0];
  if (unmasked.ok && unmasked.canonical.split('/')[0] !== network) {
    return { code: C.cidrNotCanonical, message: `CIDR ${cidr} has host bits set: the block it means is ${parsed.canonical}; write that` };
  }
  return undefined;
}
