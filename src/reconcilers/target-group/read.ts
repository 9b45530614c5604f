// ELBv2 target groups the desired state declares, and the attributes of those that declare
// some. A declared group may live under its name or, after a replace, under its alternate
// name (targetGroupAwsNames); the alternate is usually absent. Asking by names cannot find
// that cheaply: DescribeTargetGroups fails the whole call when any name is missing (and takes
// at most 20). So observe lists the account's target groups, PageSize 400, to the last page:
// ceil(target groups in the account / 400) calls, which is 1 up to 400 groups and never more
// than by-names calls (ceil(declared / 20)) while the account holds <= 20x the declared count.
// With --prune (`owned`), the listed groups the files do not declare get their tags here,
// DescribeTags 20 a call, and those carrying our owner tag are kept (the rest are dropped: never
// written, never in the live state): ceil(undeclared groups / 20) calls more, no other call.
import {
  DescribeTargetGroupAttributesCommand,
  paginateDescribeTargetGroups,
  type TargetGroup as ElbTargetGroup,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../../aws/clients.js';
import { describeElbv2Tags } from '../../aws/elbv2-tags.js';
import { TAG_OWNER } from '../shared/resource-types.js';
import { ELBV2_PAGE_SIZE } from '../../aws/elbv2-limits.js';
import { awsCall, resourceList } from '../../aws/errors.js';
import { collectPages } from '../../aws/collect-pages.js';
import type { DesiredState } from '../../spec/types.js';
import { targetGroupAwsNames } from './names.js';
import type { TargetGroupRead } from './types.js';

export interface OwnedRead {
  owned: boolean;
  ownerId: string;
}

export async function readTargetGroups(
  desired: DesiredState,
  clients: AwsClients,
  io: OwnedRead = { owned: false, ownerId: '' },
): Promise<TargetGroupRead[]> {
  const declared = desired.targetGroups;
  if (declared.length === 0 && !io.owned) return [];
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

  const ours = io.owned ? await ownedUndeclared(clients, all, declaredOf, io.ownerId) : [];

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
  ).then((reads) => [...reads, ...ours]);
}

/** The listed groups no file declares that carry our owner tag, with their tags (read here). */
async function ownedUndeclared(
  clients: AwsClients,
  all: readonly ElbTargetGroup[],
  declaredOf: ReadonlyMap<string, string>,
  ownerId: string,
): Promise<TargetGroupRead[]> {
  const undeclared = all.filter((tg) => tg.TargetGroupArn !== undefined && !declaredOf.has(tg.TargetGroupName ?? ''));
  if (undeclared.length === 0) return [];
  const tags = await describeElbv2Tags(
    clients,
    undeclared.map((tg) => tg.TargetGroupArn as string),
    (arn) => `target group ${undeclared.find((tg) => tg.TargetGroupArn === arn)?.TargetGroupName ?? arn}`,
  );
  return undeclared.flatMap((targetGroup) => {
    const own = tags.get(targetGroup.TargetGroupArn as string) ?? [];
    if (!own.some((t) => t.Key === TAG_OWNER && t.Value === ownerId)) return [];
    return [{ targetGroup, attributes: undefined, id: `TargetGroup/${targetGroup.TargetGroupName ?? ''}`, ownedTags: own }];
  });
}
