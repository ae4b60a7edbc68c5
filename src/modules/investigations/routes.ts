import type { FastifyInstance } from 'fastify'
import type { Services } from '../../services.ts'
import { casePages } from './pages/case.ts'
import { caseWorkPages } from './pages/case-work.ts'
import { childSafetyPages } from './pages/child-safety.ts'
import { listPages } from './pages/lists.ts'
import { multiAgencyPages } from './pages/multi-agency.ts'
import { openPages } from './pages/open.ts'
import { supervisionPages } from './pages/supervision.ts'

export { actorOf, investigationsPath } from './pages/shared.ts'

/** The investigation pages, one file per journey or page group under pages/. */
export function investigationsRoutes(app: FastifyInstance, services: Services) {
  listPages(app, services)
  openPages(app, services)
  casePages(app, services)
  supervisionPages(app, services)
  multiAgencyPages(app, services)
  childSafetyPages(app, services)
  caseWorkPages(app, services)
}
