// Listener for `import`: every listener of the selected load balancers. Round 0 names each load
// balancer once (port 0: the listener read lists all listeners of a named load balancer); the
// next round names each listener found, as `<lb>-<port>` (or the name in our resource tag).
import { DescribeLoadBalancersCommand, type LoadBalancer } from '@aws-sdk/client-elastic-load-balancing-v2';
import { awsCall } from '../../aws/errors.js';
import { describeElbv2Tags } from '../../aws/elbv2-tags.js';
import { ELBV2_PAGE_SIZE } from '../../aws/elbv2-limits.js';
import { paginate } from '../../aws/paginate.js';
import type { ListenerSpec } from '../../spec/types.js';
import { actionToDesired, forwardedArns } from '../shared/action-export.js';
import { compact, documentName, pickedDocument, type DesiredDocument, type ExportContext, type KindExport } from '../shared/export-hook.js';
import { nameFromResourceTag } from '../shared/ownership.js';
import { TAG_RESOURCE } from '../shared/resource-types.js';
import type { LiveListener } from './types.js';

const PLACEHOLDER_PORT = 0;

function placeholderSpec(loadBalancer: string, port: number): ListenerSpec {
  return { loadBalancer, port, protocol: 'HTTP', defaultAction: { type: 'fixed-response', statusCode: '404' } };
}

export function listenerName(l: LiveListener): string {
  return nameFromResourceTag('Listener', l.tags[TAG_RESOURCE]) ?? documentName(`${l.loadBalancerName}-${l.port}`);
}

export function listenerToDesired(l: LiveListener, ctx: ExportContext): DesiredDocument {
  const warnings: string[] = [];
  const defaultAction = actionToDesired(l.defaultAction, ctx, warnings);
  return {
    kind: 'Listener',
    name: listenerName(l),
    liveId: l.arn,
    links: [l.arn, l.loadBalancerArn, ...forwardedArns(l.defaultAction)],
    systemHint: l.loadBalancerName,
    warnings,
    spec: compact({
      loadBalancer: l.loadBalancerName,
      port: l.port,
      protocol: l.protocol,
      certificateArn: l.certificateArn,
      // an HTTP listener has no TLS policy (emulators report one anyway)
      sslPolicy: l.protocol === 'HTTPS' || l.protocol === 'TLS' ? l.sslPolicy : undefined,
      alpnPolicy: l.protocol === 'TLS' && l.alpnPolicy !== 'None' ? l.alpnPolicy : undefined,
      defaultAction,
    }),
  };
}

export const listenerExport: KindExport<'Listener'> = {
  follows: ['Listener'],
  async selectByTag(tag, clients) {
    const lbs: LoadBalancer[] = await paginate({
      fetch: (marker: string | undefined) =>
        awsCall({ service: 'elbv2', operation: 'DescribeLoadBalancers', resource: `load balancers tagged ${tag.key}=${tag.value}` }, () =>
          clients.elbv2.send(new DescribeLoadBalancersCommand({ PageSize: ELBV2_PAGE_SIZE, Marker: marker })),
        ),
      items: (page) => page.LoadBalancers,
      next: (page) => page.NextMarker,
    });
    const arns = lbs.flatMap((lb) => (lb.LoadBalancerArn ? [lb.LoadBalancerArn] : []));
    const tags = arns.length > 0 ? await describeElbv2Tags(clients, arns, (arn) => arn) : new Map();
    const tagged = lbs.filter((lb) => (tags.get(lb.LoadBalancerArn ?? '') ?? []).some((t: { Key?: string; Value?: string }) => t.Key === tag.key && t.Value === tag.value));
    return { loadBalancers: tagged.map((lb) => lb.LoadBalancerName ?? '').filter((n) => n !== '') };
  },

  async select(selection, io) {
    const wanted = new Set(selection.loadBalancers);
    const found = (io.live?.listeners ?? []).filter((l) => wanted.has(l.loadBalancerName));
    const seen = new Set(found.map((l) => l.loadBalancerName));
    return [
      ...found.map((l) => pickedDocument('Listener', listenerName(l), placeholderSpec(l.loadBalancerName, l.port))),
      // a load balancer not read yet (round 0) or without listeners: named once, to be read
      ...[...wanted].filter((lb) => !seen.has(lb)).sort().map((lb) => pickedDocument('Listener', `${lb}-*`, placeholderSpec(lb, PLACEHOLDER_PORT))),
    ];
  },

  toDesired(picked, live, ctx) {
    const wanted = new Set(picked.filter((d) => d.spec.port !== PLACEHOLDER_PORT).map((d) => `${d.spec.loadBalancer}:${d.spec.port}`));
    return live.listeners.filter((l) => wanted.has(`${l.loadBalancerName}:${l.port}`)).map((l) => listenerToDesired(l, ctx));
  },
};
