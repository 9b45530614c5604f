// ELBv2 load balancers (not managed, only read) and their listeners: those the Listener and
// ListenerRule documents name. Calls: DescribeLoadBalancers by names (20 a call, missing names
// handled like target groups), DescribeListeners once per load balancer (paginated),
// DescribeListeners by ARN for listeners named only by ARN and not already read. The rules of
// the listeners in use are read by listener-rule/read.ts from this read. DescribeListenerCertificates
// once per HTTPS/TLS listener whose document declares additionalCertificates, none otherwise.
// With --prune (`owned`): also the listeners of the load balancers that the target groups read
// (declared ones, and undeclared ones of ours) are attached to, when no file names that load
// balancer: DescribeListeners once per such load balancer (ELBv2 has no account-wide listener
// listing), after the target group read. Their tags come from the shared tag pass. Limit: a
// listener of ours on a load balancer that no target group read is attached to (a redirect- or
// fixed-response-only listener on a load balancer nothing of ours forwards through) is not found.
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  paginateDescribeListenerCertificates,
  paginateDescribeListeners,
  type Listener,
  type LoadBalancer,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../aws/clients.js';
import { describeByNames } from '../../aws/describe-by-names.js';
import { awsCall, isNotFound, resourceList } from '../../aws/errors.js';
import { collectPages } from '../../aws/collect-pages.js';
// the load balancer listing stops early and resumes (describeByNames): the SDK's paginator cannot
import { paginatePages } from '../../aws/paginate.js';
import { DESCRIBE_LISTENERS_ARNS_MAX, DESCRIBE_LOAD_BALANCERS_NAMES_MAX, ELBV2_PAGE_SIZE } from '../../aws/elbv2-limits.js';
import type { DesiredState } from '../../spec/types.js';
import type { TargetGroupRead } from '../target-group/types.js';
import type { ListenerRead, ListenersRead, LiveLoadBalancer } from './types.js';

/** `arn:...:loadbalancer/app/NAME/id` or `arn:...:listener/app/NAME/id/id` -> NAME */
export function loadBalancerNameFromArn(arn: string): string {
  const parts = arn.split('/');
  return parts.length >= 3 ? (parts[2] ?? '') : '';
}

/** Who uses each load balancer / listener ARN / listener (lb:port): for error context and rule reads. */
export function listenerUsage(desired: DesiredState) {
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

export interface ListenerReadIO {
  owned: boolean;
  /** the target group read (with --prune: its load balancers are where listeners of ours may be left) */
  targetGroups?: () => Promise<TargetGroupRead[]>;
}

export async function readListeners(
  desired: DesiredState,
  clients: AwsClients,
  io: ListenerReadIO = { owned: false },
): Promise<ListenersRead> {
  const use = listenerUsage(desired);
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
      const items = await collectPages(
        paginateDescribeListeners({ client: clients.elbv2, stopOnSameToken: true }, { LoadBalancerArn: lb.arn, PageSize: ELBV2_PAGE_SIZE }),
        (page) => page.Listeners,
        { service: 'elbv2', operation: 'DescribeListeners', resource: users([lb.name]) },
      );
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

  await readAdditionalCertificates(desired, clients, listeners);
  if (io.owned && io.targetGroups !== undefined) listeners.push(...(await ownedCandidates(clients, loadBalancers, listeners, await io.targetGroups())));
  return { loadBalancers, listeners };
}

/**
 * The SNI certificates of each listener whose Listener document declares additionalCertificates
 * and that AWS serves with certificates (HTTPS, TLS): one DescribeListenerCertificates each (paged);
 * no call for any other listener. The default certificate (IsDefault) is not one of them.
 */
async function readAdditionalCertificates(desired: DesiredState, clients: AwsClients, listeners: ListenerRead[]): Promise<void> {
  const declaring = new Map(
    desired.listeners.filter((l) => l.spec.additionalCertificates !== undefined).map((l) => [`${l.spec.loadBalancer}:${l.spec.port}`, l.id]),
  );
  if (declaring.size === 0) return;
  await Promise.all(
    listeners.map(async (read) => {
      const id = declaring.get(`${read.loadBalancerName}:${read.listener.Port ?? 0}`);
      const arn = read.listener.ListenerArn;
      if (id === undefined || arn === undefined || !['HTTPS', 'TLS'].includes(read.listener.Protocol ?? '')) return;
      const certificates = await collectPages(
        paginateDescribeListenerCertificates({ client: clients.elbv2, stopOnSameToken: true }, { ListenerArn: arn, PageSize: ELBV2_PAGE_SIZE }),
        (page) => page.Certificates,
        { service: 'elbv2', operation: 'DescribeListenerCertificates', resource: id },
      );
      read.additionalCertificates = certificates.filter((c) => c.IsDefault !== true).flatMap((c) => (c.CertificateArn === undefined ? [] : [c.CertificateArn]));
    }),
  );
}

/** With --prune: the listeners of load balancers no file names that the target groups read are attached to. */
async function ownedCandidates(
  clients: AwsClients,
  read: readonly LiveLoadBalancer[],
  listeners: readonly ListenerRead[],
  targetGroups: readonly TargetGroupRead[],
): Promise<ListenerRead[]> {
  const known = new Set([...read.map((lb) => lb.arn), ...listeners.map((l) => l.listener.LoadBalancerArn ?? '')]);
  const arns = [...new Set(targetGroups.flatMap((t) => t.targetGroup.LoadBalancerArns ?? []))].filter((arn) => !known.has(arn)).sort();
  const perLb = await Promise.all(
    arns.map(async (arn) => {
      const name = loadBalancerNameFromArn(arn);
      try {
        const items = await collectPages(
          paginateDescribeListeners({ client: clients.elbv2, stopOnSameToken: true }, { LoadBalancerArn: arn, PageSize: ELBV2_PAGE_SIZE }),
          (page) => page.Listeners,
          { service: 'elbv2', operation: 'DescribeListeners', resource: `load balancer ${name} (looking for listeners of ours to prune)` },
        );
        return items.map((listener): ListenerRead => ({ listener, loadBalancerName: name, pruneCandidate: true }));
      } catch (err) {
        if (isNotFound(err)) return []; // the load balancer went away since the target groups were listed
        throw err;
      }
    }),
  );
  return perLb.flat();
}
