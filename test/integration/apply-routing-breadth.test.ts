// Routing breadth (issue 13) against moto, through the fault proxy. Weighted forwards: a 90/10
// canary with group stickiness applied and planned empty; a commit moving the weights is one
// ModifyRule and one rollout.applied line; weights changed by hand are DRIFT with both weight sets
// and one apply corrects them; a target group of the weighted forward replaced (port change)
// moves the forward with its weights and stickiness kept. Conditions: a beta rule routed by an
// http header and a query string, each changed by hand and corrected. The tests run in order on
// one world.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AddListenerCertificatesCommand,
  DescribeListenerCertificatesCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ModifyRuleCommand,
  RemoveListenerCertificatesCommand,
  type Rule,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reportCycle } from '../../src/controller/cycle-report.js';
import { DriftIncidents } from '../../src/notify/drift-incidents.js';
import { alternateTargetGroupName } from '../../src/reconcilers/target-group/names.js';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, listenerArn } from '../../src/demo/worlds/world-building-blocks.js';
import {
  CreateLoadBalancerCommand,
  DescribeListenersCommand,
  ModifyListenerCommand,
  ModifyTargetGroupCommand,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { FaultProxy } from '../support/fault-proxy.js';
import { requestEmulatorCertificate as requestMotoCertificate } from '../../src/demo/worlds/acm-certificates.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyWith, loadOk, pendingChanges, planDir, type ApplyRun } from './apply-support.js';

let clients: TestClients;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;

interface Canary {
  blue: number;
  green: number;
  greenPort?: number;
  stickiness?: number;
  /** the beta rule: X-Canary header values and query strings */
  beta?: { headers: string[]; query: { key?: string; value: string }[] };
  /** an HTTPS listener on 443: its default certificate and its SNI certificates */
  https?: { certificate: string; additional: string[] };
  /** the network load balancer: a TCP listener to a TCP target group, a TLS listener with ALPN */
  nlb?: { interval: number; tls?: { certificate: string; alpn: string } };
  /** a GRPC target group of the ALB: its protocol version */
  grpc?: string;
}

let current: Canary = { blue: 90, green: 10, stickiness: 3600 };

function canaryYaml(c: Canary): string {
  const tg = (name: string, port: number) =>
    `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: ${name} }\nspec:\n  vpcId: ${vpcId}\n  protocol: HTTP\n  port: ${port}\n  healthCheck: { path: /health }\n`;
  const stickiness = c.stickiness === undefined ? '' : `      stickiness: { enabled: true, durationSeconds: ${c.stickiness} }\n`;
  return [
    tg('canary-blue', 80),
    tg('canary-green', c.greenPort ?? 8080),
    `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: canary-http }\nspec:\n  loadBalancer: canary-alb\n  port: 80\n  protocol: HTTP\n  defaultAction: { fixedResponse: { statusCode: 404 } }\n`,
    `apiVersion: ecs-reconciler/v1\nkind: ListenerRule\nmetadata: { name: canary-api }\nspec:\n  listener: { loadBalancer: canary-alb, port: 80 }\n  priority: 10\n  conditions: { pathPatterns: ["/api*"] }\n  action:\n    forward:\n      targetGroups:\n        - { targetGroup: canary-blue, weight: ${c.blue} }\n        - { targetGroup: canary-green, weight: ${c.green} }\n${stickiness}`,
    ...(c.beta === undefined
      ? []
      : [
          `apiVersion: ecs-reconciler/v1\nkind: ListenerRule\nmetadata: { name: canary-beta }\nspec:\n  listener: { loadBalancer: canary-alb, port: 80 }\n  priority: 5\n  conditions:\n` +
            `    httpHeaders: [{ name: X-Canary, values: [${c.beta.headers.join(', ')}] }]\n` +
            `    queryStrings: [${c.beta.query.map((q) => `{ ${q.key === undefined ? '' : `key: ${q.key}, `}value: ${q.value} }`).join(', ')}]\n` +
            `  action: { forward: { targetGroup: canary-green } }\n`,
        ]),
    ...(c.https === undefined
      ? []
      : [
          `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: canary-https }\nspec:\n  loadBalancer: canary-alb\n  port: 443\n  protocol: HTTPS\n` +
            `  certificateArn: ${c.https.certificate}\n  additionalCertificates: [${c.https.additional.join(', ')}]\n  defaultAction: { fixedResponse: { statusCode: 404 } }\n`,
        ]),
    ...(c.nlb === undefined
      ? []
      : [
          `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: canary-db }\nspec:\n  vpcId: ${vpcId}\n  protocol: TCP\n  port: 5432\n  targetType: ip\n` +
            `  healthCheck: { protocol: TCP, intervalSeconds: ${c.nlb.interval}, healthyThreshold: 3, unhealthyThreshold: 3 }\n`,
          `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: canary-db }\nspec:\n  loadBalancer: canary-nlb\n  port: 5432\n  protocol: TCP\n  defaultAction: { forward: { targetGroup: canary-db } }\n`,
          ...(c.nlb.tls === undefined
            ? []
            : [
                `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: canary-tls }\nspec:\n  loadBalancer: canary-nlb\n  port: 443\n  protocol: TLS\n` +
                  `  certificateArn: ${c.nlb.tls.certificate}\n  alpnPolicy: ${c.nlb.tls.alpn}\n  defaultAction: { forward: { targetGroup: canary-db } }\n`,
              ]),
        ]),
    ...(c.grpc === undefined
      ? []
      : [
          `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: canary-grpc }\nspec:\n  vpcId: ${vpcId}\n  protocol: HTTP\n  protocolVersion: ${c.grpc}\n  port: 50051\n  healthCheck: { path: /grpc.health.v1.Health/Check }\n`,
        ]),
  ].join('---\n');
}

function applyCanary(change: Partial<Canary>) {
  current = { ...current, ...change };
  return applyWith(proxy, dir, 'canary.yaml', canaryYaml(current));
}

async function canaryRule(priority = '10'): Promise<Rule> {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'canary-alb', 80) }));
  const rule = (Rules ?? []).find((r) => r.Priority === priority);
  if (rule === undefined) throw new Error(`rule at priority ${priority} not found`);
  return rule;
}

