// What an integration test file uses to reach the run's moto server.
import { inject } from 'vitest';
import { resetMotoServer } from '../../src/demo/moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** base URL of the moto server started by test/support/moto-global-setup.ts */
    motoUrl: string;
  }
}

/** The moto server of this run (integration project only). */
export function motoUrl(): string {
  const url = inject('motoUrl') ?? process.env.MOTO_URL;
  if (!url) {
    throw new Error(
      'no moto server in this test run: moto tests belong under test/integration/, test/e2e/ or test/harness/ (the integration project)',
    );
  }
  return url;
}

/** POST /moto-api/reset on the run's moto server. Every integration file starts with one (moto-reset-per-file.ts). */
export async function resetMoto(url: string = motoUrl()): Promise<void> {
  await resetMotoServer(url);
}
