import type { FastifyInstance } from 'fastify'
import { auditPages } from './pages/audit.ts'
import { auditFormPages } from './pages/audit-form.ts'
import { bulletinPages } from './pages/bulletins.ts'
import { failingPages } from './pages/failings.ts'
import { figurePages } from './pages/figure.ts'
import { followUpPages } from './pages/follow-up.ts'
import { programmePages } from './pages/programmes.ts'
import type { AuditPageDeps } from './pages/shared.ts'

export { auditsPath } from './pages/shared.ts'

/** The audit pages, one file per page group under pages/. */
export function auditRoutes(app: FastifyInstance, deps: AuditPageDeps) {
  figurePages(app, deps)
  failingPages(app, deps)
  programmePages(app, deps)
  auditFormPages(app, deps)
  bulletinPages(app, deps)
  followUpPages(app, deps)
  auditPages(app, deps)
}
