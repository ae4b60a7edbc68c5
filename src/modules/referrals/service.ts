import { type RawBuilder, type Selectable, sql } from 'kysely'
import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Area } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { Pac as PacTable } from '../../platform/db/schema.ts'
import {
  ConflictError,
  type FieldError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
} from '../../platform/http/errors.ts'
import type { WorkingDayCalendar } from '../../standards/calendar.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { pacKind, partnerSharing } from './access.ts'
import {
  type AboutKind,
  type BragRating,
  bragRatings,
  bragUrgency,
  type ConcernCategory,
  hoursBetween,
  type Outcome,
  type PacInput,
  type PacProgress,
  type PacStage,
  type ReviewDecision,
  type RiskLevel,
  stageOf,
  validatePacInput,
  validatePacProgress,
} from './pac.ts'
import type { PersonIndex, ReferralPerson } from './person-index.ts'

/** Who is acting, as the history and access log record them. */
export interface PacActor {
  id: string
  username: string
  displayName: string
  staffId: string | null
}

/** Rules run on the records just written, inside the writing transaction (the standards engine's hook). */
export type AfterWrite = (trx: Transaction, written: Map<string, string[]>) => Promise<void>

export interface Pac {
  id: string
  ref: string
  personId: string
  aboutKind: AboutKind
  aboutRef: string | null
  aboutSummary: string
  concerns: ConcernCategory[]
  riskLevel: RiskLevel
  riskAssessment: string
  childSpokenTo: boolean
  voiceOfChild: string
  policeFirstKnewAt: Date
  createdAt: Date
  submittedAt: Date
  raisedByStaffId: string | null
  raisedByName: string
  raisedByTeamId: string | null
  /** The account that raised it: an officer always sees their own PACs. */
  createdBy: string
  boroughId: string
  bcuId: string | null
  reviewedAt: Date | null
  reviewedByStaffId: string | null
  reviewedByName: string | null
  reviewDecision: ReviewDecision | null
  reviewNote: string | null
  sharedWithMashAt: Date | null
  mashBrag: BragRating | null
  mashRatedAt: Date | null
  mashDecisionAt: Date | null
  outcome: Outcome | null
  outcomeReason: string | null
  feedbackAt: Date | null
  followUp: string | null
  followUpAt: Date | null
  updatedAt: Date
  version: number
  stage: PacStage
}

export interface PacSummary extends Pac {
  childName: string
  childRef: string
  boroughName: string
}

type PacRow = Selectable<PacTable>

export const toPac = (r: PacRow): Pac => {
  const progress = {
    reviewedAt: r.reviewed_at,
    reviewDecision: r.review_decision as ReviewDecision | null,
    sharedWithMashAt: r.shared_with_mash_at,
    mashDecisionAt: r.mash_decision_at,
    outcome: r.outcome as Outcome | null,
  }
  return {
    id: r.id,
    ref: r.ref,
    personId: r.person_id,
    aboutKind: r.about_kind as AboutKind,
    aboutRef: r.about_ref,
    aboutSummary: r.about_summary,
    concerns: r.concerns as ConcernCategory[],
    riskLevel: r.risk_level as RiskLevel,
    riskAssessment: r.risk_assessment,
    childSpokenTo: r.child_spoken_to,
    voiceOfChild: r.voice_of_child,
    policeFirstKnewAt: r.police_first_knew_at,
    createdAt: r.created_at,
    submittedAt: r.submitted_at,
    raisedByStaffId: r.raised_by_staff_id,
    raisedByName: r.raised_by_name,
    raisedByTeamId: r.raised_by_team_id,
    createdBy: r.created_by,
    boroughId: r.borough_id,
    bcuId: r.bcu_id,
    reviewedAt: r.reviewed_at,
    reviewedByStaffId: r.reviewed_by_staff_id,
    reviewedByName: r.reviewed_by_name,
    reviewDecision: progress.reviewDecision,
    reviewNote: r.review_note,
    sharedWithMashAt: r.shared_with_mash_at,
    mashBrag: r.mash_brag as BragRating | null,
    mashRatedAt: r.mash_rated_at,
    mashDecisionAt: r.mash_decision_at,
    outcome: progress.outcome,
    outcomeReason: r.outcome_reason,
    feedbackAt: r.feedback_at,
    followUp: r.follow_up,
    followUpAt: r.follow_up_at,
    updatedAt: r.updated_at,
    version: r.version,
    stage: stageOf(progress),
  }
}

