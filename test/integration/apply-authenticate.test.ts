// Action chains against moto, through the fault proxy: a rule on an HTTPS listener that runs
// authenticate-oidc before its forward, the client secret read from an SSM SecureString at apply
// time (one GetParameter WithDecryption on create, none on a ModifyRule that keeps the client:
// UseExistingClientSecret), never in a log line or the plan. Then the round trip: plan empty, the
// issuer and scope changed by hand are DRIFT with both values, one apply corrects them. In order,
// on one world.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DescribeRulesCommand, ModifyRuleCommand, type Rule } from '@aws-sdk/client-elastic-load-balancing-v2';
import { PutParameterCommand, SSMClient } from '@aws-sdk/client-ssm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, TEST_CREDENTIALS, TEST_REGION, type TestClients } from '../../src/demo/aws-demo-clients.js';
import { createAlb, createSecurityGroup, createSubnets, createVpc, listenerArn } from '../../src/demo/worlds/world-building-blocks.js';
import { requestEmulatorCertificate } from '../../src/demo/worlds/acm-certificates.js';
import { formatPlan } from '../../src/reconcilers/format-plan.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';
import { applyWith, pendingChanges, planDir } from './apply-support.js';

const SECRET = 'oidc-client-secret-value-5f3a';
const PARAMETER = '/shop/oidc-client-secret';

let clients: TestClients;
let ssm: SSMClient;
let proxy: FaultProxy;
let dir: string;
let vpcId: string;
let certificate: string;

function yaml(o: { scope?: string } = {}): string {
  return [
    `apiVersion: ecs-reconciler/v1\nkind: TargetGroup\nmetadata: { name: auth-app }\nspec:\n  vpcId: ${vpcId}\n  protocol: HTTP\n  port: 80\n  healthCheck: { path: /health }\n`,
    `apiVersion: ecs-reconciler/v1\nkind: Listener\nmetadata: { name: auth-https }\nspec:\n  loadBalancer: auth-alb\n  port: 443\n  protocol: HTTPS\n  certificateArn: ${certificate}\n  defaultAction: { fixedResponse: { statusCode: 404 } }\n`,
    `apiVersion: ecs-reconciler/v1\nkind: ListenerRule\nmetadata: { name: auth-admin }\nspec:\n  listener: { loadBalancer: auth-alb, port: 443 }\n  priority: 10\n  conditions: { pathPatterns: ["/admin*"] }\n  actions:\n` +
      `    - type: authenticate-oidc\n      authenticateOidcConfig:\n        issuer: https://id.example.com\n        authorizationEndpoint: https://id.example.com/authorize\n` +
      `        tokenEndpoint: https://id.example.com/token\n        userInfoEndpoint: https://id.example.com/userinfo\n        clientId: shop-admin\n` +
      `        clientSecretFrom: { ssmParameter: ${PARAMETER} }\n${o.scope === undefined ? '' : `        scope: ${o.scope}\n`}` +
      `    - forward: { targetGroup: auth-app }\n`,
  ].join('---\n');
}

async function adminRule(): Promise<Rule> {
  const { Rules } = await clients.elbv2.send(new DescribeRulesCommand({ ListenerArn: await listenerArn(clients, 'auth-alb', 443) }));
  const rule = (Rules ?? []).find((r) => r.Priority === '10');
  if (rule === undefined) throw new Error('rule at priority 10 not found');
  return rule;
}

beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  ssm = new SSMClient({ endpoint: motoUrl(), region: TEST_REGION, credentials: { ...TEST_CREDENTIALS } });
  vpcId = await createVpc(clients, 'auth-vpc', '10.14.0.0/16');
  const subnets = await createSubnets(clients, vpcId, [
    { name: 'a', cidr: '10.14.1.0/24', az: 'us-east-1a' },
    { name: 'b', cidr: '10.14.2.0/24', az: 'us-east-1b' },
  ]);
  await createAlb(clients, 'auth-alb', subnets, [await createSecurityGroup(clients, vpcId, 'auth-alb-sg', 'alb')]);
  certificate = await requestEmulatorCertificate(motoUrl(), 'shop.example.com');
  await ssm.send(new PutParameterCommand({ Name: PARAMETER, Value: SECRET, Type: 'SecureString', Overwrite: true }));
  proxy = new FaultProxy({ target: motoUrl() });
  await proxy.start();
  dir = mkdtempSync(join(tmpdir(), 'apply-authenticate-'));
});

