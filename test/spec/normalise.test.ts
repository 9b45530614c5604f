// Normalisation: every default the loader fills in, and the shapes plan() compares.
import { describe, expect, it } from 'vitest';
import type { DesiredState } from '../../src/spec/types.js';
import { expectState, ingressDoc, join, listenerDoc, loadText, ruleDoc, serviceDoc, targetGroupDoc } from './spec-test-docs.js';
import { specHash } from '../../src/spec/spec-hash.js';

const tg = (spec = ''): DesiredState['targetGroups'][number] => expectState(loadText(targetGroupDoc('tg', spec))).targetGroups[0]!;
const svc = (opts: Parameters<typeof serviceDoc>[1] = {}): DesiredState['services'][number] => expectState(loadText(serviceDoc('api', opts))).services[0]!;
const rule = (opts: Parameters<typeof ruleDoc>[1] = {}): DesiredState['listenerRules'][number] =>
  expectState(loadText(join(targetGroupDoc(), ruleDoc('r', opts)))).listenerRules[0]!;
const ingress = (rules: string, extra = ''): DesiredState['securityGroupIngress'][number] => expectState(loadText(ingressDoc('i', rules, extra))).securityGroupIngress[0]!;

describe('metadata defaults', () => {
  it.each([
    ['policy defaults to enforce', '{ name: tg }', { policy: 'enforce', ignore: [] }],
    ['policy observe kept', '{ name: tg, policy: observe }', { policy: 'observe', ignore: [] }],
    ['ignore de-duplicated, order kept', '{ name: tg, ignore: [port, healthCheck.path, port] }', { policy: 'enforce', ignore: ['port', 'healthCheck.path'] }],
  ])('%s', (_name, metadata, expected) => {
    const r = expectState(loadText(targetGroupDoc('tg').replace('{ name: tg }', metadata))).targetGroups[0]!;
    expect({ policy: r.policy, ignore: r.ignore }).toEqual(expected);
    expect(r).toMatchObject({ kind: 'TargetGroup', name: 'tg', id: 'TargetGroup/tg', source: { file: 'a.yaml', line: 1, col: 1 } });
  });
});

describe('TargetGroup', () => {
  it.each([
    ['targetType instance, healthCheck sparse, attributes and tags empty', '', { targetType: 'instance', healthCheck: {}, attributes: {}, tags: {} }],
    ['health check port and matcher become strings', '  healthCheck: { port: 8080, matcher: 200 }\n', { healthCheck: { port: '8080', matcher: '200' } }],
    ['traffic-port kept', '  healthCheck: { port: traffic-port }\n', { healthCheck: { port: 'traffic-port' } }],
    ['protocolVersion kept when declared', '  protocolVersion: GRPC\n', { protocolVersion: 'GRPC' }],
    ['attribute values become strings', '  attributes: { deregistration_delay.timeout_seconds: 30, stickiness.enabled: true }\n',
      { attributes: { 'deregistration_delay.timeout_seconds': '30', 'stickiness.enabled': 'true' } }],
  ])('%s', (_name, spec, expected) => {
    expect(tg(spec).spec).toMatchObject(expected);
  });

  it('a TCP target group with a TCP health check', () => {
    const r = expectState(loadText(targetGroupDoc('tg', '  healthCheck: { protocol: TCP, intervalSeconds: 10 }\n').replace('protocol: HTTP\n', 'protocol: TCP\n'))).targetGroups[0]!;
    expect(r.spec).toMatchObject({ protocol: 'TCP', healthCheck: { protocol: 'TCP', intervalSeconds: 10 } });
  });

  it('has no protocolVersion unless declared (its spec hash is unchanged)', () => {
    expect('protocolVersion' in tg().spec).toBe(false);
  });

  it('keeps exactly the health check fields given', () => {
    expect(Object.keys(tg('  healthCheck: { path: /ping, intervalSeconds: 60 }\n').spec.healthCheck).sort()).toEqual(['intervalSeconds', 'path']);
  });
});

