import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts', 'test/security/**/*.test.ts', 'test/reliability/**/*.test.ts', 'test/swift/**/*.test.ts'],
    environment: 'node',
    // Generous: many tests run real processes and worker threads on a shared 2-core machine;
    // a hang still fails, it just takes longer to say so.
    testTimeout: 120_000,
    hookTimeout: 120_000,
    // Two cores here: run files in parallel but not more than the machine has.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
