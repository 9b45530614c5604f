// ELBv2 tags of many resources, 20 ARNs a DescribeTags call: observe makes ONE such pass over
// everything the ELBv2 kinds read (target groups, listeners and rules together), fed kind by
// kind (elbv2-tag-stream.ts).
import { DescribeTagsCommand, type Tag } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { AwsClients } from './clients.js';
import { DESCRIBE_TAGS_MAX } from './elbv2-limits.js';
import { awsCall, isNotFound, resourceList } from './errors.js';
import { chunk } from './paginate.js';

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
