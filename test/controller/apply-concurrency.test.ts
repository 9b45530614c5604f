// applyPlan runs the writes of different AWS services side by side (issue 16, item 5): a cold
// apply takes its slowest bucket's time, not the sum of every bucket's. Virtual time: the fake
// appliers draw their tokens from the real RateLimiter (AWS's published buckets) on a virtual
// clock and "take" a latency on it; the clock jumps to the next timer whenever every step is
// waiting, so the test measures the schedule, never the machine. No AWS.
import { describe, expect, it } from 'vitest';
import { applyPlan } from '../../src/controller/apply.js';
import { RateLimiter, type Clock } from '../../src/aws/rate-limiter.js';
import { RequestGate } from '../../src/aws/request-gate.js';
import type { AwsClients } from '../../src/aws/clients.js';
import type { AwsService } from '../../src/aws/aws-service.js';
import type { ApplyContext } from '../../src/reconcilers/shared/apply-context.js';
import type { Change, LiveState, Plan } from '../../src/reconcilers/types.js';
import { TAG_OWNER, TAG_RESOURCE } from '../../src/reconcilers/types.js';
import { emptyLive, fakeAppliers, fakeContext, OWNER, listenerChange, ruleChange, serviceChange, sgChange, tgChange } from '../reconcilers/fixtures.js';

const plan = (changes: Change[]): Plan => ({ changes, conflicts: [] });

/** A clock that only moves when told to: sleep() resolves when run() reaches its time. */
class VirtualClock implements Clock {
  private t = 0;
  private timers: { at: number; resolve: () => void }[] = [];

  now(): number {
    return this.t;
  }

  sleep(ms: number): Promise<void> {
    return new Promise((resolve) => this.timers.push({ at: this.t + ms, resolve }));
  }

  /** Let every runnable promise run; when all wait on the clock, jump to the earliest timer. */
  async run<T>(work: Promise<T>): Promise<T> {
    let settled = false;
    const done = work.finally(() => {
      settled = true;
    });
    for (let turns = 0; !settled; turns++) {
      if (turns > 100_000) throw new Error('virtual clock: the work never finished');
      await new Promise((r) => setImmediate(r));
      if (settled || this.timers.length === 0) continue;
      this.timers.sort((a, b) => a.at - b.at);
      const next = this.timers.shift();
      if (next === undefined) continue;
      this.t = Math.max(this.t, next.at);
      next.resolve();
    }
    return done;
  }
}

type Event = { at: number; what: 'start' | 'end'; id: string; service: AwsService };

/**
 * fakeAppliers() with every write drawing a token for `operation` of `service` from the limiter
 * and taking `latencyMs` (or `slow[id]`) of virtual time; records start/end and what is in flight.
 */
function bucketedAppliers(clock: VirtualClock, opts: { latencyMs?: number; slow?: Record<string, number> } = {}) {
  const limiter = new RateLimiter({}, clock, 1);
  const fake = fakeAppliers();
  const events: Event[] = [];
  const inFlight = new Map<AwsService, number>();
  const maxInFlight = new Map<AwsService, number>();
  let total = 0;
  let maxTotal = 0;
  const write = async <T>(service: AwsService, operation: string, id: string, inner: () => Promise<T>): Promise<T> => {
    inFlight.set(service, (inFlight.get(service) ?? 0) + 1);
    maxInFlight.set(service, Math.max(maxInFlight.get(service) ?? 0, inFlight.get(service) ?? 0));
    total += 1;
    maxTotal = Math.max(maxTotal, total);
    events.push({ at: clock.now(), what: 'start', id, service });
    try {
      await limiter.acquire(service, operation);
      await clock.sleep(opts.slow?.[id] ?? opts.latencyMs ?? 50);
      return await inner();
    } finally {
      events.push({ at: clock.now(), what: 'end', id, service });
      inFlight.set(service, (inFlight.get(service) ?? 1) - 1);
      total -= 1;
    }
  };
  const a = fake.appliers;
  const { TargetGroup: tg, Listener: l, ListenerRule: r, SecurityGroupIngress: sg, Service: svc } = { ...a };
  const wrapped = {
    ...a,
    TargetGroup: { ...tg, apply: (c: Parameters<typeof tg.apply>[0], x: ApplyContext) => write('elbv2', 'AddTags', c.id, () => tg.apply(c, x)) },
    Listener: { ...l, apply: (c: Parameters<typeof l.apply>[0], x: ApplyContext) => write('elbv2', 'AddTags', c.id, () => l.apply(c, x)) },
    ListenerRule: {
      ...r,
      apply: (c: Parameters<typeof r.apply>[0], x: ApplyContext, o: Parameters<typeof r.apply>[2]) => write('elbv2', 'AddTags', c.id, () => r.apply(c, x, o)),
      move: (...m: Parameters<typeof r.move>) => write('elbv2', 'ModifyRule', `move:${m[2]}`, () => r.move(...m)),
    },
    SecurityGroupIngress: { ...sg, apply: (c: Parameters<typeof sg.apply>[0], x: ApplyContext) => write('ec2', 'CreateTags', c.id, () => sg.apply(c, x)) },
    Service: {
      ...svc,
      apply: (c: Parameters<typeof svc.apply>[0], x: ApplyContext) => write('ecs', 'TagResource', c.id, () => svc.apply(c, x)),
      move: (...m: Parameters<typeof svc.move>) => write('ecs', 'UpdateService', `move:${m[2].arn}`, () => svc.move(...m)),
    },
  } as typeof a;
  const at = (what: Event['what'], id: string): number => {
    const e = events.find((x) => x.what === what && x.id === id);
    if (e === undefined) throw new Error(`no ${what} of ${id}`);
    return e.at;
  };
  return { appliers: wrapped, calls: fake.calls, events, at, maxInFlight, maxTotal: () => maxTotal };
}

