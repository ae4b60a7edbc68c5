import type { FastifyInstance } from 'fastify'
import { measurePage } from './pages/measure.ts'
import { overviewPage } from './pages/overview.ts'
import { recordsPage } from './pages/records.ts'
import { reportPage } from './pages/report.ts'
import type { DashboardPageDeps } from './pages/shared.ts'

export { dashboardPath } from './pages/shared.ts'

/** The dashboard's pages: an area by module, one measure's trend and comparison, and the printable monthly report. */
export function dashboardRoutes(app: FastifyInstance, deps: DashboardPageDeps) {
  overviewPage(app, deps)
  measurePage(app, deps)
  reportPage(app, deps)
  recordsPage(app, deps)
}
