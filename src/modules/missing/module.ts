import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import { defineModule } from '../../platform/module.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { ChildrenService } from '../children/service.ts'
import { type OrganisationService, organisationService } from '../organisation/service.ts'
import { missingReaders } from './access.ts'
import { missingApi } from './api.ts'
import { unitDutyImport } from './duty-import.ts'
import type { Grade } from './grading.ts'
import { missingImportKinds } from './import-kinds.ts'
import { missingModuleMeasures } from './measures.ts'
import { missingMigration } from './migrations/0008-missing.ts'
import { missingUnitDutyRefMigration } from './migrations/0012-missing-unit-duty-ref.ts'
import { missingExternalPacMigration } from './migrations/0030-missing-external-pac.ts'
import { configuredRepeatThresholds } from './repeat-threshold.ts'
import { missingPath, missingRoutes } from './routes.ts'
import { boroughKind, episodeKind, type MissingRuleSources, missingRules, teamKind } from './rules.ts'
import { missingSeed } from './seed.ts'
import { missingService } from './service.ts'
import { missingStartPanels } from './start-panels.ts'

/**
 * The missing module wired in: its service, its rules and record links with the engine, and its episodes
 * and trigger plans on each child's chronology.
 */
export function createMissing(deps: {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  organisation: OrganisationService
  standards: StandardsService
  children: ChildrenService
  /** The referrals module's SQL for MIS-08 (it owns PACs). */
  referrals: Pick<MissingRuleSources, 'referredSince'>
  /** The force's grade scale, lowest first (KESTREL_MISSING_GRADES); default the APP continuum with "absent". */
  gradeScale?: readonly Grade[]
}) {
  const { standards, children, clock } = deps
  const organisationOn = (executor: Executor) => organisationService(executor, clock)
  const service = missingService(deps.db, clock, {
    history: deps.history,
    accessLog: deps.accessLog,
    children,
    organisationOn,
    afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    gradeScale: deps.gradeScale,
    // Repeat missing as MIS-02 is configured, for the grading page, the check on saving and the measures.
    repeatThresholds: configuredRepeatThresholds(standards),
  })
  const areaNames = async (executor: Executor, ids: readonly string[]) => {
    const organisation = organisationOn(executor)
    const names = new Map<string, string>()
    for (const id of new Set(ids)) {
      const name = (await organisation.borough(id))?.name ?? (await organisation.team(id))?.name
      if (name) names.set(id, name)
    }
    return names
  }
  const sources: MissingRuleSources = {
    areaNames,
    flaggedSince: (flags, people) => children.flaggedSinceSql(flags, people),
    referredSince: (concerns, people) => deps.referrals.referredSince(concerns, people),
  }
  // The rules read the organisation, the person index and PACs through these, inside the writer's transaction.
  return Object.assign(service, { ruleSources: sources })
}

export type Missing = ReturnType<typeof createMissing>

declare module '../../platform/module.ts' {
  interface ModuleServices {
    missing: Missing
  }
}

/** Missing children: reports, risk grading, trigger plans, return interviews and the MIS rules. */
export const missingModule = defineModule({
  name: 'missing',
  needs: ['organisation', 'standards', 'children', 'referrals'],
  migrations: [missingMigration, missingUnitDutyRefMigration, missingExternalPacMigration],
  importKinds: [...missingImportKinds, unitDutyImport],
  seed: missingSeed,
  menu: [
    {
      text: 'Missing',
      href: missingPath,
      access: missingReaders,
      position: 100,
      rowFor: ['missing_persons_unit'],
    },
  ],
  create: (services) =>
    createMissing({
      ...services,
      referrals: {
        referredSince: (concerns, people) => services.referrals.referredSinceSql(concerns, people),
      },
      gradeScale: services.config.missingGrades,
    }),
  rules: (missing) => missingRules(missing.ruleSources),
  measures: (missing, { standards, clock }) =>
    missingModuleMeasures(standards, clock, {
      scale: missing.scale,
      repeatThresholds: configuredRepeatThresholds(standards),
    }),
  subjectLinks: {
    [episodeKind]: (id) => `/missing/episodes/${id}`,
    [boroughKind]: (id) => `/missing?borough=${id}`,
    [teamKind]: (id) => `/missing?unit=${id}`,
  },
  timeline: (missing) => (personId, reach, asOf) => missing.timelineFor(personId, reach, asOf),
  startPanels: missingStartPanels,
  routes(app, services) {
    missingRoutes(app, services)
    missingApi(app, services.missing)
  },
})
