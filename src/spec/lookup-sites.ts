// The ids a document gives by name or tags (issue 16): `vpc: { tags }` (TargetGroup),
// `network.subnets: { tags }` and `network.securityGroups[i]: { name } | { tags }` (Service),
// `groupName` and `rules[i].source.securityGroupName` (SecurityGroupIngress). The loader lists
// them on the resource with where they are written; the normalised spec holds
// `lookup:<site>` in their place until src/reconcilers/resolve-lookups.ts puts the ids in.
import type { ValidDoc } from './raw-types.js';
import type { DataPath } from './parse-documents.js';
import { valuePosition } from './parse-documents.js';
import type { LookupFilter, LookupKind, LookupSite } from './types.js';

export function lookupSitesOf(doc: ValidDoc): LookupSite[] {
  const out: LookupSite[] = [];
  const add = (path: DataPath, kind: LookupKind, filter: LookupFilter, many = false): void => {
    const site = path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s === '' ? p : `${s}.${p}`), '');
    out.push({ site, kind, filter, many, source: valuePosition(doc.pd, ['spec', ...path]) });
  };
  switch (doc.kind) {
    case 'TargetGroup':
      if (doc.spec.vpc !== undefined) add(['vpc'], 'vpc', { tags: { ...doc.spec.vpc.tags } });
      break;
    case 'SecurityGroupIngress':
      if (doc.spec.groupName !== undefined) add(['groupName'], 'securityGroup', { name: doc.spec.groupName });
      doc.spec.rules.forEach((rule, i) => {
        const name = rule.source.securityGroupName;
        if (name !== undefined) add(['rules', i, 'source', 'securityGroupName'], 'securityGroup', { name });
      });
      break;
    case 'Service': {
      const network = doc.spec.network;
      if (network === undefined) break;
      if (!Array.isArray(network.subnets)) add(['network', 'subnets'], 'subnet', { tags: { ...network.subnets.tags } }, true);
      (network.securityGroups ?? []).forEach((g, i) => {
        if (typeof g === 'string') return;
        add(['network', 'securityGroups', i], 'securityGroup', g.name !== undefined ? { name: g.name } : { tags: { ...g.tags } });
      });
      break;
    }
    default:
      break;
  }
  return out;
}

/** `{ tags: { Name: prod } }`, `{ name: shop-alb-sg }`: a lookup as the file writes it (for messages). */
export function describeLookup(site: Pick<LookupSite, 'kind' | 'filter'>): string {
  const parts: string[] = [];
  if (site.filter.name !== undefined) parts.push(`name: ${site.filter.name}`);
  if (site.filter.tags !== undefined) parts.push(`tags: { ${Object.entries(site.filter.tags).map(([k, v]) => `${k}: ${v}`).join(', ')} }`);
  return `{ ${parts.join(', ')} }`;
}
