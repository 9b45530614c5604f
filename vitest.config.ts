// Three projects (`npx vitest run` runs all; `--project unit` etc. picks one):
// - unit: everything that needs no AWS emulator.
// - integration: tests against moto; each worker has a moto server of its own, started by the
//   global setup (test/support/moto-global-setup.ts), and each file starts on an empty one
//   (test/support/moto-reset-per-file.ts). unit and integration files run side by side, WORKERS
//   at a time: most integration time is waiting on moto and child processes, not CPU.
// - integration-serial: the files that rebuild dist/ (which every CLI test runs) or that bound
//   a wall-clock time (event -> corrected, lease takeover, throttling back-off); vitest runs them
//   one at a time after the others, with the machine to themselves.
// vitest loads this file's default export; it is the one default export in the project.
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

/** Test files that talk to moto. Add a directory here, not a moto server of your own. */
const INTEGRATION_TESTS = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/harness/**/*.test.ts'];

/** Of those, the ones that must run alone (see above). */
const SERIAL_TESTS = [
  'test/e2e/quickstart.test.ts', // `npm start` rebuilds dist/
  'test/integration/deploy-production-files.test.ts', // `npm run build`
  'test/e2e/daemon-events.test.ts', // corrected within 5 s of the event
  'test/e2e/daemon-events-targets.test.ts', // corrected within 5 s of the event, in its target
  'test/e2e/daemon-leases.test.ts', // taken over within lease TTL + 1 interval
  'test/e2e/daemon-aws-faults.test.ts', // back-off timings behind a throttling proxy
  'test/harness/fault-proxy-slow-modes.test.ts', // the proxy's delays, timed
];

/**
 * Files at once in the unit and integration projects: TEST_WORKERS, or one more than the cores
 * (the integration files mostly wait). With MOTO_URL set (one server of your own) the moto files
 * run one at a time.
 */
const WORKERS = Math.max(1, Number(process.env.TEST_WORKERS ?? availableParallelism() + 1));
const MOTO_WORKERS = process.env.MOTO_URL ? 1 : WORKERS;

export default defineConfig({
  test: {
    // the SDK's "node >=22 after January 2027" notice would repeat in every test worker
    env: { AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          exclude: ['**/node_modules/**', '**/dist/**', ...INTEGRATION_TESTS],
          environment: 'node',
          maxWorkers: WORKERS,
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION_TESTS,
          exclude: ['**/node_modules/**', '**/dist/**', ...SERIAL_TESTS],
          environment: 'node',
          globalSetup: ['test/support/moto-global-setup.ts'],
          setupFiles: ['test/support/moto-reset-per-file.ts'],
          fileParallelism: MOTO_WORKERS > 1,
          maxWorkers: MOTO_WORKERS,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration-serial',
          include: SERIAL_TESTS,
          exclude: ['**/node_modules/**', '**/dist/**'],
          environment: 'node',
          globalSetup: ['test/support/moto-global-setup.ts'],
          setupFiles: ['test/support/moto-reset-per-file.ts'],
          fileParallelism: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
