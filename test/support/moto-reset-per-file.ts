// setupFiles entry of the `integration` project: every test file starts on an empty moto.
import { beforeAll } from 'vitest';
import { resetMoto } from './moto-test-context.js';

beforeAll(async () => {
  await resetMoto();
});
