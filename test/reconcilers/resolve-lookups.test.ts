// References by name or tag (issue 16): the covering filters, the matching, and the resolver
// over a fake EC2 (one describe per kind for every lookup together; a bad lookup blocks its
// resource alone; the kinds put the ids where their placeholders are).
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EC2Client } from '@aws-sdk/client-ec2';
import type { AwsClients } from '../../src/aws/clients.js';
import { coveringFilters, matchCandidates, type Ec2Candidate } from '../../src/aws/ec2-lookups.js';
import { resolveLookups, withoutBlocked } from '../../src/reconcilers/resolve-lookups.js';
import { planAll } from '../../src/reconcilers/plan.js';
import * as fx from './fixtures.js';
import { loadDesiredState } from '../../src/spec/load-desired-state.js';
import type { DesiredState } from '../../src/spec/types.js';

describe('coveringFilters', () => {
  it('one tag key shared by every lookup: tag:<key> with every value', () => {
    expect(coveringFilters([{ kind: 'vpc', tags: { Name: 'prod' } }, { kind: 'vpc', tags: { Name: 'dev', env: 'x' } }])).toEqual([{ Name: 'tag:Name', Values: ['prod', 'dev'] }]);
  });
  it('different keys: tag-key with every key (EC2 ANDs filters)', () => {
    expect(coveringFilters([{ kind: 'subnet', tags: { tier: 'private' } }, { kind: 'subnet', tags: { Name: 'a' } }])).toEqual([{ Name: 'tag-key', Values: ['tier', 'Name'] }]);
  });
  it('names alone: group-name; names and tags: no filter (one unfiltered call)', () => {
    expect(coveringFilters([{ kind: 'securityGroup', name: 'a' }, { kind: 'securityGroup', name: 'b' }])).toEqual([{ Name: 'group-name', Values: ['a', 'b'] }]);
    expect(coveringFilters([{ kind: 'securityGroup', name: 'a' }, { kind: 'securityGroup', tags: { Name: 'b' } }])).toBeUndefined();
  });
});

describe('matchCandidates', () => {
  const candidates: Ec2Candidate[] = [
    { id: 'sg-2', name: 'web', tags: { Name: 'web', env: 'prod' } },
    { id: 'sg-1', name: 'web', tags: { Name: 'web', env: 'dev' } },
    { id: 'sg-3', name: 'db', tags: {} },
  ];
  it('every tag with the same value, and the name; sorted by id', () => {
    expect(matchCandidates({ kind: 'securityGroup', tags: { Name: 'web' } }, candidates).map((c) => c.id)).toEqual(['sg-1', 'sg-2']);
    expect(matchCandidates({ kind: 'securityGroup', tags: { Name: 'web', env: 'prod' } }, candidates).map((c) => c.id)).toEqual(['sg-2']);
    expect(matchCandidates({ kind: 'securityGroup', name: 'db' }, candidates).map((c) => c.id)).toEqual(['sg-3']);
    expect(matchCandidates({ kind: 'securityGroup', tags: { env: 'PROD' } }, candidates)).toEqual([]);
  });
});

// ---------- the resolver over a fake EC2 ----------

interface Sent {
  name: string;
  input: { Filters?: { Name: string; Values: string[] }[] };
}

