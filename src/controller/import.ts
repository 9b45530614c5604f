// import: read live AWS by selector and turn what was found into desired documents that plan
// empty. Kind-agnostic: every kind's exporter (src/reconcilers/<kind>/export.ts) says what a
// selection picks of it; the picks form a synthetic DesiredState that the normal observe reads;
// passes repeat until no kind picks more (a load balancer's listeners, then their rules, then
// the target groups they forward to). Only reads: nothing here or below writes to AWS.
import type { AwsClients } from '../aws/clients.js';
import { RECONCILERS, type AnyReconciler } from '../reconcilers/registry.js';
import type { DesiredDocument, ImportSelection, KindExport, SelectionTag } from '../reconcilers/shared/export-hook.js';
import type { LiveState } from '../reconcilers/types.js';
import { DESIRED_KEYS, emptyDesiredState, type DesiredResource, type DesiredState } from '../spec/types.js';
import { createObserveCache, observe } from './observe.js';

/** Passes at most: the longest chain (load balancer -> listeners -> rules) needs 3, then one read of all. */
export const MAX_IMPORT_PASSES = 6;

export interface ImportRequest {
  selection: ImportSelection;
  /** --all-from-tags key=value (each adds what carries it) */
  tags: SelectionTag[];
}

export interface ImportedSystem {
  /** the file name without .yaml */
  name: string;
  /** in apply order, then by name */
  documents: DesiredDocument[];
}

export interface ImportResult {
  systems: ImportedSystem[];
  /** observe passes made */
  passes: number;
}

type Exporting = AnyReconciler & { exporter: KindExport<never> };

const exporting = (): Exporting[] => RECONCILERS.filter((r): r is Exporting => r.exporter !== undefined);

function mergeSelection(into: ImportSelection, add: Partial<ImportSelection>): void {
  into.clusters.push(...(add.clusters ?? []));
  into.loadBalancers.push(...(add.loadBalancers ?? []));
  into.securityGroups.push(...(add.securityGroups ?? []));
  into.targetGroups.push(...(add.targetGroups ?? []));
}

const idsOf = (state: DesiredState): string =>
  RECONCILERS.flatMap((r) => (r.desired(state) as readonly DesiredResource[]).map((d) => d.id))
    .sort()
    .join('\n');

export async function importLive(clients: AwsClients, request: ImportRequest): Promise<ImportResult> {
  const kinds = exporting();
  const selection: ImportSelection = {
    clusters: [...request.selection.clusters],
    loadBalancers: [...request.selection.loadBalancers],
    securityGroups: [...request.selection.securityGroups],
    targetGroups: [...request.selection.targetGroups],
  };
  for (const tag of request.tags) {
    const found = await Promise.all(kinds.map((r) => r.exporter.selectByTag?.(tag, clients) ?? Promise.resolve({})));
    for (const add of found) mergeSelection(selection, add);
  }

  // one cache for this import: task definitions read in one pass are not read again in the next
  const cache = createObserveCache();
  const followed = new Set(kinds.flatMap((r) => r.exporter.follows ?? []));
  const independent = kinds.filter((r) => (r.exporter.follows ?? []).length === 0);
  const dependent = kinds.filter((r) => !independent.includes(r));
  const stateOf = (parts: readonly { r: Exporting; docs: unknown }[]): DesiredState => {
    const state = emptyDesiredState(['(import)']);
    for (const { r, docs } of parts) (state as unknown as Record<string, unknown>)[DESIRED_KEYS[r.kind]] = docs;
    return state;
  };
  const selectAll = async (of: readonly Exporting[], round: number, picked: DesiredState, live: LiveState | undefined) => {
    const io = { clients, round, picked, live };
    return Promise.all(of.map(async (r) => ({ r, docs: await r.exporter.select(selection, io) })));
  };

  // what no select follows (services, security groups) is known at once: read it meanwhile
  const first = await selectAll(kinds, 0, emptyDesiredState(), undefined);
  const fixed = stateOf(first.filter((p) => independent.includes(p.r)));
  const fixedLive = observe(fixed, clients, { cache });
  fixedLive.catch(() => undefined); // awaited below; not an unhandled rejection meanwhile

  // the others pass by pass (a load balancer's listeners, their rules): only what is followed is read
  let picks = first.filter((p) => dependent.includes(p.r));
  let live: LiveState | undefined;
  let passes = 1;
  for (let round = 1; round < MAX_IMPORT_PASSES; round++) {
    const watched = stateOf(picks.filter((p) => followed.has(p.r.kind)));
    live = await observe(watched, clients, { cache });
    passes += 1;
    const next = await selectAll(dependent, round, stateOf(picks), live);
    const same = idsOf(stateOf(next.filter((p) => followed.has(p.r.kind)))) === idsOf(watched);
    picks = next;
    if (same) break;
  }
  const picked = stateOf([...first.filter((p) => independent.includes(p.r)), ...picks]);
  const [one, other] = await Promise.all([fixedLive, observe(stateOf(picks), clients, { cache })]);
  return { systems: groupIntoSystems(exportDocuments(kinds, picked, mergeLive(one, other))), passes };
}

