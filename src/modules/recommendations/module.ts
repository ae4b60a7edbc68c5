import { defineModule } from '../../platform/module.ts'
import { recommendationsMigration } from './migrations/0035-recommendations.ts'
import { reportRecommendationsMigration } from './migrations/0036-report-recommendations.ts'

/** The inspection reports' recommendations, the force's actions on them, milestones, evidence and REC-01. */
export const recommendationsModule = defineModule({
  name: 'recommendations',
  needs: ['organisation', 'standards'],
  migrations: [recommendationsMigration, reportRecommendationsMigration],
})
