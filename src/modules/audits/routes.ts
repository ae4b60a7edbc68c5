import type { FastifyInstance } from 'fastify'
import { figurePages } from './pages/figure.ts'
import type { AuditPageDeps } from './pages/shared.ts'

export { auditsPath } from './pages/shared.ts'

/** The audit pages, one file per page group under pages/. */
export function auditRoutes(app: FastifyInstance, deps: AuditPageDeps) {
  figurePages(app, deps)
}
