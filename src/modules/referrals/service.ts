import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { FieldError } from '../../platform/http/errors.ts'
import type { WorkingDayCalendar } from '../../standards/calendar.ts'
import type { Outcome, PacInput, ReviewDecision } from './pac.ts'
import type { PersonIndex } from './person-index.ts'
import type { AfterWrite, PacActor, ReferralsDeps } from './service/dependencies.ts'
import { draftAnswers, removeDraft, saveDraft, startDraft } from './service/drafts.ts'
import { pacLinkedRecords } from './service/linked-records.ts'
import { listPacs, mashQueue, type PacFilter, type QueuePage, supervisorQueue } from './service/lists.ts'
import { referralsMeasures } from './service/measures.ts'
import { type PartnerListFilter, partnerList, partnerRead, recordOutcome } from './service/partners.ts'
import { reviewPac, updatePac } from './service/progress.ts'
import { raisePac } from './service/raise-pac.ts'
import type { PacChange, PacSummary } from './service/records.ts'
import { referredSinceSql } from './service/referred-since.ts'
import { type Resubmission, resubmitPac } from './service/resubmit.ts'
import { pacTimeline, timelineItems } from './service/timeline.ts'
import { pacSummary, readPac, recordListRead } from './service/view.ts'

export type { AfterWrite, PacActor, ReferralsDeps } from './service/dependencies.ts'
export type { PacFilter } from './service/lists.ts'
export {
  type PartnerListFilter,
  type PartnerOutcomeFilter,
  partnerOutcomeFilters,
  requirePartnerBorough,
} from './service/partners.ts'
export {
  type Pac,
  type PacChange,
  type PacSummary,
  progressOf,
  raisedBy,
  toPac,
} from './service/records.ts'
export type { Resubmission } from './service/resubmit.ts'
export { pacTimeline, type TimelineEvent } from './service/timeline.ts'
export type { FieldError }

export interface ReferralsDependencies {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  people: PersonIndex
  calendar: WorkingDayCalendar
  afterWrite?: AfterWrite
}

/** What the use cases need, for a caller holding a transaction that calls them itself. */
export function referralsDeps(deps: ReferralsDependencies): ReferralsDeps {
  return {
    clock: deps.clock,
    history: deps.history,
    accessLog: deps.accessLog,
    people: deps.people,
    calendar: deps.calendar,
    afterWrite: deps.afterWrite,
  }
}

/**
 * PACs: raising, the supervisor review, the MASH and social care's outcome, queues, drafts and measures.
 * Each use case (in `service/`) bound to the database and the module's dependencies; a caller holding a
 * transaction calls the use cases themselves with it.
 */
export function referralsService(deps: ReferralsDependencies) {
  const { db, clock, calendar } = deps
  const on = referralsDeps(deps)
  const linked = pacLinkedRecords()

  return {
    referredSinceSql,

    /** Records in later modules linked to a PAC (an RSO's visit that found the child), for the PAC page. */
    linkedRecords: linked.for,
    registerLinkedRecords: linked.register,

    /** Raises a PAC; an unknown child, a bad answer or a time in the future is a ValidationError, nothing written. */
    create: (input: Partial<PacInput>, actor: PacActor) => raisePac(db, on, input, actor),

    get: (id: string): Promise<PacSummary | undefined> => pacSummary(db, on, id),

    /** A PAC the reader may see, its read logged; 404 when it does not exist or lies outside their reach. */
    read: (id: string, reach: Reach, actor: PacActor, reason?: string) =>
      readPac(db, on, id, reach, actor, reason),

    list: (filter: PacFilter, reach: Reach) => listPacs(db, on, filter, reach),

    /** A child's PACs, newest first (those within the reader's reach). */
    forPerson: async (personId: string, reach: Reach): Promise<PacSummary[]> =>
      (await listPacs(db, on, { personId, limit: 500 }, reach)).items,

    /** One row in the access log for a list, queue or export of PACs: the query as asked and every PAC shown. */
    recordListRead: (
      actor: PacActor,
      query: string,
      pacs: readonly { id: string }[],
      requestId?: string | null,
    ) => recordListRead(db, on, actor, query, pacs, requestId),

    /** Change review, MASH, outcome or follow-up fields of a PAC within the reader's reach. */
    update: (id: string, version: number, change: PacChange, actor: PacActor, reach: Reach) =>
      updatePac(db, on, id, version, change, actor, reach),

    review: (
      id: string,
      version: number,
      decision: { decision: ReviewDecision; note: string },
      actor: PacActor,
      reach: Reach,
    ) => reviewPac(db, on, id, version, decision, actor, reach),

    /** The officer sends a returned PAC back to the supervisor, amended (REF-02's clock starts again). */
    resubmit: (
      id: string,
      version: number,
      changes: Resubmission,
      actor: PacActor,
      access?: { reach: Reach; onBehalf: boolean },
    ) => resubmitPac(db, on, id, version, changes, actor, access),

    /** Partner (children's social care) access: only PACs shared with the MASH for their borough. */
    partner: {
      list: (boroughId: string | null, filter: PartnerListFilter = {}) =>
        partnerList(db, on, boroughId, filter),
      read: (id: string, boroughId: string | null, actor: PacActor) =>
        partnerRead(db, on, id, boroughId, actor),
      recordOutcome: (
        id: string,
        version: number,
        outcome: { outcome: Outcome; outcomeReason?: string | null; feedbackAt?: Date | null },
        boroughId: string | null,
        actor: PacActor,
      ) => recordOutcome(db, on, id, version, outcome, boroughId, actor),
    },

    /** PACs waiting for a supervisor, oldest first, with the hours each has waited. */
    supervisorQueue: (options: { teamId?: string | null; reach: Reach } & QueuePage) =>
      supervisorQueue(db, on, options, clock.now()),

    /** PACs with the MASH and not yet decided: unrated first, then red to blue, oldest first within each. */
    mashQueue: (reach: Reach, page: QueuePage = {}) => mashQueue(db, on, { reach, ...page }, clock.now()),

    timeline: pacTimeline,

    /** The child's chronology entries within the reader's reach (registered with the person index's timeline). */
    timelineItems: (personId: string, reach: Reach, asOf?: Date) => timelineItems(db, personId, reach, asOf),

    drafts: {
      start: (userId: string, answers?: Record<string, unknown>) => startDraft(db, clock, userId, answers),
      get: (userId: string, id: string) => draftAnswers(db, userId, id),
      save: (userId: string, id: string, answers: Record<string, unknown>) =>
        saveDraft(db, clock, userId, id, answers),
      remove: (userId: string, id: string) => removeDraft(db, userId, id),
    },

    measures: referralsMeasures(db, clock, calendar),
  }
}

export type ReferralsService = ReturnType<typeof referralsService>
