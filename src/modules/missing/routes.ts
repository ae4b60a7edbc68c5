import type { FastifyInstance } from 'fastify'
import { episodePages } from './pages/episode.ts'
import { reportPages } from './pages/report.ts'
import { returnPages } from './pages/return.ts'
import { reviewPages } from './pages/review.ts'
import type { MissingPageServices } from './pages/shared.ts'
import { triggerPlanPages } from './pages/trigger-plans.ts'
import { unitPages } from './pages/unit.ts'

export { missingPath } from './pages/shared.ts'

/** The missing children pages, one file per journey or page group under pages/. */
export function missingRoutes(app: FastifyInstance, services: MissingPageServices) {
  unitPages(app, services)
  reportPages(app, services)
  episodePages(app, services)
  reviewPages(app, services)
  returnPages(app, services)
  triggerPlanPages(app, services)
}
