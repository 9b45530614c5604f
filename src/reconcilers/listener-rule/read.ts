// The rules of the listeners the desired state uses: one DescribeRules (PageSize 400, paginated)
// per listener that a ListenerRule references or a Listener declares (so rules of ours left on
// it can be pruned). Runs on the listeners listener/read.ts found. With --prune (`owned`): the
// rules of every listener that read found (also those no file uses, and those it found on load
// balancers no file names), so that rules of ours left there are found, and a listener of ours
// that holds rules not ours is never deleted with them: one DescribeRules per such listener.
import { paginateDescribeRules } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../aws/clients.js';
import { ELBV2_PAGE_SIZE } from '../../aws/elbv2-limits.js';
import { collectPages } from '../../aws/collect-pages.js';
import { resourceList } from '../../aws/errors.js';
import type { DesiredState } from '../../spec/types.js';
import { listenerUsage } from '../listener/read.js';
import type { ListenersRead } from '../listener/types.js';
import type { RuleRead } from './types.js';

export async function readRules(desired: DesiredState, clients: AwsClients, chain: ListenersRead, owned = false): Promise<RuleRead[]> {
  const use = listenerUsage(desired);
  const listeners = chain.listeners;
  // rules of the listeners in use
  const inUse = listeners.filter((l) => {
    const arn = l.listener.ListenerArn ?? '';
    return owned || use.byListenerArn.has(arn) || use.byLbPort.has(`${l.loadBalancerName}:${l.listener.Port}`);
  });
  const ruleSets = await Promise.all(
    inUse.map(async (l) => {
      const listenerArn = l.listener.ListenerArn ?? '';
      const ids = [...(use.byListenerArn.get(listenerArn) ?? []), ...(use.byLbPort.get(`${l.loadBalancerName}:${l.listener.Port}`) ?? [])];
      const rules = await collectPages(
        paginateDescribeRules({ client: clients.elbv2, stopOnSameToken: true }, { ListenerArn: listenerArn, PageSize: ELBV2_PAGE_SIZE }),
        (page) => page.Rules,
        { service: 'elbv2', operation: 'DescribeRules', resource: resourceList(ids) ?? `listener ${l.loadBalancerName}:${l.listener.Port ?? '?'}` },
      );
      return rules.map((rule) => ({ rule, listenerArn }));
    }),
  );
  return ruleSets.flat();
}

