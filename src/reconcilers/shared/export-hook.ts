// `import`'s kind hook: what a selection (--cluster, --load-balancer, --security-group,
// --all-from-tags) picks of a kind, and the inverse of normalise (live shape -> the YAML spec a
// user writes, AWS's defaults left out). Each kind implements it in its own export.ts; the
// controller (src/controller/import.ts) runs them without naming a kind.
import type { AwsClients } from '../../aws/clients.js';
import type { DesiredOf, DesiredState, Kind, KindSpecs } from '../../spec/types.js';
import type { LiveState } from '../types.js';
import { TAG_CONTENT_HASH, TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH, type Tags } from './resource-types.js';

/** What the command line asked for; every list may be empty (the selectors add up). */
export interface ImportSelection {
  /** `--cluster C [--service S...]`: services empty = every service of the cluster */
  clusters: { cluster: string; services: string[] }[];
  /** `--load-balancer NAME`: its listeners, their rules and the target groups they forward to */
  loadBalancers: string[];
  /** `--security-group sg-...|name` */
  securityGroups: string[];
  /** target groups by name (what --all-from-tags found) */
  targetGroups: string[];
}

export interface SelectionTag {
  key: string;
  value: string;
}

/** One document `import` writes: kind, AWS name, the spec as a user writes it. */
export interface DesiredDocument {
  kind: Kind;
  name: string;
  spec: Record<string, unknown>;
  /** the ARN or id of the live resource (references to it are written by name) */
  liveId: string;
  /** ARNs, ids and names it is connected to: documents sharing one go into one file */
  links: string[];
  /** a name for the file it lands in (load balancer, cluster, security group name) */
  systemHint?: string;
  /** what the YAML cannot express, or what a user should look at (printed by `import`) */
  warnings: string[];
}

export interface ExportContext {
  /** a live ARN or id -> the name of the document written for it, else the ARN itself */
  refOf(liveId: string): string;
}

export interface SelectIO {
  clients: AwsClients;
  /** 0 on the first pass (the one listings from AWS are made on), then 1, 2, ... */
  round: number;
  /** what the previous pass picked (empty on round 0) */
  picked: DesiredState;
  /** what the previous pass observed (undefined on round 0) */
  live: LiveState | undefined;
}

export interface KindExport<K extends Kind> {
  /**
   * The kinds whose live state this kind's select looks at (a listener's rules, the target groups
   * rules forward to). None: what it picks is known after round 0, and it is read while the others
   * are still being found.
   */
  readonly follows?: readonly Kind[];
  /** --all-from-tags: what of this kind carries the tag, as selectors (one listing, before round 0) */
  selectByTag?(tag: SelectionTag, clients: AwsClients): Promise<Partial<ImportSelection>>;
  /**
   * Synthetic documents naming what the selection picks of this kind, for the normal observe to
   * read: from the selection (round 0) and from what the last pass observed (a listener's rules,
   * the target groups rules forward to). import repeats passes until no kind picks more.
   */
  select(selection: ImportSelection, io: SelectIO): Promise<DesiredOf<K>[]>;
  /** the picked documents found live -> the documents to write (the inverse of normalise) */
  toDesired(picked: readonly DesiredOf<K>[], live: LiveState, ctx: ExportContext): DesiredDocument[];
}

/** A document standing for a live resource in a synthetic desired state (only its names are read). */
export function pickedDocument<K extends Kind>(kind: K, name: string, spec: KindSpecs[K]): DesiredOf<K> {
  return {
    kind,
    name,
    id: `${kind}/${name}`,
    policy: 'observe',
    ignore: [],
    source: { file: '(import)', line: 1, col: 1 },
    specHash: '',
    spec,
  } as unknown as DesiredOf<K>;
}

const OUR_TAGS = new Set([TAG_OWNER, TAG_RESOURCE, TAG_SPEC_HASH, TAG_CONTENT_HASH]);

/** A resource's own tags without ours (those are written by apply, never declared). */
export function userTags(tags: Tags): Tags | undefined {
  const out = Object.fromEntries(Object.entries(tags).filter(([k]) => !OUR_TAGS.has(k) && !k.startsWith('aws:')));
  return Object.keys(out).length > 0 ? out : undefined;
}

/** A metadata.name from an AWS name: letters, digits and '-' only (the schema's pattern). */
export function documentName(awsName: string): string {
  const cleaned = awsName.replace(/[^A-Za-z0-9-]+/g, '-').replace(/-+/g, '-').replace(/^-|-$/g, '');
  return cleaned === '' ? 'unnamed' : cleaned;
}

/** Drops undefined members (the YAML then has no `key: null`). */
export function compact<T extends Record<string, unknown>>(obj: T): T {
  return Object.fromEntries(Object.entries(obj).filter(([, v]) => v !== undefined)) as T;
}
