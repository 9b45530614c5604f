// ELBv2's per-call limits that the batched describes are sized by.

/** largest PageSize ELBv2 describes accept */
export const ELBV2_PAGE_SIZE = 400;
/** most names (or ARNs) one DescribeTargetGroups call accepts */
export const DESCRIBE_TARGET_GROUPS_NAMES_MAX = 20;
/** most ARNs one ELBv2 DescribeTags call accepts */
export const DESCRIBE_TAGS_MAX = 20;
export const DESCRIBE_LOAD_BALANCERS_NAMES_MAX = 20;
export const DESCRIBE_LISTENERS_ARNS_MAX = 20;
