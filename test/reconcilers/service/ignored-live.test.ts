// Shared ownership, pure: what the writes send when fields are ignored (or owned by a scaler):
// the live value, per path shape (one container's field, every container's, an env var, a whole
// container, a service field, a tag); and the plan's `kept` list and detail line.
import { describe, expect, it } from 'vitest';
import { keepIgnoredLive } from '../../../src/reconcilers/service/ignored-live.js';
import { diffService } from '../../../src/reconcilers/service/plan.js';
import { TargetGroupIndex } from '../../../src/reconcilers/shared/compare-actions.js';
import { planAll } from '../../../src/reconcilers/plan.js';
import { detailLines } from '../../../src/reconcilers/format-plan.js';
import type { ChangeOf, LiveService } from '../../../src/reconcilers/types.js';
import type { ContainerSpec, DesiredOf, TaskDefinitionSpec } from '../../../src/spec/types.js';
import { normaliseScalableTarget } from '../../../src/spec/normalise-scalable-target.js';
import { specHash } from '../../../src/spec/spec-hash.js';
import { ACCOUNT, OWNER, desiredState, liveState, ours, service, taskDefinitionSpec } from '../fixtures.js';

const sidecar: ContainerSpec = { name: 'sidecar', image: 'fluent-bit:2', essential: false, portMappings: [], environment: [], secrets: [] };
const desiredTd = (): TaskDefinitionSpec => {
  const td = taskDefinitionSpec();
  td.containers.push(structuredClone(sidecar));
  return td;
};