function fakeClients(world: { vpcs: object[]; subnets: object[]; groups: object[] }): { clients: AwsClients; sent: Sent[] } {
  const sent: Sent[] = [];
  // a real client (the paginators check it), its send answered here: no request leaves the process
  const ec2 = new EC2Client({ region: 'us-east-2', endpoint: 'http://127.0.0.1:9', credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' } });
  Object.assign(ec2, {
    send: async (command: { constructor: { name: string }; input: Sent['input'] }) => {
      const name = command.constructor.name.replace(/Command$/, '');
      sent.push({ name, input: command.input });
      if (name === 'DescribeVpcs') return { Vpcs: world.vpcs };
      if (name === 'DescribeSubnets') return { Subnets: world.subnets };
      if (name === 'DescribeSecurityGroups') return { SecurityGroups: world.groups };
      throw new Error(`unexpected ${name}`);
    },
  });
  return { clients: { ec2 } as unknown as AwsClients, sent };
}

const tag = (Key: string, Value: string) => ({ Key, Value });
const WORLD = {
  vpcs: [
    { VpcId: 'vpc-1', Tags: [tag('Name', 'prod')] },
    { VpcId: 'vpc-2', Tags: [tag('Name', 'twin')] },
    { VpcId: 'vpc-3', Tags: [tag('Name', 'twin')] },
  ],
  subnets: [
    { SubnetId: 'subnet-b', VpcId: 'vpc-1', Tags: [tag('tier', 'private')] },
    { SubnetId: 'subnet-a', VpcId: 'vpc-1', Tags: [tag('tier', 'private')] },
    { SubnetId: 'subnet-c', VpcId: 'vpc-1', Tags: [tag('tier', 'public')] },
  ],
  groups: [
    { GroupId: 'sg-alb', GroupName: 'shop-alb-sg', VpcId: 'vpc-1', Tags: [] },
    { GroupId: 'sg-app', GroupName: 'shop-app-sg', VpcId: 'vpc-1', Tags: [tag('role', 'app')] },
  ],
};

const FILES = `apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: web-tg }
spec:
  vpc: { tags: { Name: prod } }
  protocol: HTTP
  port: 80
  targetType: ip
---
apiVersion: ecs-reconciler/v1
kind: TargetGroup
metadata: { name: twin-tg }
spec:
  vpc: { tags: { Name: twin } }
  protocol: HTTP
  port: 80
---
apiVersion: ecs-reconciler/v1
kind: SecurityGroupIngress
metadata: { name: app-ingress }
spec:
  groupName: shop-app-sg
  rules:
    - { protocol: tcp, port: 8080, source: { securityGroupName: shop-alb-sg } }
    - { protocol: tcp, port: 22, source: { cidr: 10.0.0.0/8 } }
---
apiVersion: ecs-reconciler/v1
kind: Service
metadata: { name: web }
spec:
  cluster: main
  launchType: FARGATE
  network:
    subnets: { tags: { tier: private } }
    securityGroups: [{ tags: { role: app } }, sg-0abc]
  taskDefinition:
    family: web
    cpu: 256
    memory: 512
    containers:
      - { name: web, image: nginx, portMappings: [{ containerPort: 80 }] }
`;

let dir: string;
let desired: DesiredState;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'lookups-'));
  await writeFile(join(dir, 'all.yaml'), FILES);
  const loaded = await loadDesiredState(dir);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  desired = loaded.state;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('resolveLookups', () => {
  it('the loader lists every site with its file:line and leaves placeholders', () => {
    expect(desired.targetGroups.find((t) => t.name === 'web-tg')?.lookups).toEqual([
      { site: 'vpc', kind: 'vpc', filter: { tags: { Name: 'prod' } }, many: false, source: { file: 'all.yaml', line: 5, col: 8 } },
    ]);
    expect(desired.targetGroups[0]!.spec.vpcId).toBe('lookup:vpc');
    expect(desired.services[0]!.lookups?.map((l) => l.site)).toEqual(['network.subnets', 'network.securityGroups[0]']);
  });

  it('one describe per kind for all lookups together; the ids in place; a two-VPC match blocks its resource alone', async () => {
    const { clients, sent } = fakeClients(WORLD);
    const r = await resolveLookups(desired, clients);
    expect(sent.map((s) => s.name).sort()).toEqual(['DescribeSecurityGroups', 'DescribeSubnets', 'DescribeVpcs']);
    expect(sent.find((s) => s.name === 'DescribeVpcs')?.input.Filters).toEqual([{ Name: 'tag:Name', Values: ['twin', 'prod'] }]);
    // names and tags together: one unfiltered DescribeSecurityGroups
    expect(sent.find((s) => s.name === 'DescribeSecurityGroups')?.input.Filters).toBeUndefined();

    expect(r.desired.targetGroups.map((t) => [t.name, t.spec.vpcId])).toEqual([['web-tg', 'vpc-1']]);
    expect(r.blocked).toHaveLength(1);
    expect(r.blocked[0]!.id).toBe('TargetGroup/twin-tg');
    expect(r.blocked[0]!.message).toContain('spec.vpc { tags: { Name: twin } } (all.yaml:14) matched 2 VPCs: vpc-2 ("twin"), vpc-3 ("twin")');

    const sgi = r.desired.securityGroupIngress[0]!;
    expect(sgi.spec.groupId).toBe('sg-app');
    expect(sgi.spec.rules.map((x) => x.source)).toEqual([
      { type: 'cidr', value: '10.0.0.0/8' },
      { type: 'securityGroup', value: 'sg-alb' },
    ]);
    const network = r.desired.services[0]!.spec.network!;
    expect(network.subnets).toEqual(['subnet-a', 'subnet-b']);
    expect(network.securityGroups).toEqual(['sg-0abc', 'sg-app']);
    expect(r.resolved.find((l) => l.id === 'Service/web' && l.site === 'spec.network.subnets')).toEqual({ id: 'Service/web', site: 'spec.network.subnets', lookup: '{ tags: { tier: private } }', ids: ['subnet-a', 'subnet-b'] });
    // the loaded state is not changed: the next cycle resolves again
    expect(desired.targetGroups[0]!.spec.vpcId).toBe('lookup:vpc');
  });

  it('no match is an error naming the lookup', async () => {
    const { clients } = fakeClients({ ...WORLD, groups: [] });
    const r = await resolveLookups(desired, clients);
    expect(r.blocked.map((b) => b.id).sort()).toEqual(['SecurityGroupIngress/app-ingress', 'Service/web', 'TargetGroup/twin-tg']);
    expect(r.blocked.find((b) => b.id === 'SecurityGroupIngress/app-ingress')?.message).toContain('spec.groupName { name: shop-app-sg } (all.yaml:22) matched no security group');
    expect(r.desired.services).toEqual([]);
  });

  it('no lookups: no call at all, the same state', async () => {
    const plain = { ...desired, targetGroups: [], securityGroupIngress: [], services: [] };
    const { clients, sent } = fakeClients(WORLD);
    const r = await resolveLookups(plain, clients);
    expect(sent).toEqual([]);
    expect(r.desired).toBe(plain);
  });
});

