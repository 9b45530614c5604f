// Cross-document checks: what must pass (AWS accepts it) and what must fail with its own code.
import { describe, expect, it } from 'vitest';
import { expectErrors, expectState, ingressDoc, join, listenerDoc, loadText, ruleDoc, serviceDoc, targetGroupDoc } from './spec-test-docs.js';

const NET = '  network: { subnets: [subnet-0f1a5c00000000c1] }\n';
const LB = (tg: string, port = 80): string => `  loadBalancers:\n    - { targetGroup: ${tg}, containerName: web, containerPort: ${port} }\n`;

describe('cross-checks: accepted', () => {
  it.each([
    ['a rule on a listener no document declares (unmanaged listener)', join(targetGroupDoc(), ruleDoc())],
    ['a rule forwarding to a target group ARN', ruleDoc('r', { action: '    forward: { targetGroup: "arn:aws:elasticloadbalancing:us-east-2:123456789012:targetgroup/ext/0f1a5c00" }\n' })],
    ['the same priority on two listeners', join(targetGroupDoc(), ruleDoc('a'), ruleDoc('b', { listener: '{ loadBalancer: web-alb, port: 443 }' }))],
    ['the same name in two kinds', join(targetGroupDoc('api'), serviceDoc('api'))],
    ['exactly 5 condition values', join(targetGroupDoc(), ruleDoc('r', { conditions: '    pathPatterns: ["/users*", "/ping", "/auth*", "/doc", "/swagger*"]\n' }))],
    ['a 32-character target group name', targetGroupDoc('a'.repeat(32))],
    ['health check timeout below the default interval', targetGroupDoc('tg', '  healthCheck: { timeoutSeconds: 29 }\n')],
    ['icmp type and code', ingressDoc('i', '    - { protocol: icmp, fromPort: 8, toPort: 0, source: { cidr: 0.0.0.0/0 } }\n')],
    ['icmp every type', ingressDoc('i', '    - { protocol: icmp, fromPort: -1, toPort: -1, source: { cidr: 0.0.0.0/0 } }\n')],
    ['tcp every port', ingressDoc('i', '    - { protocol: tcp, fromPort: 0, toPort: 65535, source: { cidr: 10.0.0.0/8 } }\n')],
    ['same ports, different sources', ingressDoc('i', '    - { protocol: tcp, port: 80, source: { cidr: 10.0.0.0/8 } }\n    - { protocol: tcp, port: 80, source: { cidr: 10.1.0.0/16 } }\n')],
    ['a non-canonical IPv6 spelling of a canonical block', ingressDoc('i', '    - { protocol: tcp, port: 80, source: { ipv6Cidr: "2001:DB8:0::/48" } }\n')],
    ['awsvpc service on an ip target group', join(targetGroupDoc('tg', '  targetType: ip\n'), serviceDoc('api', { td: '    networkMode: awsvpc\n', spec: LB('tg') + NET }))],
    ['bridge service on an instance target group', join(targetGroupDoc(), serviceDoc('api', { spec: LB('users-tg') }))],
    ['FARGATE with a valid size', serviceDoc('api', { top: '  launchType: FARGATE\n', td: '    cpu: "1024"\n    memory: "3 GB"\n', spec: NET })],
    ['FARGATE 8 vCPU with 20 GB', serviceDoc('api', { top: '  launchType: FARGATE\n', td: '    cpu: 8 vCPU\n    memory: "20480"\n', spec: NET })],
    ['bridge host ports 0 in two containers', serviceDoc('api', { container: '      - { name: b, image: x, memory: 64, portMappings: [{ containerPort: 80 }] }\n' })],
    ['containers within task memory', serviceDoc('api', { td: '    memory: "512"\n', container: '      - { name: b, image: x, memoryReservation: 128 }\n' })],
    ['ignore paths through lists and maps', targetGroupDoc('tg').replace('{ name: tg }', '{ name: tg, ignore: [tags.team, healthCheck, attributes.stickiness.enabled] }')],
    ['ignore a container field', serviceDoc('api').replace('{ name: api }', '{ name: api, ignore: [taskDefinition.containers.image, desiredCount] }')],
  ])('%s', (_name, yaml) => {
    expectState(loadText(yaml));
  });
});

