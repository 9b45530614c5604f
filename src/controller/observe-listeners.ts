// ELBv2 load balancers (not managed, only read), their listeners, and the rules of the
// listeners the desired state uses. Calls: DescribeLoadBalancers by names (20 a call,
// missing names handled like target groups), DescribeListeners once per load balancer
// (paginated), DescribeListeners by ARN for listeners named only by ARN and not already
// read, DescribeRules (PageSize 400, paginated) once per listener that a ListenerRule
// references or a Listener declares (so rules of ours left on it can be pruned).
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  type Listener,
  type LoadBalancer,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { describeByNames } from '../aws/describe-by-names.js';
import { awsCall, resourceList } from '../aws/errors.js';
import { paginate, paginatePages } from '../aws/paginate.js';
import type { LiveLoadBalancer } from '../reconcilers/types.js';
import type { DesiredState } from '../spec/types.js';
import { ELBV2_PAGE_SIZE } from './observe-target-groups.js';

export const DESCRIBE_LOAD_BALANCERS_NAMES_MAX = 20;
export const DESCRIBE_LISTENERS_ARNS_MAX = 20;

export interface ListenerRead {
  listener: Listener;
  loadBalancerName: string;
}

export interface ListenersRead {
  loadBalancers: LiveLoadBalancer[];
  listeners: ListenerRead[];
  /** non-default and default rules as read, with the listener they belong to */
  rules: { rule: Rule; listenerArn: string }[];
}

/** `arn:...:loadbalancer/app/NAME/id` or `arn:...:listener/app/NAME/id/id` -> NAME */
export function loadBalancerNameFromArn(arn: string): string {
  const parts = arn.split('/');
  return parts.length >= 3 ? (parts[2] ?? '') : '';
}

/** Who uses each load balancer / listener ARN / listener (lb:port): for error context and rule reads. */
function usage(desired: DesiredState) {
  const byLoadBalancer = new Map<string, string[]>();
  const byListenerArn = new Map<string, string[]>();
  const byLbPort = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, id: string): void => {
    m.set(k, [...(m.get(k) ?? []), id]);
  };
  for (const l of desired.listeners) {
    add(byLoadBalancer, l.spec.loadBalancer, l.id);
    add(byLbPort, `${l.spec.loadBalancer}:${l.spec.port}`, l.id);
  }
  for (const r of desired.listenerRules) {
    const ref = r.spec.listener;
    if ('arn' in ref) add(byListenerArn, ref.arn, r.id);
    else {
      add(byLoadBalancer, ref.loadBalancer, r.id);
      add(byLbPort, `${ref.loadBalancer}:${ref.port}`, r.id);
    }
  }
  return { byLoadBalancer, byListenerArn, byLbPort };
}

export async function readListeners(desired: DesiredState, clients: AwsClients): Promise<ListenersRead> {
  const use = usage(desired);
  const lbNames = [...use.byLoadBalancer.keys()];
  const users = (names: readonly string[]): string | undefined =>
    resourceList(names.flatMap((n) => use.byLoadBalancer.get(n) ?? []));

  const { found } = await describeByNames<LoadBalancer>({
    names: lbNames,
    batchSize: DESCRIBE_LOAD_BALANCERS_NAMES_MAX,
    nameOf: (lb) => lb.LoadBalancerName,
    byNames: async (batch) => {
      const out = await awsCall({ service: 'elbv2', operation: 'DescribeLoadBalancers', resource: users(batch) }, () =>
        clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: batch })),
      );
      return out.LoadBalancers ?? [];
    },
    list: (token, maxPages, stop) =>
      paginatePages(
        {
          fetch: (marker) =>
            awsCall({ service: 'elbv2', operation: 'DescribeLoadBalancers', resource: users(lbNames) }, () =>
              clients.elbv2.send(new DescribeLoadBalancersCommand({ PageSize: ELBV2_PAGE_SIZE, Marker: marker })),
            ),
          items: (page) => page.LoadBalancers,
          next: (page) => page.NextMarker,
          stopWhen: stop,
          maxPages,
        },
        token,
      ),
  });
  const loadBalancers: LiveLoadBalancer[] = lbNames
    .filter((n) => found.has(n))
    .map((n) => {
      const lb = found.get(n) as LoadBalancer;
      return { arn: lb.LoadBalancerArn ?? '', name: n, vpcId: lb.VpcId ?? '' };
    });

  // every listener of every load balancer read
  const perLb = await Promise.all(
    loadBalancers.map(async (lb) => {
      const items = await paginate({
        fetch: (marker: string | undefined) =>
          awsCall({ service: 'elbv2', operation: 'DescribeListeners', resource: users([lb.name]) }, () =>
            clients.elbv2.send(new DescribeListenersCommand({ LoadBalancerArn: lb.arn, PageSize: ELBV2_PAGE_SIZE, Marker: marker })),
          ),
        items: (page) => page.Listeners,
        next: (page) => page.NextMarker,
      });
      return items.map((listener): ListenerRead => ({ listener, loadBalancerName: lb.name }));
    }),
  );
  const listeners = perLb.flat();

  // listeners named only by ARN that the reads above did not cover
  const known = new Set(listeners.map((l) => l.listener.ListenerArn));
  const arnsToRead = [...use.byListenerArn.keys()].filter((arn) => !known.has(arn));
  if (arnsToRead.length > 0) {
    const byArn = await describeByNames<Listener>({
      names: arnsToRead,
      batchSize: DESCRIBE_LISTENERS_ARNS_MAX,
      nameOf: (l) => l.ListenerArn,
      byNames: async (batch) => {
        const out = await awsCall(
          { service: 'elbv2', operation: 'DescribeListeners', resource: resourceList(batch.flatMap((a) => use.byListenerArn.get(a) ?? [])) },
          () => clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: batch })),
        );
        return out.Listeners ?? [];
      },
    });
    for (const l of byArn.found.values()) {
      listeners.push({ listener: l, loadBalancerName: loadBalancerNameFromArn(l.LoadBalancerArn ?? l.ListenerArn ?? '') });
    }
  }

  // rules of the listeners in use
  const inUse = listeners.filter((l) => {
    const arn = l.listener.ListenerArn ?? '';
    return use.byListenerArn.has(arn) || use.byLbPort.has(`${l.loadBalancerName}:${l.listener.Port}`);
  });
  const ruleSets = await Promise.all(
    inUse.map(async (l) => {
      const listenerArn = l.listener.ListenerArn ?? '';
      const ids = [...(use.byListenerArn.get(listenerArn) ?? []), ...(use.byLbPort.get(`${l.loadBalancerName}:${l.listener.Port}`) ?? [])];
      const rules = await paginate({
        fetch: (marker: string | undefined) =>
          awsCall({ service: 'elbv2', operation: 'DescribeRules', resource: resourceList(ids) }, () =>
            clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: listenerArn, PageSize: ELBV2_PAGE_SIZE, Marker: marker })),
          ),
        items: (page) => page.Rules,
        next: (page) => page.NextMarker,
      });
      return rules.map((rule) => ({ rule, listenerArn }));
    }),
  );
  return { loadBalancers, listeners, rules: ruleSets.flat() };
}

