import type { Actor } from '../../platform/access/access-log.ts'
import { type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Database } from '../../platform/db/database.ts'
import { boroughsWithRecords } from '../../platform/http/area-filter.ts'
import { londonDate } from '../../platform/time.ts'
import { arrivalsDue, recordArrival } from './service/arrivals.ts'
import {
  type BriefingArea,
  briefingChoices,
  currentBriefings,
  generateNow,
  viewBriefing,
} from './service/briefings.ts'
import { caseloadBcuIds, caseloads } from './service/caseloads.ts'
import type { OffendersDeps } from './service/dependencies.ts'
import type {
  AllocationInput,
  ArmsInput,
  ArrivalInput,
  InformationInput,
  NotificationInput,
  PlanInput,
  RiskChangeInput,
  RsoInput,
  VisitInput,
} from './service/inputs.ts'
import { keepRecord, registerRso } from './service/keep.ts'
import {
  allocationRecords,
  armsRecords,
  informationRecords,
  notificationRecords,
  planRecords,
  riskChangeRecords,
  visitRecords,
} from './service/keep-records.ts'
import { linkPac, linksToPac } from './service/link-pac.ts'
import { caseloadLines, listRsos, managerChoices, type RsoListFilter } from './service/lists.ts'
import { timelineFor } from './service/timeline.ts'
import { viewRso } from './service/view.ts'

/**
 * The offenders module's service: each use case (in `service/`) bound to the database and the module's
 * dependencies. A caller holding a transaction (the importer) calls the writers themselves with it.
 */
export function offendersService(db: Database, deps: OffendersDeps) {
  const keep =
    <I extends { rso: string }>(spec: Parameters<typeof keepRecord<I>>[2]) =>
    (input: I, actor: Actor, reach: Reach) =>
      keepRecord(db, deps, spec, input, actor, reach)
  return {
    register: (input: RsoInput, actor: Actor, reach: Reach, ref?: string) =>
      registerRso(db, deps, input, actor, reach, ref),
    recordArms: keep<ArmsInput>(armsRecords),
    changeRisk: keep<RiskChangeInput>(riskChangeRecords),
    recordInformation: keep<InformationInput>(informationRecords),
    agreePlan: keep<PlanInput>(planRecords),
    recordVisit: keep<VisitInput>(visitRecords),
    recordNotification: keep<NotificationInput>(notificationRecords),
    allocate: keep<AllocationInput>(allocationRecords),
    /** One RSO with their records, for someone allowed to see them; the read is logged. */
    view: (key: string, principal: Principal) => viewRso(db, deps, key, principal),
    /** The RSO records a PAC is linked to, for the PAC page (registered with referrals by the module). */
    linksToPac: (pacId: string, reach: Reach) => linksToPac(db, pacId, reach),
    caseloads: (principal: Principal, filter?: Parameters<typeof caseloads>[3]) =>
      caseloads(db, reachOf(principal), londonDate(deps.clock.now()), filter),
    /** The BCUs with a caseload today, for the caseload page's BCU filter (`areaFilterItems`). */
    bcusWithCaseloads: () => caseloadBcuIds(db, londonDate(deps.clock.now())),
    /** The boroughs RSOs live in, for the list's borough filter (`areaFilterItems`). */
    boroughsWithRsos: () => boroughsWithRecords(db, 'rso'),
    /** The RSOs the reader may see, filtered and paged, what needs doing soonest first; the read is logged. */
    list: (
      principal: Principal,
      filter: RsoListFilter,
      read: Parameters<typeof listRsos>[4],
      size?: number,
    ) => listRsos(db, deps.accessLog, principal, filter, read, size),
    /** The current briefing of each area the reader may see; the list read is logged. */
    briefings: (principal: Principal) => currentBriefings(db, deps, principal),
    /** One briefing for someone allowed to read it; the read is logged and their receipt marked read. */
    briefing: (key: string, principal: Principal) => viewBriefing(db, deps, key, principal),
    /** The boroughs and wards the reader may brief now, each borough followed by its wards. */
    briefingChoices: (principal: Principal) => briefingChoices(db, reachOf(principal)),
    /** A briefing of the area now, if its RSOs changed since its current version. */
    generateBriefing: (area: BriefingArea, actor: Actor, reach: Reach) =>
      generateNow(db, deps, area, actor, reach),
    /** Records a deportee's notified arrival, or updates it by ref. */
    recordArrival: (input: ArrivalInput, actor: Actor, reach: Reach, ref?: string) =>
      recordArrival(db, deps, input, actor, reach, ref),
    /** Arrivals expected from a day ago that the reader may see, soonest first; the list read is logged. */
    arrivals: (principal: Principal, from?: Date) => arrivalsDue(db, deps, principal, from),
    /** Links a PAC raised for a child to the visit or notification that found them (RSO-06). */
    linkPac: (input: { rso: string; record: string; pac: string }, actor: Actor, reach: Reach) =>
      linkPac(db, deps, input, actor, reach),
    /** The person's RSO record on their chronology, within the reader's reach. */
    timelineFor: (personId: string, reach: Reach, asOf?: Date) => timelineFor(db, personId, reach, asOf),
    /** The staff of the Jigsaw teams, for choosing a manager. */
    managers: () => managerChoices(db),
    /** RSO-05's warning and breach lines as configured at `asOf` (today by default). */
    caseloadLines: (asOf: Date = deps.clock.now()) => caseloadLines(db, asOf),
  }
}

export type OffendersService = ReturnType<typeof offendersService>
