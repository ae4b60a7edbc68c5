import { sql } from 'kysely'
import type { ListQuery } from '../../../platform/access/access-log.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { type FieldError, ValidationError } from '../../../platform/http/errors.ts'
import { isUuid } from '../../../platform/ids.ts'
import { mostUrgentFirst } from '../../../platform/urgency.ts'
import { displayName } from '../../children/person.ts'
import { peopleByKey } from '../../children/service/find-people.ts'
import type { Person } from '../../children/service.ts'
import { episodeKind } from '../access.ts'
import { ageBand, type Grade, gradeLabels } from '../grading.ts'
import { teamKind } from '../rules.ts'
import { inTransaction, logChange, type MissingDeps } from './dependencies.ts'
import { unitsInReach } from './places.ts'

/* The missing persons unit's work: who is on duty, and the live episodes it holds. */

/** Records how many staff a unit has on duty from now (MIS-11). */
export async function recordDuty(
  q: Executor,
  deps: MissingDeps,
  teamId: string,
  staffOnDuty: number,
  names: string,
  principal: Principal,
) {
  const now = deps.clock.now()
  // Only a unit the reader works with, as the unit view lists them; any other is not a choice.
  const units = await unitsInReach(q, deps, reachOf(principal), now)
  const errors: FieldError[] = []
  if (!units.some((u) => u.id === teamId))
    errors.push({ field: 'unit', reason: 'Choose a missing persons unit' })
  if (!Number.isInteger(staffOnDuty) || staffOnDuty < 0 || staffOnDuty > 500)
    errors.push({ field: 'staffOnDuty', reason: 'Enter the number of staff on duty, like 3' })
  if (errors.length) throw new ValidationError(errors)
  await inTransaction(q, async (trx) => {
    const row = await deps.history.insertRecord(
      trx,
      'missing_unit_duty',
      {
        team_id: teamId,
        on_duty_from: now,
        staff_on_duty: staffOnDuty,
        names: names.trim() || null,
        recorded_by: principal.id,
        recorded_at: now,
      },
      principal,
    )
    await logChange(trx, deps, principal, 'create', 'missing-unit-duty', row.id)
    await deps.afterWrite?.(trx, teamKind, [teamId])
  })
}

/** An episode as the unit's view lists it. */
export type UnitEpisode = Awaited<ReturnType<typeof unitView>>['live'][number]

