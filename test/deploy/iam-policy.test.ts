// deploy/iam-policy.json must grant exactly the AWS actions the code can call (derived from the
// SDK commands imported under src/), no `*` actions, and owner-tag conditions where AWS supports
// them; deploy/iam-policy-observe.json exactly the read ones.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { isReadAction, NOT_RUN_BY_THE_TASK, requiredActions, scanSource, scanTree, sourceFiles } from './sdk-operations.js';

const root = fileURLToPath(new URL('../../', import.meta.url));

interface Statement {
  Sid?: string;
  Effect: string;
  Action: string | string[];
  Resource: string | string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}
interface Policy {
  Version: string;
  Statement: Statement[];
}

const list = (v: string | string[]): string[] => (Array.isArray(v) ? v : [v]);
const readPolicy = (name: string): Policy => JSON.parse(readFileSync(`${root}deploy/${name}`, 'utf8')) as Policy;
const actionsOf = (p: Policy): Set<string> => new Set(p.Statement.flatMap((s) => list(s.Action)));

const OWNER_CONDITION = 'aws:ResourceTag/ecs-reconciler/owner';
/** Writes that may only touch resources carrying our owner tag (AWS evaluates the tag on the resource). */
const OWNER_CONDITIONED = [
  'elasticloadbalancing:DeleteTargetGroup',
  'elasticloadbalancing:DeleteListener',
  'elasticloadbalancing:DeleteRule',
  // adoption writes our owner tag (AddTags) before it modifies a hand-made rule
  'elasticloadbalancing:ModifyRule',
  'ec2:RevokeSecurityGroupIngress',
  'ecs:DeleteService',
];

describe('deriving the AWS operations from source', () => {
  it.each([
    ['a value import', `import { DescribeRulesCommand } from '@aws-sdk/client-elastic-load-balancing-v2';`, ['elasticloadbalancing:DescribeRules']],
    [
      'a multi-line import with an alias and an inline type',
      `import {\n  type Rule,\n  CreateRuleCommand as Create,\n  ModifyRuleCommand,\n} from "@aws-sdk/client-elastic-load-balancing-v2";`,
      ['elasticloadbalancing:CreateRule', 'elasticloadbalancing:ModifyRule'],
    ],
    ['a paginator', `import { paginateDescribeSecurityGroupRules } from '@aws-sdk/client-ec2';`, ['ec2:DescribeSecurityGroupRules']],
    ['a waiter', `import { waitUntilServicesStable } from '@aws-sdk/client-ecs';`, ['ecs:DescribeServices']],
    ['a type-only import', `import type { DescribeServicesCommandOutput, Service } from '@aws-sdk/client-ecs';`, []],
    ['the client class only', `import { ECSClient } from '@aws-sdk/client-ecs';`, []],
    ['a dynamic import', `const { RegisterTaskDefinitionCommand } = await import('@aws-sdk/client-ecs');`, ['ecs:RegisterTaskDefinition']],
    ['a dynamic import beside a lazy client', `const [{ GetParametersCommand }, ssm] = await Promise.all([import('@aws-sdk/client-ssm'), clients.ssm.get()]);`, ['ssm:GetParameters']],
  ])('%s', (_name, source, expected) => {
    const r = scanSource(source, 'x.ts');
    expect(r.problems).toEqual([]);
    expect(r.calls.map((c) => c.action).sort()).toEqual([...expected].sort());
  });

  it.each([
    ['an aggregated client hides its calls', `import { ECS } from '@aws-sdk/client-ecs';`, /aggregated client ECS/],
    ['a client without an IAM prefix mapping', `import { GetObjectCommand } from '@aws-sdk/client-s3';`, /no IAM prefix/],
  ])('flags %s', (_name, source, message) => {
    expect(scanSource(source, 'x.ts').problems.join('\n')).toMatch(message);
  });

  it('adds the tag-on-create and PassRole actions a create implies', () => {
    const need = requiredActions(scanSource(`import { RegisterTaskDefinitionCommand } from '@aws-sdk/client-ecs';`, 'x.ts').calls);
    expect([...need.keys()].sort()).toEqual(['ecs:RegisterTaskDefinition', 'ecs:TagResource', 'iam:PassRole']);
  });
});

