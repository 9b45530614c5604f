// Two projects (`npx vitest run` runs both; `--project unit` or `--project integration` picks one):
// - unit: everything that needs no AWS emulator; files run in parallel.
// - integration: tests against ONE moto server started by the global setup; files run one at a
//   time and each starts on an empty moto (test/support/moto-reset-per-file.ts).
// vitest loads this file's default export; it is the one default export in the project.
import { defineConfig } from 'vitest/config';

/** Test files that talk to moto. Add a directory here, not a moto server of your own. */
const INTEGRATION_TESTS = ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts', 'test/harness/**/*.test.ts'];

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
          testTimeout: 10_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: INTEGRATION_TESTS,
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