describe('cross-checks: rejected', () => {
  it.each([
    ['health check port out of range', targetGroupDoc('tg', '  healthCheck: { port: "70000" }\n'), 'target-group.health-check-port'],
    ['matcher code out of range', targetGroupDoc('tg', '  healthCheck: { matcher: "200-599" }\n'), 'target-group.matcher'],
    ['matcher range reversed', targetGroupDoc('tg', '  healthCheck: { matcher: "299-200" }\n'), 'target-group.matcher'],
    ['timeout not below the default interval', targetGroupDoc('tg', '  healthCheck: { timeoutSeconds: 30 }\n'), 'target-group.health-check-timing'],
    ['a certificate on an HTTP listener', listenerDoc('l', '  port: 80\n  protocol: HTTP\n  certificateArn: arn:aws:acm:us-east-2:123456789012:certificate/x\n'), 'listener.certificate'],
    ['an ssl policy on an HTTP listener', listenerDoc('l', '  port: 80\n  protocol: HTTP\n  sslPolicy: ELBSecurityPolicy-2016-08\n'), 'listener.certificate'],
    ['a listener forwarding to an undeclared target group', listenerDoc('l', undefined, '    forward: { targetGroup: nope }\n'), 'ref.target-group'],
    ['a non-canonical source IP condition', join(targetGroupDoc(), ruleDoc('r', { conditions: '    sourceIps: [10.1.2.3/16]\n' })), 'cidr.not-canonical'],
    ['an invalid IPv4 CIDR', ingressDoc('i', '    - { protocol: tcp, port: 80, source: { cidr: 10.0.0.300/8 } }\n'), 'cidr.invalid'],
    ['an invalid IPv6 CIDR', ingressDoc('i', '    - { protocol: tcp, port: 80, source: { ipv6Cidr: "2001:db8:::1/64" } }\n'), 'cidr.invalid'],
    ['icmp type over 255', ingressDoc('i', '    - { protocol: icmp, fromPort: 300, toPort: -1, source: { cidr: 0.0.0.0/0 } }\n'), 'security-group.icmp'],
    ['icmp a code with every type', ingressDoc('i', '    - { protocol: icmp, fromPort: -1, toPort: 3, source: { cidr: 0.0.0.0/0 } }\n'), 'security-group.icmp'],
    ['tcp -1 ports', ingressDoc('i', '    - { protocol: tcp, fromPort: -1, toPort: -1, source: { cidr: 10.0.0.0/8 } }\n'), 'security-group.port-range'],
    ['tcp fromPort without toPort', ingressDoc('i', '    - { protocol: tcp, fromPort: 80, source: { cidr: 10.0.0.0/8 } }\n'), 'security-group.ports-missing'],
    ['all with a range', ingressDoc('i', '    - { protocol: all, fromPort: 0, toPort: 10, source: { cidr: 10.0.0.0/8 } }\n'), 'security-group.all-ports'],
    ['memoryReservation not below memory', serviceDoc('api', { container: '        memoryReservation: 256\n' }), 'service.container-memory'],
    ['EC2 task cpu below 128', serviceDoc('api', { td: '    cpu: "64"\n' }), 'service.task-size'],
    ['FARGATE cpu that is no Fargate size', serviceDoc('api', { top: '  launchType: FARGATE\n', td: '    cpu: "300"\n    memory: "1024"\n', spec: NET }), 'service.fargate-task-size'],
    ['FARGATE 8 vCPU memory off its 4 GB steps', serviceDoc('api', { top: '  launchType: FARGATE\n', td: '    cpu: "8192"\n    memory: "17408"\n', spec: NET }), 'service.fargate-task-size'],
    ['FARGATE defaults to awsvpc and then needs network', serviceDoc('api', { top: '  launchType: FARGATE\n', td: '    cpu: "256"\n    memory: "512"\n' }), 'service.awsvpc-network'],
    ['an instance target group with awsvpc', join(targetGroupDoc(), serviceDoc('api', { td: '    networkMode: awsvpc\n', spec: LB('users-tg') + NET })), 'service.lb-target-type'],
    ['the same container port mapped twice', serviceDoc('api').replace('[{ containerPort: 80 }]', '[{ containerPort: 80 }, { containerPort: 80, hostPort: 8080 }]'), 'service.duplicate-port'],
    ['two containers on one host port', serviceDoc('api', { td: '    networkMode: host\n', container: '      - { name: b, image: x, memory: 64, portMappings: [{ containerPort: 80 }] }\n' }), 'service.duplicate-port'],
    ['a reserved aws: tag', serviceDoc('api', { spec: '  tags: { "aws:cloudformation": x }\n' }), 'tags.reserved'],
    ['an ignore path into a field that is a scalar', targetGroupDoc('tg').replace('{ name: tg }', '{ name: tg, ignore: [port.number] }'), 'metadata.ignore-path'],
  ])('%s -> %s', (_name, yaml, code) => {
    const errors = expectErrors(loadText(yaml));
    expect(errors.map((e) => e.code)).toEqual([code]);
    expect(errors[0]!.line).toBeGreaterThan(0);
  });

  it('does not call a reference dangling when the target group is declared but broken', () => {
    const errors = expectErrors(loadText(join(targetGroupDoc('users-tg', '  targetType: lambda\n'), ruleDoc())));
    expect(errors.map((e) => e.code)).toEqual(['schema.enum']);
  });

  it('reports a duplicate identity even when the second document has schema errors', () => {
    const errors = expectErrors(loadText({ 'a.yaml': targetGroupDoc(), 'b.yaml': targetGroupDoc('users-tg', '  port2: 1\n') }));
    expect(errors.map((e) => [e.file, e.code])).toEqual([
      ['b.yaml', 'identity.duplicate'],
      ['b.yaml', 'schema.unknown-field'],
    ]);
    expect(errors[0]!.message).toBe(
      'TargetGroup/users-tg is already declared at a.yaml:3:19: kind + metadata.name must be unique; rename or remove one of them',
    );
  });

  it('points the condition limit at the conditions key and counts values after de-duplication', () => {
    const six = '    pathPatterns: ["/a", "/b", "/c", "/a"]\n    hostHeaders: [x.example.com, y.example.com, z.example.com]\n';
    const [err] = expectErrors(loadText(join(targetGroupDoc(), ruleDoc('r', { conditions: six }))));
    expect(err).toMatchObject({ code: 'listener-rule.condition-limit', line: 15, col: 3, kindName: 'ListenerRule/r' });
    expect(err!.message).toContain('rule has 6 condition values (pathPatterns 3, hostHeaders 3)');
  });
});
