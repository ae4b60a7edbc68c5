import { sql } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { inAreaSql } from '../../../platform/measures.ts'
import type { WorkingDayCalendar } from '../../../standards/calendar.ts'
import { londonMonthText } from '../../../standards/sql-time.ts'
import { type BragRating, bragRatings } from '../pac.ts'

/** PACs created per BCU, borough and London month, for the period [from, to). */
export async function pacsByAreaAndMonth(q: Executor, from: Date, to: Date) {
  const { rows } = await sql<{ bcu_id: string | null; borough_id: string; month: string; pacs: number }>`
    select bcu_id, borough_id, ${londonMonthText('created_at')} as month,
      count(*)::int as pacs
    from pac where created_at >= ${from} and created_at < ${to}
    group by 1, 2, 3 order by 3, 1, 2`.execute(q)
  return rows.map((r) => ({ bcuId: r.bcu_id, boroughId: r.borough_id, month: r.month, pacs: r.pacs }))
}

/** The PACs created in [from, to) in the area: what the time to the PAC is taken over (alias `pac`). */
export const pacsCreatedIn = (from: Date, to: Date, area: { boroughIds?: readonly string[] | null } = {}) =>
  sql<boolean>`pac.created_at >= ${from} and pac.created_at < ${to}
    and ${inAreaSql('pac.borough_id', area.boroughIds ?? null)}`

/** Median hours from the police first knowing to the PAC, over PACs created in [from, to). */
export async function medianHoursToSubmission(
  q: Executor,
  from: Date,
  to: Date,
  area: { boroughIds?: readonly string[] | null } = {},
) {
  const { rows } = await sql<{ hours: number | null; n: number }>`
    select (percentile_cont(0.5) within group (
      order by extract(epoch from created_at - police_first_knew_at) / 3600))::float8 as hours,
      count(*)::int as n
    from pac where ${pacsCreatedIn(from, to, area)}`.execute(q)
  return { hours: rows[0]?.hours ?? null, pacs: rows[0]?.n ?? 0 }
}

/** Of the PACs rated by the MASH (rated in [from, to)), the share given each BRAG rating. */
export async function bragShares(q: Executor, from: Date, to: Date) {
  const { rows } = await sql<{ brag: BragRating; n: number }>`
    select mash_brag as brag, count(*)::int as n from pac
    where mash_brag is not null and coalesce(mash_rated_at, mash_decision_at, shared_with_mash_at) >= ${from}
      and coalesce(mash_rated_at, mash_decision_at, shared_with_mash_at) < ${to}
    group by 1`.execute(q)
  const total = rows.reduce((s, r) => s + r.n, 0)
  return {
    rated: total,
    shares: Object.fromEntries(
      bragRatings.map((b) => [b, total ? (rows.find((r) => r.brag === b)?.n ?? 0) / total : null]),
    ) as Record<BragRating, number | null>,
  }
}

/** Of the PACs with a social care outcome (feedback in [from, to)), the share that ended in NFA. */
export async function nfaShare(q: Executor, from: Date, to: Date) {
  const { rows } = await sql<{ nfa: number; n: number }>`
    select count(*) filter (where outcome = 'nfa')::int as nfa, count(*)::int as n from pac
    where outcome is not null and feedback_at >= ${from} and feedback_at < ${to}`.execute(q)
  const r = rows[0] ?? { nfa: 0, n: 0 }
  return { withOutcome: r.n, nfa: r.nfa, share: r.n ? r.nfa / r.n : null }
}

/**
 * Of the PACs shared with the MASH in [from, to) whose follow-up point (N working days after sharing)
 * has passed by asOf, the share with no social care feedback by that point.
 */
export async function noFeedbackShare(
  q: Executor,
  calendar: WorkingDayCalendar,
  from: Date,
  to: Date,
  options: { workingDays: number; asOf: Date; boroughIds?: readonly string[] | null },
) {
  const rows = await q
    .selectFrom('pac')
    .select(['shared_with_mash_at', 'feedback_at'])
    .where('shared_with_mash_at', '>=', from)
    .where('shared_with_mash_at', '<', to)
    .where(inAreaSql('borough_id', options.boroughIds ?? null))
    .execute()
  let due = 0
  let without = 0
  for (const r of rows) {
    const point = calendar.addWorkingDays(r.shared_with_mash_at as Date, options.workingDays)
    if (point > options.asOf) continue
    due++
    if (!r.feedback_at || r.feedback_at > point) without++
  }
  return { due, withoutFeedback: without, share: due ? without / due : null }
}

/** The dashboard's PAC measures, each on the executor given. */
export function referralsMeasures(q: Executor, clock: Clock, calendar: WorkingDayCalendar) {
  return {
    byAreaAndMonth: (from: Date, to: Date) => pacsByAreaAndMonth(q, from, to),
    medianHoursToSubmission: (from: Date, to: Date, area: { boroughIds?: readonly string[] | null } = {}) =>
      medianHoursToSubmission(q, from, to, area),
    bragShares: (from: Date, to: Date) => bragShares(q, from, to),
    nfaShare: (from: Date, to: Date) => nfaShare(q, from, to),
    noFeedbackShare: (from: Date, to: Date, options: { workingDays?: number; asOf?: Date } = {}) =>
      noFeedbackShare(q, calendar, from, to, {
        workingDays: options.workingDays ?? 3,
        asOf: options.asOf ?? clock.now(),
      }),
  }
}
