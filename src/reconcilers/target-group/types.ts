// TargetGroup: what its read returns, its live shape, and what its changes carry.
import type { Tag, TargetGroup, TargetGroupAttribute } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { HealthCheckSpec } from '../../spec/types.js';
import type { Tags } from '../shared/resource-types.js';

export interface TargetGroupRead {
  targetGroup: TargetGroup;
  /** undefined unless the spec declares attributes */
  attributes: TargetGroupAttribute[] | undefined;
  /** `TargetGroup/name` of the declared group it is (under its name or its alternate) */
  id: string;
  /**
   * set for a group no file declares, found with --prune: its tags, read by the target group read
   * itself (it carries our owner tag; it is not in the shared tag pass)
   */
  ownedTags?: Tag[];
}

export interface LiveTargetGroup {
  arn: string;
  name: string;
  vpcId: string;
  protocol: string;
  /** HTTP1 | HTTP2 | GRPC as AWS reports it (HTTP/HTTPS groups); absent for the others */
  protocolVersion?: string;
  port: number;
  targetType: string;
  /** every field as AWS reports it (AWS fills defaults) */
  healthCheck: Required<HealthCheckSpec>;
  /** only the keys the desired spec declares (DescribeTargetGroupAttributes is skipped otherwise) */
  attributes: Record<string, string>;
  tags: Tags;
  loadBalancerArns: string[];
}

export interface TargetGroupTypes {
  raw: TargetGroupRead[];
  live: { targetGroups: LiveTargetGroup[] };
  change: { live?: LiveTargetGroup };
}
