import type { FastifyInstance } from 'fastify'
import { buildKestrel, type Kestrel } from '../src/kestrel.ts'
import type { Role } from '../src/platform/access/roles.ts'
import { type Clock, systemClock } from '../src/platform/clock.ts'
import { type Config, loadConfig } from '../src/platform/config.ts'
import type { DatabaseHandle } from '../src/platform/db/database.ts'
import type { AnyModule } from '../src/platform/module.ts'
import { testDatabase } from './database.ts'

/**
 * The configuration tests run with. Sessions idle for as long as they may last (8 hours), because many
 * tests move the clock on by hours between the requests of one signed-in person; the idle timeout's own
 * tests set KESTREL_SESSION_IDLE_MINUTES.
 */
export function testConfig(overrides: NodeJS.ProcessEnv = {}): Config {
  return loadConfig({
    NODE_ENV: 'test',
    KESTREL_LOG_LEVEL: 'silent',
    KESTREL_SESSION_IDLE_MINUTES: '480',
    ...overrides,
  })
}

export interface TestKestrel extends Kestrel {
  handle: DatabaseHandle
  app: FastifyInstance
}

/** The whole application on a fresh copy of the migrated test database. */
export async function testKestrel(
  options: { clock?: Clock; env?: NodeJS.ProcessEnv; modules?: readonly AnyModule[] } = {},
): Promise<TestKestrel> {
  const handle = await testDatabase()
  const kestrel = await buildKestrel(
    testConfig(options.env),
    handle,
    options.clock ?? systemClock,
    options.modules,
  )
  return {
    ...kestrel,
    handle,
    async close() {
      await kestrel.close()
      await handle.close()
    },
  }
}

export interface SignedInUser {
  userId: string
  /** Pass as `headers: { cookie }` to app.inject. */
  cookie: string
  csrfToken: string
}

/**
 * Creates an account with the given roles and a live session for it, without going through the login
 * form (tests of the login form itself live with the auth module).
 */
export async function signIn(
  kestrel: Kestrel,
  roles: Role[],
  options: { username?: string; staffId?: string | null } = {},
): Promise<SignedInUser> {
  const db = kestrel.services.db
  const username =
    options.username ?? `test.${roles.join('-').replace(/_/g, '')}.${Math.random().toString(36).slice(2, 8)}`
  const user = await db
    .insertInto('app_user')
    .values({ username, display_name: `Test ${roles.join(', ')}`, roles, staff_id: options.staffId ?? null })
    .returning('id')
    .executeTakeFirstOrThrow()
  const session = await kestrel.services.sessions.create(user.id, {})
  return { userId: user.id, cookie: `kestrel_session=${session.token}`, csrfToken: session.csrfToken }
}
