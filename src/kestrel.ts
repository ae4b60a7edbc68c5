import type { IncomingMessage, ServerResponse } from 'node:http'
import type { FastifyInstance } from 'fastify'
import { modules as allModules, migrations } from './modules.ts'
import { type Clock, systemClock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import { type DatabaseHandle, openDatabase } from './platform/db/database.ts'
import { migrateToLatest } from './platform/db/migrator.ts'
import { createShell } from './platform/http/app.ts'
import type { AnyModule } from './platform/module.ts'
import { navigationOf, registerRoutes } from './routes.ts'
import { createServices, type Services } from './services.ts'

export interface Kestrel {
  app: FastifyInstance
  services: Services
  /** The requests being answered now, oldest first, as "POST /custody/detentions (12 s)". */
  inFlight(): string[]
  /** Stops accepting connections and resolves once every request in flight has been answered. */
  close(): Promise<void>
}

/** Builds the whole application on an open database: services, web shell and every module's routes. */
export async function buildKestrel(
  config: Config,
  handle: DatabaseHandle,
  clock: Clock = systemClock,
  modules: readonly AnyModule[] = allModules,
): Promise<Kestrel> {
  const services = createServices({ config, db: handle.db, dbKind: handle.kind, clock }, modules)
  const { app } = await createShell({
    config,
    navigation: navigationOf(services.modules),
    principalForSession: services.principals.principalForSession,
    principalForApiToken: services.principals.principalForApiToken,
  })
  registerRoutes(app, services)
  await app.ready()
  // Requests still being answered, so a server told to stop can say what it waited for. The Node server's
  // own event, so it sees a request that hangs before any Fastify hook would run.
  const answering = new Map<IncomingMessage, { response: ServerResponse; since: number }>()
  app.server.on('request', (request: IncomingMessage, response: ServerResponse) => {
    answering.set(request, { response, since: performance.now() })
    response.once('close', () => answering.delete(request))
  })
  return {
    app,
    services,
    inFlight: () =>
      [...answering].map(
        ([request, { since }]) =>
          `${request.method} ${request.url?.split('?')[0]} (${Math.round((performance.now() - since) / 1000)} s)`,
      ),
    async close() {
      // An answer given while stopping ends its connection: a browser's kept-alive connection would hold
      // the server open until it timed out (72 s), long after the last request was answered.
      for (const { response } of answering.values()) response.shouldKeepAlive = false
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
