import { defineConfig } from 'vitest/config';

/**
 * `npm run test:crash`: every crash case, not just the reduced set `npm test` runs. Each case
 * runs several child processes; one file, cases one after another.
 */
export default defineConfig({
  test: {
    include: ['test/reliability/crash-points.test.ts'],
    environment: 'node',
    env: { CAIRN_CRASH_SUITE: 'full' },
    testTimeout: 240_000,
    hookTimeout: 120_000,
    reporters: ['default'],
  },
});