const names = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('applyPlan: writes of different AWS services side by side', () => {
  it('an adoption of 40 target groups and 40 services takes the ELBv2 bucket\'s time, not ELBv2\'s plus ECS\'s', async () => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock);
    const changes: Change[] = [...names('tg', 40).map((n) => tgChange(n, 'update')), ...names('svc', 40).map((n) => serviceChange(n, 'update'))];
    const report = await clock.run(applyPlan(plan(changes), fakeContext(), { appliers: fake.appliers }));
    expect(report.ok).toBe(true);
    expect(fake.calls).toHaveLength(80);
    // elbv2:mutate 20 / 3 a second: (40 - 20) / 3 = 6.67 s; ecs:tag-mutate 20 / 10: (40 - 20) / 10 = 2 s.
    // One after the other that is 8.67 s; side by side the ELBv2 bucket alone decides.
    const elbv2Seconds = (40 - 20) / 3;
    expect(clock.now() / 1000).toBeGreaterThan(elbv2Seconds - 0.5);
    expect(clock.now() / 1000).toBeLessThan(elbv2Seconds + 0.5);
    // the services' writes ran while the target groups' did: all of them ended before the ELBv2 ones
    expect(fake.at('end', 'Service/svc-39')).toBeLessThan(fake.at('end', 'TargetGroup/tg-39'));
    expect(fake.at('start', 'Service/svc-0')).toBe(0);
  });

  it('keeps the order a service needs: after the target group it names and the rule and listener forwarding to it', async () => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock, { slow: { 'TargetGroup/a': 1000, 'Listener/l': 1000, 'ListenerRule/r': 1000 } });
    const changes: Change[] = [
      serviceChange('svc-a', 'create', ['a']),
      serviceChange('svc-b', 'update', ['b']),
      serviceChange('svc-free', 'update'),
      ruleChange('r', 'update', { tg: 'a' }),
      listenerChange('l', 'update', { tg: 'a', port: 8080 }),
      tgChange('a', 'create'),
      tgChange('b', 'update'),
      sgChange('sg', 'update'),
    ];
    const report = await clock.run(applyPlan(plan(changes), fakeContext(), { appliers: fake.appliers }));
    expect(report.ok).toBe(true);
    // ELBv2 phases in registry order: target groups, listeners, rules
    expect(fake.at('start', 'Listener/l')).toBeGreaterThanOrEqual(fake.at('end', 'TargetGroup/a'));
    expect(fake.at('start', 'ListenerRule/r')).toBeGreaterThanOrEqual(fake.at('end', 'Listener/l'));
    // the service on `a` waits for every ELBv2 write touching `a` (ECS refuses a target group no load balancer forwards to)
    expect(fake.at('start', 'Service/svc-a')).toBeGreaterThanOrEqual(fake.at('end', 'ListenerRule/r'));
    // the service on `b` waits for b's write only; the one naming no target group and the ingress start at once
    expect(fake.at('start', 'Service/svc-b')).toBeGreaterThanOrEqual(fake.at('end', 'TargetGroup/b'));
    expect(fake.at('start', 'Service/svc-b')).toBeLessThan(fake.at('end', 'TargetGroup/a'));
    expect(fake.at('start', 'Service/svc-free')).toBe(0);
    expect(fake.at('start', 'SecurityGroupIngress/sg')).toBe(0);
  });

  it('a target group replace moves its rule before its service (ECS needs the new group forwarded to first)', async () => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock, { slow: { 'move:arn:rule/r': 1000 } });
    const oldArn = 'arn:tg/old';
    const live: LiveState = {
      ...emptyLive(),
      rules: [
        {
          arn: 'arn:rule/r',
          listenerArn: 'arn:l',
          priority: 7,
          conditions: { pathPatterns: ['/r'], hostHeaders: [], httpRequestMethods: [], sourceIps: [] },
          action: { type: 'forward', targetGroupArn: oldArn },
          tags: { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: 'ListenerRule/r' },
        },
      ],
      services: [
        {
          arn: 'arn:svc/s',
          name: 's',
          clusterName: 'c',
          loadBalancers: [{ targetGroupArn: oldArn, containerName: 'web', containerPort: 80 }],
          tags: { [TAG_OWNER]: OWNER, [TAG_RESOURCE]: 'Service/s' },
        } as unknown as LiveState['services'][number],
      ],
    };
    const report = await clock.run(applyPlan(plan([tgChange('tg', 'replace', oldArn)]), fakeContext(live), { appliers: fake.appliers }));
    expect(report.ok).toBe(true);
    expect(fake.calls).toContain('moveService:arn:svc/s');
    expect(fake.at('start', 'move:arn:svc/s')).toBeGreaterThanOrEqual(fake.at('end', 'move:arn:rule/r'));
  });

  it('skips a service whose target group failed, in another AWS service\'s phase, as before', async () => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock);
    fake.appliers.TargetGroup.apply = () => Promise.reject(new Error('injected failure for TargetGroup/a'));
    const report = await clock.run(
      applyPlan(plan([tgChange('a', 'create'), serviceChange('svc-a', 'create', ['a']), serviceChange('svc-b', 'update')]), fakeContext(), {
        appliers: fake.appliers,
      }),
    );
    const byId = Object.fromEntries(report.outcomes.map((o) => [o.id, o]));
    expect(byId['Service/svc-a']?.status).toBe('skipped');
    expect(byId['Service/svc-a']?.reason).toContain('depends on TargetGroup/a, which failed');
    expect(byId['Service/svc-b']?.status).toBe('applied');
  });

  it('starts the deletes only after every write of every AWS service, and in reverse registry order', async () => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock, { slow: { 'SecurityGroupIngress/sg': 5000, 'Service/svc': 3000 } });
    const del = (id: string): number => {
      const i = fake.calls.indexOf(id);
      expect(i).toBeGreaterThanOrEqual(0);
      return i;
    };
    const changes: Change[] = [
      tgChange('gone-tg', 'delete', 'arn:tg/gone'),
      serviceChange('gone-svc', 'delete'),
      ruleChange('gone-r', 'delete', { liveArn: 'arn:rule/gone' }),
      sgChange('sg', 'update'),
      serviceChange('svc', 'update'),
      tgChange('tg', 'update'),
    ];
    const report = await clock.run(applyPlan(plan(changes), fakeContext(), { prune: true, maxDeletes: 10, appliers: fake.appliers }));
    expect(report.ok).toBe(true);
    // the three writes ran side by side (the slowest, 5 s, decides), the deletes after all of them
    expect(fake.at('end', 'SecurityGroupIngress/sg')).toBe(5000);
    expect(fake.calls.slice(0, 3).sort()).toEqual(['service:Service/svc', 'sg:SecurityGroupIngress/sg', 'tg:TargetGroup/tg']);
    expect(fake.calls.slice(3)).toEqual(['deleteService:Service/gone-svc', 'deleteRule:ListenerRule/gone-r', 'deleteTG:TargetGroup/gone-tg']);
    expect(del('deleteService:Service/gone-svc')).toBeLessThan(del('deleteRule:ListenerRule/gone-r'));
  });

  it.each([1, 2, 4])('runs at most %i steps of each AWS service at once, and the services together', async (concurrency) => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock, { latencyMs: 200 });
    const changes: Change[] = [
      ...names('tg', 10).map((n) => tgChange(n, 'update')),
      ...names('svc', 10).map((n) => serviceChange(n, 'update')),
      ...names('sg', 10).map((n) => sgChange(n, 'update')),
    ];
    const report = await clock.run(applyPlan(plan(changes), fakeContext(), { appliers: fake.appliers, concurrency }));
    expect(report.ok).toBe(true);
    expect(fake.calls).toHaveLength(30);
    for (const service of ['elbv2', 'ecs', 'ec2'] as const) expect(fake.maxInFlight.get(service)).toBe(concurrency);
    expect(fake.maxTotal()).toBe(3 * concurrency);
  });

  it('on shutdown, lets the steps under way in each AWS service finish and starts no other', async () => {
    const clock = new VirtualClock();
    const fake = bucketedAppliers(clock, { latencyMs: 1000 });
    const gate = new RequestGate();
    const ctx = fakeContext();
    ctx.clients = { gate } as unknown as AwsClients;
    void clock.sleep(500).then(() => gate.drain('SIGTERM'));
    const changes: Change[] = [tgChange('a', 'update'), tgChange('b', 'update'), serviceChange('s1', 'update'), serviceChange('s2', 'update')];
    const report = await clock.run(applyPlan(plan(changes), ctx, { appliers: fake.appliers, concurrency: 1 }));
    expect(fake.calls.sort()).toEqual(['service:Service/s1', 'tg:TargetGroup/a']);
    expect(report.outcomes.map((o) => `${o.id} ${o.status}`)).toEqual([
      'TargetGroup/a applied',
      'TargetGroup/b skipped',
      'Service/s1 applied',
      'Service/s2 skipped',
    ]);
    expect(report.ok).toBe(false);
  });
});
