import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { StandardsService } from '../../standards/service.ts'
import { type OrganisationService, organisationService } from '../organisation/service.ts'
import type { ActionKind, ReviewInput, StrategyDiscussionInput } from './investigation.ts'
import { addAction, completeAction } from './service/actions.ts'
import { allocate, allocationOptions, openCaseloads } from './service/allocation.ts'
import { type InvestigationFilter, type ListReader, listInvestigations } from './service/case-list.ts'
import { findInvestigation, viewInvestigation } from './service/case-view.ts'
import { recordChildSeen } from './service/child-seen.ts'
import { closeInvestigation, recordCrime } from './service/closing.ts'
import { recordConference } from './service/conferences.ts'
import type { InvestigationActor, InvestigationDeps, InvestigationPeople } from './service/dependencies.ts'
import { measuresOf } from './service/measures.ts'
import { openCasesFor } from './service/open-cases.ts'
import { type NewInvestigation, openInvestigation } from './service/open-investigation.ts'
import { recordPoliceProtection } from './service/police-protection.ts'
import { recordStrategyDiscussion } from './service/strategy-discussions.ts'
import { recordReview } from './service/supervisory-reviews.ts'
import { timelineItems } from './service/timeline.ts'
import { teamWorkload } from './service/workload.ts'

export type { Course } from '../organisation/organisation.ts'
export type { RiskLevel, Strand } from './investigation.ts'
export { endOfLondonDay } from './service/actions.ts'
export {
  type InvestigationFilter,
  type ListReader,
  type SortKey,
  sortKeys,
} from './service/case-list.ts'
export type {
  InvestigationActor,
  InvestigationDeps,
  InvestigationPeople,
} from './service/dependencies.ts'
export { measuresOf } from './service/measures.ts'
export { isChildOn, type NewInvestigation } from './service/open-investigation.ts'
export type { InvestigationRow } from './service/records.ts'

export interface InvestigationsDependencies {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  organisation: OrganisationService
  standards: StandardsService
  people: InvestigationPeople
}

/** What the use cases in `service/` are given besides their executor, for a caller holding a transaction. */
export function investigationDeps(deps: InvestigationsDependencies): InvestigationDeps {
  const { db, clock, organisation } = deps
  return {
    clock,
    history: deps.history,
    accessLog: deps.accessLog,
    standards: deps.standards,
    // Inside a transaction the organisation is read through it (the embedded database has only that session).
    organisationOn: (q: Executor) => (q === db ? organisation : organisationService(q, clock)),
    people: deps.people,
  }
}

/**
 * Investigations: opening, allocation by skills and capacity, supervision, strategy discussions, closure.
 * Each use case (in `service/`) bound to the database and the module's dependencies; a caller holding a
 * transaction calls the use cases themselves with it and `investigationDeps`.
 */
export function investigationsService(deps: InvestigationsDependencies) {
  const { db, clock, accessLog, organisation } = deps
  const on = investigationDeps(deps)

  return {
    open: (input: NewInvestigation, actor: InvestigationActor) => openInvestigation(db, on, input, actor),

    /** The bare record, or undefined when there is none or it is outside the reader's need to know. */
    get: (id: string, reach: Reach) => findInvestigation(db, id, reach),

    /** The whole case for its page; the read is logged. 404 outside the reader's need to know. */
    read: (id: string, reach: Reach, actor: InvestigationActor, requestId?: string) =>
      viewInvestigation(db, on, id, reach, actor, requestId),

    list: (filter: InvestigationFilter, reach: Reach, reader: ListReader) =>
      listInvestigations(db, accessLog, filter, reach, reader),

    allocationOptions: (id: string, teamId: string, reach: Reach) =>
      allocationOptions(db, on, id, teamId, reach),

    allocate: (
      id: string,
      version: number,
      choice: { teamId: string; staffId: string; reason?: string | null; at?: Date },
      actor: InvestigationActor,
      reach: Reach,
    ) => allocate(db, on, id, version, choice, actor, reach),

    recordReview: (
      id: string,
      version: number,
      input: ReviewInput,
      actor: InvestigationActor,
      reach: Reach,
    ) => recordReview(db, on, id, version, input, actor, reach),

    addAction: (
      id: string,
      version: number,
      input: {
        kind: ActionKind
        description: string
        ownerStaffId: string | null
        dueOn: string | null
        directed: boolean
      },
      actor: InvestigationActor,
      reach: Reach,
    ) => addAction(db, on, id, version, input, actor, reach),

    completeAction: (
      id: string,
      version: number,
      actionId: string,
      actor: InvestigationActor,
      reach: Reach,
    ) => completeAction(db, on, id, version, actionId, actor, reach),

    recordStrategyDiscussion: (
      id: string,
      version: number,
      input: StrategyDiscussionInput,
      actor: InvestigationActor,
      reach: Reach,
    ) => recordStrategyDiscussion(db, on, id, version, input, actor, reach),

    recordConference: (
      id: string,
      version: number,
      input: { heldAt: Date | null; policeAttended: boolean | null; attendeeName: string },
      actor: InvestigationActor,
      reach: Reach,
    ) => recordConference(db, on, id, version, input, actor, reach),

    recordChildSeen: (
      id: string,
      version: number,
      input: { linkId: string; seenAt: Date | null; spokenTo: boolean; notSeenReason: string },
      actor: InvestigationActor,
      reach: Reach,
    ) => recordChildSeen(db, on, id, version, input, actor, reach),

    recordPoliceProtection: (
      id: string,
      version: number,
      input: {
        personId: string
        startedAt: Date | null
        designatedOfficerName: string
        endedAt: Date | null
      },
      actor: InvestigationActor,
      reach: Reach,
    ) => recordPoliceProtection(db, on, id, version, input, actor, reach),

    close: (
      id: string,
      version: number,
      input: { outcome: string; rationale: string; welfareVisit?: boolean; socialCareReferral?: boolean },
      actor: InvestigationActor,
      reach: Reach,
    ) => closeInvestigation(db, on, id, version, input, actor, reach),

    recordCrime: (
      id: string,
      version: number,
      input: { offence: string; crimeReference: string },
      actor: InvestigationActor,
      reach: Reach,
    ) => recordCrime(db, on, id, version, input, actor, reach),

    /** A team's officers with their open cases, overdue actions and days since review, within the reader's reach. */
    workload: (teamId: string, reach: Reach, asOf: Date = clock.now()) =>
      teamWorkload(db, organisation, teamId, reach, asOf),

    /** The child's open investigations for the missing grading page, within the reader's reach. */
    openCasesFor: (personId: string, reach: Reach) => openCasesFor(db, personId, reach),

    /** The child's chronology: the investigations they are linked to, within the reader's reach. */
    timelineItems: (personId: string, reach: Reach, asOf?: Date) => timelineItems(db, personId, reach, asOf),

    measures: measuresOf(db, clock, organisation),
    openCaseloads: (staffIds: readonly string[], at: Date) => openCaseloads(db, staffIds, at),
  }
}

export type InvestigationsService = ReturnType<typeof investigationsService>
