// Listener: what its read returns (the load balancers named and their listeners), its live
// shape, and what its changes carry.
import type { Listener } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { LiveAction, Tags } from '../shared/resource-types.js';

export interface LiveLoadBalancer {
  arn: string;
  name: string;
  vpcId: string;
}

export interface ListenerRead {
  listener: Listener;
  loadBalancerName: string;
  /** read only with --prune: on a load balancer no file names (see read.ts) */
  pruneCandidate?: boolean;
  /** the non-default certificates, read only for a declared listener with additionalCertificates */
  additionalCertificates?: string[];
}

export interface ListenersRead {
  loadBalancers: LiveLoadBalancer[];
  listeners: ListenerRead[];
}

export interface LiveListener {
  arn: string;
  loadBalancerArn: string;
  loadBalancerName: string;
  port: number;
  protocol: string;
  certificateArn?: string;
  sslPolicy?: string;
  /** TLS listeners: the one ALPN policy AWS holds */
  alpnPolicy?: string;
  /** SNI certificates, sorted; absent when not read */
  additionalCertificates?: string[];
  defaultAction: LiveAction;
  tags: Tags;
}

export interface ListenerTypes {
  raw: ListenersRead;
  /** load balancers are not managed, only read (listeners and rules need them) */
  live: { loadBalancers: LiveLoadBalancer[]; listeners: LiveListener[] };
  change: { live?: LiveListener };
}
