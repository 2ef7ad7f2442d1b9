import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Timing-sensitive reliability tests assert intervals in bands; keep the 2-core CI machine uncontended.
    maxWorkers: 2,
    pool: 'forks',
  },
});
