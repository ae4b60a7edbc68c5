import { randomBytes } from 'node:crypto'
import { defineConfig } from 'vitest/config'

process.env.KESTREL_TEST_RUN ??= randomBytes(4).toString('hex')

/** Browser tests: real Chromium against a real Kestrel server on an embedded database. */
export default defineConfig({
  test: {
    include: ['src/**/*.e2e.test.ts', 'test/e2e/**/*.e2e.test.ts'],
    globalSetup: ['test/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    fileParallelism: false,
  },
})