function liveOf(d: DesiredOf<'Service'>, change: (td: TaskDefinitionSpec, svc: LiveService) => void): LiveService {
  const td = structuredClone(d.spec.taskDefinition);
  const svc: LiveService = {
    arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:service/${d.spec.cluster}/${d.name}`,
    name: d.name,
    clusterArn: `arn:aws:ecs:us-east-2:${ACCOUNT}:cluster/${d.spec.cluster}`,
    clusterName: d.spec.cluster,
    status: 'ACTIVE',
    launchType: d.spec.launchType,
    desiredCount: d.spec.desiredCount,
    deployment: { ...d.spec.deployment },
    taskDefinition: { arn: `arn:aws:ecs:us-east-2:${ACCOUNT}:task-definition/${td.family}:9`, family: td.family, revision: 9, spec: td, tags: {} },
    loadBalancers: [],
    tags: ours(`Service/${d.name}`, d.specHash, { team: 'live-team' }),
  };
  change(td, svc);
  return svc;
}

function shared(d: DesiredOf<'Service'>, live: LiveService) {
  return keepIgnoredLive(d, live, diffService(d, live, new TargetGroupIndex(new Map(), [])), d.ignore);
}

describe('keepIgnoredLive: the writes send the live value of every ignored field', () => {
  const ciImage = `${ACCOUNT}.dkr.ecr.us-east-2.amazonaws.com/payments:1.5.0-ci`;

  it.each([
    ['one container by name', 'taskDefinition.containers[web].image'],
    ['every container', 'taskDefinition.containers.image'],
    ['every container, [*]', 'taskDefinition.containers[*].image'],
  ])('%s (%s)', (_name, path) => {
    const d = service('api', { taskDefinition: desiredTd() }, { ignore: [path] });
    const live = liveOf(d, (td) => {
      td.containers[0]!.image = ciImage;
    });
    const { writeSpec, kept } = shared(d, live);
    expect(writeSpec.taskDefinition.containers.map((c) => c.image)).toEqual([ciImage, 'fluent-bit:2']);
    expect(kept).toEqual([{ path: 'taskDefinition.containers[web].image', live: ciImage, owner: 'ignored' }]);
    // the file's own spec is untouched
    expect(d.spec.taskDefinition.containers[0]!.image).not.toBe(ciImage);
  });

  it('a field of one container ignored leaves the same field of another container to the file', () => {
    const d = service('api', { taskDefinition: desiredTd() }, { ignore: ['taskDefinition.containers[web].image'] });
    const live = liveOf(d, (td) => {
      td.containers[0]!.image = ciImage;
      td.containers[1]!.image = 'fluent-bit:hand';
    });
    const { writeSpec } = shared(d, live);
    expect(writeSpec.taskDefinition.containers.map((c) => c.image)).toEqual([ciImage, 'fluent-bit:2']);
  });

  it('an ignored env var keeps its live value (or stays absent when live has none), the others are the file\'s', () => {
    const td = desiredTd();
    td.containers[0]!.environment = [
      { name: 'FLAG', value: 'file', secret: false },
      { name: 'MODE', value: 'production', secret: false },
    ];
    const d = service('api', { taskDefinition: td }, { ignore: ['taskDefinition.containers[web].environment.FLAG'] });
    const live = liveOf(d, (t) => {
      t.containers[0]!.environment = [
        { name: 'FLAG', value: 'from-ops', secret: false },
        { name: 'MODE', value: 'staging', secret: false },
      ];
    });
    expect(shared(d, live).writeSpec.taskDefinition.containers[0]!.environment).toEqual([
      { name: 'FLAG', value: 'from-ops', secret: false },
      { name: 'MODE', value: 'production', secret: false },
    ]);
    const absent = liveOf(d, (t) => {
      t.containers[0]!.environment = [{ name: 'MODE', value: 'production', secret: false }];
    });
    expect(shared(d, absent).writeSpec.taskDefinition.containers[0]!.environment.map((e) => e.name)).toEqual(['MODE']);
  });

  it('a whole ignored container is sent as live has it', () => {
    const d = service('api', { taskDefinition: desiredTd() }, { ignore: ['taskDefinition.containers[sidecar]'] });
    const live = liveOf(d, (td) => {
      td.containers = td.containers.filter((c) => c.name !== 'sidecar');
    });
    expect(shared(d, live).writeSpec.taskDefinition.containers.map((c) => c.name)).toEqual(['web']);
  });

  it('service fields: desiredCount, one deployment percentage, a tag keep their live value', () => {
    const d = service('api', { desiredCount: 2, tags: { team: 'file-team' } }, { ignore: ['desiredCount', 'deployment.maximumPercent', 'tags.team'] });
    const live = liveOf(d, (_td, svc) => {
      svc.desiredCount = 7;
      svc.deployment = { maximumPercent: 150, minimumHealthyPercent: 50 };
    });
    const { writeSpec, kept } = shared(d, live);
    expect(writeSpec.desiredCount).toBe(7);
    // the one not ignored is the file's
    expect(writeSpec.deployment).toEqual({ maximumPercent: 150, minimumHealthyPercent: 0 });
    expect(writeSpec.tags).toEqual({ team: 'live-team' });
    expect(kept.map((k) => k.path).sort()).toEqual(['deployment.maximumPercent', 'desiredCount', 'tags.team']);
  });
});

describe('planServices with shared ownership', () => {
  const scaler = (name: string, serviceName: string): DesiredOf<'ScalableTarget'> => {
    const spec = normaliseScalableTarget({ service: serviceName, minCapacity: 2, maxCapacity: 10 });
    return { kind: 'ScalableTarget', name, id: `ScalableTarget/${name}`, policy: 'enforce', ignore: [], source: { file: 'x.yaml', line: 1, col: 1 }, specHash: specHash(spec), spec };
  };
  const svcChange = (d: DesiredOf<'Service'>, live: LiveService, targets: DesiredOf<'ScalableTarget'>[] = []): ChangeOf<'Service'> => {
    const plan = planAll(desiredState({ services: [d], scalableTargets: targets }), liveState({ services: [live] }), { prune: false, ownerId: OWNER });
    const c = plan.changes.find((x) => x.kind === 'Service');
    if (c?.kind !== 'Service') throw new Error('no service change');
    return c;
  };

  it('a Service under a declared ScalableTarget: desiredCount moved 2 -> 7 is no drift', () => {
    const d = service('api', { desiredCount: 2 });
    const live = liveOf(d, (_td, svc) => {
      svc.desiredCount = 7;
    });
    expect(svcChange(d, live, [scaler('api', 'api')]).action).toBe('noop');
    // without the scaler it is drift
    expect(svcChange(d, live).cause).toBe('drift');
  });

  it('a rollout under a scaler sends the live desiredCount and says who owns it', () => {
    const d = service('api', { desiredCount: 2 });
    const live = liveOf(d, (td, svc) => {
      svc.desiredCount = 7;
      td.containers[0]!.image = 'old:1';
    });
    const c = svcChange(d, live, [scaler('scale-api', 'api')]);
    expect(c.diffs.map((x) => x.path)).toEqual(['taskDefinition.containers[web].image']);
    expect(c.writeSpec?.desiredCount).toBe(7);
    expect(detailLines(c)).toContain('    desiredCount: keeps live 7 (owned by ScalableTarget/scale-api (Application Auto Scaling))');
  });

  it('a secret env value that is ignored shows as (secret), never its value', () => {
    const td = taskDefinitionSpec();
    td.containers[0]!.environment = [{ name: 'TOKEN', value: 'file-secret', secret: true }];
    const d = service('api', { taskDefinition: td }, { ignore: ['taskDefinition.containers.environment.TOKEN'] });
    const live = liveOf(d, (t, svc) => {
      t.containers[0]!.environment = [{ name: 'TOKEN', value: 'live-secret', secret: false }];
      t.containers[0]!.image = 'other:2';
      svc.tags = ours('Service/api', d.specHash);
    });
    const c = svcChange(d, live);
    expect(JSON.stringify(detailLines(c))).not.toContain('live-secret');
    expect(detailLines(c)).toContain('    taskDefinition.containers[web].environment.TOKEN: keeps live "(secret)" (ignored)');
    expect(c.writeSpec?.taskDefinition.containers[0]!.environment).toEqual([{ name: 'TOKEN', value: 'live-secret', secret: true }]);
  });
});
