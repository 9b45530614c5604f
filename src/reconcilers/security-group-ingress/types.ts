// SecurityGroupIngress: what its read returns, its live shape, and what its changes carry.
import type { SecurityGroup, SecurityGroupRule } from '@aws-sdk/client-ec2';
import type { IngressRule } from '../../spec/types.js';
import type { Tags } from '../shared/resource-types.js';

export interface SecurityGroupsRead {
  /** the managed group ids, in declaration order */
  groupIds: string[];
  groups: Map<string, SecurityGroup>;
  rulesByGroup: Map<string, SecurityGroupRule[]>;
}

/** One security-group rule (sgr-...), one source each. */
export interface LiveIngressRule extends IngressRule {
  ruleId: string;
  groupId: string;
  tags: Tags;
}

export interface LiveSecurityGroup {
  groupId: string;
  vpcId: string;
  tags: Tags;
  /** ingress only */
  rules: LiveIngressRule[];
}

export interface SecurityGroupIngressTypes {
  raw: SecurityGroupsRead;
  live: { securityGroups: LiveSecurityGroup[] };
  change: {
    live?: LiveSecurityGroup;
    /** declared rules missing live */
    authorize: IngressRule[];
    /** live rules to revoke: ours and no longer declared, or any undeclared with exclusive */
    revoke: LiveIngressRule[];
    /** live rules whose description differs */
    describe: { ruleId: string; rule: IngressRule }[];
    /** live rules that match a declared rule but lack our tags (adopt) */
    adopt: LiveIngressRule[];
    /**
     * revokes the prune guard held back (no --prune, or more than --max-deletes): not revoked, and
     * the spec-hash tag is not written, since the spec is not fully applied
     */
    heldRevokes?: { rules: LiveIngressRule[]; reason: string };
  };
}