async function arnOf(name: string): Promise<string> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
  const tg = TargetGroups?.find((t) => t.TargetGroupName === name);
  if (tg?.TargetGroupArn === undefined) throw new Error(`${name} not found`);
  return tg.TargetGroupArn;
}

/** name -> weight of the rule's forward, and its stickiness, as moto holds them. */
async function liveForward(): Promise<{ weights: Record<string, number>; stickiness: unknown }> {
  const { TargetGroups } = await clients.elbv2.send(new DescribeTargetGroupsCommand({}));
  const nameOf = new Map((TargetGroups ?? []).map((t) => [t.TargetGroupArn, t.TargetGroupName]));
  const forward = (await canaryRule()).Actions?.[0]?.ForwardConfig;
  return {
    weights: Object.fromEntries((forward?.TargetGroups ?? []).map((t) => [nameOf.get(t.TargetGroupArn) ?? t.TargetGroupArn, t.Weight])),
    stickiness: forward?.TargetGroupStickinessConfig,
  };
}

/** The daemon's cycle report for one apply: the rollout.applied lines it logs. */
async function rolloutLines(run: ApplyRun): Promise<Record<string, unknown>[]> {
  const lines: Record<string, unknown>[] = [];
  const quiet = () => undefined;
  const logger = { info: (o: Record<string, unknown>) => lines.push(o), warn: quiet, error: quiet, debug: quiet, child: () => logger } as never;
  const deps = {
    logger,
    incidents: new DriftIncidents({ notify: quiet }),
    status: { setResources: quiet, setOutlook: quiet } as never,
    metrics: { recordDrift: quiet, setResourceStates: quiet, setRolloutsInProgress: quiet, recordRollout: quiet } as never,
    dryRun: false,
  };
  reportCycle(deps, { revision: 'c2', state: await loadOk(dir) }, run.plan, run.report);
  return lines.filter((l) => l.event === 'rollout.applied');
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  vpcId = await createVpc(clients, 'canary-vpc', '10.13.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.13.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.13.2.0/24', az: 'us-east-1b' },
  ]);
  const sg = await createSecurityGroup(clients, vpcId, 'canary-alb-sg', 'alb');
  await createAlb(clients, 'canary-alb', subnets, [sg]);
  await clients.elbv2.send(new CreateLoadBalancerCommand({ Name: 'canary-nlb', Type: 'network', Scheme: 'internal', Subnets: subnets }));
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-weighted-'));
});

afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('a weighted forward with group stickiness (in order, one world)', () => {
  it('creates the 90/10 canary with stickiness; the next plan is empty', async () => {
    const { report, ops, lines } = await applyCanary({});
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'CreateTargetGroup', 'CreateListener', 'CreateRule']);
    expect(await liveForward()).toEqual({ weights: { 'canary-blue': 90, 'canary-green': 10 }, stickiness: { Enabled: true, DurationSeconds: 3600 } });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a commit moving the weights to 50/50 is one ModifyRule and one rollout.applied line', async () => {
    const run = await applyCanary({ blue: 50, green: 50 });
    expect(run.report.ok, run.lines.join('\n')).toBe(true);
    expect(run.ops.filter((op) => op !== 'AddTags')).toEqual(['ModifyRule']);
    expect(run.report.outcomes).toEqual([expect.objectContaining({ id: 'ListenerRule/canary-api', cause: 'rollout', status: 'applied' })]);
    const rollouts = await rolloutLines(run);
    expect(rollouts).toEqual([
      expect.objectContaining({
        resource: 'ListenerRule/canary-api',
        commit: 'c2',
        fields: [{ path: 'action', live: 'forward canary-blue (weight 90), canary-green (weight 10), stickiness 3600s', desired: 'forward canary-blue (weight 50), canary-green (weight 50), stickiness 3600s' }],
      }),
    ]);
    expect((await liveForward()).weights).toEqual({ 'canary-blue': 50, 'canary-green': 50 });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('weights changed by hand are DRIFT with both weight sets; one apply corrects them', async () => {
    const rule = await canaryRule();
    const [blue, green] = [await arnOf('canary-blue'), await arnOf('canary-green')];
    await clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: rule.RuleArn,
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 20 }, { TargetGroupArn: green, Weight: 80 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 } } }],
      }),
    );
    const plan = await planDir(dir, motoUrl());
    expect(pendingChanges(plan)).toEqual([
      'update ListenerRule/canary-api (drift) action: "forward canary-blue (weight 20), canary-green (weight 80), stickiness 3600s" -> "forward canary-blue (weight 50), canary-green (weight 50), stickiness 3600s"',
    ]);
    const { report, ops } = await applyCanary({});
    expect(ops).toEqual(['ModifyRule']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'ListenerRule/canary-api', cause: 'drift', status: 'applied' })]);
    expect((await liveForward()).weights).toEqual({ 'canary-blue': 50, 'canary-green': 50 });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('stickiness turned off by hand is DRIFT; apply turns it back on', async () => {
    const rule = await canaryRule();
    const [blue, green] = [await arnOf('canary-blue'), await arnOf('canary-green')];
    await clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: rule.RuleArn,
        Actions: [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: blue, Weight: 50 }, { TargetGroupArn: green, Weight: 50 }] } }],
      }),
    );
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([
      'update ListenerRule/canary-api (drift) action: "forward canary-blue (weight 50), canary-green (weight 50)" -> "forward canary-blue (weight 50), canary-green (weight 50), stickiness 3600s"',
    ]);
    const { ops } = await applyCanary({});
    expect(ops).toEqual(['ModifyRule']);
    expect((await liveForward()).stickiness).toEqual({ Enabled: true, DurationSeconds: 3600 });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('replaces a target group of the weighted forward (port change): new group, forward moved with its weights, old group deleted', async () => {
    const oldGreen = await arnOf('canary-green');
    const { report, ops, lines } = await applyCanary({ greenPort: 8081 });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'ModifyRule', 'DeleteTargetGroup']);
    const newGreen = await arnOf(alternateTargetGroupName('canary-green'));
    expect(newGreen).not.toBe(oldGreen);
    expect(await liveForward()).toEqual({
      weights: { 'canary-blue': 50, [alternateTargetGroupName('canary-green')]: 50 },
      stickiness: { Enabled: true, DurationSeconds: 3600 },
    });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});

