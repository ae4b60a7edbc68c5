import type { FastifyInstance } from 'fastify'
import { buildKestrel, type Kestrel } from '../src/kestrel.ts'
import { type Clock, systemClock } from '../src/platform/clock.ts'
import { type Config, loadConfig } from '../src/platform/config.ts'
import type { DatabaseHandle } from '../src/platform/db/database.ts'
import { testDatabase } from './database.ts'

export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({ NODE_ENV: 'test', KESTREL_LOG_LEVEL: 'silent', ...overrides })
}

export interface TestKestrel extends Kestrel {
  handle: DatabaseHandle
  app: FastifyInstance
}

/** The whole application on a fresh copy of the migrated test database. */
export async function testKestrel(
  options: { clock?: Clock; env?: NodeJS.ProcessEnv } = {},
): Promise<TestKestrel> {
  const handle = await testDatabase()
  const kestrel = await buildKestrel(testConfig(options.env), handle, options.clock ?? systemClock)
  return {
    ...kestrel,
    handle,
    async close() {
      await kestrel.close()
      await handle.close()
    },
  }
}
