// vitest globalSetup of the two moto projects (`integration`, `integration-serial`): one moto
// server per worker of the project, so files that run side by side never share (or reset) one.
// Tests read their worker's URL with motoUrl() (moto-test-context.ts).
// Set MOTO_URL before running vitest to use a moto server you started yourself: the files then
// run one at a time on it (vitest.config.ts).
import type { TestProject } from 'vitest/node';
import { resetMotoServer, startMotoServer, type MotoServer } from '../../src/demo/moto-server.js';

const servers: MotoServer[] = [];

export async function setup(project: TestProject): Promise<void> {
  const external = process.env.MOTO_URL;
  if (external) {
    await resetMotoServer(external).catch((error: unknown) => {
      throw new Error(`MOTO_URL=${external} is set but that moto server does not answer: ${(error as Error).message}`);
    });
    project.provide('motoUrls', [external]);
    return;
  }
  const workers = Math.max(1, project.config.maxWorkers ?? 1);
  // started one after another: each start is a python import of moto (CPU-bound, ~2 s)
  for (let i = 0; i < workers; i += 1) servers.push(await startMotoServer());
  project.provide('motoUrls', servers.map((s) => s.url));
}

export async function teardown(): Promise<void> {
  await Promise.all(servers.splice(0).map((s) => s.stop()));
}
