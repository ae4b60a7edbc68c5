import type { FastifyInstance } from 'fastify'
import { arrivalPages } from './pages/arrivals.ts'
import { briefingPages } from './pages/briefings.ts'
import { caseloadPages } from './pages/caseloads.ts'
import { contactRecordPages } from './pages/contact-records.ts'
import { listPages } from './pages/list.ts'
import { recordPages } from './pages/records.ts'
import { registerPages } from './pages/register.ts'
import { rsoPages } from './pages/rso.ts'
import type { OffendersPageDeps } from './pages/shared.ts'

export { offendersPath } from './pages/shared.ts'

/** The offenders pages, one file per page group under pages/. */
export function offendersRoutes(app: FastifyInstance, services: OffendersPageDeps) {
  listPages(app, services)
  registerPages(app, services)
  caseloadPages(app, services)
  rsoPages(app, services)
  recordPages(app, services)
  contactRecordPages(app, services)
  briefingPages(app, services)
  arrivalPages(app, services)
}
