// A deployment simulator on the wire, for the fault proxy: moto never runs tasks (a deployment
// stays IN_PROGRESS forever, and UpdateService does not even add one), so for the services a test
// scripts, this rewrites ECS's UpdateService and DescribeServices answers as AWS would report a
// deployment: each UpdateService of a scripted service starts a new PRIMARY deployment of the
// revision sent, which completes after `afterMs`, or fails after `afterMs` with a reason (the
// circuit breaker's) and, with `rollback`, is rolled back `rollbackAfterMs` later to the revision
// the service ran before (a new PRIMARY deployment of it, COMPLETED; the failed one stays listed
// as ACTIVE/FAILED), with the service events ECS writes on the way. Services not scripted pass
// through untouched.
//
//   const sim = new DeploymentSimulator();
//   sim.script('web', { outcome: 'fail', afterMs: 2_000, reason: '...', stoppedReason: 'CannotPullContainerError: ...', rollback: true });
//   const proxy = new FaultProxy({ target: motoUrl(), simulator: sim });
export interface CompleteBehaviour {
  outcome: 'complete';
  /** ms after the UpdateService until the deployment is COMPLETED (default 0) */
  afterMs?: number;
}

export interface FailBehaviour {
  outcome: 'fail';
  /** ms after the UpdateService until the deployment is FAILED (default 0) */
  afterMs?: number;
  /** the deployment's rolloutStateReason (default the circuit breaker's) */
  reason?: string;
  /** the first failing task's stopped reason, as a service event */
  stoppedReason?: string;
  /** roll back to the previous revision, as the circuit breaker with rollback does */
  rollback?: boolean;
  /** ms after the failure until the rollback deployment is COMPLETED (default 1,000) */
  rollbackAfterMs?: number;
}

export type DeploymentBehaviour = CompleteBehaviour | FailBehaviour;

interface SimDeployment {
  id: string;
  taskDefinition: string;
  previous: string | undefined;
  startedAt: number;
  behaviour: DeploymentBehaviour;
}

interface SimService {
  /** what the service ran before the simulated deployments (moto's answer) */
  initial: string | undefined;
  /** the deployments this simulator started, oldest first */
  deployments: SimDeployment[];
}

export const CIRCUIT_BREAKER_REASON = 'ECS deployment circuit breaker: tasks failed to start.';

type Json = Record<string, unknown>;

export class DeploymentSimulator {
  readonly #scripts = new Map<string, DeploymentBehaviour[]>();
  readonly #services = new Map<string, SimService>();
  readonly #now: () => number;
  #seq = 0;

  constructor(options: { now?: () => number } = {}) {
    this.#now = options.now ?? Date.now;
  }

