import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts', 'test/e2e/**/*.test.ts'],
          globalSetup: ['test/support/global-setup.ts'],
          setupFiles: ['test/support/aws-env.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // one moto server is shared: files run one after another, each resetting it first
          fileParallelism: false,
        },
      },
    ],
  },
});
