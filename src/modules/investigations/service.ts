import { type Selectable, sql } from 'kysely'
import type { AccessLogService } from '../../platform/access/access-log.ts'
import type { Reach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import type { Database, Executor, Transaction } from '../../platform/db/database.ts'
import type { HistoryService } from '../../platform/db/history.ts'
import type { DB } from '../../platform/db/schema.ts'
import { type FieldError, NotFoundError, ValidationError } from '../../platform/http/errors.ts'
import type { StandardsService } from '../../standards/service.ts'
import type { Course } from '../organisation/organisation.ts'
import type { OrganisationService } from '../organisation/service.ts'
import { pacKind } from '../referrals/access.ts'
import { investigationKind } from './access.ts'
import {
  type ActionKind,
  type CaseType,
  type CourseRequirements,
  caseTypeLabels,
  caseTypes,
  defaultCourseRequirements,
  isOutcomeCode,
  median,
  missingAgencies,
  type OfficerFit,
  officerFit,
  outcomeGroup,
  type PersonRole,
  personRoles,
  type ReviewInput,
  type RiskLevel,
  rankOfficers,
  riskLevels,
  type Strand,
  type StrategyDiscussionInput,
  strands,
  validateClosure,
  validateReview,
  validateStrategyDiscussion,
  wholeDaysBetween,
} from './investigation.ts'

/** Who is acting, as the history and access log record them. */
export interface InvestigationActor {
  id: string
  username: string
  displayName: string
  staffId: string | null
}

/** What the investigations module needs of the person index: a person by id or ref, with age. */
export interface InvestigationPeople {
  find(
    idOrRef: string,
  ): Promise<{ id: string; ref: string; name: string; dateOfBirth: string | null } | undefined>
}

export interface InvestigationsDependencies {
  db: Database
  clock: Clock
  history: HistoryService
  accessLog: AccessLogService
  organisation: OrganisationService
  standards: StandardsService
  people: InvestigationPeople
}

export type InvestigationRow = Selectable<DB['investigation']>

export interface NewInvestigation {
  caseType: string
  strands: string[]
  riskLevel: string
  summary: string
  boroughId: string
  openedAt: Date
  people: { personIdOrRef: string; role: string }[]
  pacIds?: string[]
  offence?: string | null
  crimeReference?: string | null
}

export const sortKeys = ['opened', 'ref', 'caseType', 'officer', 'lastReview'] as const
export type SortKey = (typeof sortKeys)[number]

/** Who asked for a list and how, for the access log's one row per list read. */
export interface ListReader {
  actor: InvestigationActor
  /** The route or command with its filters: 'GET /investigations?status=open'. */
  query: string
  requestId?: string
}

export interface InvestigationFilter {
  teamId?: string
  officerStaffId?: string
  caseType?: CaseType
  status?: 'open' | 'closed'
  unallocated?: boolean
  q?: string
  sort?: SortKey
  direction?: 'asc' | 'desc'
  limit?: number
  offset?: number
}

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i
const fail = (errors: FieldError[]): never => {
  throw new ValidationError(errors)
}
const londonDay = (at: Date) => at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' })

/** Investigations: opening, allocation by skills and capacity, supervision, strategy discussions, closure. */
export function investigationsService(deps: InvestigationsDependencies) {
  const { db, clock, history, accessLog, organisation, standards, people } = deps

  async function row(executor: Executor, id: string): Promise<InvestigationRow | undefined> {
    if (!uuid.test(id)) return undefined
    return executor.selectFrom('investigation').selectAll().where('id', '=', id).executeTakeFirst()
  }

  async function mustGet(executor: Executor, id: string, reach: Reach) {
    const found = await row(executor, id)
    // Outside the reader's need to know a case is as good as absent: its existence is not confirmed.
    investigationKind.mustSee(reach, found, 'There is no such investigation')
    return found
  }

  /**
   * Every change to an investigation's records goes through here: the investigation's version is checked
   * and bumped first (so of two supervisors editing at once one gets a conflict and nothing is lost), the
   * change is written, logged and the rules re-evaluated, all in one transaction.
   */
  async function change<T>(
    id: string,
    version: number,
    actor: InvestigationActor,
    action: string,
    work: (
      trx: Transaction,
      current: InvestigationRow,
    ) => Promise<{ patch?: Record<string, unknown>; result: T }>,
    reach: Reach,
  ): Promise<T> {
    return db.transaction().execute(async (trx) => {
      // Locked first: two writers that both inserted child rows (each holding a key-share lock on the
      // investigation through the foreign key) and then both updated it would deadlock on PostgreSQL.
      // Locked, the second waits, then finds the version moved and gets a conflict.
      if (uuid.test(id))
        await trx.selectFrom('investigation').select('id').where('id', '=', id).forUpdate().execute()
      const current = await mustGet(trx, id, reach)
      const { patch, result } = await work(trx, current)
      await history.updateRecord(
        trx,
        'investigation',
        id,
        version,
        { ...(patch ?? {}), updated_at: clock.now() },
        actor,
      )
      await accessLog.logChange(actor, { action, subjectKind: investigationKind.kind, subjectId: id }, trx)
      await standards.afterWrite(trx, investigationKind.kind, [id])
      return result
    })
  }

  async function requiredCourses(at: Date): Promise<CourseRequirements> {
    const values = await standards.parameters.valuesAt(at, ['INV-06'])
    const own = values.find((v) => v.name === 'requiredCourses' && v.boroughId === null)
    return (own?.value as CourseRequirements | undefined) ?? defaultCourseRequirements
  }

  /** Open cases held by each officer at an instant (their current allocation then). */
  async function openCaseloads(executor: Executor, staffIds: readonly string[], at: Date, exceptId?: string) {
    if (staffIds.length === 0) return new Map<string, number>()
    const { rows } = await sql<{ staff_id: string; n: number }>`
      select ca.staff_id, count(*)::int as n from investigation i
      cross join lateral (select a.staff_id from investigation_allocation a
        where a.investigation_id = i.id and a.allocated_at <= ${at}
        order by a.allocated_at desc, a.id desc limit 1) ca
      where ca.staff_id = any(${[...staffIds]}::uuid[]) and i.opened_at <= ${at}
        and (i.closed_at is null or i.closed_at > ${at}) and i.id <> ${exceptId ?? '00000000-0000-0000-0000-000000000000'}::uuid
      group by 1`.execute(executor)
    return new Map(rows.map((r) => [r.staff_id, r.n]))
  }

  async function details(found: InvestigationRow, reach: Reach) {
    const id = found.id
    const [links, pacs, allocations, actions, reviews, discussions, participants, conferences, protections] =
      await Promise.all([
        db.selectFrom('investigation_person').selectAll().where('investigation_id', '=', id).execute(),
        db
          .selectFrom('investigation_pac')
          .innerJoin('pac', 'pac.id', 'investigation_pac.pac_id')
          .select(['pac.id', 'pac.ref', 'investigation_pac.linked_at'])
          .where('investigation_id', '=', id)
          // A linked PAC the reader may not see is not named: its existence is not confirmed either.
          .where(pacKind.where(reach, 'pac'))
          .execute(),
        db
          .selectFrom('investigation_allocation')
          .selectAll()
          .where('investigation_id', '=', id)
          .orderBy('allocated_at')
          .execute(),
        db
          .selectFrom('investigation_action')
          .selectAll()
          .where('investigation_id', '=', id)
          .orderBy('directed_at')
          .execute(),
        db
          .selectFrom('supervisory_review')
          .selectAll()
          .where('investigation_id', '=', id)
          .orderBy('reviewed_at')
          .execute(),
        db
          .selectFrom('strategy_discussion')
          .selectAll()
          .where('investigation_id', '=', id)
          .orderBy('held_at')
          .execute(),
        db
          .selectFrom('strategy_participant')
          .innerJoin(
            'strategy_discussion',
            'strategy_discussion.id',
            'strategy_participant.strategy_discussion_id',
          )
          .select([
            'strategy_participant.strategy_discussion_id',
            'strategy_participant.agency',
            'strategy_participant.name',
            'strategy_participant.role',
          ])
          .where('strategy_discussion.investigation_id', '=', id)
          .orderBy('strategy_participant.agency')
          .execute(),
        db
          .selectFrom('child_protection_conference')
          .selectAll()
          .where('investigation_id', '=', id)
          .orderBy('held_at')
          .execute(),
        db
          .selectFrom('police_protection')
          .selectAll()
          .where('investigation_id', '=', id)
          .orderBy('started_at')
          .execute(),
      ])
    const staffIds = [
      ...new Set(
        [
          found.officer_staff_id,
          ...allocations.map((a) => a.staff_id),
          ...actions.map((a) => a.owner_staff_id),
        ].filter((s): s is string => !!s),
      ),
    ]
    const staffNames = new Map<string, string>()
    for (const s of staffIds) {
      const member = await organisation.staffMember(s)
      if (member) staffNames.set(s, member.name)
    }
    const teamIds = [
      ...new Set([found.team_id, ...allocations.map((a) => a.team_id)].filter((t): t is string => !!t)),
    ]
    const teamNames = new Map<string, string>()
    for (const t of teamIds) {
      const team = await organisation.team(t)
      if (team) teamNames.set(t, team.name)
    }
    const personNames = new Map<string, { ref: string; name: string }>()
    for (const l of [...links, ...protections]) {
      if (personNames.has(l.person_id)) continue
      const p = await people.find(l.person_id)
      if (p) personNames.set(l.person_id, { ref: p.ref, name: p.name })
    }
    const borough = await organisation.borough(found.borough_id)
    const now = clock.now()
    return {
      investigation: found,
      boroughName: borough?.name ?? '',
      officerName: found.officer_staff_id ? (staffNames.get(found.officer_staff_id) ?? null) : null,
      teamName: found.team_id ? (teamNames.get(found.team_id) ?? null) : null,
      people: links.map((l) => ({
        ...l,
        ref: personNames.get(l.person_id)?.ref ?? '',
        name: personNames.get(l.person_id)?.name ?? 'Unknown person',
      })),
      pacs,
      allocations: allocations.map((a) => ({
        ...a,
        staffName: staffNames.get(a.staff_id) ?? '',
        teamName: teamNames.get(a.team_id) ?? '',
      })),
      actions: actions.map((a) => ({
        ...a,
        ownerName: a.owner_name ?? (a.owner_staff_id ? staffNames.get(a.owner_staff_id) : null) ?? null,
        overdue: !a.done_at && !!a.due_at && a.due_at < now,
      })),
      reviews,
      discussions: discussions.map((d) => {
        const list = participants.filter((p) => p.strategy_discussion_id === d.id)
        return { ...d, participants: list, missingAgencies: missingAgencies(list) }
      }),
      conferences,
      protections: protections.map((p) => ({
        ...p,
        personName: personNames.get(p.person_id)?.name ?? 'Unknown person',
      })),
    }
  }

  const service = {
    /** Opens an investigation with its people and PACs; bad input is a ValidationError and nothing is written. */
    async open(input: NewInvestigation, actor: InvestigationActor): Promise<InvestigationRow> {
      const now = clock.now()
      const errors: FieldError[] = []
      if (!(caseTypes as readonly string[]).includes(input.caseType))
        errors.push({ field: 'caseType', reason: 'Select the case type' })
      if (
        input.strands.length === 0 ||
        input.strands.some((s) => !(strands as readonly string[]).includes(s))
      )
        errors.push({ field: 'strands', reason: 'Select at least one safeguarding strand' })
      if (!(riskLevels as readonly string[]).includes(input.riskLevel))
        errors.push({ field: 'riskLevel', reason: 'Select the level of risk' })
      if (!input.summary.trim()) errors.push({ field: 'summary', reason: 'Enter a summary of the concern' })
      if (input.openedAt > now)
        errors.push({ field: 'openedAt', reason: 'The opening must not be in the future' })
      const borough = await organisation.borough(input.boroughId)
      if (!borough) errors.push({ field: 'boroughId', reason: 'Select a borough from the list' })
      const linked: { personId: string; role: PersonRole; isChild: boolean }[] = []
      for (const [i, p] of input.people.entries()) {
        const person = await people.find(p.personIdOrRef)
        if (!person)
          errors.push({ field: `people.${i}.person`, reason: `There is no person ${p.personIdOrRef}` })
        else if (!(personRoles as readonly string[]).includes(p.role))
          errors.push({ field: `people.${i}.role`, reason: 'Select the person’s role' })
        else
          linked.push({
            personId: person.id,
            role: p.role as PersonRole,
            isChild: isChildOn(person.dateOfBirth, input.openedAt),
          })
      }
      if (!linked.some((l) => l.isChild || l.role === 'child'))
        errors.push({ field: 'people', reason: 'Link at least one child' })
      if (errors.length) fail(errors)
      const bcu = await organisation.bcuForBorough(input.boroughId, input.openedAt)
      return db.transaction().execute(async (trx) => {
        const written = await history.insertRecord(
          trx,
          'investigation',
          {
            case_type: input.caseType,
            strands: input.strands,
            risk_level: input.riskLevel,
            summary: input.summary.trim(),
            borough_id: input.boroughId,
            bcu_id: bcu?.id ?? null,
            opened_at: input.openedAt,
            offence: input.offence?.trim() || null,
            crime_reference: input.crimeReference?.trim() || null,
            crime_recorded_at: input.crimeReference?.trim() ? now : null,
            created_by: actor.id,
            created_at: now,
            updated_at: now,
          },
          actor,
        )
        for (const l of linked) {
          await trx
            .insertInto('investigation_person')
            .values({
              investigation_id: written.id,
              person_id: l.personId,
              role: l.role,
              is_child: l.isChild || l.role === 'child',
            })
            .onConflict((oc) => oc.columns(['investigation_id', 'person_id', 'role']).doNothing())
            .execute()
        }
        for (const pacId of input.pacIds ?? []) {
          await trx
            .insertInto('investigation_pac')
            .values({ investigation_id: written.id, pac_id: pacId, linked_at: now })
            .execute()
        }
        await accessLog.logChange(
          actor,
          { action: 'create', subjectKind: investigationKind.kind, subjectId: written.id },
          trx,
        )
        await standards.afterWrite(trx, investigationKind.kind, [written.id])
        return written
      })
    },

    /** The bare record, or undefined when there is none or it is outside the reader's need to know. */
    async get(id: string, reach: Reach) {
      const found = await row(db, id)
      return found && investigationKind.canSee(reach, found) ? found : undefined
    },

    /** The whole case for its page; the read is logged. 404 outside the reader's need to know. */
    async read(id: string, reach: Reach, actor: InvestigationActor, requestId?: string) {
      const found = await mustGet(db, id, reach)
      await accessLog.logRead(actor, investigationKind.kind, id, requestId)
      return details(found, reach)
    },

    /**
     * The investigations within the reader's need to know, filtered and sorted in the database. The read is
     * logged as one row naming the query and every case it showed.
     */
    async list(filter: InvestigationFilter, reach: Reach, reader: ListReader) {
      let query = db.selectFrom('investigation as i').where(investigationKind.where(reach, 'i'))
      if (filter.teamId) query = query.where('i.team_id', '=', filter.teamId)
      if (filter.officerStaffId) query = query.where('i.officer_staff_id', '=', filter.officerStaffId)
      if (filter.caseType) query = query.where('i.case_type', '=', filter.caseType)
      if (filter.status) query = query.where('i.status', '=', filter.status)
      if (filter.unallocated) query = query.where('i.officer_staff_id', 'is', null)
      if (filter.q)
        query = query.where((eb) =>
          eb.or([eb('i.ref', 'ilike', `%${filter.q}%`), eb('i.summary', 'ilike', `%${filter.q}%`)]),
        )
      const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
      const direction = filter.direction === 'asc' ? 'asc' : 'desc'
      const lastReview = sql<Date | null>`(select max(r.reviewed_at) from supervisory_review r where r.investigation_id = i.id)`
      const ordered = query
        .leftJoin('staff as s', 's.id', 'i.officer_staff_id')
        .leftJoin('team as t', 't.id', 'i.team_id')
        .selectAll('i')
        .select(['s.name as officer_name', 't.name as team_name'])
        .select(lastReview.as('last_review_at'))
        .orderBy(
          filter.sort === 'ref'
            ? sql`i.ref`
            : filter.sort === 'caseType'
              ? sql`i.case_type`
              : filter.sort === 'officer'
                ? sql`s.name`
                : filter.sort === 'lastReview'
                  ? sql`(select max(r.reviewed_at) from supervisory_review r where r.investigation_id = i.id)`
                  : sql`i.opened_at`,
          (ob) => (direction === 'asc' ? ob.asc().nullsFirst() : ob.desc().nullsLast()),
        )
        .orderBy('i.id')
        .limit(Math.min(filter.limit ?? 50, 500))
        .offset(filter.offset ?? 0)
      const items = await ordered.execute()
      await accessLog.recordList({
        actorId: reader.actor.id,
        actorName: reader.actor.username,
        subjectKind: investigationKind.kind,
        query: reader.query,
        ids: items.map((i) => i.id),
        requestId: reader.requestId ?? null,
      })
      return { items, total: total.n }
    },

    /**
     * The team's officers for allocating a case: each with their open caseload and whether their training
     * fits the case type, those that fit first.
     */
    async allocationOptions(id: string, teamId: string, reach: Reach): Promise<OfficerFit[]> {
      const found = await mustGet(db, id, reach)
      const now = clock.now()
      const team = await organisation.team(teamId)
      if (!team) throw new NotFoundError('There is no such team')
      const officers = await organisation.staffWithTraining(teamId)
      const loads = await openCaseloads(
        db,
        officers.map((o) => o.id),
        now,
        found.id,
      )
      const required = (await requiredCourses(now))[found.case_type as CaseType] ?? []
      return rankOfficers(
        officers.map((o) =>
          officerFit(
            { staffId: o.id, name: o.name, courses: o.training },
            required,
            loads.get(o.id) ?? 0,
            team.capacity,
            londonDay(now),
          ),
        ),
      )
    },

    /**
     * Allocates the case to an officer of a team. An officer who is not active or not in the team is refused;
     * one whose training or caseload does not fit needs a reason, which is kept with the allocation.
     */
    async allocate(
      id: string,
      version: number,
      choice: { teamId: string; staffId: string; reason?: string | null; at?: Date },
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      const at = choice.at ?? now
      const team = uuid.test(choice.teamId) ? await organisation.team(choice.teamId) : undefined
      if (!team) fail([{ field: 'teamId', reason: 'Select a team from the list' }])
      const member = await organisation.staffMember(choice.staffId)
      if (!member) fail([{ field: 'staffId', reason: 'Select an officer from the list' }])
      else if (!member.active)
        fail([{ field: 'staffId', reason: `${member.name} is no longer active: select an active officer` }])
      else if (member.teamId !== choice.teamId)
        fail([
          {
            field: 'staffId',
            reason: `${member.name} is not in ${team?.name}: select an officer of the team`,
          },
        ])
      const found = await mustGet(db, id, reach)
      if (found.status === 'closed') fail([{ field: 'staffId', reason: 'This investigation is closed' }])
      if (at < found.opened_at)
        fail([{ field: 'allocatedAt', reason: 'The allocation must not be before the opening' }])
      const options = await service.allocationOptions(id, choice.teamId, reach)
      const fit = options.find((o) => o.staffId === choice.staffId) as OfficerFit
      const reason = choice.reason?.trim() || null
      if (!fit.fits && !reason) {
        const why = [
          fit.trainingFits ? null : `lacks ${fit.missingCourses.map((c) => c.replace(/_/g, ' ')).join(', ')}`,
          fit.hasCapacity ? null : `already has ${fit.openCases} open cases (capacity ${fit.capacity})`,
        ]
          .filter(Boolean)
          .join(' and ')
        fail([{ field: 'reason', reason: `${fit.name} ${why}: give the reason for choosing them` }])
      }
      return change(
        id,
        version,
        actor,
        'allocate',
        async (trx) => {
          await trx
            .insertInto('investigation_allocation')
            .values({
              investigation_id: id,
              team_id: choice.teamId,
              staff_id: choice.staffId,
              allocated_at: at,
              allocated_by_staff_id: actor.staffId,
              allocated_by_name: actor.displayName,
              missing_courses: fit.missingCourses,
              open_cases: fit.openCases,
              team_capacity: team?.capacity ?? null,
              reason,
            })
            .execute()
          return {
            patch: { team_id: choice.teamId, officer_staff_id: choice.staffId, allocated_at: at },
            result: fit,
          }
        },
        reach,
      )
    },

    /** A supervisory review with the further work it directs (each an action with its due date). */
    async recordReview(
      id: string,
      version: number,
      input: ReviewInput,
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      const found = await mustGet(db, id, reach)
      const errors = validateReview(input, found.opened_at, now)
      for (const [i, a] of input.actions.entries()) {
        if (a.description.trim() && a.ownerStaffId && !(await organisation.staffMember(a.ownerStaffId)))
          errors.push({ field: `actions.${i}.owner`, reason: 'Select the officer from the list' })
      }
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'review',
        async (trx) => {
          const review = await trx
            .insertInto('supervisory_review')
            .values({
              investigation_id: id,
              reviewed_at: input.reviewedAt as Date,
              reviewer_staff_id: actor.staffId,
              reviewer_name: actor.displayName,
              findings: input.findings.trim(),
              created_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          for (const a of input.actions.filter((x) => x.description.trim())) {
            await trx
              .insertInto('investigation_action')
              .values({
                investigation_id: id,
                kind: /strategy (meeting|discussion)/i.test(a.description) ? 'strategy_meeting' : 'action',
                description: a.description.trim(),
                owner_staff_id: a.ownerStaffId ?? found.officer_staff_id,
                due_at: endOfLondonDay(a.dueOn as string),
                directed_by_staff_id: actor.staffId,
                directed_by_name: actor.displayName,
                directed_at: input.reviewedAt as Date,
                review_id: review.id,
                created_at: now,
              })
              .execute()
          }
          return { result: review.id }
        },
        reach,
      )
    },

    /** A line of enquiry or action, directed (or not) by a supervisor. */
    async addAction(
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
    ) {
      const now = clock.now()
      const errors: FieldError[] = []
      if (!input.description.trim()) errors.push({ field: 'description', reason: 'Enter the action' })
      if (input.directed && !input.dueOn)
        errors.push({ field: 'dueOn', reason: 'Enter the due date of the directed action' })
      if (input.dueOn && input.dueOn < londonDay(now))
        errors.push({ field: 'dueOn', reason: 'The due date must not be in the past' })
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'action',
        async (trx, current) => {
          await trx
            .insertInto('investigation_action')
            .values({
              investigation_id: id,
              kind: input.kind,
              description: input.description.trim(),
              owner_staff_id: input.ownerStaffId ?? current.officer_staff_id,
              due_at: input.dueOn ? endOfLondonDay(input.dueOn) : null,
              directed_by_staff_id: input.directed ? actor.staffId : null,
              directed_by_name: input.directed ? actor.displayName : null,
              directed_at: now,
              created_at: now,
            })
            .execute()
          return { result: undefined }
        },
        reach,
      )
    },

    async completeAction(
      id: string,
      version: number,
      actionId: string,
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      return change(
        id,
        version,
        actor,
        'action-done',
        async (trx) => {
          const done = await trx
            .updateTable('investigation_action')
            .set((eb) => ({ done_at: now, version: eb('version', '+', 1) }))
            .where('id', '=', uuid.test(actionId) ? actionId : '00000000-0000-0000-0000-000000000000')
            .where('investigation_id', '=', id)
            .where('done_at', 'is', null)
            .returning('id')
            .executeTakeFirst()
          if (!done) fail([{ field: 'action', reason: 'This action is already done or does not exist' }])
          return { result: undefined }
        },
        reach,
      )
    },

    /** A strategy discussion with its participants by agency; one with no participants is refused. */
    async recordStrategyDiscussion(
      id: string,
      version: number,
      input: StrategyDiscussionInput,
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      const found = await mustGet(db, id, reach)
      const errors = validateStrategyDiscussion(input, found.opened_at, now)
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'strategy-discussion',
        async (trx) => {
          const discussion = await trx
            .insertInto('strategy_discussion')
            .values({
              investigation_id: id,
              held_at: input.heldAt as Date,
              decisions: input.decisions.trim(),
              joint_safety_plan: input.jointSafetyPlan.trim() || null,
              begins_section_47: input.beginsSection47,
              recorded_by_name: actor.displayName,
              created_at: now,
            })
            .returning('id')
            .executeTakeFirstOrThrow()
          await trx
            .insertInto('strategy_participant')
            .values(
              input.participants
                .filter((p) => p.agency || p.name.trim())
                .map((p) => ({
                  strategy_discussion_id: discussion.id,
                  agency: p.agency,
                  name: p.name.trim(),
                  role: p.role?.trim() || null,
                })),
            )
            .execute()
          return { result: discussion.id }
        },
        reach,
      )
    },

    async recordConference(
      id: string,
      version: number,
      input: { heldAt: Date | null; policeAttended: boolean | null; attendeeName: string },
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      const found = await mustGet(db, id, reach)
      const errors: FieldError[] = []
      if (!input.heldAt) errors.push({ field: 'heldAt', reason: 'Enter the date of the conference' })
      else if (input.heldAt > now)
        errors.push({ field: 'heldAt', reason: 'The conference must not be in the future' })
      else if (input.heldAt < found.opened_at)
        errors.push({
          field: 'heldAt',
          reason: 'The conference must not be before the investigation was opened',
        })
      if (input.policeAttended === null)
        errors.push({ field: 'policeAttended', reason: 'Select whether the police attended' })
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'conference',
        async (trx) => {
          await trx
            .insertInto('child_protection_conference')
            .values({
              investigation_id: id,
              held_at: input.heldAt as Date,
              police_attended: input.policeAttended as boolean,
              police_attendee_name: input.attendeeName.trim() || null,
              created_at: now,
            })
            .execute()
          return { result: undefined }
        },
        reach,
      )
    },

    /** The child seen and spoken to (when, by whom), or the reason not. */
    async recordChildSeen(
      id: string,
      version: number,
      input: { linkId: string; seenAt: Date | null; spokenTo: boolean; notSeenReason: string },
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      const found = await mustGet(db, id, reach)
      const errors: FieldError[] = []
      if (!input.seenAt && !input.notSeenReason.trim())
        errors.push({ field: 'seenAt', reason: 'Enter when the child was seen, or the reason they were not' })
      if (input.seenAt && input.seenAt > now)
        errors.push({ field: 'seenAt', reason: 'The date must not be in the future' })
      if (input.seenAt && input.seenAt < found.opened_at)
        errors.push({ field: 'seenAt', reason: 'The date must not be before the investigation was opened' })
      if (input.seenAt && !input.spokenTo && !input.notSeenReason.trim())
        errors.push({ field: 'notSeenReason', reason: 'Enter why the child was not spoken to' })
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'child-seen',
        async (trx) => {
          const updated = await trx
            .updateTable('investigation_person')
            .set((eb) => ({
              seen_at: input.seenAt,
              seen_by_staff_id: input.seenAt ? actor.staffId : null,
              seen_by_name: input.seenAt ? actor.displayName : null,
              spoken_to: input.seenAt ? input.spokenTo : false,
              not_seen_reason: input.notSeenReason.trim() || null,
              seen_recorded_at: now,
              version: eb('version', '+', 1),
            }))
            .where('id', '=', uuid.test(input.linkId) ? input.linkId : '00000000-0000-0000-0000-000000000000')
            .where('investigation_id', '=', id)
            .returning('id')
            .executeTakeFirst()
          if (!updated) fail([{ field: 'linkId', reason: 'Select a child linked to this investigation' }])
          return { result: undefined }
        },
        reach,
      )
    },

    async recordPoliceProtection(
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
    ) {
      const now = clock.now()
      const found = await mustGet(db, id, reach)
      const errors: FieldError[] = []
      if (!input.startedAt) errors.push({ field: 'startedAt', reason: 'Enter when police protection began' })
      else if (input.startedAt > now)
        errors.push({ field: 'startedAt', reason: 'The start must not be in the future' })
      if (input.endedAt && input.startedAt && input.endedAt < input.startedAt)
        errors.push({ field: 'endedAt', reason: 'The end must be after the start' })
      const linked = await db
        .selectFrom('investigation_person')
        .select('person_id')
        .where('investigation_id', '=', found.id)
        .where(
          'person_id',
          '=',
          uuid.test(input.personId) ? input.personId : '00000000-0000-0000-0000-000000000000',
        )
        .executeTakeFirst()
      if (!linked) errors.push({ field: 'personId', reason: 'Select a child linked to this investigation' })
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'police-protection',
        async (trx) => {
          await trx
            .insertInto('police_protection')
            .values({
              investigation_id: id,
              person_id: input.personId,
              started_at: input.startedAt as Date,
              designated_officer_name: input.designatedOfficerName.trim() || null,
              designated_at: input.designatedOfficerName.trim() ? now : null,
              ended_at: input.endedAt,
              created_at: now,
            })
            .execute()
          return { result: undefined }
        },
        reach,
      )
    },

    /** Closes the case with its Home Office outcome and the rationale. */
    async close(
      id: string,
      version: number,
      input: { outcome: string; rationale: string; welfareVisit?: boolean; socialCareReferral?: boolean },
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const now = clock.now()
      const found = await mustGet(db, id, reach)
      if (found.status === 'closed')
        fail([{ field: 'outcome', reason: 'This investigation is already closed' }])
      const errors = validateClosure({ ...input, closedAt: now }, found.opened_at, now)
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'close',
        async () => ({
          patch: {
            status: 'closed',
            outcome: input.outcome,
            closed_at: now,
            closed_by_staff_id: actor.staffId,
            closed_by_name: actor.displayName,
            closure_rationale: input.rationale.trim(),
            ...(input.welfareVisit ? { welfare_visit_at: now } : {}),
            ...(input.socialCareReferral ? { social_care_referral_at: now } : {}),
          },
          result: undefined,
        }),
        reach,
      )
    },

    async recordCrime(
      id: string,
      version: number,
      input: { offence: string; crimeReference: string },
      actor: InvestigationActor,
      reach: Reach,
    ) {
      const errors: FieldError[] = []
      if (!input.offence.trim()) errors.push({ field: 'offence', reason: 'Enter the offence' })
      if (!/^[A-Za-z0-9/-]{1,100}$/.test(input.crimeReference.trim()))
        errors.push({
          field: 'crimeReference',
          reason: 'Enter the crime reference, letters, numbers, / and - only',
        })
      if (errors.length) fail(errors)
      return change(
        id,
        version,
        actor,
        'crime',
        async () => ({
          patch: {
            offence: input.offence.trim(),
            crime_reference: input.crimeReference.trim(),
            crime_recorded_at: clock.now(),
          },
          result: undefined,
        }),
        reach,
      )
    },

    /**
     * A team's workload: each active officer's open cases, their overdue actions and the days since their
     * open cases were last reviewed (the oldest, and the median over their cases). Only the cases within
     * the reader's need to know are counted.
     */
    async workload(teamId: string, reach: Reach, asOf: Date = clock.now()) {
      const officers = await organisation.staffWithTraining(teamId)
      const ids = officers.map((o) => o.id)
      if (ids.length === 0) return []
      const { rows } = await sql<{
        staff_id: string
        investigation_id: string
        last_review_at: Date | null
        opened_at: Date
      }>`
        select i.officer_staff_id as staff_id, i.id as investigation_id, i.opened_at,
          (select max(r.reviewed_at) from supervisory_review r where r.investigation_id = i.id and r.reviewed_at <= ${asOf}) as last_review_at
        from investigation i
        where i.officer_staff_id = any(${ids}::uuid[]) and i.opened_at <= ${asOf}
          and (i.closed_at is null or i.closed_at > ${asOf}) and ${investigationKind.where(reach, 'i')}`.execute(
        db,
      )
      const { rows: overdue } = await sql<{ staff_id: string; n: number }>`
        select a.owner_staff_id as staff_id, count(*)::int as n from investigation_action a
        join investigation i on i.id = a.investigation_id
        where a.owner_staff_id = any(${ids}::uuid[]) and a.due_at < ${asOf}
          and (a.done_at is null or a.done_at > ${asOf}) and (i.closed_at is null or i.closed_at > ${asOf})
          and ${investigationKind.where(reach, 'i')}
        group by 1`.execute(db)
      return officers.map((o) => {
        const cases = rows.filter((r) => r.staff_id === o.id)
        const days = cases.map((c) => wholeDaysBetween(c.last_review_at ?? c.opened_at, asOf))
        return {
          staffId: o.id,
          name: o.name,
          rank: o.rank,
          openCases: cases.length,
          overdueActions: overdue.find((x) => x.staff_id === o.id)?.n ?? 0,
          neverReviewed: cases.filter((c) => !c.last_review_at).length,
          maxDaysSinceReview: days.length ? Math.max(...days) : null,
          medianDaysSinceReview: median(days),
        }
      })
    },

    /**
     * Open investigations a person is linked to, for the missing grading page's history at the point of
     * decision: only those within the reader's need to know.
     */
    async openCasesFor(
      personId: string,
      reach: Reach,
    ): Promise<{ ref: string; title: string; href: string }[]> {
      if (!uuid.test(personId)) return []
      const rows = await db
        .selectFrom('investigation_person as p')
        .innerJoin('investigation as i', 'i.id', 'p.investigation_id')
        .select(['i.id', 'i.ref', 'i.case_type', 'p.role'])
        .where('p.person_id', '=', personId)
        .where('i.status', '=', 'open')
        .where(investigationKind.where(reach, 'i'))
        .orderBy('i.opened_at', 'desc')
        .execute()
      return rows.map((r) => ({
        ref: r.ref,
        title: `${caseTypeLabels[r.case_type as CaseType] ?? r.case_type} (${r.role.replace(/_/g, ' ')})`,
        href: `/investigations/${r.id}`,
      }))
    },

    /** The child's chronology: the investigations they are linked to, within the reader's need to know. */
    async timelineItems(personId: string, reach: Reach, asOf?: Date) {
      if (!uuid.test(personId)) return []
      let query = db
        .selectFrom('investigation_person as p')
        .innerJoin('investigation as i', 'i.id', 'p.investigation_id')
        .select(['i.id', 'i.ref', 'i.opened_at', 'i.closed_at', 'i.case_type', 'p.role'])
        .where('p.person_id', '=', personId)
        .where(investigationKind.where(reach, 'i'))
      if (asOf) query = query.where('i.opened_at', '<=', asOf)
      const rows = await query.execute()
      return rows.flatMap((r) => [
        {
          at: r.opened_at,
          kind: 'investigation',
          title: `Investigation ${r.ref} opened`,
          detail: `Role: ${r.role.replace(/_/g, ' ')}`,
          href: `/investigations/${r.id}`,
        },
        ...(r.closed_at && (!asOf || r.closed_at <= asOf)
          ? [
              {
                at: r.closed_at,
                kind: 'investigation',
                title: `Investigation ${r.ref} closed`,
                href: `/investigations/${r.id}`,
              },
            ]
          : []),
      ])
    },

    measures: measuresOf(db, clock, organisation),
    openCaseloads: (staffIds: readonly string[], at: Date) => openCaseloads(db, staffIds, at),
  }
  return service
}

