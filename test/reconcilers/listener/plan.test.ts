// Listener planning of the issue-13 fields: the ALPN policy of a TLS listener and the SNI
// certificates, each compared only when declared.
import { describe, expect, it } from 'vitest';
import { planAll } from '../../../src/reconcilers/plan.js';
import type { LiveListener } from '../../../src/reconcilers/types.js';
import type { ListenerSpec } from '../../../src/spec/types.js';
import { OWNER, desiredState, listener, liveState, ours } from '../fixtures.js';

const LB = { arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:loadbalancer/net/db-nlb/1', name: 'db-nlb', vpcId: 'vpc-1' };

function planOne(spec: Partial<ListenerSpec>, live: Partial<LiveListener>) {
  const d = listener('db-tls', { loadBalancer: 'db-nlb', port: 443, protocol: 'TLS', certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/main', defaultAction: { type: 'fixed-response', statusCode: '404' }, ...spec });
  const l: LiveListener = {
    arn: 'arn:aws:elasticloadbalancing:us-east-1:123456789012:listener/net/db-nlb/1/2',
    loadBalancerArn: LB.arn,
    loadBalancerName: 'db-nlb',
    port: 443,
    protocol: 'TLS',
    certificateArn: 'arn:aws:acm:us-east-1:123456789012:certificate/main',
    defaultAction: { type: 'fixed-response', statusCode: '404' },
    tags: ours(d.id, d.specHash),
    ...live,
  };
  const plan = planAll(desiredState({ listeners: [d] }), liveState({ loadBalancers: [LB], listeners: [l] }), { prune: false, ownerId: OWNER });
  return plan.changes[0]!;
}

describe('planListeners: ALPN policy', () => {
  it.each<[string, Partial<ListenerSpec>, Partial<LiveListener>, string, unknown[]]>([
    ['not declared: not compared', {}, { alpnPolicy: 'HTTP2Only' }, 'noop', []],
    ['declared None equals a listener that reports none', { alpnPolicy: 'None' }, {}, 'noop', []],
    ['changed by hand: drift with both values', { alpnPolicy: 'HTTP2Preferred' }, { alpnPolicy: 'HTTP1Only' }, 'update', [{ path: 'alpnPolicy', live: 'HTTP1Only', desired: 'HTTP2Preferred' }]],
  ])('%s', (_label, spec, live, action, diffs) => {
    const c = planOne(spec, live);
    expect([c.action, c.diffs]).toEqual([action, diffs]);
  });
});

describe('planListeners: additionalCertificates', () => {
  const cert = (n: string) => `arn:aws:acm:us-east-1:123456789012:certificate/${n}`;
  it.each<[string, Partial<ListenerSpec>, Partial<LiveListener>, string, unknown[]]>([
    ['not declared: not compared (and not read)', {}, {}, 'noop', []],
    ['the same set in another order', { additionalCertificates: [cert('a'), cert('b')] }, { additionalCertificates: [cert('b'), cert('a')] }, 'noop', []],
    ['one swapped by hand', { additionalCertificates: [cert('a'), cert('b')] }, { additionalCertificates: [cert('a'), cert('c')] }, 'update',
      [{ path: 'additionalCertificates', live: [cert('a'), cert('c')], desired: [cert('a'), cert('b')] }]],
    ['declared none, one live', { additionalCertificates: [] }, { additionalCertificates: [cert('a')] }, 'update', [{ path: 'additionalCertificates', live: [cert('a')], desired: [] }]],
  ])('%s', (_label, spec, live, action, diffs) => {
    const c = planOne(spec, live);
    expect([c.action, c.diffs]).toEqual([action, diffs]);
  });
});
