import type { FastifyInstance } from 'fastify'
import { formPages } from './pages/forms.ts'
import { listPages } from './pages/list.ts'
import { recommendationPages } from './pages/recommendation.ts'
import type { RecommendationsPageDeps } from './pages/shared.ts'

export { recommendationsPath } from './pages/shared.ts'

/** The tracker's pages, one file per page group under pages/. The forms' paths come before the record's. */
export function recommendationsRoutes(app: FastifyInstance, deps: RecommendationsPageDeps) {
  listPages(app, deps)
  recommendationPages(app, deps)
  formPages(app, deps)
}
