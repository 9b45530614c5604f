// TargetGroup for `import`: the groups the imported listeners and rules forward to (or those
// carrying a tag), and live -> YAML with AWS's health-check defaults left out. Attributes are not
// exported (reading them costs one DescribeTargetGroupAttributes per group; plan compares only
// declared keys, so the files still plan empty).
import { paginateDescribeTargetGroups } from '@aws-sdk/client-elastic-load-balancing-v2';
import { collectPages } from '../../aws/collect-pages.js';
import { describeElbv2Tags } from '../../aws/elbv2-tags.js';
import { ELBV2_PAGE_SIZE } from '../../aws/elbv2-limits.js';
import type { HealthCheckSpec } from '../../spec/types.js';
import { forwardedArns, targetGroupNameFromArn } from '../shared/action-export.js';
import { compact, pickedDocument, userTags, type DesiredDocument, type KindExport } from '../shared/export-hook.js';
import { AWS_HEALTH_CHECK_DEFAULTS } from './normalise.js';
import type { LiveTargetGroup } from './types.js';

function healthCheckToDesired(tg: LiveTargetGroup): Record<string, unknown> | undefined {
  const hc = tg.healthCheck;
  const defaults: Required<HealthCheckSpec> = { ...AWS_HEALTH_CHECK_DEFAULTS, protocol: tg.protocol as 'HTTP' | 'HTTPS' };
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(defaults) as (keyof HealthCheckSpec)[]) {
    if (hc[key] !== defaults[key]) out[key] = key === 'matcher' && /^[0-9]+$/.test(hc.matcher) ? hc.matcher : hc[key];
  }
  return Object.keys(out).length > 0 ? out : undefined;
}

export function targetGroupToDesired(tg: LiveTargetGroup): DesiredDocument {
  return {
    kind: 'TargetGroup',
    name: tg.name,
    liveId: tg.arn,
    links: [tg.arn, ...tg.loadBalancerArns],
    warnings: [],
    spec: compact({
      vpcId: tg.vpcId,
      protocol: tg.protocol,
      protocolVersion: tg.protocolVersion === undefined || tg.protocolVersion === 'HTTP1' ? undefined : tg.protocolVersion,
      port: tg.port,
      targetType: tg.targetType === 'instance' ? undefined : tg.targetType,
      healthCheck: healthCheckToDesired(tg),
      tags: userTags(tg.tags),
    }),
  };
}

export const targetGroupExport: KindExport<'TargetGroup'> = {
  follows: ['Listener', 'ListenerRule'],
  async selectByTag(tag, clients) {
    const all = await collectPages(
      paginateDescribeTargetGroups({ client: clients.elbv2, stopOnSameToken: true }, { PageSize: ELBV2_PAGE_SIZE }),
      (page) => page.TargetGroups,
      { service: 'elbv2', operation: 'DescribeTargetGroups', resource: `target groups tagged ${tag.key}=${tag.value}` },
    );
    const arns = all.flatMap((tg) => (tg.TargetGroupArn ? [tg.TargetGroupArn] : []));
    const tags = arns.length > 0 ? await describeElbv2Tags(clients, arns, (arn) => arn) : new Map();
    const names = all.filter((tg) => (tags.get(tg.TargetGroupArn ?? '') ?? []).some((t: { Key?: string; Value?: string }) => t.Key === tag.key && t.Value === tag.value));
    return { targetGroups: names.map((tg) => tg.TargetGroupName ?? '').filter((n) => n !== '') };
  },

  async select(selection, io) {
    const names = new Set(selection.targetGroups);
    // what the imported listeners and rules forward to (they are all on selected load balancers)
    const actions = [...(io.live?.listeners ?? []).map((l) => l.defaultAction), ...(io.live?.rules ?? []).map((r) => r.action)];
    for (const arn of actions.flatMap(forwardedArns)) {
      const name = targetGroupNameFromArn(arn);
      if (name !== undefined) names.add(name);
    }
    return [...names].sort().map((name) =>
      pickedDocument('TargetGroup', name, { vpcId: '', protocol: 'HTTP', port: 0, targetType: 'instance', healthCheck: {}, attributes: {}, tags: {} }),
    );
  },

  toDesired(picked, live) {
    const wanted = new Set(picked.map((d) => d.name));
    return live.targetGroups.filter((tg) => wanted.has(tg.name)).map(targetGroupToDesired);
  },
};
