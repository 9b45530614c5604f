// STATUS_TOKEN guards /status and the status page (they show the same data). A program sends
// `Authorization: Bearer <token>`; a browser cannot add a header to a link, so it answers the
// page's Basic challenge with the token as the password (any user name) and then sends it itself,
// on every meta refresh and on the link to /status too.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (v: string): Buffer => createHash('sha256').update(v).digest();

/** Constant-time: both sides are hashed first, so neither the length nor a prefix leaks. */
function sameSecret(given: string | undefined, token: string): boolean {
  return timingSafeEqual(digest(given ?? ''), digest(token)) && given !== undefined;
}

/** The secret an Authorization header carries: the bearer token, or a Basic password. */
function presented(header: string | undefined): string | undefined {
  const bearer = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
  if (bearer) return bearer[1];
  const basic = /^Basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header ?? '');
  if (!basic?.[1]) return undefined;
  const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return colon < 0 ? undefined : decoded.slice(colon + 1);
}

export function statusAuthorized(header: string | undefined, token: string): boolean {
  return sameSecret(presented(header), token);
}
