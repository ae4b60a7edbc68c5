import type { FastifyInstance } from 'fastify'
import { findingsApi } from './pages/api.ts'
import { findingPages } from './pages/findings.ts'
import { workPages } from './pages/my-work.ts'
import { rulePages } from './pages/rules.ts'
import type { StandardsService } from './service.ts'

export { findingJson } from './pages/api.ts'
export { eventLabels } from './pages/findings.ts'

/** The standards engine's pages and its findings API, one file per page group under pages/. */
export function standardsRoutes(app: FastifyInstance, service: StandardsService) {
  workPages(app, service)
  findingPages(app, service)
  rulePages(app, service)
  findingsApi(app, service)
}
