import type { FastifyInstance } from 'fastify'
import { measurePage } from './pages/measure.ts'
import { overviewPage } from './pages/overview.ts'
import type { DashboardPageDeps } from './pages/shared.ts'

export { dashboardPath } from './pages/shared.ts'

/** The dashboard's pages: the force (or a BCU) by module, and one measure's trend and comparison. */
export function dashboardRoutes(app: FastifyInstance, deps: DashboardPageDeps) {
  overviewPage(app, deps)
  measurePage(app, deps)
}