describe('actions', () => {
  it.each([
    ['forward by name', '    forward: { targetGroup: users-tg }\n', { type: 'forward', targetGroup: { name: 'users-tg' } }],
    ['forward by ARN', '    forward: { targetGroup: "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/x/0f1a" }\n',
      { type: 'forward', targetGroup: { arn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/x/0f1a' } }],
    ['fixed response, status as a string', '    fixedResponse: { statusCode: 404, contentType: text/plain, messageBody: Resource not found }\n',
      { type: 'fixed-response', statusCode: '404', contentType: 'text/plain', messageBody: 'Resource not found' }],
    ['fixed response, sparse', '    fixedResponse: { statusCode: "503" }\n', { type: 'fixed-response', statusCode: '503' }],
    ['redirect, port as a string', '    redirect: { statusCode: HTTP_301, protocol: HTTPS, port: 443 }\n', { type: 'redirect', statusCode: 'HTTP_301', protocol: 'HTTPS', port: '443' }],
    ['weighted forward: sorted by target group, AWS default weight 1, disabled stickiness dropped',
      '    forward:\n      targetGroups: [{ targetGroup: users-tg, weight: 90 }, { targetGroup: "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/beta/0f1a" }]\n      stickiness: { enabled: false }\n',
      { type: 'forward', targetGroups: [{ targetGroup: { arn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/beta/0f1a' }, weight: 1 }, { targetGroup: { name: 'users-tg' }, weight: 90 }] }],
    ['weighted forward with enabled stickiness kept',
      '    forward:\n      targetGroups: [{ targetGroup: users-tg, weight: 0 }]\n      stickiness: { enabled: true, durationSeconds: 3600 }\n',
      { type: 'forward', targetGroups: [{ targetGroup: { name: 'users-tg' }, weight: 0 }], stickiness: { enabled: true, durationSeconds: 3600 } }],
  ])('%s', (_name, action, expected) => {
    expect(rule({ action }).spec.action).toEqual(expected);
  });

  it.each<[string, string, unknown]>([
    ['additionalCertificates left out: not managed', '', undefined],
    ['additionalCertificates sorted', '  additionalCertificates: ["arn:aws:acm:us-east-1:123456789012:certificate/b", "arn:aws:acm:us-east-1:123456789012:certificate/a"]\n',
      ['arn:aws:acm:us-east-1:123456789012:certificate/a', 'arn:aws:acm:us-east-1:123456789012:certificate/b']],
    ['additionalCertificates: [] kept (exactly none)', '  additionalCertificates: []\n', []],
  ])('listener: %s', (_name, extra, expected) => {
    const spec = `  port: 443\n  protocol: HTTPS\n  certificateArn: "arn:aws:acm:us-east-1:123456789012:certificate/main"\n${extra}`;
    expect(expectState(loadText(listenerDoc('l', spec))).listeners[0]!.spec.additionalCertificates).toEqual(expected);
  });

  it('normalises a listener default action the same way', () => {
    const l = expectState(loadText(listenerDoc('l'))).listeners[0]!;
    expect(l.spec).toEqual({ loadBalancer: 'web-alb', port: 80, protocol: 'HTTP', defaultAction: { type: 'fixed-response', statusCode: '404' } });
  });
});

describe('ListenerRule', () => {
  it('sorts and de-duplicates each condition list; absent lists are empty', () => {
    const r = rule({ conditions: '    pathPatterns: ["/b*", "/a", "/b*"]\n    sourceIps: ["2001:DB8::/32"]\n' });
    expect(r.spec.conditions).toEqual({ pathPatterns: ['/a', '/b*'], hostHeaders: [], httpRequestMethods: [], sourceIps: ['2001:db8::/32'] });
  });

  it.each([
    ['http headers sorted by name, values sorted and de-duplicated',
      '    httpHeaders: [{ name: X-Env, values: [prod, beta, prod] }, { name: X-Canary, values: [always] }]\n',
      { httpHeaders: [{ name: 'X-Canary', values: ['always'] }, { name: 'X-Env', values: ['beta', 'prod'] }] }],
    ['query strings sorted, duplicates dropped, a pair without a key kept without one',
      '    queryStrings: [{ key: version, value: beta }, { value: preview }, { key: version, value: beta }]\n',
      { queryStrings: [{ value: 'preview' }, { key: 'version', value: 'beta' }] }],
  ])('%s', (_name, conditions, expected) => {
    expect(rule({ conditions }).spec.conditions).toEqual({ pathPatterns: [], hostHeaders: [], httpRequestMethods: [], sourceIps: [], ...expected });
  });

  it('a rule without http-header or query-string conditions has neither key (its spec hash is unchanged)', () => {
    expect(Object.keys(rule({}).spec.conditions).sort()).toEqual(['hostHeaders', 'httpRequestMethods', 'pathPatterns', 'sourceIps']);
  });

  it.each([
    ['{ loadBalancer: web-alb, port: 80 }', { loadBalancer: 'web-alb', port: 80 }],
    ['{ arn: "arn:aws:elasticloadbalancing:us-east-2:123456789012:listener/app/a/1/2" }', { arn: 'arn:aws:elasticloadbalancing:us-east-2:123456789012:listener/app/a/1/2' }],
  ])('listener %s', (listener, expected) => {
    expect(rule({ listener }).spec.listener).toEqual(expected);
  });
});

describe('SecurityGroupIngress', () => {
  it.each([
    ['port -> fromPort = toPort', '    - { protocol: tcp, port: 5432, source: { securityGroup: sg-0a } }\n',
      [{ protocol: 'tcp', fromPort: 5432, toPort: 5432, source: { type: 'securityGroup', value: 'sg-0a' } }]],
    ['all -> -1/-1', '    - { protocol: all, source: { prefixList: pl-0a } }\n', [{ protocol: 'all', fromPort: -1, toPort: -1, source: { type: 'prefixList', value: 'pl-0a' } }]],
    ['icmp defaults to every type and code', '    - { protocol: icmp, source: { cidr: 0.0.0.0/0 } }\n', [{ protocol: 'icmp', fromPort: -1, toPort: -1, source: { type: 'cidr', value: '0.0.0.0/0' } }]],
    ['range and description kept', '    - { protocol: udp, fromPort: 1000, toPort: 2000, source: { ipv6Cidr: "2001:DB8::/32" }, description: dns }\n',
      [{ protocol: 'udp', fromPort: 1000, toPort: 2000, source: { type: 'ipv6Cidr', value: '2001:db8::/32' }, description: 'dns' }]],
  ])('%s', (_name, rules, expected) => {
    expect(ingress(rules).spec.rules).toEqual(expected);
  });

  it('defaults exclusive to false and sorts rules by ingressRuleKey', () => {
    const r = ingress('    - { protocol: tcp, port: 80, source: { cidr: 10.2.0.0/24 } }\n    - { protocol: tcp, port: 3306, source: { securityGroup: sg-0b } }\n    - { protocol: all, source: { cidr: 10.0.0.0/8 } }\n');
    expect(r.spec.exclusive).toBe(false);
    expect(r.spec.rules.map((x) => `${x.protocol}/${x.fromPort}-${x.toPort}/${x.source.type}:${x.source.value}`)).toEqual([
      'all/-1--1/cidr:10.0.0.0/8',
      'tcp/3306-3306/securityGroup:sg-0b',
      'tcp/80-80/cidr:10.2.0.0/24',
    ]);
  });
});

describe('Service', () => {
  it('fills the ECS defaults', () => {
    const s = svc();
    expect(s.spec).toEqual({
      cluster: 'main',
      launchType: 'EC2',
      desiredCount: 1,
      deployment: { maximumPercent: 200, minimumHealthyPercent: 100 },
      taskDefinition: {
        family: 'api',
        networkMode: 'bridge',
        requiresCompatibilities: ['EC2'],
        containers: [
          { name: 'web', image: 'nginx:1.27', essential: true, memory: 256, portMappings: [{ containerPort: 80, hostPort: 0, protocol: 'tcp' }], environment: [], secrets: [] },
        ],
      },
      loadBalancers: [],
      tags: {},
    });
  });

  it.each([
    ['bridge', 0],
    ['host', 80],
    ['awsvpc', 80],
  ])('networkMode %s: hostPort defaults to %i', (mode, hostPort) => {
    const spec = mode === 'awsvpc' ? '  network: { subnets: [subnet-0a] }\n' : '';
    expect(svc({ td: `    networkMode: ${mode}\n`, spec }).spec.taskDefinition.containers[0]!.portMappings[0]!.hostPort).toBe(hostPort);
  });

  it('containerPortRange: kept as AWS writes it, with no single container or host port (0 on both); absent when not declared', () => {
    const opts = { td: '    networkMode: awsvpc\n', spec: '  network: { subnets: [subnet-0a] }\n' };
    const text = serviceDoc('api', opts).replace('portMappings: [{ containerPort: 80 }]', 'portMappings: [{ containerPort: 80 }, { containerPortRange: "8000-8010" }]');
    expect(expectState(loadText(text)).services[0]!.spec.taskDefinition.containers[0]!.portMappings).toEqual([
      { containerPort: 80, hostPort: 80, protocol: 'tcp' },
      { containerPort: 0, containerPortRange: '8000-8010', hostPort: 0, protocol: 'tcp' },
    ]);
    expect(svc(opts).spec.taskDefinition.containers[0]!.portMappings[0]).not.toHaveProperty('containerPortRange');
  });

  it.each([
    ['"256"', '"512"', '256', '512'],
    ['0.25 vCPU', '"1 GB"', '256', '1024'],
    ['"2 vcpu"', '4GB', '2048', '4096'],
    ['1024', '2048', '1024', '2048'],
  ])('task cpu %s / memory %s -> %s / %s', (cpu, memory, wantCpu, wantMemory) => {
    const td = svc({ top: '  launchType: FARGATE\n', td: `    cpu: ${cpu}\n    memory: ${memory}\n`, spec: '  network: { subnets: [subnet-0a] }\n' }).spec.taskDefinition;
    expect([td.cpu, td.memory, td.networkMode, td.requiresCompatibilities]).toEqual([wantCpu, wantMemory, 'awsvpc', ['FARGATE']]);
  });

  it.each([
    ['only the command: ECS defaults 30 / 5 / 3, no start period', '{ command: [CMD, /bin/check] }', { command: ['CMD', '/bin/check'], intervalSeconds: 30, timeoutSeconds: 5, retries: 3 }],
    [
      'every field given',
      '{ command: [CMD-SHELL, "curl -f localhost || exit 1"], intervalSeconds: 10, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 0 }',
      { command: ['CMD-SHELL', 'curl -f localhost || exit 1'], intervalSeconds: 10, timeoutSeconds: 3, retries: 5, startPeriodSeconds: 0 },
    ],
    ['the defaults written out equal the defaults left out', '{ command: [CMD, /bin/check], intervalSeconds: 30, timeoutSeconds: 5, retries: 3 }', { command: ['CMD', '/bin/check'], intervalSeconds: 30, timeoutSeconds: 5, retries: 3 }],
  ])('container healthCheck, %s', (_label, yaml, expected) => {
    expect(svc({ container: `        healthCheck: ${yaml}\n` }).spec.taskDefinition.containers[0]!.healthCheck).toEqual(expected);
  });

  it.each([
    ['left out: absent (the ECS default applies)', '', undefined],
    ['given', '        stopTimeout: 45\n', 45],
  ])('container stopTimeout %s', (_label, yaml, expected) => {
    expect(svc({ container: yaml }).spec.taskDefinition.containers[0]!.stopTimeout).toBe(expected);
  });

  it('a container that declares neither has neither key: content hashes of existing files stay the same', () => {
    const c = svc().spec.taskDefinition.containers[0]!;
    expect(Object.keys(c)).not.toContain('healthCheck');
    expect(Object.keys(c)).not.toContain('stopTimeout');
  });

  it('sorts environment and secrets by name and marks secret values', () => {
    const c = svc({ container: '        environment: { ZED: z, ALPHA: a, PASSWORD: { value: hunter2, secret: true } }\n        secrets: { B: arn:b, A: arn:a }\n' })
      .spec.taskDefinition.containers[0]!;
    expect(c.environment).toEqual([
      { name: 'ALPHA', value: 'a', secret: false },
      { name: 'PASSWORD', value: 'hunter2', secret: true },
      { name: 'ZED', value: 'z', secret: false },
    ]);
    expect(c.secrets).toEqual([{ name: 'A', valueFrom: 'arn:a' }, { name: 'B', valueFrom: 'arn:b' }]);
  });

  it('sorts network lists and defaults assignPublicIp to false', () => {
    const s = svc({ td: '    networkMode: awsvpc\n', spec: '  network: { subnets: [subnet-0b, subnet-0a], securityGroups: [sg-0b, sg-0a] }\n' });
    expect(s.spec.network).toEqual({ subnets: ['subnet-0a', 'subnet-0b'], securityGroups: ['sg-0a', 'sg-0b'], assignPublicIp: false });
  });

  it('resolves load balancer target groups to { name } or { arn }', () => {
    const arn = 'arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/ext/0f1a';
    const yaml = join(targetGroupDoc(), serviceDoc('api', { spec: `  loadBalancers:\n    - { targetGroup: users-tg, containerName: web, containerPort: 80 }\n    - { targetGroup: "${arn}", containerName: web, containerPort: 80 }\n` }));
    expect(expectState(loadText(yaml)).services[0]!.spec.loadBalancers.map((l) => l.targetGroup)).toEqual([{ name: 'users-tg' }, { arn }]);
  });
});

describe('specHash', () => {
  it('is the hash of the normalised spec, so equivalent spellings hash alike', () => {
    const a = tg('  healthCheck: { port: 8080 }\n  attributes: { stickiness.enabled: true }\n');
    const b = tg('  targetType: instance\n  healthCheck: { port: "8080" }\n  attributes: { stickiness.enabled: "true" }\n  tags: {}\n');
    expect(a.specHash).toBe(b.specHash);
    expect(a.specHash).toBe(specHash(a.spec));
    expect(a.specHash).toMatch(/^[0-9a-f]{16}$/);
  });

  it('changes when the spec changes', () => {
    expect(tg('  healthCheck: { path: /a }\n').specHash).not.toBe(tg('  healthCheck: { path: /b }\n').specHash);
  });
});

describe('ListenerRule action chains (actions)', () => {
  const OIDC =
    '    - type: authenticate-oidc\n      authenticateOidcConfig:\n        issuer: https://id.example\n        authorizationEndpoint: https://id.example/auth\n' +
    '        tokenEndpoint: https://id.example/token\n        userInfoEndpoint: https://id.example/me\n        clientId: web\n        clientSecretFrom: { ssmParameter: /shop/oidc }\n';
  const chain = (steps: string): DesiredState['listenerRules'][number] =>
    expectState(loadText(join(targetGroupDoc(), ruleDoc('r', { listener: '{ arn: "arn:aws:elasticloadbalancing:us-east-2:123456789012:listener/app/a/1/2" }', action: '' }).replace('  action:\n', `  actions:\n${steps}`)))).listenerRules[0]!;

  it('splits authenticate steps (AWS defaults filled in) from the terminal action', () => {
    const r = chain(`${OIDC}    - forward: { targetGroup: users-tg }\n`);
    expect(r.spec.action).toEqual({ type: 'forward', targetGroup: { name: 'users-tg' } });
    expect(r.spec.authenticate).toEqual([
      {
        type: 'authenticate-oidc',
        authenticateOidcConfig: {
          issuer: 'https://id.example',
          authorizationEndpoint: 'https://id.example/auth',
          tokenEndpoint: 'https://id.example/token',
          userInfoEndpoint: 'https://id.example/me',
          clientId: 'web',
          clientSecretFrom: { ssmParameter: '/shop/oidc' },
          scope: 'openid',
          sessionCookieName: 'AWSELBAuthSessionCookie',
          sessionTimeout: 604800,
          onUnauthenticatedRequest: 'authenticate',
        },
      },
    ]);
  });

  it('keeps given settings; cognito too; extra params sorted', () => {
    const cognito =
      '    - type: authenticate-cognito\n      authenticateCognitoConfig:\n        userPoolArn: "arn:aws:cognito-idp:us-east-2:123456789012:userpool/us-east-2_abc"\n' +
      '        userPoolClientId: c1\n        userPoolDomain: shop\n        scope: openid email\n        sessionTimeout: 3600\n        onUnauthenticatedRequest: deny\n        authenticationRequestExtraParams: { z: "1", a: "2" }\n';
    const r = chain(`${cognito}    - fixedResponse: { statusCode: 200 }\n`);
    expect(r.spec.authenticate).toEqual([
      {
        type: 'authenticate-cognito',
        authenticateCognitoConfig: {
          userPoolArn: 'arn:aws:cognito-idp:us-east-2:123456789012:userpool/us-east-2_abc',
          userPoolClientId: 'c1',
          userPoolDomain: 'shop',
          scope: 'openid email',
          sessionCookieName: 'AWSELBAuthSessionCookie',
          sessionTimeout: 3600,
          onUnauthenticatedRequest: 'deny',
          authenticationRequestExtraParams: { a: '2', z: '1' },
        },
      },
    ]);
  });

  it('a rule with the single action has no authenticate key (its spec hash is unchanged)', () => {
    expect('authenticate' in rule({}).spec).toBe(false);
  });
});
