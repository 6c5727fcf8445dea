import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI compiled once per run for the tests that start `surveil` in a child process.
    globalSetup: ['test/support/cli-bundle-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
  },
});
