// The normalisers' own rules, SDK shape in -> Live value out (what the plan tests build on).
import { describe, expect, it } from 'vitest';
import type { Action, RuleCondition } from '@aws-sdk/client-elastic-load-balancing-v2';
import type { SecurityGroupRule } from '@aws-sdk/client-ec2';
import { normaliseActions } from '../../src/reconcilers/shared/action-normalise.js';
import { normaliseListener } from '../../src/reconcilers/listener/normalise.js';
import { normaliseConditions, normaliseRule } from '../../src/reconcilers/listener-rule/normalise.js';
import { normaliseIngressRule, normaliseSecurityGroup } from '../../src/reconcilers/security-group-ingress/normalise.js';
import { clusterNameOf, normaliseService } from '../../src/reconcilers/service/normalise.js';
import { normaliseTargetGroup } from '../../src/reconcilers/target-group/normalise.js';
import { normaliseTaskDefinition } from '../../src/reconcilers/service/task-definition-normalise.js';
import { tagsFromAws, tagsFromEcs } from '../../src/reconcilers/shared/tags-normalise.js';

describe('actions', () => {
  it.each<[string, Action[], unknown]>([
    ['forward by TargetGroupArn', [{ Type: 'forward', TargetGroupArn: 'tg-a' }], { type: 'forward', targetGroupArn: 'tg-a' }],
    ['forward by a one-entry ForwardConfig', [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-a', Weight: 1 }] } }], { type: 'forward', targetGroupArn: 'tg-a' }],
    [
      'forward to several weighted target groups kept whole',
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-b', Weight: 20 }, { TargetGroupArn: 'tg-a', Weight: 80 }] } }],
      { type: 'forward', targetGroupArn: 'tg-a', weighted: [{ targetGroupArn: 'tg-a', weight: 80 }, { targetGroupArn: 'tg-b', weight: 20 }] },
    ],
    [
      'weighted forward with enabled stickiness',
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-b', Weight: 10 }, { TargetGroupArn: 'tg-a', Weight: 90 }], TargetGroupStickinessConfig: { Enabled: true, DurationSeconds: 3600 } } }],
      { type: 'forward', targetGroupArn: 'tg-a', weighted: [{ targetGroupArn: 'tg-a', weight: 90 }, { targetGroupArn: 'tg-b', weight: 10 }], stickiness: { enabled: true, durationSeconds: 3600 } },
    ],
    [
      'disabled stickiness (what AWS returns for every forward) dropped; a missing weight is AWS default 1',
      [{ Type: 'forward', ForwardConfig: { TargetGroups: [{ TargetGroupArn: 'tg-b' }, { TargetGroupArn: 'tg-a', Weight: 3 }], TargetGroupStickinessConfig: { Enabled: false, DurationSeconds: 60 } } }],
      { type: 'forward', targetGroupArn: 'tg-a', weighted: [{ targetGroupArn: 'tg-a', weight: 3 }, { targetGroupArn: 'tg-b', weight: 1 }] },
    ],
    ['fixed-response, empty body dropped', [{ Type: 'fixed-response', FixedResponseConfig: { StatusCode: '404', ContentType: 'text/plain', MessageBody: '' } }], { type: 'fixed-response', statusCode: '404', contentType: 'text/plain' }],
    [
      'redirect placeholders dropped',
      [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', Host: '#{host}', Path: '/#{path}', Query: '#{query}', StatusCode: 'HTTP_302' } }],
      { type: 'redirect', statusCode: 'HTTP_302', protocol: 'HTTPS', port: '443' },
    ],
    [
      'an unknown step before forward: the terminal action, with what precedes it',
      [{ Type: 'forward', Order: 2, TargetGroupArn: 'tg-a' }, { Type: 'authenticate-saml' as never, Order: 1 }],
      { type: 'forward', targetGroupArn: 'tg-a', preceding: ['authenticate-saml'] },
    ],
    [
      'authenticate-oidc before forward: AWS defaults filled in, the ClientSecret never kept, listed in Order',
      [
        { Type: 'forward', Order: 2, TargetGroupArn: 'tg-a' },
        {
          Type: 'authenticate-oidc',
          Order: 1,
          AuthenticateOidcConfig: { Issuer: 'https://id.example', AuthorizationEndpoint: 'https://id.example/auth', TokenEndpoint: 'https://id.example/token', UserInfoEndpoint: 'https://id.example/me', ClientId: 'web', ClientSecret: 's3cret', UseExistingClientSecret: true },
        },
      ],
      {
        type: 'forward',
        targetGroupArn: 'tg-a',
        preceding: ['authenticate-oidc'],
        authenticate: [
          {
            type: 'authenticate-oidc',
            authenticateOidcConfig: {
              issuer: 'https://id.example',
              authorizationEndpoint: 'https://id.example/auth',
              tokenEndpoint: 'https://id.example/token',
              userInfoEndpoint: 'https://id.example/me',
              clientId: 'web',
              scope: 'openid',
              sessionCookieName: 'AWSELBAuthSessionCookie',
              sessionTimeout: 604800,
              onUnauthenticatedRequest: 'authenticate',
            },
          },
        ],
      },
    ],
    [
      'authenticate-cognito with every setting given; empty extra params dropped, a fixed-response last',
      [
        {
          Type: 'authenticate-cognito',
          Order: 1,
          AuthenticateCognitoConfig: { UserPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc', UserPoolClientId: 'c1', UserPoolDomain: 'shop', Scope: 'openid email', SessionCookieName: 'S', SessionTimeout: 3600, OnUnauthenticatedRequest: 'deny', AuthenticationRequestExtraParams: { z: '1', a: '2' } },
        },
        { Type: 'fixed-response', Order: 2, FixedResponseConfig: { StatusCode: '200' } },
      ],
      {
        type: 'fixed-response',
        statusCode: '200',
        preceding: ['authenticate-cognito'],
        authenticate: [
          {
            type: 'authenticate-cognito',
            authenticateCognitoConfig: { userPoolArn: 'arn:aws:cognito-idp:eu-west-1:123456789012:userpool/eu-west-1_abc', userPoolClientId: 'c1', userPoolDomain: 'shop', scope: 'openid email', sessionCookieName: 'S', sessionTimeout: 3600, onUnauthenticatedRequest: 'deny', authenticationRequestExtraParams: { a: '2', z: '1' } },
          },
        ],
      },
    ],
  ])('%s', (_label, actions, expected) => {
    expect(normaliseActions(actions)).toEqual(expected);
  });
});

describe('rule conditions', () => {
  it.each<[string, RuleCondition[], Record<string, unknown[]>]>([
    ['legacy Values', [{ Field: 'path-pattern', Values: ['/b', '/a'] }], { pathPatterns: ['/a', '/b'] }],
    ['PathPatternConfig', [{ Field: 'path-pattern', PathPatternConfig: { Values: ['/b', '/a', '/a'] } }], { pathPatterns: ['/a', '/b'] }],
    ['HostHeaderConfig', [{ Field: 'host-header', HostHeaderConfig: { Values: ['b.example.com', 'a.example.com'] } }], { hostHeaders: ['a.example.com', 'b.example.com'] }],
    ['HttpRequestMethodConfig', [{ Field: 'http-request-method', HttpRequestMethodConfig: { Values: ['POST', 'GET'] } }], { httpRequestMethods: ['GET', 'POST'] }],
    ['SourceIpConfig', [{ Field: 'source-ip', SourceIpConfig: { Values: ['10.0.0.0/8'] } }], { sourceIps: ['10.0.0.0/8'] }],
    ['two conditions of one field merge', [{ Field: 'path-pattern', Values: ['/x'] }, { Field: 'path-pattern', PathPatternConfig: { Values: ['/y'] } }], { pathPatterns: ['/x', '/y'] }],
    [
      'HttpHeaderConfig: one entry per condition, values sorted',
      [{ Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Env', Values: ['prod', 'beta'] } }, { Field: 'http-header', HttpHeaderConfig: { HttpHeaderName: 'X-Canary', Values: ['always'] } }],
      { httpHeaders: [{ name: 'X-Canary', values: ['always'] }, { name: 'X-Env', values: ['beta', 'prod'] }] },
    ],
    [
      'QueryStringConfig: the pairs of every query-string condition in one sorted list, an empty key dropped',
      [{ Field: 'query-string', QueryStringConfig: { Values: [{ Key: 'v', Value: '2' }] } }, { Field: 'query-string', QueryStringConfig: { Values: [{ Key: '', Value: 'beta' }, { Key: 'v', Value: '2' }] } }],
      { queryStrings: [{ value: 'beta' }, { key: 'v', value: '2' }] },
    ],
    [
      'what the spec cannot express (regex values, unknown fields) is kept aside',
      [{ Field: 'host-header', HostHeaderConfig: { RegexValues: ['^a.*$'] } }, { Field: 'geo', Values: ['eu'] }],
      { unsupported: ['geo=eu', 'host-header~^a.*$'] },
    ],
  ])('%s', (_label, conditions, expected) => {
    expect(normaliseConditions(conditions)).toEqual({ pathPatterns: [], hostHeaders: [], httpRequestMethods: [], sourceIps: [], unsupported: [], ...expected });
  });

  it('priority string to number; default rule to undefined', () => {
    expect(normaliseRule({ RuleArn: 'r', Priority: '42', Conditions: [], Actions: [] }, 'l', [])?.priority).toBe(42);
    expect(normaliseRule({ RuleArn: 'r', Priority: 'default', IsDefault: true }, 'l', [])).toBeUndefined();
  });
});

describe('security-group rules', () => {
  it.each<[string, Partial<SecurityGroupRule>, unknown]>([
    ['-1 is all with ports -1', { IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '0.0.0.0/0' }, { protocol: 'all', fromPort: -1, toPort: -1 }],
    ['6 is tcp', { IpProtocol: '6', FromPort: 80, ToPort: 80, CidrIpv4: '0.0.0.0/0' }, { protocol: 'tcp', fromPort: 80, toPort: 80 }],
    ['17 is udp', { IpProtocol: '17', FromPort: 53, ToPort: 53, CidrIpv4: '0.0.0.0/0' }, { protocol: 'udp' }],
    ['1 is icmp', { IpProtocol: '1', FromPort: 8, ToPort: -1, CidrIpv4: '0.0.0.0/0' }, { protocol: 'icmp', fromPort: 8, toPort: -1 }],
    ['icmpv6 passes through', { IpProtocol: '58', FromPort: -1, ToPort: -1, CidrIpv6: '::/0' }, { protocol: '58' }],
    ['source group', { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, ReferencedGroupInfo: { GroupId: 'sg-x', UserId: '1' } }, { source: { type: 'securityGroup', value: 'sg-x' } }],
    ['prefix list', { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, PrefixListId: 'pl-1' }, { source: { type: 'prefixList', value: 'pl-1' } }],
    ['description kept', { IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '1.2.3.4/32', Description: 'office' }, { description: 'office' }],
  ])('%s', (_label, sdk, expected) => {
    expect(normaliseIngressRule({ SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, ...sdk })).toMatchObject(expected as object);
  });

  it("fills a rule's missing description from the group's IpPermissions (same permission only)", () => {
    const g = normaliseSecurityGroup(
      {
        GroupId: 'sg-1',
        IpPermissions: [
          { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, UserIdGroupPairs: [{ GroupId: 'sg-app', Description: 'app to db' }] },
          { IpProtocol: '-1', IpRanges: [{ CidrIp: '10.0.0.0/8', Description: 'vpc' }] },
        ],
      },
      [
        { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, ReferencedGroupInfo: { GroupId: 'sg-app' } },
        { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-1', IsEgress: false, IpProtocol: '-1', FromPort: -1, ToPort: -1, CidrIpv4: '10.0.0.0/8' },
        { SecurityGroupRuleId: 'sgr-3', GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp', FromPort: 5433, ToPort: 5433, ReferencedGroupInfo: { GroupId: 'sg-app' } },
        { SecurityGroupRuleId: 'sgr-4', GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, CidrIpv4: '10.0.0.0/8', Description: 'own' },
      ],
    );
    expect(Object.fromEntries(g.rules.map((r) => [r.ruleId, r.description]))).toEqual({ 'sgr-1': 'app to db', 'sgr-2': 'vpc', 'sgr-3': undefined, 'sgr-4': 'own' });
  });

  it('drops egress and rules of other groups; sorts by key', () => {
    const g = normaliseSecurityGroup({ GroupId: 'sg-1', VpcId: 'vpc-1', Tags: [{ Key: 'a', Value: 'b' }] }, [
      { SecurityGroupRuleId: 'sgr-3', GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp', FromPort: 80, ToPort: 80, CidrIpv4: '10.0.0.0/8' },
      { SecurityGroupRuleId: 'sgr-2', GroupId: 'sg-1', IsEgress: true, IpProtocol: '-1', CidrIpv4: '0.0.0.0/0' },
      { SecurityGroupRuleId: 'sgr-9', GroupId: 'sg-2', IsEgress: false, IpProtocol: 'tcp', FromPort: 1, ToPort: 1, CidrIpv4: '10.0.0.0/8' },
      { SecurityGroupRuleId: 'sgr-1', GroupId: 'sg-1', IsEgress: false, IpProtocol: 'tcp', FromPort: 22, ToPort: 22, CidrIpv4: '10.0.0.0/8' },
    ]);
    expect(g.rules.map((r) => r.ruleId)).toEqual(['sgr-1', 'sgr-3']);
    expect(g.tags).toEqual({ a: 'b' });
  });
});

describe('target groups and listeners', () => {
  it('fills AWS health-check defaults only when a reply lacks them, keeps every attribute read', () => {
    const tg = normaliseTargetGroup({ TargetGroupArn: 'arn', TargetGroupName: 'n', Protocol: 'HTTP', Port: 80, VpcId: 'v', TargetType: 'ip', HealthCheckPath: '/ping' }, [{ Key: 'k', Value: 'v' }], [{ Key: 't', Value: '1' }]);
    expect(tg.healthCheck).toEqual({ path: '/ping', protocol: 'HTTP', port: 'traffic-port', intervalSeconds: 30, timeoutSeconds: 5, healthyThreshold: 5, unhealthyThreshold: 2, matcher: '200' });
    expect([tg.attributes, tg.tags, tg.targetType]).toEqual([{ k: 'v' }, { t: '1' }, 'ip']);
  });

  it('listener: default certificate and the load balancer name', () => {
    const l = normaliseListener({ ListenerArn: 'l', LoadBalancerArn: 'lb', Port: 443, Protocol: 'HTTPS', SslPolicy: 'p', Certificates: [{ CertificateArn: 'c2' }, { CertificateArn: 'c1', IsDefault: true }], DefaultActions: [{ Type: 'forward', TargetGroupArn: 't' }] }, 'alb', []);
    expect(l).toEqual({ arn: 'l', loadBalancerArn: 'lb', loadBalancerName: 'alb', port: 443, protocol: 'HTTPS', certificateArn: 'c1', sslPolicy: 'p', defaultAction: { type: 'forward', targetGroupArn: 't' }, tags: {} });
  });

  it('listener: the ALPN policy of a TLS listener; target group: its protocol version', () => {
    expect(normaliseListener({ ListenerArn: 'l', Port: 443, Protocol: 'TLS', AlpnPolicy: ['HTTP2Preferred'] }, 'nlb', []).alpnPolicy).toBe('HTTP2Preferred');
    expect('alpnPolicy' in normaliseListener({ ListenerArn: 'l', Port: 443, Protocol: 'TLS', AlpnPolicy: [] }, 'nlb', [])).toBe(false);
    expect(normaliseTargetGroup({ TargetGroupArn: 't', Protocol: 'HTTP', ProtocolVersion: 'GRPC' }, undefined, []).protocolVersion).toBe('GRPC');
    const tcp = normaliseTargetGroup({ TargetGroupArn: 't', Protocol: 'TCP', HealthCheckProtocol: 'TCP' }, undefined, []);
    expect(['protocolVersion' in tcp, tcp.healthCheck.protocol]).toEqual([false, 'TCP']);
  });

  it.each<[string, string[] | undefined, unknown]>([
    ['SNI certificates not read: no additionalCertificates at all', undefined, undefined],
    ['none: an empty list', [], []],
    ['sorted and de-duplicated', ['c3', 'c2', 'c3'], ['c2', 'c3']],
  ])('listener: %s', (_label, read, expected) => {
    const l = normaliseListener({ ListenerArn: 'l', Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: 'c1' }] }, 'alb', [], read);
    expect(l.additionalCertificates).toEqual(expected);
    expect('additionalCertificates' in l).toBe(read !== undefined);
  });
});

describe('task definitions and services', () => {
  it('fills ECS defaults and keeps only spec fields (a log driver other than the awslogs shorthand as logConfiguration)', () => {
    const td = normaliseTaskDefinition(
      {
        taskDefinitionArn: 'arn:td:3',
        family: 'f',
        revision: 3,
        networkMode: 'host',
        status: 'ACTIVE',
        compatibilities: ['EC2'],
        containerDefinitions: [{ name: 'c', image: 'i', cpu: 0, portMappings: [{ containerPort: 8080 }], environment: [{ name: 'Z', value: '1' }, { name: 'A', value: '2' }], logConfiguration: { logDriver: 'json-file' } }],
      },
      [{ key: 'k', value: 'v' }],
    );
    expect(td).toEqual({
      arn: 'arn:td:3',
      family: 'f',
      revision: 3,
      tags: { k: 'v' },
      spec: {
        family: 'f',
        networkMode: 'host',
        requiresCompatibilities: ['EC2'],
        containers: [{ name: 'c', image: 'i', essential: true, portMappings: [{ containerPort: 8080, hostPort: 8080, protocol: 'tcp' }], environment: [{ name: 'A', value: '2', secret: false }, { name: 'Z', value: '1', secret: false }], secrets: [], aws: { logConfiguration: { logDriver: 'json-file' } } }],
      },
    });
  });

  it('service: cluster name from ARN, ECS deployment defaults, awsvpc network as sets', () => {
    const td = normaliseTaskDefinition({ family: 'f' }, []);
    const s = normaliseService({ serviceName: 's', clusterArn: 'arn:aws:ecs:us-east-1:1:cluster/main', networkConfiguration: { awsvpcConfiguration: { subnets: ['b', 'a'], assignPublicIp: 'ENABLED' } } }, td);
    expect([s.clusterName, s.deployment, s.network, s.status]).toEqual(['main', { maximumPercent: 200, minimumHealthyPercent: 100 }, { subnets: ['a', 'b'], securityGroups: [], assignPublicIp: true }, 'ACTIVE']);
    expect(clusterNameOf('bare')).toBe('bare');
  });

  it('tags from both spellings', () => {
    expect(tagsFromAws([{ Key: 'a', Value: '1' }, { Key: undefined, Value: 'x' }])).toEqual({ a: '1' });
    expect(tagsFromEcs([{ key: 'b' }])).toEqual({ b: '' });
  });
});