describe('deploy/iam-policy.json (task role)', () => {
  const scan = scanTree(`${root}src`);
  const need = requiredActions(scan.calls);
  const policy = readPolicy('iam-policy.json');
  const granted = actionsOf(policy);

  it('can trust the derived action set (no aggregated clients, every client mapped)', () => {
    expect(scan.problems).toEqual([]);
  });

  it('leaves out only code the task never runs: nothing but the quick start imports src/demo', () => {
    const importers = sourceFiles(`${root}src`)
      .filter((f) => !NOT_RUN_BY_THE_TASK.some((d) => f.startsWith(`src/${d}/`)) && f !== 'src/quickstart.ts')
      .filter((f) => NOT_RUN_BY_THE_TASK.some((d) => new RegExp(`from\\s+['"][./]*(\\.\\./)*${d}/`).test(readFileSync(`${root}${f}`, 'utf8'))));
    expect(importers).toEqual([]);
  });

  it('grants exactly the actions the code calls', () => {
    const missing = [...need.keys()].filter((a) => !granted.has(a)).sort();
    const extra = [...granted].filter((a) => !need.has(a)).sort();
    const report = [
      ...missing.map((a) => `missing ${a} (used at ${need.get(a)?.join(', ')})`),
      ...extra.map((a) => `extra ${a} (granted but never called by src/: remove it)`),
    ];
    expect(report, `deploy/iam-policy.json is out of sync with src/:\n${report.join('\n')}`).toEqual([]);
  });

  it('is a valid allow-only policy with named statements and no wildcard actions', () => {
    expect(policy.Version).toBe('2012-10-17');
    for (const s of policy.Statement) {
      expect(s.Sid, JSON.stringify(s)).toMatch(/^[A-Za-z0-9]+$/);
      expect(s.Effect).toBe('Allow');
      for (const a of list(s.Action)) expect(a, `statement ${s.Sid}`).toMatch(/^[a-z0-9-]+:[A-Za-z0-9]+$/);
    }
    expect(new Set(policy.Statement.map((s) => s.Sid)).size).toBe(policy.Statement.length);
  });

  it('scopes every resource to the account and to the service of its actions', () => {
    for (const s of policy.Statement) {
      const services = new Set(list(s.Action).map((a) => a.split(':')[0]));
      for (const r of list(s.Resource)) {
        if (r === '*') {
          // only read actions (which have no resource-level permissions) may use "*"
          expect(list(s.Action).filter((a) => !isReadAction(a)), `statement ${s.Sid} uses Resource "*"`).toEqual([]);
          continue;
        }
        const [, partition, service, , account] = r.split(':');
        expect(partition, r).toBe('aws');
        if (list(s.Action).every((a) => a === 'sts:AssumeRole')) {
          // the targets' roles (issue 16): one role name, in every target account
          expect(r, s.Sid).toMatch(/^arn:aws:iam::\*:role\/[A-Za-z0-9+=,.@_-]+$/);
          continue;
        }
        expect(services.has(service ?? ''), `${r} in ${s.Sid}`).toBe(true);
        expect(account, r).toBe('123456789012');
      }
    }
  });

  it.each(OWNER_CONDITIONED)('%s only touches resources tagged ecs-reconciler/owner', (action) => {
    const statements = policy.Statement.filter((s) => list(s.Action).includes(action));
    if (!need.has(action)) {
      expect(statements).toEqual([]);
      return;
    }
    expect(statements.length).toBeGreaterThan(0);
    for (const s of statements) expect(s.Condition?.StringEquals?.[OWNER_CONDITION], `statement ${s.Sid}`).toBe('ecs-reconciler');
  });

  it('passes roles only to ECS tasks, and only named roles', () => {
    const statements = policy.Statement.filter((s) => list(s.Action).includes('iam:PassRole'));
    for (const s of statements) {
      expect(s.Condition?.StringEquals?.['iam:PassedToService']).toBe('ecs-tasks.amazonaws.com');
      for (const r of list(s.Resource)) expect(r).toMatch(/^arn:aws:iam::123456789012:role\/[A-Za-z0-9+=,.@_-]+$/);
    }
  });

  it('may pass exactly the roles the task definitions in desired/ name', () => {
    const declared = new Set<string>();
    for (const f of readdirSync(`${root}desired`).filter((n) => /\.ya?ml$/.test(n))) {
      const text = readFileSync(`${root}desired/${f}`, 'utf8');
      for (const m of text.matchAll(/(?:executionRoleArn|taskRoleArn):\s*["']?(arn:aws:iam::[0-9]{12}:role\/[^\s"']+)/g)) declared.add(m[1]!);
    }
    const passable = policy.Statement.filter((s) => list(s.Action).includes('iam:PassRole')).flatMap((s) => list(s.Resource));
    expect(passable.sort()).toEqual([...declared].sort());
  });
});

describe('the policy documentation', () => {
  const policy = readPolicy('iam-policy.json');
  const sids = policy.Statement.map((s) => s.Sid ?? '');

  it('deploy/README.md explains every statement', () => {
    const readme = readFileSync(`${root}deploy/README.md`, 'utf8');
    expect(sids.filter((sid) => !readme.includes(`\`${sid}\``))).toEqual([]);
  });

  it('the README deploy troubleshooting names only statements that exist', () => {
    const docs = readFileSync(`${root}README.md`, 'utf8');
    const named = [...docs.matchAll(/statement `([A-Za-z0-9]+)`/g)].map((m) => m[1]);
    expect(named.length).toBeGreaterThan(0);
    expect(named.filter((n) => !sids.includes(n ?? ''))).toEqual([]);
  });
});

describe('deploy/iam-policy-observe.json (policy: observe users)', () => {
  const need = requiredActions(scanTree(`${root}src`).calls);
  const policy = readPolicy('iam-policy-observe.json');
  const granted = actionsOf(policy);

  it('grants only read actions', () => {
    expect([...granted].filter((a) => !isReadAction(a))).toEqual([]);
  });

  it('grants exactly the read actions the code calls', () => {
    // apply-only reads: an observer never creates a rule, so it never needs an OIDC client secret
    const APPLY_ONLY_READS = new Set(['ssm:GetParameter']);
    const reads = [...need.keys()].filter((a) => isReadAction(a) && !APPLY_ONLY_READS.has(a));
    const missing = reads.filter((a) => !granted.has(a)).sort();
    const extra = [...granted].filter((a) => !need.has(a)).sort();
    expect({ missing, extra }, 'deploy/iam-policy-observe.json is out of sync with src/').toEqual({ missing: [], extra: [] });
  });

  it('reads the same resources as the task role policy does', () => {
    const full = readPolicy('iam-policy.json');
    for (const s of policy.Statement) {
      for (const a of list(s.Action)) {
        const fullResources = full.Statement.filter((f) => list(f.Action).includes(a)).flatMap((f) => list(f.Resource));
        expect(list(s.Resource).sort(), a).toEqual(fullResources.sort());
      }
    }
  });
});
