import { importKinds } from './import-kinds.ts'
import { childrenService } from './modules/children/service.ts'
import { createCustody } from './modules/custody/module.ts'
import { createInvestigations } from './modules/investigations/module.ts'
import { createMissing } from './modules/missing/module.ts'
import { organisationService } from './modules/organisation/service.ts'
import { createReferrals } from './modules/referrals/module.ts'
import { createTriage } from './modules/triage/module.ts'
import { accessLogService } from './platform/access/access-log.ts'
import { accountService } from './platform/auth/accounts.ts'
import { sessionStore } from './platform/auth/sessions.ts'
import { principalLoader } from './platform/auth/users.ts'
import type { Clock } from './platform/clock.ts'
import type { Config } from './platform/config.ts'
import type { Database, DatabaseKind } from './platform/db/database.ts'
import { historyService } from './platform/db/history.ts'
import { apiTokenService } from './platform/http/api-tokens.ts'
import { importer } from './platform/import/importer.ts'
import { loadWorkingDayCalendar } from './standards/calendar.ts'
import { createRuleRegistry } from './standards/registry.ts'
import { standardsService } from './standards/service.ts'

export interface CoreDependencies {
  config: Config
  db: Database
  dbKind: DatabaseKind
  clock: Clock
}

/**
 * Every service Kestrel has, built in one place with no container: each takes what it needs explicitly.
 * Modules reach each other only through what is returned here.
 */
export function createServices(deps: CoreDependencies) {
  const { db, clock, config } = deps
  const sessions = sessionStore(db, clock, config.sessionHours)
  const accessLog = accessLogService(db, clock)
  const history = historyService(db, clock)
  const apiTokens = apiTokenService(db, clock, accessLog)
  const organisation = organisationService(db, clock)
  const principals = principalLoader(db, clock, sessions, organisation.resolveArea)
  const accounts = accountService(db, clock)
  const children = childrenService(db, clock, { history, accessLog })
  const standards = standardsService({
    db,
    clock,
    registry: createRuleRegistry(),
    calendar: loadWorkingDayCalendar(config.bankHolidaysFile),
    onRuleError: (result, context) =>
      console.error(`Rule ${result.ruleId} failed on ${context.subjectKind}: ${result.error}`),
    accessLog,
    boroughs: async () => {
      const force = await organisation.force().catch(() => undefined)
      return force ? organisation.boroughs(force.id) : []
    },
  })
  // Rules are evaluated for everything a batch wrote before it commits, as for a write through a page.
  const imports = importer(
    db,
    clock,
    importKinds,
    async (trx, written, { records, actor }) => {
      for (const [subjectKind, ids] of written) await standards.afterWrite(trx, subjectKind, ids)
      // Every record an import writes is a change, logged like a change made through a page.
      await accessLog.recordMany(
        records.map((r) => ({
          actorId: actor,
          actorName: actor,
          action: 'import',
          subjectKind: r.kind,
          subjectId: r.id,
          detail: { ref: r.ref },
        })),
        trx,
      )
    },
    config,
  )
  const referrals = createReferrals({ db, clock, history, accessLog, organisation, standards, children })
  const custody = createCustody({ db, clock, organisation, accessLog, standards, children })
  const missing = createMissing({
    db,
    clock,
    history,
    accessLog,
    organisation,
    standards,
    children,
    referrals: { referredSince: (concerns, people) => referrals.referredSinceSql(concerns, people) },
    gradeScale: config.missingGrades,
  })
  const investigations = createInvestigations({
    db,
    clock,
    history,
    accessLog,
    organisation,
    standards,
    children,
  })
  // The missing grading page shows the child's open investigations at the point of decision.
  missing.registerOpenCasesProvider((personId, reach) => investigations.openCasesFor(personId, reach))
  const triage = createTriage({ db, clock, history, accessLog, standards, children })
  return {
    ...deps,
    sessions,
    principals,
    imports,
    organisation,
    accounts,
    accessLog,
    history,
    apiTokens,
    standards,
    children,
    referrals,
    custody,
    missing,
    investigations,
    triage,
  }
}

export type Services = ReturnType<typeof createServices>
