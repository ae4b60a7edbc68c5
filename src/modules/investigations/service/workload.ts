import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { median } from '../../../platform/time.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import { investigationKind } from '../access.ts'
import { wholeDaysBetween } from '../investigation.ts'

/**
 * A team's workload: each active officer's open cases, their overdue actions and the days since their
 * open cases were last reviewed (the oldest, and the median over their cases). Only the cases within
 * the reader's need to know are counted.
 */
export async function teamWorkload(
  q: Executor,
  organisation: Pick<OrganisationService, 'staffWithTraining'>,
  teamId: string,
  reach: Reach,
  asOf: Date,
) {
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
    q,
  )
  const { rows: overdue } = await sql<{ staff_id: string; n: number }>`
    select a.owner_staff_id as staff_id, count(*)::int as n from investigation_action a
    join investigation i on i.id = a.investigation_id
    where a.owner_staff_id = any(${ids}::uuid[]) and a.due_at < ${asOf}
      and (a.done_at is null or a.done_at > ${asOf}) and (i.closed_at is null or i.closed_at > ${asOf})
      and ${investigationKind.where(reach, 'i')}
    group by 1`.execute(q)
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
}