  /** The next UpdateServices of `service` (by name) behave as given, in order; afterwards: complete at once. */
  script(service: string, ...behaviours: DeploymentBehaviour[]): void {
    this.#scripts.set(service, [...(this.#scripts.get(service) ?? []), ...behaviours]);
    if (!this.#services.has(service)) this.#services.set(service, { initial: undefined, deployments: [] });
  }

  /** Deployments started for `service` (UpdateServices seen), oldest first. */
  deploymentsOf(service: string): readonly { id: string; taskDefinition: string; outcome: string }[] {
    return (this.#services.get(service)?.deployments ?? []).map((d) => ({ id: d.id, taskDefinition: d.taskDefinition, outcome: d.behaviour.outcome }));
  }

  wants(service: string, operation: string): boolean {
    return service === 'ecs' && (operation === 'UpdateService' || operation === 'DescribeServices') && this.#services.size > 0;
  }

  /** The answer the SDK gets instead of moto's (same status; only 200 answers are rewritten). */
  rewrite(operation: string, requestBody: string, status: number, body: Buffer): Buffer {
    if (status !== 200) return body;
    const answer = JSON.parse(body.toString('utf8')) as Json;
    if (operation === 'UpdateService') {
      const request = JSON.parse(requestBody) as Json;
      const svc = answer.service as Json | undefined;
      if (svc === undefined) return body;
      const name = String(svc.serviceName ?? '');
      const sim = this.#services.get(name);
      if (sim === undefined) return body;
      if (request.taskDefinition !== undefined || request.forceNewDeployment === true) {
        const before = this.#view(name, sim, svc).taskDefinition;
        sim.deployments.push({
          id: `ecs-svc/${9_000_000_000_000 + ++this.#seq}`,
          taskDefinition: String(svc.taskDefinition ?? ''),
          previous: before,
          startedAt: this.#now(),
          behaviour: this.#scripts.get(name)?.shift() ?? { outcome: 'complete' },
        });
      }
      answer.service = this.#rewriteService(name, sim, svc);
    } else {
      answer.services = ((answer.services as Json[] | undefined) ?? []).map((svc) => {
        const name = String(svc.serviceName ?? '');
        const sim = this.#services.get(name);
        return sim === undefined ? svc : this.#rewriteService(name, sim, svc);
      });
    }
    return Buffer.from(JSON.stringify(answer));
  }

  #rewriteService(name: string, sim: SimService, svc: Json): Json {
    sim.initial ??= firstDeploymentTaskDefinition(svc) ?? String(svc.taskDefinition ?? '');
    if (sim.deployments.length === 0) return svc;
    const view = this.#view(name, sim, svc);
    return { ...svc, taskDefinition: view.taskDefinition, deployments: view.deployments, events: [...view.events, ...((svc.events as Json[] | undefined) ?? [])] };
  }

  /** The service as AWS would report it now: what it runs, its deployments, its events (newest first). */
  #view(name: string, sim: SimService, svc: Json): { taskDefinition: string | undefined; deployments: Json[]; events: Json[] } {
    const latest = sim.deployments.at(-1);
    if (latest === undefined) return { taskDefinition: sim.initial ?? String(svc.taskDefinition ?? ''), deployments: [], events: [] };
    const desired = Number(svc.desiredCount ?? 1);
    const now = this.#now();
    const t = now - latest.startedAt;
    const sec = (ms: number): number => ms / 1000;
    const deployment = (id: string, taskDefinition: string, status: string, rolloutState: string, reason: string, counts: { running: number; pending: number; failed: number }, at: number): Json => ({
      id, status, taskDefinition, desiredCount: desired, runningCount: counts.running, pendingCount: counts.pending, failedTasks: counts.failed,
      createdAt: sec(at), updatedAt: sec(now), launchType: svc.launchType, rolloutState, rolloutStateReason: reason,
    });
    const after = latest.behaviour.afterMs ?? 0;
    const events: Json[] = [];
    const event = (at: number, message: string): void => {
      events.unshift({ id: `sim-${at}-${events.length}`, createdAt: sec(at), message: `(service ${name}) ${message}` });
    };
    event(latest.startedAt, `has started 1 tasks: (task sim${latest.id.slice(-4)}).`);
    if (latest.behaviour.outcome === 'complete') {
      if (t < after) {
        const old = latest.previous === undefined ? [] : [deployment(`${latest.id}-previous`, latest.previous, 'ACTIVE', 'COMPLETED', 'ECS deployment completed.', { running: desired, pending: 0, failed: 0 }, latest.startedAt - 60_000)];
        return { taskDefinition: latest.taskDefinition, deployments: [deployment(latest.id, latest.taskDefinition, 'PRIMARY', 'IN_PROGRESS', `ECS deployment ${latest.id} in progress.`, { running: 0, pending: desired, failed: 0 }, latest.startedAt), ...old], events };
      }
      event(latest.startedAt + after, 'has reached a steady state.');
      return { taskDefinition: latest.taskDefinition, deployments: [deployment(latest.id, latest.taskDefinition, 'PRIMARY', 'COMPLETED', `ECS deployment ${latest.id} completed.`, { running: desired, pending: 0, failed: 0 }, latest.startedAt)], events };
    }
    const b = latest.behaviour;
    if (t < after) {
      return { taskDefinition: latest.taskDefinition, deployments: [deployment(latest.id, latest.taskDefinition, 'PRIMARY', 'IN_PROGRESS', `ECS deployment ${latest.id} in progress.`, { running: 0, pending: desired, failed: 0 }, latest.startedAt)], events };
    }
    const reason = b.reason ?? CIRCUIT_BREAKER_REASON;
    if (b.stoppedReason !== undefined) event(latest.startedAt + after / 2, `(task sim${latest.id.slice(-4)}) stopped: ${b.stoppedReason}`);
    event(latest.startedAt + after, `(deployment ${latest.id}) deployment failed: ${reason}`);
    const failedCounts = { running: 0, pending: 0, failed: 3 };
    const rollbackAt = latest.startedAt + after + (b.rollbackAfterMs ?? 1_000);
    if (b.rollback !== true || latest.previous === undefined || now < rollbackAt) {
      return { taskDefinition: latest.taskDefinition, deployments: [deployment(latest.id, latest.taskDefinition, 'PRIMARY', 'FAILED', reason, failedCounts, latest.startedAt)], events };
    }
    const rollbackId = `${latest.id}-rollback`;
    event(rollbackAt, `rolling back to deployment ${rollbackId}.`);
    return {
      taskDefinition: latest.previous,
      deployments: [
        deployment(rollbackId, latest.previous, 'PRIMARY', 'COMPLETED', `ECS deployment ${rollbackId} completed.`, { running: desired, pending: 0, failed: 0 }, rollbackAt),
        deployment(latest.id, latest.taskDefinition, 'ACTIVE', 'FAILED', reason, failedCounts, latest.startedAt),
      ],
      events,
    };
  }
}

function firstDeploymentTaskDefinition(svc: Json): string | undefined {
  const deployments = (svc.deployments as Json[] | undefined) ?? [];
  const td = deployments.at(-1)?.taskDefinition;
  return typeof td === 'string' ? td : undefined;
}
