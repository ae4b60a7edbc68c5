import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Executor, Transaction } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { defaultGradeScale, type Grade } from './grading.ts'
import { defaultRepeatThresholds, type RepeatThresholdSource } from './repeat-threshold.ts'
import { acknowledgePlan, linkPac } from './service/change-episode.ts'
import type { AfterWrite, MissingDeps, OpenCasesProvider } from './service/dependencies.ts'
import {
  type EpisodeInput,
  type EpisodeValues,
  episodeInput,
  type ReviewInput,
  type ReviewValues,
  type TriggerPlanInput,
  type TriggerPlanValues,
} from './service/inputs.ts'
import { missingMeasures } from './service/measures.ts'
import { childContext, viewEpisode } from './service/queries.ts'
import {
  recordPreventionInterview,
  recordReturn,
  recordReturnHomeInterview,
} from './service/record-return.ts'
import { type EpisodeWriteMode, reportMissing, writeEpisodes } from './service/report-missing.ts'
import { addReview, writeReviews } from './service/reviews.ts'
import { timelineFor } from './service/timeline.ts'
import { agreePlan, endPlan, viewPlan, writePlans } from './service/trigger-plans.ts'
import { recordDuty, unitView } from './service/unit-view.ts'

export type { ChildContext, PlanElsewhere } from './service/child-context.ts'
export type { Actor, AfterWrite, OpenCase, OpenCasesProvider } from './service/dependencies.ts'
export {
  agreedWithKinds,
  agreedWithLabels,
  type EpisodeInput,
  episodeInput,
  type ReviewInput,
  reviewInput,
  type TriggerPlanInput,
  triggerPlanInput,
} from './service/inputs.ts'
export {
  type Episode,
  isLiveOn,
  type Review,
  type TriggerPlan,
  toEpisode,
  toPlan,
} from './service/records.ts'

export interface MissingDependencies {
  history: HistoryService
  accessLog: AccessLogService
  /** The child index's reads, each on the executor it is given (the children service, or `childReads`). */
  children: MissingDeps['children']
  /** The organisation service on an executor: inside a transaction, the embedded database has only that session. */
  organisationOn: (executor: Executor) => OrganisationService
  afterWrite?: AfterWrite
  /** The force's grade scale (default the APP continuum with "absent"). */
  gradeScale?: readonly Grade[]
  /** MIS-02's repeat threshold as configured (default: its defaults, for tests without the engine). */
  repeatThresholds?: RepeatThresholdSource
}

/**
 * The missing module's service: each use case (in `service/`) bound to an executor (the database, or an
 * import's transaction) and the module's dependencies. A caller holding a transaction calls the use cases
 * themselves with it.
 */
export function missingService(db: Executor, clock: Clock, deps: MissingDependencies) {
  const scale = deps.gradeScale ?? defaultGradeScale
  const repeatThresholds = deps.repeatThresholds ?? defaultRepeatThresholds
  const openCaseProviders: OpenCasesProvider[] = []
  const on: MissingDeps = {
    clock,
    history: deps.history,
    accessLog: deps.accessLog,
    children: deps.children,
    organisationOn: deps.organisationOn,
    afterWrite: deps.afterWrite,
    scale,
    repeatThresholds,
    openCases: openCaseProviders,
  }

  return {
    scale,
    episodeInput,

    /** The investigations module (or any other) tells the grading page about a child's open cases. */
    registerOpenCasesProvider(provider: OpenCasesProvider) {
      openCaseProviders.push(provider)
    },

    /** The child's record at the point of decision, with the suggestion from history alone. */
    childContext: (childKey: string, reach: Reach, at: Date = clock.now(), boroughId: string | null = null) =>
      childContext(db, on, childKey, reach, at, boroughId),

    /** Opens an episode; an unknown child, a bad grade or an impossible time is a ValidationError, nothing written. */
    create: (input: EpisodeInput, principal: Principal) => reportMissing(db, on, input, principal),

    /** One episode with its reviews and the child's record then, for someone allowed to see it; the read is logged. */
    get: (id: string, principal: Principal, reason?: string) => viewEpisode(db, on, id, principal, reason),

    addReview: (id: string, version: number, input: Omit<ReviewInput, 'episode'>, principal: Principal) =>
      addReview(db, on, id, version, input, principal),

    recordReturn: (
      id: string,
      version: number,
      input: { returnedAt: Date; foundPlace: string; foundBy: string; foundWith?: string },
      principal: Principal,
    ) => recordReturn(db, on, id, version, input, principal),

    recordPreventionInterview: (
      id: string,
      version: number,
      input: { at: Date; by: string; disclosures?: string },
      principal: Principal,
    ) => recordPreventionInterview(db, on, id, version, input, principal),

    recordReturnHomeInterview: (
      id: string,
      version: number,
      input: { laNotifiedAt?: Date | null; interviewAt?: Date | null; declined?: boolean },
      principal: Principal,
    ) => recordReturnHomeInterview(db, on, id, version, input, principal),

    linkPac: (id: string, version: number, pacKey: string, principal: Principal) =>
      linkPac(db, on, id, version, pacKey, principal),

    /** Records that the person opening or working the episode read the child's live trigger plan (MIS-04). */
    acknowledgePlan: (id: string, version: number, principal: Principal) =>
      acknowledgePlan(db, on, id, version, principal),

    createPlan: (input: TriggerPlanInput, principal: Principal) => agreePlan(db, on, input, principal),

    endPlan: (id: string, version: number, endedOn: string, reason: string, principal: Principal) =>
      endPlan(db, on, id, version, endedOn, reason, principal),

    /** One trigger plan for someone allowed to see it (404 otherwise); the read is logged. */
    plan: (id: string, principal: Principal) => viewPlan(db, on, id, principal),

    /** Records how many staff a unit has on duty from now (MIS-11). */
    recordDuty: (teamId: string, staffOnDuty: number, names: string, principal: Principal) =>
      recordDuty(db, on, teamId, staffOnDuty, names, principal),

    /** The missing persons unit's view: live episodes by risk and age, reviews due, returns owed an interview, units' load. */
    unitView: (principal: Principal, options?: Parameters<typeof unitView>[3]) =>
      unitView(db, on, principal, options),

    /** Items for the child's chronology: the episodes and trigger plans within the reader's reach. */
    timelineFor: (personId: string, reach: Reach, asOf?: Date) => timelineFor(db, personId, reach, asOf),

    /** The batch writers on the caller's transaction (the importer's). */
    writeEpisodes: (
      trx: Transaction,
      submissions: readonly { ref?: string; input: EpisodeValues }[],
      actor: string,
      now: Date,
      mode: EpisodeWriteMode = {},
    ) => writeEpisodes(trx, on, submissions, actor, now, mode),
    writeReviews: (
      trx: Transaction,
      submissions: readonly { ref?: string; input: ReviewValues }[],
      actor: string,
      now: Date,
    ) => writeReviews(trx, on, submissions, actor, now),
    writePlans: (
      trx: Transaction,
      submissions: readonly { ref?: string; input: TriggerPlanValues }[],
      actor: string,
      now: Date,
      authorStaffId: string | null = null,
    ) => writePlans(trx, on, submissions, actor, now, authorStaffId),

    measures: missingMeasures(db, clock, { scale, repeatThresholds }),
  }
}

export type MissingService = ReturnType<typeof missingService>
