// The controller config file: the schema and the checks beyond it, every error at file:line.
import { describe, expect, it } from 'vitest';
import { findTarget, parseTargetsConfig } from '../../src/targets/targets-config.js';

const ok = `targets:
  - name: prod
    account: "123456789012"
    region: eu-west-1
    roleArn: arn:aws:iam::123456789012:role/ecs-reconciler-target
    externalId: abc-123
    path: stack
    values: values/prod.yaml
  - { name: dev, region: us-east-1, path: stack }
`;

const errorsOf = (text: string): string[] => {
  const r = parseTargetsConfig('controller.yaml', text);
  return r.ok ? [] : r.errors.map((e) => `${e.line}:${e.col}: ${e.message}`);
};

describe('parseTargetsConfig', () => {
  it('reads targets with their fields', () => {
    const r = parseTargetsConfig('controller.yaml', ok);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.config.targets.map((t) => t.name)).toEqual(['prod', 'dev']);
    expect(findTarget(r.config, 'prod')).toMatchObject({ account: '123456789012', externalId: 'abc-123', values: 'values/prod.yaml' });
    expect(() => findTarget(r.config, 'qa')).toThrow('no target "qa" in controller.yaml; its targets: prod, dev');
  });

  it.each([
    ['a missing path', 'targets:\n  - { name: a, region: eu-west-1 }\n', ['2:5: targets[0]: missing path (a target needs name, region and path)']],
    ['an unknown field', 'targets:\n  - name: a\n    region: eu-west-1\n    path: x\n    rolearn: arn\n', ['5:5: targets[0]: unknown field rolearn; a target takes name, account, region, roleArn, externalId, path, values']],
    ['a bad account', 'targets:\n  - { name: a, region: eu-west-1, path: x, account: "12" }\n', ['2:53: targets[0].account: "12" is not valid (the 12-digit account id)']],
    ['a bad role ARN', 'targets:\n  - name: a\n    region: eu-west-1\n    path: x\n    roleArn: ecs-reconciler\n', ['5:14: targets[0].roleArn: "ecs-reconciler" is not valid (arn:aws:iam::<account>:role/<name>)']],
    ['two targets of one name', 'targets:\n  - { name: a, region: eu-west-1, path: x }\n  - { name: a, region: us-east-1, path: y }\n', ['3:13: targets[1].name: "a" is already the name of targets[0]; names must be unique']],
    ['a role in another account', 'targets:\n  - name: a\n    account: "111111111111"\n    region: eu-west-1\n    path: x\n    roleArn: arn:aws:iam::222222222222:role/r\n', ['6:14: targets[0].roleArn is in account 222222222222, not in the target\'s account 111111111111']],
    ['an external id without a role', 'targets:\n  - { name: a, region: eu-west-1, path: x, externalId: abc }\n', ['2:56: targets[0].externalId needs roleArn (it is sent with AssumeRole)']],
    ['no targets', 'targets: []\n', ['1:10: targets: must NOT have fewer than 1 items']],
    ['not YAML', 'targets: [\n', expect.arrayContaining([expect.stringMatching(/^2:1: /)])],
  ])('%s is an error at its line', (_name, text, expected) => {
    expect(errorsOf(text)).toEqual(expected);
  });
});
