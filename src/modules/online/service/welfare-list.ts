import { sql } from 'kysely'
import type { AccessLogService } from '../../../platform/access/access-log.ts'
import type { Principal } from '../../../platform/auth/principal.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { addMonths, londonDate } from '../../../platform/time.ts'
import { parametersAt } from '../../../standards/parameters.ts'
import { iiocViewerKind } from '../access.ts'
import { onl08 } from '../rules.ts'

/**
 * The people who view or grade indecent images today, with their last psychological screening, when the next
 * is due by ONL-08's configured interval, and the images each graded in each of the last six months. The read
 * is logged (a screening is personal).
 */
export async function welfareList(
  q: Executor,
  deps: { accessLog: AccessLogService; clock: { now(): Date } },
  principal: Principal,
  read: { query: string; requestId?: string | null },
) {
  const now = deps.clock.now()
  const today = londonDate(now)
  const { months } = (await parametersAt<{ months: number }>(q, onl08, now)).forceWide
  const firstOfMonth = `${today.slice(0, 7)}-01`
  const gradingMonths = Array.from({ length: 6 }, (_, i) => addMonths(firstOfMonth, i - 6))
  const { rows } = await sql<{
    staff_id: string
    staff_number: string
    name: string
    team: string | null
    basis: string
    from_date: string
    last_screened: string | null
  }>`
    select s.id as staff_id, s.staff_number, s.name, t.name as team, v.basis, v.from_date::text as from_date,
      (select max(w.screened_on)::text from welfare_screening w where w.staff_id = s.id
        and w.screened_on <= ${today}::date) as last_screened
    from staff s
    left join team t on t.id = s.team_id
    cross join lateral (select v.basis, v.from_date from iioc_viewer v where v.staff_id = s.id
      and v.from_date <= ${today}::date and (v.to_date is null or v.to_date >= ${today}::date)
      order by v.from_date limit 1) v
    order by s.name, s.staff_number`.execute(q)
  const ids = rows.map((r) => r.staff_id)
  const graded = ids.length
    ? (
        await sql<{ staff_id: string; month: string; images: number }>`
          select staff_id, month::text as month, images from iioc_grading_month
          where staff_id = any(${ids}::uuid[]) and month >= ${gradingMonths[0]}::date`.execute(q)
      ).rows
    : []
  await deps.accessLog.recordList({
    actorId: principal.id,
    actorName: principal.username,
    subjectKind: iiocViewerKind,
    query: read.query,
    ids,
    requestId: read.requestId ?? null,
  })
  return {
    months,
    gradingMonths,
    viewers: rows.map((r) => {
      const due = r.last_screened ? addMonths(r.last_screened, months) : null
      return {
        staffId: r.staff_id,
        staffNumber: r.staff_number,
        name: r.name,
        team: r.team,
        basis: r.basis,
        since: r.from_date,
        lastScreened: r.last_screened,
        nextDue: due,
        overdue: due === null || due < today,
        graded: gradingMonths.map(
          (m) => graded.find((g) => g.staff_id === r.staff_id && g.month === m)?.images ?? 0,
        ),
      }
    }),
  }
}
