import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['{shared,main,app,preload,renderer,scripts,fixtures}/**/*.test.{ts,tsx}'],
    exclude: ['**/node_modules/**', 'out/**', '.tools/**', 'e2e/**'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
