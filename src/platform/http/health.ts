import type { FastifyInstance } from 'fastify'
import { sql } from 'kysely'
import { publicAccess } from '../access/access.ts'
import type { Database } from '../db/database.ts'

/** Liveness says the process answers; readiness says it can reach its database. */
export function healthRoutes(app: FastifyInstance, db: Database) {
  app.get('/health', { config: { access: publicAccess } }, async () => ({ status: 'UP' }))
  app.get('/ready', { config: { access: publicAccess } }, async (_request, reply) => {
    try {
      await sql`select 1`.execute(db)
      return { status: 'UP', database: 'UP' }
    } catch {
      return reply.code(503).send({ status: 'DOWN', database: 'DOWN' })
    }
  })
}