/** Two observations of disjoint desired states: every member of LiveState is a list. */
function mergeLive(a: LiveState, b: LiveState): LiveState {
  const out: Record<string, unknown> = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = Array.isArray(mine) && Array.isArray(value) ? [...mine, ...value] : (value ?? mine);
  }
  return out as unknown as LiveState;
}

/** Every kind's documents; references to a live resource written too are by its document name. */
function exportDocuments(kinds: readonly Exporting[], picked: DesiredState, live: LiveState): DesiredDocument[] {
  const run = (refOf: (liveId: string) => string): DesiredDocument[] =>
    kinds.flatMap((r) => r.exporter.toDesired(r.desired(picked) as never, live, { refOf }));
  // the first run only learns the names; references resolve in the second (toDesired is pure)
  const names = new Map(uniqueNames(run((id) => id)).map((d) => [d.liveId, d.name]));
  return uniqueNames(run((id) => names.get(id) ?? id));
}

/** Two resources of one kind with one name (security groups of two VPCs): `-2`, `-3`, ... */
function uniqueNames(docs: DesiredDocument[]): DesiredDocument[] {
  const seen = new Set<string>();
  return docs.map((d) => {
    let name = d.name;
    for (let n = 2; seen.has(`${d.kind}/${name}`); n++) name = `${d.name}-${n}`;
    seen.add(`${d.kind}/${name}`);
    return name === d.name ? d : { ...d, name };
  });
}

/** Documents that share a link (an ARN, an id, a cluster) are one system: one file. */
export function groupIntoSystems(docs: readonly DesiredDocument[]): ImportedSystem[] {
  const parent = docs.map((_, i) => i);
  const root = (i: number): number => (parent[i] === i ? i : (parent[i] = root(parent[i]!)));
  const byLink = new Map<string, number>();
  docs.forEach((d, i) => {
    for (const link of d.links) {
      const other = byLink.get(link);
      if (other === undefined) byLink.set(link, i);
      else parent[root(i)] = root(other);
    }
  });
  const groups = new Map<number, DesiredDocument[]>();
  docs.forEach((d, i) => groups.set(root(i), [...(groups.get(root(i)) ?? []), d]));
  const order = new Map(RECONCILERS.map((r, i) => [r.kind as string, i]));
  const used = new Set<string>();
  return [...groups.values()]
    .map((group) => {
      const documents = [...group].sort((a, b) => (order.get(a.kind) ?? 0) - (order.get(b.kind) ?? 0) || a.name.localeCompare(b.name));
      let name = systemName(documents);
      for (let n = 2; used.has(name); n++) name = `${systemName(documents)}-${n}`;
      used.add(name);
      return { name, documents };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}

/** The dash-separated prefix the system's load balancer, cluster and group names share, else the first of them. */
export function systemName(docs: readonly DesiredDocument[]): string {
  const hints = [...new Set(docs.flatMap((d) => (d.systemHint !== undefined ? [d.systemHint] : [])))];
  if (hints.length === 0) return docs[0]?.name ?? 'imported';
  const parts = hints.map((h) => h.split('-'));
  const common: string[] = [];
  for (let i = 0; parts.every((p) => p[i] !== undefined && p[i] === parts[0]![i]); i++) common.push(parts[0]![i]!);
  // drop the words that say what it is (flask-react-alb -> flask-react)
  while (common.length > 1 && /^(alb|elb|lb|cluster|sg|security|group)$/.test(common[common.length - 1]!)) common.pop();
  const name = common.join('-') || hints[0]!;
  return name.replace(/[^A-Za-z0-9._-]+/g, '-');
}
