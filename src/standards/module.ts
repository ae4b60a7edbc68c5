import { allow } from '../platform/access/access.ts'
import { defineModule } from '../platform/module.ts'
import { staffAccess, teamRoles } from './access.ts'
import { loadWorkingDayCalendar } from './calendar.ts'
import { standardsMeasures } from './measures.ts'
import { standardsMigration } from './migrations/0004-standards.ts'
import { workingDaysMigration } from './migrations/0013-working-days.ts'
import { findingQueuesMigration } from './migrations/0014-finding-queues.ts'
import { findingBoroughQueuesMigration } from './migrations/0015-finding-borough-queues.ts'
import { findingNextTransitionsMigration } from './migrations/0049-finding-next-transitions.ts'
import { calendarSweptMigration } from './migrations/0050-calendar-swept.ts'
import { ruleSweptToMigration } from './migrations/0051-rule-swept-to.ts'
import { createRuleRegistry } from './registry.ts'
import { standardsRoutes } from './routes.ts'
import { type StandardsService, standardsService } from './service.ts'
import { standardsStartPanels } from './start-panels.ts'

declare module '../platform/module.ts' {
  interface ModuleServices {
    standards: StandardsService
  }
}

/**
 * The standards engine: every other module registers its rules with it, and it tells each member of staff
 * and each supervisor what is late or missing.
 */
export const standardsModule = defineModule({
  name: 'standards',
  needs: ['organisation'],
  migrations: [
    standardsMigration,
    workingDaysMigration,
    findingQueuesMigration,
    findingBoroughQueuesMigration,
    findingNextTransitionsMigration,
    calendarSweptMigration,
    ruleSweptToMigration,
  ],
  menu: [
    { text: 'My work', href: '/my-work', access: staffAccess, position: 60 },
    {
      text: 'My team',
      href: '/my-team',
      access: teamRoles,
      position: 70,
      rowFor: ['supervisor', 'bcu_lead', 'force_lead'],
    },
    { text: 'Rules', href: '/rules', access: staffAccess, position: 110, more: true },
    {
      text: 'Rule parameters',
      href: '/admin/rule-parameters',
      access: allow('admin'),
      position: 120,
      more: true,
    },
  ],
  create: ({ db, clock, config, accessLog, organisation }) =>
    standardsService({
      db,
      clock,
      registry: createRuleRegistry(),
      calendar: loadWorkingDayCalendar(config.bankHolidaysFile),
      onRuleError: (result, context) =>
        console.error(`Rule ${result.ruleId} failed on ${context.subjectKind}: ${result.error}`),
      accessLog,
      // Findings are queued by borough: the engine asks for the force's boroughs as they are today.
      boroughs: async () => {
        const force = await organisation.force().catch(() => undefined)
        return force ? organisation.boroughs(force.id) : []
      },
    }),
  measures: standardsMeasures,
  startPanels: (standards) => standardsStartPanels(standards),
  routes: (app, services) => standardsRoutes(app, services.standards),
})
