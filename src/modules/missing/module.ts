import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { StandardsService } from '../../standards/service.ts'
import { type ChildrenService, childrenService } from '../children/service.ts'
import { type OrganisationService, organisationService } from '../organisation/service.ts'
import type { Grade } from './grading.ts'
import { defaultRepeatThreshold } from './repeat.ts'
import { boroughKind, episodeKind, type MissingRuleSources, missingRules, teamKind } from './rules.ts'
import { missingService } from './service.ts'

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
  const childrenOn = (executor: Executor) =>
    childrenService(executor as Database, clock, { history: deps.history, accessLog: deps.accessLog })
  const organisationOn = (executor: Executor) => organisationService(executor as Database, clock)
  const service = missingService(deps.db, clock, {
    history: deps.history,
    accessLog: deps.accessLog,
    children,
    organisation: deps.organisation,
    childrenOn,
    organisationOn,
    afterWrite: (trx, kind, ids) => standards.afterWrite(trx, kind, ids),
    gradeScale: deps.gradeScale,
    // Repeat missing on the grading page as MIS-02 counts it by default.
    repeat: defaultRepeatThreshold,
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
  for (const rule of missingRules(sources)) standards.register(rule)
  standards.registerSubjectLink(episodeKind, (id) => `/missing/episodes/${id}`)
  standards.registerSubjectLink(boroughKind, (id) => `/missing?borough=${id}`)
  standards.registerSubjectLink(teamKind, (id) => `/missing?unit=${id}`)
  children.registerTimelineProvider((personId, reach, asOf) => service.timelineFor(personId, reach, asOf))
  return service
}

export type Missing = ReturnType<typeof createMissing>
