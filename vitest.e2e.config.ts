import { defineConfig } from 'vitest/config';

/**
 * Browser end-to-end tests: the built renderer (out/renderer) against the real workbench
 * over HTTP, in system Chromium. One fork, one file at a time: each file starts a browser.
 */
export default defineConfig({
  test: {
    include: ['e2e/**/*.e2e.test.ts'],
    exclude: ['**/node_modules/**', 'out/**', '.tools/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    maxWorkers: 1,
    fileParallelism: false,
  },
});
