import { randomBytes } from 'node:crypto'
import { defineConfig } from 'vitest/config'

// One id per run names the PostgreSQL template database, so two runs on one machine never collide.
process.env.KESTREL_TEST_RUN ??= randomBytes(4).toString('hex')

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'bench/**/*.test.ts'],
    exclude: ['**/node_modules/**', '**/*.e2e.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
})
