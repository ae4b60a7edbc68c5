import type { FastifyInstance } from 'fastify'
import { migrations } from './migrations.ts'
import { type Clock, systemClock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import { type DatabaseHandle, openDatabase } from './platform/db/database.ts'
import { migrateToLatest } from './platform/db/migrator.ts'
import { createShell } from './platform/http/app.ts'
import { navigation, registerRoutes } from './routes.ts'
import { createServices, type Services } from './services.ts'

export interface Kestrel {
  app: FastifyInstance
  services: Services
  close(): Promise<void>
}

/** Builds the whole application on an open database: services, web shell and every module's routes. */
export async function buildKestrel(
  config: Config,
  handle: DatabaseHandle,
  clock: Clock = systemClock,
): Promise<Kestrel> {
  const services = createServices({ config, db: handle.db, dbKind: handle.kind, clock })
  const { app } = await createShell({
    config,
    navigation,
    principalForSession: services.principals.principalForSession,
    principalForApiToken: services.principals.principalForApiToken,
  })
  registerRoutes(app, services)
  await app.ready()
  return {
    app,
    services,
    async close() {
      await app.close()
    },
  }
}

/** Opens the configured database and brings its schema up to date. */
export async function openMigratedDatabase(
  config: Config,
): Promise<{ handle: DatabaseHandle; applied: string[] }> {
  const handle = await openDatabase(config)
  try {
    const { applied } = await migrateToLatest(handle.db, migrations)
    return { handle, applied }
  } catch (error) {
    await handle.close()
    throw error
  }
}