/** Whether the actor is the officer who raised the PAC (by account, or by staff record). */
export function raisedBy(pac: Pick<Pac, 'raisedByStaffId' | 'createdBy'>, actor: PacActor): boolean {
  return pac.createdBy === actor.id || (actor.staffId !== null && pac.raisedByStaffId === actor.staffId)
}

export interface PacFilter {
  personId?: string
  boroughId?: string
  bcuId?: string
  stage?: PacStage
  brag?: BragRating
  createdFrom?: Date
  createdTo?: Date
  limit?: number
  offset?: number
}

/** The fields a change may set after raising: review, MASH, outcome and follow-up. */
export type PacChange = PacProgress & { reviewedByName?: string | null; reviewedByStaffId?: string | null }

const progressColumns: Record<keyof PacChange, string> = {
  reviewedAt: 'reviewed_at',
  reviewDecision: 'review_decision',
  reviewNote: 'review_note',
  reviewedByName: 'reviewed_by_name',
  reviewedByStaffId: 'reviewed_by_staff_id',
  sharedWithMashAt: 'shared_with_mash_at',
  mashBrag: 'mash_brag',
  mashRatedAt: 'mash_rated_at',
  mashDecisionAt: 'mash_decision_at',
  outcome: 'outcome',
  outcomeReason: 'outcome_reason',
  feedbackAt: 'feedback_at',
  followUp: 'follow_up',
  followUpAt: 'follow_up_at',
}

export function progressOf(p: Pac): PacProgress {
  return {
    reviewedAt: p.reviewedAt,
    reviewDecision: p.reviewDecision,
    reviewNote: p.reviewNote,
    sharedWithMashAt: p.sharedWithMashAt,
    mashBrag: p.mashBrag,
    mashRatedAt: p.mashRatedAt,
    mashDecisionAt: p.mashDecisionAt,
    outcome: p.outcome,
    outcomeReason: p.outcomeReason,
    feedbackAt: p.feedbackAt,
    followUp: p.followUp,
    followUpAt: p.followUpAt,
  }
}

export interface TimelineEvent {
  at: Date
  title: string
  detail?: string
}

/** A PAC's path as a chronology: created, reviewed, shared, rated, decided, outcome, follow-up. */
export function pacTimeline(p: Pac): TimelineEvent[] {
  const events: TimelineEvent[] = [
    { at: p.policeFirstKnewAt, title: 'Police first knew of the concern' },
    { at: p.createdAt, title: 'PAC raised', detail: `by ${p.raisedByName}` },
  ]
  if (p.submittedAt.getTime() !== p.createdAt.getTime()) {
    events.push({ at: p.submittedAt, title: 'Resubmitted for supervisor review' })
  }
  if (p.reviewedAt) {
    events.push({
      at: p.reviewedAt,
      title:
        p.reviewDecision === 'approved' ? 'Approved by supervisor' : 'Returned by supervisor for more work',
      detail: [p.reviewedByName, p.reviewNote].filter(Boolean).join(': ') || undefined,
    })
  }
  if (p.sharedWithMashAt) events.push({ at: p.sharedWithMashAt, title: 'Shared with the MASH' })
  if (p.mashRatedAt && p.mashBrag) events.push({ at: p.mashRatedAt, title: `MASH rated it ${p.mashBrag}` })
  if (p.mashDecisionAt) {
    events.push({
      at: p.mashDecisionAt,
      title: 'MASH decision',
      detail: p.mashBrag ? `BRAG ${p.mashBrag}` : undefined,
    })
  }
  if (p.feedbackAt && p.outcome) {
    events.push({
      at: p.feedbackAt,
      title: 'Outcome from children’s social care',
      detail: p.outcomeReason ?? undefined,
    })
  }
  if (p.followUpAt)
    events.push({ at: p.followUpAt, title: 'Police follow-up', detail: p.followUp ?? undefined })
  return events.sort((a, b) => a.at.getTime() - b.at.getTime())
}