describe('withoutBlocked', () => {
  it('drops the blocked resources changes, and holds what forwards to a blocked target group', () => {
    const desired = fx.desiredState({
      targetGroups: [fx.targetGroup('users-tg')],
      services: [
        fx.service('api', { loadBalancers: [{ targetGroup: { name: 'twin-tg' }, containerName: 'web', containerPort: 80 }] }),
        fx.service('other'),
      ],
      listenerRules: [fx.listenerRule('to-twin', { action: { type: 'forward', targetGroup: { name: 'twin-tg' } } })],
    });
    const plan = planAll(desired, fx.liveState(), { prune: false, ownerId: fx.OWNER });
    const blocked = [{ id: 'TargetGroup/twin-tg', message: 'TargetGroup/twin-tg: spec.vpc ... matched 2 VPCs' }];
    const out = withoutBlocked(plan, blocked);
    expect(out.changes.map((c) => c.id).sort()).toEqual(['Service/other', 'TargetGroup/users-tg']);
    expect(out.conflicts.map((c) => c.id)).toEqual(expect.arrayContaining(['TargetGroup/twin-tg', 'Service/api', 'ListenerRule/to-twin']));
    expect(out.conflicts.find((c) => c.id === 'Service/api')?.message).toBe('Service/api: waits for TargetGroup/twin-tg, whose lookup failed this cycle (see its conflict)');
    expect(withoutBlocked(plan, [])).toBe(plan);
  });
});