export type InvestigationsService = ReturnType<typeof investigationsService>

/** A due date is the end of that London day: an action due on the 5th is on time done at 23:59 on the 5th. */
export function endOfLondonDay(day: string): Date {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  // The London offset on that day: try both and keep the one that lands on the day's end.
  for (const offset of [0, 1]) {
    const candidate = new Date(Date.UTC(y, m - 1, d, 23 - offset, 59, 59))
    if (londonDay(candidate) === day && londonDay(new Date(candidate.getTime() + 1000)) !== day)
      return candidate
  }
  return new Date(Date.UTC(y, m - 1, d, 23, 59, 59))
}

export function isChildOn(dateOfBirth: string | null, at: Date): boolean {
  if (!dateOfBirth) return true
  const day = londonDay(at)
  const [y, m, d] = dateOfBirth.split('-')
  return `${Number(y) + 18}-${m}-${d}` > day
}

/** The dashboard's measures of investigations. */
export function measuresOf(db: Database, clock: Clock, organisation: Pick<OrganisationService, 'teamsSql'>) {
  return {
    /** Open investigations at an instant by BCU, borough and case type. */
    async openByAreaAndType(asOf: Date = clock.now()) {
      const { rows } = await sql<{
        bcu_id: string | null
        borough_id: string
        case_type: string
        open: number
      }>`
        select bcu_id, borough_id, case_type, count(*)::int as open from investigation
        where opened_at <= ${asOf} and (closed_at is null or closed_at > ${asOf})
        group by 1, 2, 3 order by 1, 2, 3`.execute(db)
      return rows.map((r) => ({
        bcuId: r.bcu_id,
        boroughId: r.borough_id,
        caseType: r.case_type as CaseType,
        open: r.open,
      }))
    },

    /** Median days since the last supervisory review (or the opening) over open investigations. */
    async medianDaysSinceReview(asOf: Date = clock.now(), area: { bcuId?: string } = {}) {
      const { rows } = await sql<{ days: number | null; n: number }>`
        select (percentile_cont(0.5) within group (order by floor(extract(epoch from ${asOf}::timestamptz - coalesce(
          (select max(r.reviewed_at) from supervisory_review r where r.investigation_id = i.id and r.reviewed_at <= ${asOf}),
          i.opened_at)) / 86400)))::float8 as days, count(*)::int as n
        from investigation i where i.opened_at <= ${asOf} and (i.closed_at is null or i.closed_at > ${asOf})
          and (${area.bcuId ?? null}::uuid is null or i.bcu_id = ${area.bcuId ?? null}::uuid)`.execute(db)
      return { days: rows[0]?.days ?? null, open: rows[0]?.n ?? 0 }
    },

    /** Of the strategy discussions held in [from, to), the share with health taking part. */
    async strategyWithHealthShare(from: Date, to: Date) {
      const { rows } = await sql<{ n: number; health: number }>`
        select count(*)::int as n, count(*) filter (where exists (select 1 from strategy_participant p
          where p.strategy_discussion_id = s.id and p.agency = 'health'))::int as health
        from strategy_discussion s where s.held_at >= ${from} and s.held_at < ${to}`.execute(db)
      const r = rows[0] ?? { n: 0, health: 0 }
      return { discussions: r.n, withHealth: r.health, share: r.n ? r.health / r.n : null }
    },

    /** Of the children linked to investigations opened in [from, to), the share seen and spoken to. */
    async childrenSpokenToShare(from: Date, to: Date) {
      const { rows } = await sql<{ n: number; spoken: number }>`
        select count(*)::int as n, count(*) filter (where p.spoken_to)::int as spoken
        from investigation_person p join investigation i on i.id = p.investigation_id
        where p.is_child and p.role in ('child', 'victim', 'witness') and i.opened_at >= ${from} and i.opened_at < ${to}`.execute(
        db,
      )
      const r = rows[0] ?? { n: 0, spoken: 0 }
      return { children: r.n, spokenTo: r.spoken, share: r.n ? r.spoken / r.n : null }
    },

    /**
     * Outcomes of investigations closed in [from, to) by the kind of team that held them: specialist (CAIT,
     * Sapphire, online CSAE, Jigsaw, missing persons unit) against frontline (response and neighbourhood).
     */
    async outcomeMixByTeamKind(from: Date, to: Date) {
      const { rows } = await sql<{ team_kind: string; outcome: string; n: number }>`
        select case when t.kind = 'response_neighbourhood' or t.kind is null then 'frontline' else 'specialist' end as team_kind,
          i.outcome, count(*)::int as n
        from investigation i left join ${organisation.teamsSql()} as t on t.team_id = i.team_id
        where i.closed_at >= ${from} and i.closed_at < ${to} and i.outcome is not null
        group by 1, 2`.execute(db)
      const groups = { specialist: new Map<string, number>(), frontline: new Map<string, number>() }
      for (const r of rows) groups[r.team_kind as 'specialist' | 'frontline'].set(r.outcome, r.n)
      const summarise = (m: Map<string, number>) => {
        const total = [...m.values()].reduce((a, b) => a + b, 0)
        const by = { positive: 0, no_further_action: 0, no_crime: 0, transferred: 0 }
        for (const [code, n] of m) {
          if (!isOutcomeCode(code)) continue
          by[outcomeGroup(code)] += n
        }
        return {
          closed: total,
          byCode: Object.fromEntries(m),
          shares: Object.fromEntries(Object.entries(by).map(([k, v]) => [k, total ? v / total : null])),
        }
      }
      return { specialist: summarise(groups.specialist), frontline: summarise(groups.frontline) }
    },
  }
}

export type { Course, RiskLevel, Strand }
