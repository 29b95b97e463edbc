import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    // The suite spawns the CLI and a moto server; two cores are all a machine here has.
    maxWorkers: 2,
    // One moto_server (Glue-compatible) for the whole run; its endpoint reaches the tests through inject().
    globalSetup: ['test/setup/moto-global-setup.ts'],
  },
});
