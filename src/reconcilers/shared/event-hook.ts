// What a kind declares about CloudTrail "AWS API Call via CloudTrail" events (issue 17): which
// API calls write its resources, and how an event and a declared document name them, so the
// event source (src/events/) can reconcile just the resources an event touched. Identity keys
// are plain strings: ARNs as AWS prints them, `sg-...` ids, `ecs-service:<cluster>/<service>`,
// `ecs-family:<family>`. Every declared resource also answers to the ARN its last plan found
// (the controller keeps those); a kind adds here only the keys its spec already holds.
import type { DesiredOf, DesiredState, Kind } from '../../spec/types.js';

/** The parts of a CloudTrail API-call event the controller reads (values never trusted: reconcile re-reads AWS). */
export interface ApiCallEvent {
  /** `elasticloadbalancing.amazonaws.com`, `ec2.amazonaws.com`, `ecs.amazonaws.com` */
  eventSource: string;
  eventName: string;
  eventTime: string;
  requestParameters: Record<string, unknown>;
  responseElements: Record<string, unknown>;
  userIdentity: { type?: string; arn?: string; invokedBy?: string; sessionIssuerArn?: string };
  sourceIPAddress?: string;
  userAgent?: string;
  /** `true` when the call came from the AWS console (CloudTrail's sessionCredentialFromConsole) */
  fromConsole: boolean;
  errorCode?: string;
  /** the account the call was made in: the envelope's `account`, else `detail.recipientAccountId` */
  account?: string;
  /** the region the call was made in: the envelope's `region`, else `detail.awsRegion` */
  region?: string;
}

export interface KindEvents<K extends Kind> {
  /** `<eventSource>:<eventName>` of the calls that write this kind, e.g. `elasticloadbalancing.amazonaws.com:ModifyRule` */
  readonly calls: readonly string[];
  /** the identity keys an event of one of those calls touches */
  touched(event: ApiCallEvent): string[];
  /** keys a declared document answers to besides its live ARN (a group id, cluster + service; `liveArn`: the one its last plan found) */
  keysOf?(doc: DesiredOf<K>, liveArn: string | undefined): string[];
  /** ids (`Kind/name`) of declared documents its plan needs beside it (the target groups it forwards to) */
  references?(doc: DesiredOf<K>, desired: DesiredState): string[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A string member, if it is one. */
export function stringAt(obj: unknown, ...path: string[]): string | undefined {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isRecord(cur)) return undefined;
    cur = cur[p];
  }
  return typeof cur === 'string' && cur !== '' ? cur : undefined;
}

/** The objects of a list member: CloudTrail writes EC2 lists as `{ items: [...] }`, the others as arrays. */
export function listAt(obj: unknown, ...path: string[]): Record<string, unknown>[] {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isRecord(cur)) return [];
    cur = cur[p];
  }
  if (isRecord(cur) && Array.isArray(cur.items)) cur = cur.items;
  return Array.isArray(cur) ? cur.filter(isRecord) : [];
}

/** Strings of a list member (`resourceArns: [...]`). */
export function stringsAt(obj: unknown, ...path: string[]): string[] {
  let cur: unknown = obj;
  for (const p of path) {
    if (!isRecord(cur)) return [];
    cur = cur[p];
  }
  return Array.isArray(cur) ? cur.filter((v): v is string => typeof v === 'string' && v !== '') : [];
}

/** `Kind/name` ids of the target groups an action-like value forwards to by name. */
export function targetGroupIdsOf(...refs: ({ name: string } | { arn: string } | undefined)[]): string[] {
  return refs.flatMap((r) => (r !== undefined && 'name' in r ? [`TargetGroup/${r.name}`] : []));
}
