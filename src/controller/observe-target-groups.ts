// ELBv2 target groups the desired state declares, and the attributes of those that declare
// some. DescribeTargetGroups accepts at most 20 names a call and fails the whole call when
// any name is missing; describeByNames picks the cheaper of by-names batches and a listing
// (PageSize 400) and handles the missing names (see src/aws/describe-by-names.ts).
import {
  DescribeTargetGroupAttributesCommand,
  DescribeTargetGroupsCommand,
  type TargetGroup,
  type TargetGroupAttribute,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from '../aws/clients.js';
import { describeByNames } from '../aws/describe-by-names.js';
import { awsCall, resourceList } from '../aws/errors.js';
import { paginatePages } from '../aws/paginate.js';
import type { DesiredState } from '../spec/types.js';

/** most names (or ARNs) one DescribeTargetGroups call accepts */
export const DESCRIBE_TARGET_GROUPS_NAMES_MAX = 20;
/** largest PageSize ELBv2 describes accept */
export const ELBV2_PAGE_SIZE = 400;

export interface TargetGroupRead {
  targetGroup: TargetGroup;
  /** undefined unless the spec declares attributes */
  attributes: TargetGroupAttribute[] | undefined;
  /** `TargetGroup/name` */
  id: string;
}

export async function readTargetGroups(desired: DesiredState, clients: AwsClients): Promise<TargetGroupRead[]> {
  const declared = desired.targetGroups;
  if (declared.length === 0) return [];
  const names = [...new Set(declared.map((tg) => tg.name))];
  const ids = (subset: readonly string[]): string | undefined => resourceList(subset.map((n) => `TargetGroup/${n}`));

  const { found } = await describeByNames<TargetGroup>({
    names,
    batchSize: DESCRIBE_TARGET_GROUPS_NAMES_MAX,
    nameOf: (tg) => tg.TargetGroupName,
    byNames: async (batch) => {
      const out = await awsCall({ service: 'elbv2', operation: 'DescribeTargetGroups', resource: ids(batch) }, () =>
        clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: batch })),
      );
      return out.TargetGroups ?? [];
    },
    list: (token, maxPages, stop) =>
      paginatePages(
        {
          fetch: (marker) =>
            awsCall({ service: 'elbv2', operation: 'DescribeTargetGroups', resource: ids(names) }, () =>
              clients.elbv2.send(new DescribeTargetGroupsCommand({ PageSize: ELBV2_PAGE_SIZE, Marker: marker })),
            ),
          items: (page) => page.TargetGroups,
          next: (page) => page.NextMarker,
          stopWhen: stop,
          maxPages,
        },
        token,
      ),
  });

  const withAttributes = new Set(declared.filter((tg) => Object.keys(tg.spec.attributes).length > 0).map((tg) => tg.name));
  return Promise.all(
    names
      .filter((name) => found.has(name))
      .map(async (name): Promise<TargetGroupRead> => {
        const targetGroup = found.get(name) as TargetGroup;
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
