// ajv errors mapped to one clear SpecError per problem, at the offending node.
import { describe, expect, it } from 'vitest';
import { expectErrors, ingressDoc, join, listenerDoc, loadText, ruleDoc, serviceDoc, targetGroupDoc } from './spec-test-docs.js';

describe('schema error mapping', () => {
  it.each([
    ['unknown field with a near name', targetGroupDoc('tg', '  healtCheck: {}\n'), 'schema.unknown-field', 8, 3,
      "unknown field 'healtCheck' in TargetGroup spec; did you mean 'healthCheck'?"],
    ['unknown field, nothing near: lists the fields', targetGroupDoc('tg', '  colour: red\n'), 'schema.unknown-field', 8, 3,
      "unknown field 'colour' in TargetGroup spec; expected one of vpcId, vpc, protocol, protocolVersion, port, targetType, healthCheck, attributes, tags"],
    ['unknown nested field', targetGroupDoc('tg', '  healthCheck: { pathh: /ping }\n'), 'schema.unknown-field', 8, 18,
      "unknown field 'pathh' in spec.healthCheck; did you mean 'path'?"],
    ['unknown metadata field', targetGroupDoc('tg').replace('{ name: tg }', '{ name: tg, polcy: observe }'), 'schema.unknown-field', 3, 23,
      "unknown field 'polcy' in metadata; did you mean 'policy'?"],
    ['integer given as a string', targetGroupDoc('tg').replace('port: 5000', 'port: "80"'), 'schema.type', 7, 9,
      'spec.port must be an integer, got string "80"; remove the quotes'],
    ['string given as a number', serviceDoc('api', { container: '        environment: { DEBUG: true }\n' }), 'schema.type', 13, 31,
      'spec.taskDefinition.containers[0].environment.DEBUG must be a string or a mapping, got a boolean; quote it'],
    ['list given as a mapping', ruleDoc('r', { conditions: '    pathPatterns: { a: 1 }\n' }), 'schema.type', 8, 19,
      'spec.conditions.pathPatterns must be a list, got a mapping'],
    ['enum with a near value', targetGroupDoc('tg', '  targetType: IP\n'), 'schema.enum', 8, 15,
      "spec.targetType must be one of instance, ip; got string \"IP\"; did you mean 'ip'?"],
    ['enum with nothing near', targetGroupDoc('tg', '  targetType: lambda\n'), 'schema.enum', 8, 15,
      'spec.targetType must be one of instance, ip; got string "lambda"'],
    ['api version', targetGroupDoc('tg').replace('ecs-reconciler/v1', 'ecs-reconciler/v2'), 'schema.api-version', 1, 13,
      'apiVersion must be "ecs-reconciler/v1", got string "ecs-reconciler/v2"'],
    ['missing kind', targetGroupDoc('tg').replace('kind: TargetGroup\n', ''), 'schema.required', 1, 1,
      "missing required field 'kind' in the document (expected apiVersion, kind, metadata, spec)"],
    ['missing spec field at the spec key', targetGroupDoc('tg').replace('  protocol: HTTP\n', ''), 'schema.required', 4, 1,
      "missing required field 'protocol' in TargetGroup spec"],
    ['pattern with its own message', targetGroupDoc('tg').replace('vpc-0f1a5c0000000001', 'vpc_123'), 'schema.pattern', 5, 10,
      'spec.vpcId must be a VPC id like vpc-0abc1234; got string "vpc_123"'],
    ['a map key that breaks propertyNames', serviceDoc('api', { container: '        environment: { "BAD NAME": x }\n' }), 'schema.pattern', 13, 24,
      "key 'BAD NAME' in spec.taskDefinition.containers[0].environment must be an environment variable name (letters, digits, '_')"],
    ['range', ruleDoc('r', { priority: 50001 }), 'schema.range', 6, 13, 'spec.priority must be between 1 and 50000, got 50001'],
    ['minimum only', serviceDoc('api', { top: '  desiredCount: -1\n' }), 'schema.range', 6, 17, 'spec.desiredCount must be between 0 and 5000, got -1'],
    ['empty list', ruleDoc('r', { conditions: '    hostHeaders: []\n' }), 'schema.items', 8, 18, 'spec.conditions.hostHeaders must list at least one item'],
    ['too many items', serviceDoc('api', { spec: `  loadBalancers:\n${'    - { targetGroup: t, containerName: web, containerPort: 80 }\n'.repeat(6)}` }), 'schema.items', 14, 5,
      'spec.loadBalancers must list at most 5 items, got 6'],
    ['empty string', serviceDoc('api').replace('image: nginx:1.27', 'image: ""'), 'schema.length', 10, 16,
      'spec.taskDefinition.containers[0].image must not be empty'],
    ['exactly one of: two given', join(targetGroupDoc(), ruleDoc('r', { action: '    forward: { targetGroup: users-tg }\n    fixedResponse: { statusCode: 404 }\n' })), 'schema.one-of', 18, 5,
      'spec.action has forward and fixedResponse: give exactly one of forward | fixedResponse | redirect'],
    ['exactly one of: a typo is the unknown field only', listenerDoc('l', undefined, '    fixedResponce: { statusCode: 404 }\n'), 'schema.unknown-field', 9, 5,
      "unknown field 'fixedResponce' in spec.defaultAction; did you mean 'fixedResponse'?"],
    ['exactly one of: errors inside the chosen alternative', listenerDoc('l', undefined, '    redirect: { statusCode: 301 }\n'), 'schema.enum', 9, 29,
      'spec.defaultAction.redirect.statusCode must be one of HTTP_301, HTTP_302; got integer 301'],
    ['exactly one of: typo in a reference without parent fields', join(targetGroupDoc(), ruleDoc('r', { listener: '{ loadBalancr: web-alb, port: 80 }' })), 'schema.unknown-field', 13, 15,
      "unknown field 'loadBalancr' in spec.listener; did you mean 'loadBalancer'?"],
    ['exactly one of: the arn alternative with a bad arn', join(targetGroupDoc(), ruleDoc('r', { listener: '{ arn: "listener-1" }' })), 'schema.pattern', 13, 20,
      'spec.listener.arn must be a listener ARN; got string "listener-1"'],
    ['exactly one of: empty source', ingressDoc('i', '    - { protocol: tcp, port: 80, source: {} }\n'), 'schema.one-of', 7, 42,
      'spec.rules[0].source needs exactly one of securityGroup | securityGroupName | cidr | ipv6Cidr | prefixList'],
  ])('%s', (_name, yaml, code, line, col, message) => {
    const errors = expectErrors(loadText(yaml));
    expect(errors.map((e) => `${e.line}:${e.col} ${e.code} ${e.message}`)).toEqual([`${line}:${col} ${code} ${message}`]);
  });

  it.each([
    ['a secret-marked value of the wrong type', '        environment: { DB_PASSWORD: { value: 12345678, secret: true } }\n', 'got an integer; quote it'],
    ['a plain environment value of the wrong type', '        environment: { API_TOKEN: 987654321 }\n', 'got an integer; quote it'],
    ['a secret reference of the wrong type', '        secrets: { TOKEN: 555444333 }\n', 'must be a string, got an integer; quote it'],
  ])('never echoes environment or secret values: %s', (_name, container, fragment) => {
    const [err] = expectErrors(loadText(serviceDoc('api', { container })));
    expect(err!.message).toContain(fragment);
    expect(err!.message).not.toMatch(/12345678|987654321|555444333/);
  });

  it('names the resource of a document that failed its schema', () => {
    const [err] = expectErrors(loadText(targetGroupDoc('users-tg').replace('port: 5000', 'port: x')));
    expect(err!.kindName).toBe('TargetGroup/users-tg');
  });

  it('reports every problem of a document, one error each, sorted by line', () => {
    const yaml = targetGroupDoc('tg', '  targetType: IP\n  healtCheck: {}\n').replace('port: 5000', 'port: "80"');
    const errors = expectErrors(loadText(yaml));
    expect(errors.map((e) => [e.line, e.code])).toEqual([
      [7, 'schema.type'],
      [8, 'schema.enum'],
      [9, 'schema.unknown-field'],
    ]);
  });
});