/** The missing persons unit's view: live episodes by risk and age, reviews due, returns owed an interview, units' load. */
export async function unitView(
  q: Executor,
  deps: MissingDeps,
  principal: Principal,
  options: { asOf?: Date; boroughId?: string; unitId?: string } & Partial<ListQuery> = {},
) {
  const asOf = options.asOf ?? deps.clock.now()
  const reach = reachOf(principal)
  const { rows } = await sql<{
    id: string
    ref: string
    person_id: string
    reported_at: Date
    age_at_report: number | null
    grade: Grade
    unit_team_id: string | null
    borough_id: string
    returned_at: Date | null
    prevention_interview_at: Date | null
    next_review_due_at: Date | null
    trigger_plan_id: string | null
    plan_acknowledged_at: Date | null
  }>`
    select e.id, e.ref, e.person_id, e.reported_at, e.age_at_report, e.unit_team_id, e.borough_id,
      e.returned_at, e.prevention_interview_at, e.trigger_plan_id, e.plan_acknowledged_at,
      coalesce(lr.grade, e.grade) as grade,
      case when lr.id is null then e.review_due_at else lr.next_review_due_at end as next_review_due_at
    from missing_episode e
    left join lateral (select r.id, r.grade, r.next_review_due_at from missing_review r
      where r.episode_id = e.id and r.reviewed_at <= ${asOf} order by r.reviewed_at desc limit 1) lr on true
    where e.reported_at <= ${asOf}
      and ((e.returned_at is null or e.returned_at > ${asOf})
        or (e.returned_at > ${asOf}::timestamptz - interval '30 days' and e.prevention_interview_at is null))
      and ${episodeKind.where(reach, 'e')}
      ${options.boroughId && isUuid(options.boroughId) ? sql`and e.borough_id = ${options.boroughId}` : sql``}
      ${options.unitId && isUuid(options.unitId) ? sql`and e.unit_team_id = ${options.unitId}` : sql``}
    order by e.reported_at`.execute(q)
  const people = await peopleByKey(
    q,
    rows.map((r) => r.person_id),
  )
  const item = (r: (typeof rows)[number]) => ({
    id: r.id,
    ref: r.ref,
    childName: people.get(r.person_id) ? displayName(people.get(r.person_id) as Person) : 'Unknown',
    childRef: people.get(r.person_id)?.ref ?? '',
    reportedAt: r.reported_at,
    age: r.age_at_report,
    ageBand: ageBand(r.age_at_report),
    grade: r.grade,
    gradeLabel: gradeLabels[r.grade],
    /** The grade's place on the force's scale: higher is more risk. */
    gradeRank: deps.scale.indexOf(r.grade),
    boroughId: r.borough_id,
    nextReviewDueAt: r.next_review_due_at,
    returnedAt: r.returned_at,
    planUnacknowledged: Boolean(r.trigger_plan_id && !r.plan_acknowledged_at),
  })
  const live = rows.filter((r) => !r.returned_at || r.returned_at > asOf)
  const returned = rows.filter((r) => r.returned_at && r.returned_at <= asOf && !r.prevention_interview_at)
  const bands = ['Under 12', '12 to 15', '16 and 17', 'Age not known']
  const grades = [...deps.scale].reverse()
  const matrix = grades.map((g) => ({
    grade: g,
    label: gradeLabels[g],
    counts: bands.map((b) => live.filter((r) => r.grade === g && ageBand(r.age_at_report) === b).length),
    total: live.filter((r) => r.grade === g).length,
  }))
  const soon = asOf.getTime() + 3_600_000
  // Most urgent first: reviews still to come soonest first, then those missed most recently, risk breaking ties.
  const byReview = (items: ReturnType<typeof item>[]) =>
    mostUrgentFirst(items, asOf, (i) => ({ dueAt: i.nextReviewDueAt, risk: i.gradeRank }))
  const reviewsDue = byReview(
    live.filter((r) => !r.next_review_due_at || r.next_review_due_at.getTime() <= soon).map(item),
  )
  // The units' load: open episodes per member of staff on duty, as MIS-11 counts them.
  const teams = await unitsInReach(q, deps, reach, asOf)
  const duty = teams.length
    ? (
        await sql<{ team_id: string; staff_on_duty: number; on_duty_from: Date; names: string | null }>`
          select distinct on (team_id) team_id, staff_on_duty, on_duty_from, names from missing_unit_duty
          where team_id = any(${teams.map((t) => t.id)}::uuid[]) and on_duty_from <= ${asOf}
          order by team_id, on_duty_from desc`.execute(q)
      ).rows
    : []
  const openByUnit = new Map<string, number>()
  for (const r of live)
    if (r.unit_team_id) openByUnit.set(r.unit_team_id, (openByUnit.get(r.unit_team_id) ?? 0) + 1)
  const units = teams.map((t) => {
    const d = duty.find((x) => x.team_id === t.id)
    const open = openByUnit.get(t.id) ?? 0
    return {
      id: t.id,
      name: t.name,
      open,
      staffOnDuty: d?.staff_on_duty ?? null,
      onDutyFrom: d?.on_duty_from ?? null,
      names: d?.names ?? null,
      perStaff: d && d.staff_on_duty > 0 ? Math.round((open / d.staff_on_duty) * 10) / 10 : null,
    }
  })
  // Every episode the view names (live, and returned owing an interview), in one access-log row.
  await deps.accessLog.recordListQuery(
    { ...options, query: options.query ?? 'missing unit view' },
    {
      actorId: principal.id,
      actorName: principal.username,
      subjectKind: episodeKind.kind,
      ids: [...live, ...returned].map((r) => r.id),
    },
    q,
  )
  return {
    asOf,
    live: byReview(live.map(item)),
    matrix,
    bands,
    reviewsDue,
    returnsWithoutInterview: returned.map(item),
    units,
  }
}