describe('http-header and query-string conditions (in order, same world)', () => {
  const beta = { headers: ['always', 'yes'], query: [{ key: 'version', value: 'beta' }, { value: 'preview' }] };

  it('creates a rule routed by a header and query strings; the next plan is empty', async () => {
    const { report, ops, lines } = await applyCanary({ beta });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateRule']);
    const conditions = (await canaryRule('5')).Conditions ?? [];
    expect(conditions.find((c) => c.Field === 'http-header')?.HttpHeaderConfig).toEqual({ HttpHeaderName: 'X-Canary', Values: ['always', 'yes'] });
    expect(conditions.find((c) => c.Field === 'query-string')?.QueryStringConfig?.Values).toEqual([{ Value: 'preview' }, { Key: 'version', Value: 'beta' }]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a header value and a query string changed by hand are DRIFT with both values; one apply corrects them', async () => {
    const rule = await canaryRule('5');
    await clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: rule.RuleArn,
        Conditions: [
          { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['never'] } },
          { Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'version', Value: 'stable' }] } },
        ],
      }),
    );
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([
      'update ListenerRule/canary-beta (drift) conditions.httpHeaders: ["x-canary: never"] -> ["x-canary: always,yes"]; conditions.queryStrings: ["version=stable"] -> ["=preview","version=beta"]',
    ]);
    const { report, ops } = await applyCanary({});
    expect(ops).toEqual(['ModifyRule']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'ListenerRule/canary-beta', cause: 'drift', status: 'applied' })]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a commit changing the query strings is a rollout of one ModifyRule', async () => {
    const { report, ops } = await applyCanary({ beta: { ...beta, query: [{ key: 'version', value: 'beta2' }] } });
    expect(ops.filter((op) => op !== 'AddTags')).toEqual(['ModifyRule']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'ListenerRule/canary-beta', cause: 'rollout', status: 'applied' })]);
    expect((await canaryRule('5')).Conditions?.find((c) => c.Field === 'query-string')?.QueryStringConfig?.Values).toEqual([{ Key: 'version', Value: 'beta2' }]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});

