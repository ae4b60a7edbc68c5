import { defineModule } from '../../platform/module.ts'
import { recommendationsAccess } from './access.ts'
import { recommendationsApi } from './api.ts'
import { recommendationsImportKinds } from './import-kinds.ts'
import { recommendationsMeasures } from './measures.ts'
import { recommendationsMigration } from './migrations/0035-recommendations.ts'
import { actionRefsMigration } from './migrations/0048-action-refs.ts'
import { recommendationKind } from './recommendations.ts'
import { ensureReportRecommendations } from './report-recommendations.ts'
import { recommendationsPath, recommendationsRoutes } from './routes.ts'
import { recommendationRules } from './rules.ts'
import { recommendationsSeed } from './seed.ts'
import { type RecommendationsService, recommendationsService } from './service.ts'

declare module '../../platform/module.ts' {
  interface ModuleServices {
    recommendations: RecommendationsService
  }
}

/**
 * The recommendations tracker (issue 22, item 5): every recommendation of the 2016 and 2018 reports (set up
 * with the force), the force's actions on each with owners, milestones and evidence, red-amber-green by
 * rag.ts, the history of every change, REC-01, and its measures on the dashboard.
 */
export const recommendationsModule = defineModule({
  name: 'recommendations',
  needs: ['organisation', 'standards'],
  migrations: [recommendationsMigration, actionRefsMigration],
  setUp: ensureReportRecommendations,
  importKinds: recommendationsImportKinds,
  seed: recommendationsSeed,
  menu: [
    { text: 'Recommendations', href: recommendationsPath, access: recommendationsAccess.read, position: 106 },
  ],
  create: ({ db, clock, history, measures, standards }) =>
    recommendationsService({
      db,
      clock,
      history,
      // Read when evidence is added, after every module's measures are registered.
      isMeasure: (id) => measures.get(id) !== undefined,
      afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    }),
  rules: recommendationRules,
  measures: recommendationsMeasures,
  subjectLinks: { [recommendationKind]: (id) => `${recommendationsPath}/${id}` },
  routes(app, services) {
    recommendationsRoutes(app, services)
    recommendationsApi(app, services)
  },
})
