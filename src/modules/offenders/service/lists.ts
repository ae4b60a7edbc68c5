import { sql } from 'kysely'
import { z } from 'zod'
import type { AccessLogService, ListQuery } from '../../../platform/access/access-log.ts'
import { reachOf } from '../../../platform/access/need-to-know.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { isUuid } from '../../../platform/ids.ts'
import { parametersAt } from '../../../standards/parameters.ts'
import { childrenByRefOrId } from '../../children/service/find-people.ts'
import { rsoKind } from '../access.ts'
import { type RiskLevel, type RsoStatus, riskLevels, rsoStatuses } from '../rso.ts'
import { rso05 } from '../rules.ts'

/** The RSO list's filters, as the page's query and the API's give them; every one may be left out. */
export const rsoListFilter = z
  .object({
    borough: z.string().trim().max(200).optional().describe('The borough the RSO lives in: its name or id'),
    manager: z.string().trim().max(50).optional().describe('The offender manager: their staff number or id'),
    riskLevel: z.enum(riskLevels, { message: `must be one of ${riskLevels.join(', ')}` }).optional(),
    status: z.enum(rsoStatuses, { message: `must be one of ${rsoStatuses.join(', ')}` }).optional(),
    page: z.coerce
      .number({ message: 'must be a whole number from 1' })
      .int('must be a whole number from 1')
      .min(1, 'must be a whole number from 1')
      .max(10_000, 'must be 10000 or less')
      .optional(),
  })
  .strict()
export type RsoListFilter = z.output<typeof rsoListFilter>

export const rsoPageSize = 50

/** One RSO on the list: who, where, who manages them and what the rules find open about them. */
export interface RsoListItem {
  id: string
  ref: string
  personRef: string | null
  name: string
  status: RsoStatus
  riskLevel: RiskLevel
  boroughName: string
  managerName: string | null
  managerStaffNumber: string | null
  /** Open findings past their due time (breached or acknowledged), and those still due. */
  breached: number
  due: number
  nextDueAt: Date | null
}

/**
 * The RSOs the reader may see, filtered and paged in the database, what needs doing soonest first: the most
 * breached findings, then the nearest due, then by ref. The read is logged as one row naming the query and
 * every RSO it showed.
 */
export async function listRsos(
  q: Executor,
  accessLog: AccessLogService,
  principal: Principal,
  filter: RsoListFilter,
  read: ListQuery,
  size = rsoPageSize,
) {
  const reach = reachOf(principal)
  const borough = filter.borough || null
  const manager = filter.manager || null
  const where = sql`${rsoKind.where(reach, 'r')}
    and (${borough}::text is null or r.borough_id::text = lower(${borough}) or lower(b.name) = lower(${borough}))
    and (${manager}::text is null or r.manager_staff_id::text = lower(${manager})
      or upper(s.staff_number) = upper(${manager}))
    and (${filter.riskLevel ?? null}::text is null or r.risk_level = ${filter.riskLevel ?? null})
    and (${filter.status ?? null}::text is null or r.status = ${filter.status ?? null})`
  const from = sql`from rso r join borough b on b.id = r.borough_id left join staff s on s.id = r.manager_staff_id`
  const page = filter.page ?? 1
  const [{ rows: counted }, { rows }] = await Promise.all([
    sql<{ n: number }>`select count(*)::int as n ${from} where ${where}`.execute(q),
    sql<{
      id: string
      ref: string
      person_id: string
      status: RsoStatus
      risk_level: RiskLevel
      borough_name: string
      manager_name: string | null
      staff_number: string | null
      breached: number
      due: number
      next_due_at: Date | null
    }>`
      select r.id, r.ref, r.person_id, r.status, r.risk_level, b.name as borough_name, s.name as manager_name,
        s.staff_number, coalesce(f.breached, 0) as breached, coalesce(f.due, 0) as due, f.next_due_at
      ${from}
      left join lateral (
        select count(*) filter (where x.status in ('breached', 'acknowledged'))::int as breached,
          count(*) filter (where x.status = 'due')::int as due,
          min(x.due_at) filter (where x.status = 'due') as next_due_at
        from finding x where x.subject_id = r.id::text and x.subject_kind = ${rsoKind.kind}
      ) f on true
      where ${where}
      order by coalesce(f.breached, 0) desc, f.next_due_at asc nulls last, r.ref
      limit ${size} offset ${(page - 1) * size}`.execute(q),
  ])
  const people = await childrenByRefOrId(
    q,
    rows.map((r) => r.person_id),
  )
  await accessLog.recordListQuery(
    read,
    {
      actorId: principal.id,
      actorName: principal.username,
      subjectKind: rsoKind.kind,
      ids: rows.map((r) => r.id),
    },
    q,
  )
  const items: RsoListItem[] = rows.map((r) => {
    const person = people.get(r.person_id)
    return {
      id: r.id,
      ref: r.ref,
      personRef: person?.ref ?? null,
      name: person?.name ?? 'Unknown person',
      status: r.status,
      riskLevel: r.risk_level,
      boroughName: r.borough_name,
      managerName: r.manager_name,
      managerStaffNumber: r.staff_number,
      breached: r.breached,
      due: r.due,
      nextDueAt: r.next_due_at,
    }
  })
  return { items, total: counted[0]?.n ?? 0, page, size }
}

/** The offender managers a list or caseload can be filtered by: the staff of the Jigsaw teams. */
export async function managerChoices(q: Executor) {
  return q
    .selectFrom('staff as s')
    .innerJoin('team as t', 't.id', 's.team_id')
    .select(['s.id', 's.name', 's.staff_number', 't.id as team_id', 't.name as team_name'])
    .where('t.kind', '=', 'jigsaw')
    .where('s.active', '=', true)
    .orderBy('s.name')
    .orderBy('s.staff_number')
    .execute()
}

/**
 * The caseload lines as RSO-05 judges by them today: its configured warning and breach lines, read through
 * the standards engine's parameters in force at `asOf`, so the page marks the managers the rule finds.
 */
export async function caseloadLines(q: Executor, asOf: Date) {
  const params = await parametersAt<{ warnAbove: number; breachAbove: number }>(q, rso05, asOf)
  return { warnAbove: params.forceWide.warnAbove, breachAbove: params.forceWide.breachAbove }
}

const anId = (what: string) =>
  z
    .string()
    .refine((value) => isUuid(value), `must be the id of a ${what}`)
    .optional()

/** The caseload page's and API's filters: one Jigsaw team, one BCU, or one manager (a staff id). */
export const caseloadFilter = z.object({
  team: anId('team').describe('A team id: only that team’s managers'),
  bcu: anId('BCU').describe('A BCU id: only RSOs living in that BCU'),
  manager: anId('member of staff').describe('A staff id: one manager’s caseload'),
})
export type CaseloadFilter = z.output<typeof caseloadFilter>
