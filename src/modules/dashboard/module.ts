import { defineModule } from '../../platform/module.ts'
import { dashboardAccess } from './access.ts'
import { measureValuesMigration } from './migrations/0034-measure-values.ts'
import { figuresByAreaMigration } from './migrations/0043-figures-by-area.ts'
import { dashboardPath, dashboardRoutes } from './routes.ts'
import { type Dashboard, dashboardService, figuresJob } from './service.ts'

declare module '../../platform/module.ts' {
  interface ModuleServices {
    dashboard: Dashboard
  }
}

/**
 * The leaders' dashboard: every module's measures through the one registry, by month and by BCU, from
 * stored figures kept current by an hourly job. Listed last, so every module's measures are registered.
 */
export const dashboardModule = defineModule({
  name: 'dashboard',
  needs: ['organisation'],
  migrations: [measureValuesMigration, figuresByAreaMigration],
  menu: [
    {
      text: 'Performance',
      href: dashboardPath,
      access: dashboardAccess.read,
      position: 105,
      rowFor: ['bcu_lead', 'force_lead'],
    },
  ],
  create: ({ db, clock, measures, organisation, config }) =>
    dashboardService({
      db,
      clock,
      measures,
      organisation,
      figureMaxAgeMinutes: config.dashboardFigureMinutes,
    }),
  jobs: (dashboard) => [figuresJob(dashboard)],
  routes(app, services) {
    dashboardRoutes(app, services)
  },
})