describe('SNI certificates on an HTTPS listener (in order, same world)', () => {
  let certs: Record<'main' | 'api' | 'shop' | 'other', string>;
  const sni = async (): Promise<{ arn: string; isDefault: boolean }[]> => {
    const { Certificates } = await clients.elbv2.send(new DescribeListenerCertificatesCommand({ ListenerArn: await listenerArn(clients, 'canary-alb', 443) }));
    return (Certificates ?? []).map((c) => ({ arn: c.CertificateArn!, isDefault: c.IsDefault === true }));
  };

  beforeAll(async () => {
    const [main, api, shop, other] = await Promise.all(
      ['example.com', 'api.example.com', 'shop.example.com', 'other.example.com'].map((d) => requestMotoCertificate(motoUrl(), d)),
    );
    certs = { main: main!, api: api!, shop: shop!, other: other! };
  });

  it('creates the listener with its default certificate, then adds the SNI certificates; the next plan is empty', async () => {
    const { report, ops, lines } = await applyCanary({ https: { certificate: certs.main, additional: [certs.api, certs.shop] } });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateListener', 'AddListenerCertificates']);
    const live = await sni();
    expect(live.filter((c) => c.isDefault).map((c) => c.arn)).toEqual([certs.main]);
    expect(live.filter((c) => !c.isDefault).map((c) => c.arn).sort()).toEqual([certs.api, certs.shop].sort());
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('reads them with one DescribeListenerCertificates, for the one listener that declares them', async () => {
    proxy.resetCounts();
    expect(pendingChanges(await planDir(dir, proxy.url))).toEqual([]);
    expect(proxy.count('elbv2', 'DescribeListenerCertificates')).toBe(1);
  });

  it('an SNI certificate swapped by hand is DRIFT with both sets; apply adds and removes one each', async () => {
    const arn = await listenerArn(clients, 'canary-alb', 443);
    await clients.elbv2.send(new RemoveListenerCertificatesCommand({ ListenerArn: arn, Certificates: [{ CertificateArn: certs.shop }] }));
    await clients.elbv2.send(new AddListenerCertificatesCommand({ ListenerArn: arn, Certificates: [{ CertificateArn: certs.other }] }));
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([
      `update Listener/canary-https (drift) additionalCertificates: ${JSON.stringify([certs.api, certs.other].sort())} -> ${JSON.stringify([certs.api, certs.shop].sort())}`,
    ]);
    const { ops } = await applyCanary({});
    expect(ops).toEqual(['AddListenerCertificates', 'RemoveListenerCertificates']);
    expect((await sni()).map((c) => c.arn).sort()).toEqual([certs.main, certs.api, certs.shop].sort());
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a commit dropping one is one RemoveListenerCertificates', async () => {
    const { report, ops } = await applyCanary({ https: { certificate: certs.main, additional: [certs.api] } });
    expect(ops.filter((op) => op !== 'AddTags')).toEqual(['RemoveListenerCertificates']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'Listener/canary-https', cause: 'rollout', status: 'applied' })]);
    expect((await sni()).map((c) => c.arn)).toEqual([certs.main, certs.api]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});

describe('a network load balancer: TCP and TLS listeners, a TCP health check; a GRPC target group (in order, same world)', () => {
  let cert: string;
  beforeAll(async () => {
    cert = await requestMotoCertificate(motoUrl(), 'db.example.com');
  });
  const tgOf = async (name: string) => (await clients.elbv2.send(new DescribeTargetGroupsCommand({ Names: [name] }))).TargetGroups![0]!;

  it('creates the TCP target group, the TCP listener and the TLS listener with its ALPN policy; the next plan is empty', async () => {
    const { report, ops, lines } = await applyCanary({ nlb: { interval: 10, tls: { certificate: cert, alpn: 'HTTP2Preferred' } } });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'CreateListener', 'CreateListener']);
    const tg = await tgOf('canary-db');
    expect([tg.Protocol, tg.HealthCheckProtocol, tg.HealthCheckIntervalSeconds]).toEqual(['TCP', 'TCP', 10]);
    const { Listeners } = await clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [await listenerArn(clients, 'canary-nlb', 443)] }));
    expect([Listeners![0]!.Protocol, Listeners![0]!.AlpnPolicy]).toEqual(['TLS', ['HTTP2Preferred']]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a TCP health check changed by hand is DRIFT; one apply corrects it', async () => {
    await clients.elbv2.send(new ModifyTargetGroupCommand({ TargetGroupArn: (await tgOf('canary-db')).TargetGroupArn, HealthCheckIntervalSeconds: 30 }));
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual(['update TargetGroup/canary-db (drift) healthCheck.intervalSeconds: 30 -> 10']);
    const { ops } = await applyCanary({});
    expect(ops).toEqual(['ModifyTargetGroup']);
    expect((await tgOf('canary-db')).HealthCheckIntervalSeconds).toBe(10);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('the ALPN policy: moto ignores AlpnPolicy in ModifyListener (test/README.md), so its drift is a unit plan test', async () => {
    const arn = await listenerArn(clients, 'canary-nlb', 443);
    await clients.elbv2.send(new ModifyListenerCommand({ ListenerArn: arn, AlpnPolicy: ['HTTP1Only'] }));
    const { Listeners } = await clients.elbv2.send(new DescribeListenersCommand({ ListenerArns: [arn] }));
    expect(Listeners![0]!.AlpnPolicy).toEqual(['HTTP2Preferred']);
  });

  it('creates a GRPC target group; a new protocolVersion in the files replaces it', async () => {
    const first = await applyCanary({ grpc: 'GRPC' });
    expect(first.ops).toEqual(['CreateTargetGroup']);
    expect((await tgOf('canary-grpc')).ProtocolVersion).toBe('GRPC');
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
    const { report, ops, lines } = await applyCanary({ grpc: 'HTTP2' });
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'DeleteTargetGroup']);
    expect((await tgOf(alternateTargetGroupName('canary-grpc'))).ProtocolVersion).toBe('HTTP2');
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});

