// What an integration test file uses to reach its moto server.
import { inject } from 'vitest';
import { resetMotoServer } from '../../src/demo/moto-server.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** base URLs of the moto servers started by test/support/moto-global-setup.ts, one per worker */
    motoUrls: string[];
  }
}

/**
 * The moto server of this test file's worker (integration projects only). Files running side by
 * side are in different workers (VITEST_POOL_ID 1..maxWorkers, unique among the running ones),
 * so each has a moto of its own.
 */
export function motoUrl(): string {
  const urls = inject('motoUrls');
  if (!urls || urls.length === 0) {
    throw new Error(
      'no moto server in this test run: moto tests belong under test/integration/, test/e2e/ or test/harness/ (the integration projects)',
    );
  }
  const worker = Number(process.env.VITEST_POOL_ID ?? '1');
  return urls[(Math.max(1, worker) - 1) % urls.length] as string;
}

/** POST /moto-api/reset on this file's moto server. Every integration file starts with one (moto-reset-per-file.ts). */
export async function resetMoto(url: string = motoUrl()): Promise<void> {
  await resetMotoServer(url);
}