export interface ReferralsDependencies {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  organisation: OrganisationService
  people: PersonIndex
  calendar: WorkingDayCalendar
  afterWrite?: AfterWrite
}

/** PACs: raising, the supervisor review, the MASH and social care's outcome, queues, drafts and measures. */
export function referralsService(deps: ReferralsDependencies) {
  const { db, clock, history, accessLog, organisation, people, calendar } = deps

  async function evaluate(trx: Transaction, ids: string[]) {
    // TODO(standards): once the standards service offers its after-write evaluation, services.ts passes it
    // here and findings appear as soon as a PAC is written; until then the scheduled sweep finds them.
    if (deps.afterWrite) await deps.afterWrite(trx, new Map([[pacKind.kind, ids]]))
  }

  async function row(executor: Executor, id: string): Promise<PacRow | undefined> {
    if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
    return executor.selectFrom('pac').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async function summaries(rows: PacRow[]): Promise<PacSummary[]> {
    if (rows.length === 0) return []
    const personIds = [...new Set(rows.map((r) => r.person_id))]
    const boroughIds = [...new Set(rows.map((r) => r.borough_id))]
    const [persons, boroughs] = await Promise.all([
      Promise.all(personIds.map((id) => people.find(id))),
      Promise.all(boroughIds.map((id) => organisation.borough(id))),
    ])
    const personOf = new Map<string, ReferralPerson>()
    personIds.forEach((id, i) => {
      const person = persons[i]
      if (person) personOf.set(id, person)
    })
    const boroughOf = new Map(boroughs.filter((b) => !!b).map((b) => [b?.id as string, b?.name as string]))
    return rows.map((r) => ({
      ...toPac(r),
      childName: personOf.get(r.person_id)?.name ?? 'Unknown person',
      childRef: personOf.get(r.person_id)?.ref ?? '',
      boroughName: boroughOf.get(r.borough_id) ?? '',
    }))
  }

  function stageWhere(stage: PacStage) {
    switch (stage) {
      case 'closed':
        return sql<boolean>`pac.outcome is not null`
      case 'awaiting_outcome':
        return sql<boolean>`pac.outcome is null and pac.mash_decision_at is not null`
      case 'with_mash':
        return sql<boolean>`pac.outcome is null and pac.mash_decision_at is null and pac.shared_with_mash_at is not null`
      case 'awaiting_share':
        return sql<boolean>`pac.outcome is null and pac.shared_with_mash_at is null and pac.review_decision = 'approved'`
      case 'returned':
        return sql<boolean>`pac.outcome is null and pac.review_decision = 'returned'`
      default:
        return sql<boolean>`pac.review_decision is null`
    }
  }

  /** Writes a change after `check` has passed on the PAC as read inside the transaction. */
  async function write(
    id: string,
    version: number,
    change: PacChange,
    actor: PacActor,
    check: (p: Pac) => void,
  ) {
    const now = clock.now()
    return db.transaction().execute(async (trx) => {
      const current = await row(trx, id)
      if (!current) throw new NotFoundError('There is no such PAC')
      const pac = toPac(current)
      check(pac)
      const merged = { ...progressOf(pac), ...change }
      const errors = validatePacProgress(pac, merged, now)
      if (errors.length) throw new ValidationError(errors)
      const patch: Record<string, unknown> = { updated_at: now }
      for (const [key, value] of Object.entries(change)) {
        const column = progressColumns[key as keyof PacChange]
        if (column && value !== undefined)
          patch[column] = typeof value === 'string' ? value.trim() || null : value
      }
      const written = await history.updateRecord(trx, 'pac', id, version, patch, actor)
      await accessLog.record(
        {
          actorId: actor.id,
          actorName: actor.username,
          action: 'update',
          subjectKind: pacKind.kind,
          subjectId: id,
        },
        trx,
      )
      await evaluate(trx, [id])
      return toPac(written)
    })
  }

  const service = {
    /**
     * For a rule that answers with one query, SQL not yet run: when each person's first PAC raising any of
     * `concerns` was created, one row (person_id, at) per person. `people`, when given, is a relation of
     * person_id to look at (a few records after a write).
     */
    referredSinceSql(
      concerns: readonly ConcernCategory[],
      people?: RawBuilder<unknown>,
    ): RawBuilder<{ person_id: string; at: Date }> {
      return sql<{ person_id: string; at: Date }>`(
        select pac.person_id, min(pac.created_at) as at
        from pac
        where pac.concerns && ${[...concerns]}::text[] ${people ? sql`and pac.person_id in ${people}` : sql``}
        group by pac.person_id)`
    },

    /** Raises a PAC; an unknown child, a bad answer or a time in the future is a ValidationError, nothing written. */
    async create(input: Partial<PacInput>, actor: PacActor): Promise<Pac> {
      const now = clock.now()
      const errors = validatePacInput(input, now)
      const person = input.personId ? await people.find(input.personId) : undefined
      if (input.personId && !person)
        errors.push({ field: 'child', reason: 'There is no person with this id' })
      const borough = input.boroughId ? await organisation.borough(input.boroughId) : undefined
      if (input.boroughId && !borough) errors.push({ field: 'borough', reason: 'There is no such borough' })
      if (errors.length) throw new ValidationError(errors)
      // A merged record answers with its survivor: the PAC belongs to the person who remains.
      const valid = { ...(input as PacInput), personId: (person as ReferralPerson).id }
      const staff = actor.staffId ? await organisation.staffMember(actor.staffId) : undefined
      const bcu = await organisation.bcuForBorough(valid.boroughId, now)
      return db.transaction().execute(async (trx) => {
        const written = await history.insertRecord(
          trx,
          'pac',
          {
            person_id: valid.personId,
            about_kind: valid.aboutKind,
            about_ref: valid.aboutRef?.trim() || null,
            about_summary: valid.aboutSummary.trim(),
            concerns: valid.concerns,
            risk_level: valid.riskLevel,
            risk_assessment: valid.riskAssessment.trim(),
            child_spoken_to: valid.childSpokenTo,
            voice_of_child: valid.voiceOfChild.trim(),
            police_first_knew_at: valid.policeFirstKnewAt,
            created_at: now,
            submitted_at: now,
            raised_by_staff_id: staff?.id ?? null,
            raised_by_name: staff?.name ?? actor.displayName,
            raised_by_team_id: staff?.teamId ?? null,
            created_by: actor.id,
            borough_id: valid.boroughId,
            bcu_id: bcu?.id ?? null,
            updated_at: now,
          },
          actor,
        )
        await accessLog.record(
          {
            actorId: actor.id,
            actorName: actor.username,
            action: 'create',
            subjectKind: pacKind.kind,
            subjectId: written.id,
            detail: { personId: valid.personId },
          },
          trx,
        )
        await evaluate(trx, [written.id])
        return toPac(written)
      })
    },

    async get(id: string): Promise<PacSummary | undefined> {
      const found = await row(db, id)
      return found ? (await summaries([found]))[0] : undefined
    },

    /** A PAC the reader may see, its read logged; 404 when it does not exist or lies outside their reach. */
    async read(id: string, reach: Reach, actor: PacActor, reason?: string): Promise<PacSummary> {
      const pac = await service.get(id)
      // Outside the reader's need to know a PAC is as good as absent: its existence is not confirmed.
      pacKind.mustSee(reach, pac, 'There is no such PAC')
      await accessLog.record({
        actorId: actor.id,
        actorName: actor.username,
        action: 'read',
        subjectKind: pacKind.kind,
        subjectId: id,
        reason: reason ?? null,
      })
      return pac
    },

    async list(filter: PacFilter, reach: Reach): Promise<{ items: PacSummary[]; total: number }> {
      let query = db.selectFrom('pac').where(pacKind.where(reach))
      if (filter.personId) query = query.where('pac.person_id', '=', filter.personId)
      if (filter.boroughId) query = query.where('pac.borough_id', '=', filter.boroughId)
      if (filter.bcuId) query = query.where('pac.bcu_id', '=', filter.bcuId)
      if (filter.stage) query = query.where(stageWhere(filter.stage))
      if (filter.brag) query = query.where('pac.mash_brag', '=', filter.brag)
      if (filter.createdFrom) query = query.where('pac.created_at', '>=', filter.createdFrom)
      if (filter.createdTo) query = query.where('pac.created_at', '<', filter.createdTo)
      const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
      const rows = await query
        .selectAll('pac')
        .orderBy('pac.created_at', 'desc')
        .orderBy('pac.id')
        .limit(Math.min(filter.limit ?? 50, 500))
        .offset(filter.offset ?? 0)
        .execute()
      return { items: await summaries(rows), total: total.n }
    },

    /** A child's PACs, newest first (those within the reader's reach). */
    async forPerson(personId: string, reach: Reach): Promise<PacSummary[]> {
      return (await service.list({ personId, limit: 500 }, reach)).items
    },

    /**
     * One row in the access log for a list, queue or export of PACs: the query as asked and every PAC shown.
     * The caller has already checked the role; the ids are those need to know let through.
     */
    async recordListRead(
      actor: PacActor,
      query: string,
      pacs: readonly { id: string }[],
      requestId?: string | null,
    ) {
      await accessLog.recordList({
        actorId: actor.id,
        actorName: actor.username,
        subjectKind: pacKind.kind,
        query,
        ids: pacs.map((p) => p.id),
        requestId: requestId ?? null,
      })
    },

    /**
     * Change review, MASH, outcome or follow-up fields of a PAC within the reader's reach (404 otherwise,
     * checked inside the writing transaction); a stale version is a 409. The caller checks the role.
     */
    async update(id: string, version: number, change: PacChange, actor: PacActor, reach: Reach) {
      return write(id, version, change, actor, (pac) => pacKind.mustSee(reach, pac, 'There is no such PAC'))
    },

    async review(
      id: string,
      version: number,
      decision: { decision: ReviewDecision; note: string },
      actor: PacActor,
      reach: Reach,
    ) {
      return write(
        id,
        version,
        {
          reviewedAt: clock.now(),
          reviewDecision: decision.decision,
          reviewNote: decision.note.trim() || null,
          reviewedByName: actor.displayName,
          reviewedByStaffId: actor.staffId,
        },
        actor,
        (pac) => {
          pacKind.mustSee(reach, pac, 'There is no such PAC')
          if (pac.reviewedAt && pac.reviewedAt >= pac.submittedAt) {
            throw new ValidationError([
              { field: 'reviewDecision', reason: 'This PAC has already been reviewed' },
            ])
          }
        },
      )
    },

    /**
     * The officer sends a returned PAC back to the supervisor, amended: the old review stays in the history
     * (and its note on the record, so the next reviewer sees what was asked). The supervisor's clock (REF-02)
     * starts again from the resubmission: `submitted_at` becomes now and the review is cleared, so the PAC is
     * back in the review queue. With `access`, only a reader whose reach holds it may see it (404 otherwise) and only the
     * officer who raised it may resubmit unless `onBehalf` (a supervisor); a stale version is a 409.
     */
    async resubmit(
      id: string,
      version: number,
      changes: { riskAssessment?: string; voiceOfChild?: string; concerns?: ConcernCategory[] },
      actor: PacActor,
      access?: { reach: Reach; onBehalf: boolean },
    ) {
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        const current = await row(trx, id)
        if (!current) throw new NotFoundError('There is no such PAC')
        const pac = toPac(current)
        if (access) {
          pacKind.mustSee(access.reach, pac, 'There is no such PAC')
          if (!access.onBehalf && !raisedBy(pac, actor)) {
            throw new ForbiddenError('Only the officer who raised this PAC or a supervisor may resubmit it')
          }
        }
        if (current.version !== version) throw new ConflictError()
        if (current.review_decision !== 'returned') {
          throw new ValidationError([
            { field: 'reviewDecision', reason: 'Only a PAC returned for more work can be resubmitted' },
          ])
        }
        const amended = {
          concerns: changes.concerns ?? pac.concerns,
          riskAssessment: changes.riskAssessment?.trim() ?? pac.riskAssessment,
          voiceOfChild: changes.voiceOfChild?.trim() ?? pac.voiceOfChild,
        }
        const amendable = ['concerns', 'riskAssessment', 'voiceOfChild']
        const errors = validatePacInput(
          {
            personId: pac.personId,
            aboutKind: pac.aboutKind,
            aboutRef: pac.aboutRef,
            aboutSummary: pac.aboutSummary,
            riskLevel: pac.riskLevel,
            childSpokenTo: pac.childSpokenTo,
            policeFirstKnewAt: pac.policeFirstKnewAt,
            boroughId: pac.boroughId,
            ...amended,
          },
          pac.createdAt,
        ).filter((e) => amendable.includes(e.field))
        if (errors.length) throw new ValidationError(errors)
        const patch: Record<string, unknown> = {
          submitted_at: now,
          reviewed_at: null,
          review_decision: null,
          reviewed_by_name: null,
          reviewed_by_staff_id: null,
          concerns: amended.concerns,
          risk_assessment: amended.riskAssessment,
          voice_of_child: amended.voiceOfChild,
          updated_at: now,
        }
        const written = await history.updateRecord(trx, 'pac', id, version, patch, actor)
        await accessLog.record(
          {
            actorId: actor.id,
            actorName: actor.username,
            action: 'update',
            subjectKind: pacKind.kind,
            subjectId: id,
            detail: { resubmitted: true },
          },
          trx,
        )
        await evaluate(trx, [id])
        return toPac(written)
      })
    },

    /**
     * Partner (children's social care) access, by the sharing rule of access.ts: only PACs shared with the
     * MASH for their borough. Anything else, including another borough's PAC, is "not found".
     */
    partner: {
      async list(
        boroughId: string | null,
        filter: { awaitingOutcome?: boolean } = {},
      ): Promise<PacSummary[]> {
        if (!boroughId) return []
        let query = db.selectFrom('pac').selectAll().where(partnerSharing.where(boroughId))
        if (filter.awaitingOutcome) query = query.where('outcome', 'is', null)
        return summaries(await query.orderBy('shared_with_mash_at', 'desc').limit(500).execute())
      },
      async read(id: string, boroughId: string | null, actor: PacActor): Promise<PacSummary> {
        const pac = await service.get(id)
        if (!pac || !partnerSharing.canSee(boroughId, pac)) {
          throw new NotFoundError('There is no such PAC shared with your borough')
        }
        await accessLog.record({
          actorId: actor.id,
          actorName: actor.username,
          action: 'read',
          subjectKind: pacKind.kind,
          subjectId: id,
          reason: 'partner: shared with the borough',
        })
        return pac
      },
      async recordOutcome(
        id: string,
        version: number,
        outcome: { outcome: Outcome; outcomeReason?: string | null; feedbackAt?: Date | null },
        boroughId: string | null,
        actor: PacActor,
      ) {
        return write(
          id,
          version,
          {
            outcome: outcome.outcome,
            outcomeReason: outcome.outcomeReason ?? null,
            feedbackAt: outcome.feedbackAt ?? clock.now(),
          },
          actor,
          (pac) => {
            if (!partnerSharing.canSee(boroughId, pac)) {
              throw new NotFoundError('There is no such PAC shared with your borough')
            }
          },
        )
      },
    },

    /** PACs waiting for a supervisor, oldest first, with the hours each has waited. */
    async supervisorQueue(options: { teamId?: string | null; reach: Reach }) {
      let query = db
        .selectFrom('pac')
        .where(pacKind.where(options.reach))
        .where('pac.reviewed_at', 'is', null)
      if (options.teamId) query = query.where('pac.raised_by_team_id', '=', options.teamId)
      const rows = await query.selectAll('pac').orderBy('pac.submitted_at').limit(500).execute()
      const now = clock.now()
      return (await summaries(rows)).map((p) => ({ ...p, hoursWaiting: hoursBetween(p.submittedAt, now) }))
    },

    /** PACs with the MASH and not yet decided: unrated first, then red to blue, oldest first within each. */
    async mashQueue(reach: Reach) {
      const rows = await db
        .selectFrom('pac')
        .where(pacKind.where(reach))
        .selectAll('pac')
        .where('pac.shared_with_mash_at', 'is not', null)
        .where('pac.mash_decision_at', 'is', null)
        .orderBy('pac.shared_with_mash_at')
        .limit(1000)
        .execute()
      const now = clock.now()
      const items = (await summaries(rows)).map((p) => ({
        ...p,
        hoursWaiting: hoursBetween(p.sharedWithMashAt as Date, now),
      }))
      const urgency = (p: Pac) => (p.mashBrag ? bragUrgency[p.mashBrag] + 1 : 0)
      return items.sort(
        (a, b) =>
          urgency(a) - urgency(b) ||
          (a.sharedWithMashAt as Date).getTime() - (b.sharedWithMashAt as Date).getTime(),
      )
    },

    timeline: pacTimeline,

    /** The child's chronology entries within the reader's reach (registered with the person index's timeline). */
    async timelineItems(personId: string, reach: Reach, asOf?: Date) {
      let query = db
        .selectFrom('pac')
        .selectAll()
        .where('pac.person_id', '=', personId)
        .where(pacKind.where(reach))
      if (asOf) query = query.where('pac.created_at', '<=', asOf)
      const rows = await query.execute()
      return rows.map((r) => {
        const p = toPac(r)
        return {
          at: p.createdAt,
          kind: 'pac',
          title: `PAC ${p.ref} raised`,
          detail: p.outcome ? `Outcome: ${p.outcome.replace(/_/g, ' ')}` : undefined,
          href: `/pacs/${p.id}`,
        }
      })
    },

    drafts: {
      async start(userId: string): Promise<string> {
        const now = clock.now()
        const created = await db
          .insertInto('pac_draft')
          .values({ user_id: userId, answers: JSON.stringify({}), created_at: now, updated_at: now })
          .returning('id')
          .executeTakeFirstOrThrow()
        return created.id
      },
      async get(userId: string, id: string): Promise<Record<string, unknown> | undefined> {
        if (!/^[0-9a-f-]{36}$/i.test(id)) return undefined
        const found = await db
          .selectFrom('pac_draft')
          .select('answers')
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .executeTakeFirst()
        return found ? (found.answers as Record<string, unknown>) : undefined
      },
      async save(userId: string, id: string, answers: Record<string, unknown>) {
        await db
          .updateTable('pac_draft')
          .set({ answers: JSON.stringify(answers), updated_at: clock.now(), version: sql`version + 1` })
          .where('id', '=', id)
          .where('user_id', '=', userId)
          .execute()
      },
      async remove(userId: string, id: string) {
        await db.deleteFrom('pac_draft').where('id', '=', id).where('user_id', '=', userId).execute()
      },
    },

    measures: {
      /** PACs created per BCU, borough and London month, for the period [from, to). */
      async byAreaAndMonth(from: Date, to: Date) {
        const { rows } = await sql<{
          bcu_id: string | null
          borough_id: string
          month: string
          pacs: number
        }>`
          select bcu_id, borough_id, to_char(created_at at time zone 'Europe/London', 'YYYY-MM') as month,
            count(*)::int as pacs
          from pac where created_at >= ${from} and created_at < ${to}
          group by 1, 2, 3 order by 3, 1, 2`.execute(db)
        return rows.map((r) => ({ bcuId: r.bcu_id, boroughId: r.borough_id, month: r.month, pacs: r.pacs }))
      },

      /** Median hours from the police first knowing to the PAC, over PACs created in [from, to). */
      async medianHoursToSubmission(from: Date, to: Date, area: { bcuId?: string } = {}) {
        const { rows } = await sql<{ hours: number | null; n: number }>`
          select (percentile_cont(0.5) within group (
            order by extract(epoch from created_at - police_first_knew_at) / 3600))::float8 as hours,
            count(*)::int as n
          from pac where created_at >= ${from} and created_at < ${to}
            and (${area.bcuId ?? null}::uuid is null or bcu_id = ${area.bcuId ?? null}::uuid)`.execute(db)
        return { hours: rows[0]?.hours ?? null, pacs: rows[0]?.n ?? 0 }
      },

      /** Of the PACs rated by the MASH (rated in [from, to)), the share given each BRAG rating. */
      async bragShares(from: Date, to: Date) {
        const { rows } = await sql<{ brag: BragRating; n: number }>`
          select mash_brag as brag, count(*)::int as n from pac
          where mash_brag is not null and coalesce(mash_rated_at, mash_decision_at, shared_with_mash_at) >= ${from}
            and coalesce(mash_rated_at, mash_decision_at, shared_with_mash_at) < ${to}
          group by 1`.execute(db)
        const total = rows.reduce((s, r) => s + r.n, 0)
        return {
          rated: total,
          shares: Object.fromEntries(
            bragRatings.map((b) => [b, total ? (rows.find((r) => r.brag === b)?.n ?? 0) / total : null]),
          ) as Record<BragRating, number | null>,
        }
      },

      /** Of the PACs with a social care outcome (feedback in [from, to)), the share that ended in NFA. */
      async nfaShare(from: Date, to: Date) {
        const { rows } = await sql<{ nfa: number; n: number }>`
          select count(*) filter (where outcome = 'nfa')::int as nfa, count(*)::int as n from pac
          where outcome is not null and feedback_at >= ${from} and feedback_at < ${to}`.execute(db)
        const r = rows[0] ?? { nfa: 0, n: 0 }
        return { withOutcome: r.n, nfa: r.nfa, share: r.n ? r.nfa / r.n : null }
      },

      /**
       * Of the PACs shared with the MASH in [from, to) whose follow-up point (N working days after sharing)
       * has passed by asOf, the share with no social care feedback by that point.
       */
      async noFeedbackShare(from: Date, to: Date, options: { workingDays?: number; asOf?: Date } = {}) {
        const workingDays = options.workingDays ?? 3
        const asOf = options.asOf ?? clock.now()
        const rows = await db
          .selectFrom('pac')
          .select(['shared_with_mash_at', 'feedback_at'])
          .where('shared_with_mash_at', '>=', from)
          .where('shared_with_mash_at', '<', to)
          .execute()
        let due = 0
        let without = 0
        for (const r of rows) {
          const point = calendar.addWorkingDays(r.shared_with_mash_at as Date, workingDays)
          if (point > asOf) continue
          due++
          if (!r.feedback_at || r.feedback_at > point) without++
        }
        return { due, withoutFeedback: without, share: due ? without / due : null }
      },
    },
  }
  return service
}

export type ReferralsService = ReturnType<typeof referralsService>

/** A partner's borough, or a 403 when their account is not linked to one (see `partnerSharing`). */
export function requirePartnerBorough(area: Area): string {
  const borough = partnerSharing.boroughOf(area)
  if (!borough) throw new ForbiddenError('Your account is not linked to a borough: ask an administrator')
  return borough
}

export type { FieldError }
