// ListenerRule: what its read returns (the rules of the listeners in use), its live shape, and
// what its changes carry.
import type { Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { RuleConditions } from '../../spec/types.js';
import type { LiveAction, Tags } from '../shared/resource-types.js';

export interface RuleRead {
  rule: Rule;
  listenerArn: string;
}

export interface LiveRule {
  arn: string;
  listenerArn: string;
  priority: number;
  conditions: RuleConditions;
  /** conditions the spec cannot express (http-header, query-string, regex values) as `field=value`; any makes the rule differ */
  unsupportedConditions?: string[];
  action: LiveAction;
  tags: Tags;
}

export interface ListenerRuleTypes {
  /** non-default and default rules as read, with the listener they belong to */
  raw: RuleRead[];
  /** rules of every observed listener, default rules excluded */
  live: { rules: LiveRule[] };
  change: { live?: LiveRule };
}
