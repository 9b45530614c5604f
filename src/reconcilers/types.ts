// Live state (what observe() read, already normalised to the desired shapes) and the plan,
// assembled from each kind's own types (src/reconcilers/<kind>/types.ts). Pure data.
import type { Kind } from '../spec/types.js';
import type { ListenerRuleTypes } from './listener-rule/types.js';
import type { ListenerTypes } from './listener/types.js';
import type { SecurityGroupIngressTypes } from './security-group-ingress/types.js';
import type { ServiceTypes } from './service/types.js';
import type { ScalableTargetTypes } from './scalable-target/types.js';
import type { ChangeBase } from './shared/resource-types.js';
import type { TargetGroupTypes } from './target-group/types.js';

export * from './shared/resource-types.js';
export type { LiveTargetGroup, TargetGroupRead } from './target-group/types.js';
export type { ListenerRead, ListenersRead, LiveListener, LiveLoadBalancer } from './listener/types.js';
export type { LiveRule, RuleRead } from './listener-rule/types.js';
export type { LiveIngressRule, LiveSecurityGroup, SecurityGroupsRead } from './security-group-ingress/types.js';
export type { EcsObservation, LiveService, LiveTaskDefinition } from './service/types.js';
export type { LiveScalableTarget, LiveScalingPolicy, ScalableTargetsRead } from './scalable-target/types.js';

/** Per kind: what its read returns (raw), what it adds to LiveState (live), what its changes carry. */
export interface KindTypes {
  TargetGroup: TargetGroupTypes;
  Listener: ListenerTypes;
  ListenerRule: ListenerRuleTypes;
  SecurityGroupIngress: SecurityGroupIngressTypes;
  Service: ServiceTypes;
  ScalableTarget: ScalableTargetTypes;
}

// a kind left out of KindTypes fails here, by name (and not as noise in every kind's code)
const KIND_TYPES_COVER_EVERY_KIND: { [K in Kind]: true } = {} as { [K in keyof KindTypes]: true };
void KIND_TYPES_COVER_EVERY_KIND;

type UnionToIntersection<U> = (U extends unknown ? (x: U) => void : never) extends (x: infer I) => void ? I : never;

/** Every kind's live part together. */
export type LiveState = UnionToIntersection<KindTypes[Kind]['live']>;

export type ChangeOf<K extends Kind> = ChangeBase<K> & KindTypes[K]['change'];

export type Change = { [K in Kind]: ChangeOf<K> }[Kind];

export interface Plan {
  changes: Change[];
  /** problems found while planning that block a change (e.g. priority taken by a rule not ours) */
  conflicts: { id: string; message: string }[];
}