afterAll(async () => {
  clients.destroy();
  ssm.destroy();
  await proxy.stop();
});

describe('authenticate-oidc before a forward (in order, one world)', () => {
  it('creates the rule with the secret read once from SSM, in Order 1 and 2; the next plan is empty', async () => {
    const { report, ops, lines } = await applyWith(proxy, dir, 'auth.yaml', yaml());
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['CreateTargetGroup', 'CreateListener', 'CreateRule']);
    expect(proxy.count('ssm', 'GetParameter')).toBe(1);
    expect(lines.join('\n')).not.toContain(SECRET);
    const actions = [...((await adminRule()).Actions ?? [])].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
    expect(actions.map((a) => [a.Type, a.Order])).toEqual([['authenticate-oidc', 1], ['forward', 2]]);
    expect(actions[0]?.AuthenticateOidcConfig).toMatchObject({ Issuer: 'https://id.example.com', ClientId: 'shop-admin', Scope: 'openid', SessionTimeout: 604800 });
    // moto keeps and returns the ClientSecret sent (AWS never returns it): it is the SSM value
    expect(actions[0]?.AuthenticateOidcConfig?.ClientSecret).toBe(SECRET);
    const plan = await planDir(dir, motoUrl());
    expect(pendingChanges(plan)).toEqual([]);
    expect(JSON.stringify(plan)).not.toContain(SECRET);
  });

  it('the issuer and the scope changed by hand are DRIFT with both values; apply corrects them without reading the secret', async () => {
    const rule = await adminRule();
    const actions = [...(rule.Actions ?? [])].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
    const oidc = actions[0]!.AuthenticateOidcConfig!;
    await clients.elbv2.send(
      new ModifyRuleCommand({
        RuleArn: rule.RuleArn,
        Actions: [
          { ...actions[0]!, AuthenticateOidcConfig: { ...oidc, Issuer: 'https://evil.example.com', Scope: 'openid email' } },
          actions[1]!,
        ],
      }),
    );
    const plan = await planDir(dir, motoUrl());
    expect(pendingChanges(plan)).toEqual([
      'update ListenerRule/auth-admin (drift) actions[0].authenticateOidcConfig.issuer: "https://evil.example.com" -> "https://id.example.com"; actions[0].authenticateOidcConfig.scope: "openid email" -> "openid"',
    ]);
    expect(formatPlan(plan)).not.toContain(SECRET);
    const { report, ops, lines } = await applyWith(proxy, dir, 'auth.yaml', yaml());
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['ModifyRule']);
    expect(proxy.count('ssm', 'GetParameter')).toBe(0);
    const fixed = [...((await adminRule()).Actions ?? [])].sort((a, b) => (a.Order ?? 0) - (b.Order ?? 0));
    expect(fixed[0]?.AuthenticateOidcConfig).toMatchObject({ Issuer: 'https://id.example.com', Scope: 'openid', UseExistingClientSecret: true });
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });

  it('a commit changing the scope is one ModifyRule (a rollout); the plan after it is empty', async () => {
    const { report, ops, lines } = await applyWith(proxy, dir, 'auth.yaml', yaml({ scope: 'openid profile' }));
    expect(report.ok, lines.join('\n')).toBe(true);
    expect(ops).toEqual(['ModifyRule', 'AddTags']);
    expect(report.outcomes).toEqual([expect.objectContaining({ id: 'ListenerRule/auth-admin', cause: 'rollout', status: 'applied' })]);
    expect(pendingChanges(await planDir(dir, motoUrl()))).toEqual([]);
  });
});
