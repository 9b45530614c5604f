// Who made a change and how, for people: `changed by arn:aws:sts::123456789012:assumed-role/Admin/alice
// via console (signin) at 12:03:11Z, ModifyRule`; and whether an event is the controller's own
// write (its caller identity, by role: every session of the controller's role is the controller).
import type { ApiCallEvent } from '../reconcilers/shared/event-hook.js';

export const UNKNOWN_AUTHOR = 'changed by an unknown author: no CloudTrail event explained this change';

/** `console (signin)`, `aws-cli (1.2.3.4)`, `terraform`, `AWS Internal`...: what the userAgent and identity say. */
export function channelOf(e: ApiCallEvent): string {
  const ua = e.userAgent ?? '';
  const host = /^([a-z0-9-]+)\.amazonaws\.com$/i.exec(ua)?.[1];
  const where = host ?? e.userIdentity.invokedBy?.replace(/\.amazonaws\.com$/, '') ?? e.sourceIPAddress;
  const paren = where === undefined ? '' : ` (${where})`;
  if (e.fromConsole || /console|signin/i.test(ua)) return `console${paren}`;
  if (/^aws-cli\//i.test(ua)) return `aws-cli${paren}`;
  if (/terraform/i.test(ua)) return `terraform${paren}`;
  if (/cloudformation/i.test(ua)) return `cloudformation${paren}`;
  if (/^aws-sdk-/i.test(ua)) return `${ua.split(/[/ ]/)[0] ?? 'sdk'}${paren}`;
  if (host !== undefined) return host;
  return ua === '' ? `unknown client${paren}` : `${ua.split(' ')[0] ?? ua}${paren}`;
}

/** `12:03:11Z` from `2026-12-02T12:03:11Z` (the event time as CloudTrail wrote it, UTC). */
function clock(time: string): string {
  const m = /T(\d\d:\d\d:\d\d)(?:\.\d+)?Z$/.exec(time);
  return m ? `${m[1]}Z` : time || 'an unknown time';
}

export function describeAuthor(e: ApiCallEvent): string {
  const who = e.userIdentity.arn ?? e.userIdentity.invokedBy ?? e.userIdentity.type ?? 'an unknown principal';
  return `changed by ${who} via ${channelOf(e)} at ${clock(e.eventTime)}, ${e.eventName}`;
}

/** `arn:aws:sts::1:assumed-role/Role/session` -> `arn:aws:sts::1:assumed-role/Role`; other ARNs as they are. */
export function principalOf(arn: string): string {
  const m = /^(arn:[^:]+:sts::\d+:assumed-role\/[^/]+)\//.exec(arn);
  return m?.[1] ?? arn;
}

/** The controller's own identity (STS GetCallerIdentity at start): its writes' events are never drift. */
export class OwnIdentity {
  readonly #principal: string | undefined;
  readonly #roleName: string | undefined;

  constructor(callerArn: string | undefined) {
    this.#principal = callerArn === undefined ? undefined : principalOf(callerArn);
    this.#roleName = /assumed-role\/([^/]+)$/.exec(this.#principal ?? '')?.[1];
  }

  get known(): boolean {
    return this.#principal !== undefined;
  }

  isOwn(e: ApiCallEvent): boolean {
    if (this.#principal === undefined) return false;
    if (e.userIdentity.arn !== undefined && principalOf(e.userIdentity.arn) === this.#principal) return true;
    // the session issuer of an assumed role is the role itself (arn:aws:iam::1:role/path/Name)
    const issuer = e.userIdentity.sessionIssuerArn;
    return this.#roleName !== undefined && issuer !== undefined && issuer.split('/').pop() === this.#roleName && e.userIdentity.arn === undefined;
  }
}
