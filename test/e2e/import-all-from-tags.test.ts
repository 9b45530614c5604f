// `import --all-from-tags key=value` on a seed system built by hand whose load balancer,
// services and security groups carry one tag (what a Terraform stack's default_tags gives):
// the CLI, run as a process through the fault proxy (no writes), finds them all, writes files
// that `validate` accepts and `plan` shows with adoption tags only; an untagged neighbour is
// not imported.
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CreateTagsCommand } from '@aws-sdk/client-ec2';
import { DescribeServicesCommand, ListServicesCommand, TagResourceCommand } from '@aws-sdk/client-ecs';
import { AddTagsCommand, DescribeLoadBalancersCommand } from '@aws-sdk/client-elastic-load-balancing-v2';
import { parseAllDocuments } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestClients, type TestClients } from '../../src/demo/aws-demo-clients.js';
import type { PlanJson } from '../../src/reconcilers/format-plan.js';
import { seedSystem } from '../../src/demo/worlds/seed-systems.js';
import { awsEnv, runCli } from '../support/cli-process.js';
import { FaultProxy } from '../support/fault-proxy.js';
import { motoUrl, resetMoto } from '../support/moto-test-context.js';

let clients: TestClients;
let proxy: FaultProxy;
let proxyUrl: string;
beforeAll(async () => {
  await resetMoto();
  clients = createTestClients(motoUrl());
  proxy = new FaultProxy({ target: motoUrl() });
  proxyUrl = await proxy.start();
});
afterAll(async () => {
  clients.destroy();
  await proxy.stop();
});

describe('import --all-from-tags', () => {
  it('imports what carries the tag, plans with adoption tags only, leaves the untagged out', async () => {
    const tagged = seedSystem('flask-react');
    const world = await tagged.buildWorld(clients);
    await tagged.buildManaged(clients, world.ids);
    const other = seedSystem('ims');
    const otherWorld = await other.buildWorld(clients);
    await other.buildManaged(clients, otherWorld.ids);

    // the tag on what the flask-react file names: its load balancer, services and security groups
    const docs = parseAllDocuments(await readFile(tagged.desiredFile, 'utf8')).map((d) => d.toJS() as { kind: string; spec: Record<string, any> });
    const lbNames = [
      ...new Set(
        docs.flatMap((d) =>
          d.kind === 'Listener' ? [d.spec.loadBalancer as string] : d.kind === 'ListenerRule' && d.spec.listener.loadBalancer ? [d.spec.listener.loadBalancer as string] : [],
        ),
      ),
    ];
    expect(lbNames.length).toBeGreaterThan(0);
    const lbs = await clients.elbv2.send(new DescribeLoadBalancersCommand({ Names: lbNames }));
    await clients.elbv2.send(
      new AddTagsCommand({ ResourceArns: (lbs.LoadBalancers ?? []).map((lb) => lb.LoadBalancerArn!), Tags: [{ Key: 'stack', Value: 'flask' }] }),
    );
    for (const cluster of new Set(docs.flatMap((d) => (d.kind === 'Service' ? [d.spec.cluster as string] : [])))) {
      const arns = (await clients.ecs.send(new ListServicesCommand({ cluster }))).serviceArns ?? [];
      const services = (await clients.ecs.send(new DescribeServicesCommand({ cluster, services: arns }))).services ?? [];
      for (const s of services) await clients.ecs.send(new TagResourceCommand({ resourceArn: s.serviceArn!, tags: [{ key: 'stack', value: 'flask' }] }));
    }
    const groups = docs.flatMap((d) => (d.kind === 'SecurityGroupIngress' ? [world.ids[d.spec.groupId as string] ?? (d.spec.groupId as string)] : []));
    if (groups.length > 0) await clients.ec2.send(new CreateTagsCommand({ Resources: groups, Tags: [{ Key: 'stack', Value: 'flask' }] }));

    proxy.resetCounts();
    const out = join(await mkdtemp(join(tmpdir(), 'import-tags-')), 'imported');
    const imported = await runCli(['import', '--all-from-tags', 'stack=flask', '--out', out], { env: awsEnv(proxyUrl) });
    expect(imported.code, imported.stderr + imported.stdout).toBe(0);
    expect(proxy.writes(), 'import wrote to AWS').toEqual([]);

    const text = (await Promise.all((await readdir(out)).map((f) => readFile(join(out, f), 'utf8')))).join('\n---\n');
    const imports = parseAllDocuments(text).map((d) => d.toJS() as { kind: string; metadata: { name: string } } | null).filter((d) => d !== null);
    const ids = new Set(imports.map((d) => `${d.kind}/${d.metadata.name}`));
    for (const d of docs) {
      if (d.kind === 'Service' || d.kind === 'TargetGroup') expect(ids, `${d.kind} of flask-react`).toContain(`${d.kind}/${(d as { metadata?: { name: string } }).metadata?.name}`);
    }
    // nothing of the untagged system
    expect([...ids].filter((id) => id.includes('ims'))).toEqual([]);

    const validated = await runCli(['validate', out], { env: awsEnv(motoUrl()) });
    expect(validated.code, validated.stderr).toBe(0);
    const plan = await runCli(['plan', out, '--json'], { env: awsEnv(motoUrl()) });
    expect(plan.code, plan.stderr).toBe(0);
    const json = JSON.parse(plan.stdout) as PlanJson;
    expect(json.changes.filter((c) => c.action !== 'noop' && !c.tagOnly).map((c) => `${c.id}: ${JSON.stringify(c.diffs)}`)).toEqual([]);
    expect(json.conflicts).toEqual([]);
  }, 60_000);
});
