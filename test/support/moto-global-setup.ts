// vitest globalSetup of the `integration` project: ONE moto server for the whole run.
// Tests read its URL with motoUrl() (inject('motoUrl')); child processes get MOTO_URL.
// Set MOTO_URL before running vitest to use a moto server you started yourself.
import type { TestProject } from 'vitest/node';
import { resetMotoServer, startMotoServer, type MotoServer } from '../../src/demo/moto-server.js';

let server: MotoServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const external = process.env.MOTO_URL;
  let url: string;
  if (external) {
    await resetMotoServer(external).catch((error: unknown) => {
      throw new Error(`MOTO_URL=${external} is set but that moto server does not answer: ${(error as Error).message}`);
    });
    url = external;
  } else {
    server = await startMotoServer();
    url = server.url;
    process.env.MOTO_URL = url;
  }
  project.provide('motoUrl', url);
}

export async function teardown(): Promise<void> {
  if (server) {
    await server.stop();
    server = undefined;
    delete process.env.MOTO_URL;
  }
}
