// Every item of an SDK paginator's pages (paginateDescribeTargetGroups, paginateDescribeRules,
// ...): the SDK follows the tokens; this names the call in a failure (AwsCallError) and stops a
// server that keeps returning tokens (the SDK's stopOnSameToken catches only a token repeated
// at once, not a cycle).
import { toAwsCallError, type AwsCallContext } from './errors.js';
import { MAX_PAGES } from './paginate.js';

export async function collectPages<P, T>(
  pages: AsyncIterable<P>,
  items: (page: P) => readonly T[] | undefined,
  ctx: AwsCallContext,
): Promise<T[]> {
  const out: T[] = [];
  let count = 0;
  try {
    for await (const page of pages) {
      out.push(...(items(page) ?? []));
      count += 1;
      if (count >= MAX_PAGES) throw new Error(`pagination stopped after ${MAX_PAGES} pages`);
    }
  } catch (err) {
    throw toAwsCallError(err, ctx);
  }
  return out;
}
