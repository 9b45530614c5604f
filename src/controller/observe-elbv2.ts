// ELBv2 observation: target groups and the listener chain read concurrently, then ONE
// tag pass over everything read (target groups, listeners and rules together, 20 ARNs a
// DescribeTags call), then normalisation into Live* shapes.
import { DescribeTagsCommand, type Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { awsCall, isNotFound, resourceList } from '../aws/errors.js';
import { chunk } from '../aws/paginate.js';
import { normaliseListener } from '../reconcilers/listener-normalise.js';
import { normaliseRule } from '../reconcilers/listener-rule-normalise.js';
import { normaliseTargetGroup } from '../reconcilers/target-group-normalise.js';
import type { LiveListener, LiveLoadBalancer, LiveRule, LiveTargetGroup } from '../reconcilers/types.js';
import type { DesiredState } from '../spec/types.js';
import { readListeners } from './observe-listeners.js';
import { readTargetGroups } from './observe-target-groups.js';

/** most ARNs one ELBv2 DescribeTags call accepts */
export const DESCRIBE_TAGS_MAX = 20;

export interface Elbv2Observation {
  loadBalancers: LiveLoadBalancer[];
  targetGroups: LiveTargetGroup[];
  listeners: LiveListener[];
  rules: LiveRule[];
}

/**
 * Tags of many ELBv2 resources, 20 ARNs a call. AWS fails a call whose ARNs include one
 * that no longer exists (deleted since it was read): that batch is split until the gone
 * resource is alone, and it gets no tags.
 */
export async function describeElbv2Tags(
  clients: AwsClients,
  arns: readonly string[],
  idOf: (arn: string) => string | undefined = () => undefined,
): Promise<Map<string, Tag[]>> {
  const tags = new Map<string, Tag[]>();
  const read = async (batch: string[]): Promise<void> => {
    try {
      const out = await awsCall(
        { service: 'elbv2', operation: 'DescribeTags', resource: resourceList(batch.map((a) => idOf(a) ?? a)) },
        () => clients.elbv2.send(new DescribeTagsCommand({ ResourceArns: batch })),
      );
      for (const d of out.TagDescriptions ?? []) if (d.ResourceArn) tags.set(d.ResourceArn, d.Tags ?? []);
    } catch (err) {
      if (!isNotFound(err)) throw err;
      if (batch.length === 1) return;
      const half = Math.ceil(batch.length / 2);
      await Promise.all([read(batch.slice(0, half)), read(batch.slice(half))]);
    }
  };
  await Promise.all(chunk([...new Set(arns)], DESCRIBE_TAGS_MAX).map(read));
  return tags;
}

export async function observeElbv2(desired: DesiredState, clients: AwsClients): Promise<Elbv2Observation> {
  // both chains run to the end so that each reports its own failure
  const [tgResult, chainResult] = await Promise.allSettled([readTargetGroups(desired, clients), readListeners(desired, clients)]);
  if (tgResult.status === 'rejected' || chainResult.status === 'rejected') {
    const reasons = [tgResult, chainResult].flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
    throw reasons.length === 1 ? reasons[0] : new AggregateError(reasons, 'ELBv2 observation failed');
  }
  const targetGroups = tgResult.value;
  const chain = chainResult.value;

  const ids = new Map<string, string>();
  for (const t of targetGroups) if (t.targetGroup.TargetGroupArn) ids.set(t.targetGroup.TargetGroupArn, t.id);
  for (const l of chain.listeners) {
    if (l.listener.ListenerArn) ids.set(l.listener.ListenerArn, `listener ${l.loadBalancerName}:${l.listener.Port ?? '?'}`);
  }
  const ruleArns = chain.rules.filter((r) => r.rule.IsDefault !== true && r.rule.RuleArn).map((r) => r.rule.RuleArn as string);
  const tagArns = [...ids.keys(), ...ruleArns];
  const tags = tagArns.length > 0 ? await describeElbv2Tags(clients, tagArns, (arn) => ids.get(arn)) : new Map<string, Tag[]>();
  const tagsOf = (arn: string | undefined): Tag[] => (arn ? (tags.get(arn) ?? []) : []);

  return {
    loadBalancers: chain.loadBalancers,
    targetGroups: targetGroups.map((t) => normaliseTargetGroup(t.targetGroup, t.attributes, tagsOf(t.targetGroup.TargetGroupArn))),
    listeners: chain.listeners.map((l) => normaliseListener(l.listener, l.loadBalancerName, tagsOf(l.listener.ListenerArn))),
    rules: chain.rules
      .map((r) => normaliseRule(r.rule, r.listenerArn, tagsOf(r.rule.RuleArn)))
      .filter((r): r is LiveRule => r !== undefined),
  };
}
