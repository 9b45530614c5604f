// ELBv2 target groups the desired state declares, and the attributes of those that declare
// some. A declared group may live under its name or, after a replace, under its alternate
// name (targetGroupAwsNames); the alternate is usually absent. Asking by names cannot find
// that cheaply: DescribeTargetGroups fails the whole call when any name is missing (and takes
// at most 20). So observe lists the account's target groups, PageSize 400, to the last page:
// ceil(target groups in the account / 400) calls, which is 1 up to 400 groups and never more
// than by-names calls (ceil(declared / 20)) while the account holds <= 20x the declared count.
import {
  DescribeTargetGroupAttributesCommand,
  paginateDescribeTargetGroups,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../aws/clients.js';
import { ELBV2_PAGE_SIZE } from '../../aws/elbv2-limits.js';
import { awsCall, resourceList } from '../../aws/errors.js';
import { collectPages } from '../../aws/collect-pages.js';
import type { DesiredState } from '../../spec/types.js';
import { targetGroupAwsNames } from './names.js';
import type { TargetGroupRead } from './types.js';

export async function readTargetGroups(desired: DesiredState, clients: AwsClients): Promise<TargetGroupRead[]> {
  const declared = desired.targetGroups;
  if (declared.length === 0) return [];
  // AWS name -> declared name
  const declaredOf = new Map<string, string>();
  for (const tg of declared) for (const awsName of targetGroupAwsNames(tg.name)) declaredOf.set(awsName, tg.name);
  const resource = resourceList(declared.map((tg) => tg.id));

  const all = await collectPages(
    paginateDescribeTargetGroups({ client: clients.elbv2, stopOnSameToken: true }, { PageSize: ELBV2_PAGE_SIZE }),
    (page) => page.TargetGroups,
    { service: 'elbv2', operation: 'DescribeTargetGroups', resource },
  );
  const found = all.filter((tg) => tg.TargetGroupName !== undefined && declaredOf.has(tg.TargetGroupName));

  const withAttributes = new Set(declared.filter((tg) => Object.keys(tg.spec.attributes).length > 0).map((tg) => tg.name));
  return Promise.all(
    found.map(async (targetGroup): Promise<TargetGroupRead> => {
      const name = declaredOf.get(targetGroup.TargetGroupName as string) as string;
      const id = `TargetGroup/${name}`;
      if (!withAttributes.has(name) || !targetGroup.TargetGroupArn) return { targetGroup, attributes: undefined, id };
      const arn = targetGroup.TargetGroupArn;
      const out = await awsCall({ service: 'elbv2', operation: 'DescribeTargetGroupAttributes', resource: id }, () =>
        clients.elbv2.send(new DescribeTargetGroupAttributesCommand({ TargetGroupArn: arn })),
      );
      return { targetGroup, attributes: out.Attributes ?? [], id };
    }),
  );
}
