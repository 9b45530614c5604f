// The replicas deployment (issue 16): deploy/service-replicas.json is service.json with 2 tasks and a
// rolling deployment; deploy/lease-table.json is the table LeaseTable writes (string key `id`) and
// the one the task role may use; deploy/controller-config.yaml is a valid config whose roles are
// the ones the task role may assume.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';
import type { CreateServiceRequest } from '@aws-sdk/client-ecs';
import { describe, expect, it } from 'vitest';
import { parseTargetsConfig } from '../../src/targets/targets-config.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const read = (p: string): string => readFileSync(join(root, p), 'utf8');
const json = <T>(p: string): T => JSON.parse(read(p)) as T;

interface Statement { Sid: string; Action: string[]; Resource: string[] }
const policy = json<{ Statement: Statement[] }>('deploy/iam-policy.json');

describe('deploy/ for many targets and replicas', () => {
  it('service-replicas.json: service.json with 2 tasks and a rolling deployment, nothing else changed', () => {
    const single = json<CreateServiceRequest>('deploy/service.json');
    const replicas = json<CreateServiceRequest>('deploy/service-replicas.json');
    expect(replicas.desiredCount).toBe(2);
    expect(replicas.deploymentConfiguration).toEqual({ maximumPercent: 200, minimumHealthyPercent: 50 });
    const { desiredCount: _a, deploymentConfiguration: _b, ...rest } = replicas;
    const { desiredCount: _c, deploymentConfiguration: _d, ...restSingle } = single;
    expect(rest).toEqual(restSingle);
  });

  it('lease-table.json: a string hash key `id`, on demand; the task role may PutItem and Scan exactly it', () => {
    const table = json<CreateTableCommandInput>('deploy/lease-table.json');
    expect(table.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(table.AttributeDefinitions).toEqual([{ AttributeName: 'id', AttributeType: 'S' }]);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    const statement = policy.Statement.find((s) => s.Action.some((a) => a.startsWith('dynamodb:')));
    expect(statement?.Action.sort()).toEqual(['dynamodb:PutItem', 'dynamodb:Scan']);
    expect(statement?.Resource).toEqual([`arn:aws:dynamodb:*:123456789012:table/${table.TableName}`]);
  });

  it('controller-config.yaml is valid and assumes only roles the task role may assume', () => {
    const parsed = parseTargetsConfig('deploy/controller-config.yaml', read('deploy/controller-config.yaml'));
    expect(parsed.ok ? [] : parsed.errors).toEqual([]);
    if (!parsed.ok) return;
    const assumable = policy.Statement.filter((s) => s.Action.includes('sts:AssumeRole')).flatMap((s) => s.Resource);
    const matches = (arn: string, pattern: string): boolean => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[^:]*')}$`).test(arn);
    for (const t of parsed.config.targets) expect(assumable.some((p) => matches(t.roleArn ?? '', p)), t.name).toBe(true);
    // the trust policy's example external id is the prod targets'
    const trust = read('deploy/target-role-trust-policy.json');
    expect(parsed.config.targets.filter((t) => trust.includes(`"${t.externalId}"`)).map((t) => t.name)).toEqual(['prod', 'prod-us']);
  });
});
