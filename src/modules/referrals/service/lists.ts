import { sql } from 'kysely'
import type { Reach } from '../../../platform/access/need-to-know.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { countdown, formatSpan } from '../../../platform/time.ts'
import { mostUrgentFirst } from '../../../platform/urgency.ts'
import { parametersAt } from '../../../standards/parameters.ts'
import { pacKind } from '../access.ts'
import { type BragRating, bragUrgency, hoursBetween, type PacStage, riskLevels } from '../pac.ts'
import { ref02 } from '../rules.ts'
import { type ReferralsDeps, summaries } from './dependencies.ts'
import type { PacSummary } from './records.ts'

/** The orders the PAC list offers: when raised, the PAC's ref, the child's name, the borough's name. */
export const pacSortKeys = ['raised', 'ref', 'child', 'borough'] as const
export type PacSortKey = (typeof pacSortKeys)[number]

export interface PacFilter {
  personId?: string
  /** A PAC's ref, or words of the child's name or their person ref. */
  q?: string
  sort?: PacSortKey
  direction?: 'asc' | 'desc'
  boroughId?: string
  bcuId?: string
  stage?: PacStage
  brag?: BragRating
  createdFrom?: Date
  createdTo?: Date
  limit?: number
  offset?: number
}

type ListDeps = Pick<ReferralsDeps, 'people'>

/** The stage of `stageOf` (pac.ts) as a condition on the pac table. */
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

/** `text` as a LIKE pattern matching it anywhere, its wildcards taken literally. */
const containing = (text: string) => `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/** The order of the PAC list's rows for `sort`, each a column of the pac row or the child's or borough's name. */
function sortExpression(sort: PacSortKey | undefined) {
  switch (sort) {
    case 'ref':
      return sql`pac.ref`
    case 'child':
      return sql`(select lower(p.family_name || ' ' || p.given_names) from person p where p.id = pac.person_id)`
    case 'borough':
      return sql`(select b.name from borough b where b.id = pac.borough_id)`
    default:
      return sql`pac.created_at`
  }
}

/**
 * The PACs within the reader's reach that the filter lets through, in the order asked (newest first unless
 * asked otherwise), and how many in all.
 */
export async function listPacs(
  q: Executor,
  deps: ListDeps,
  filter: PacFilter,
  reach: Reach,
): Promise<{ items: PacSummary[]; total: number }> {
  let query = q.selectFrom('pac').where(pacKind.where(reach))
  if (filter.personId) query = query.where('pac.person_id', '=', filter.personId)
  if (filter.boroughId) query = query.where('pac.borough_id', '=', filter.boroughId)
  if (filter.bcuId) query = query.where('pac.bcu_id', '=', filter.bcuId)
  if (filter.stage) query = query.where(stageWhere(filter.stage))
  if (filter.brag) query = query.where('pac.mash_brag', '=', filter.brag)
  if (filter.createdFrom) query = query.where('pac.created_at', '>=', filter.createdFrom)
  if (filter.createdTo) query = query.where('pac.created_at', '<', filter.createdTo)
  if (filter.q) {
    // The PAC's ref, or the child's: the person ref, or each word of the search in the child's names.
    const words = filter.q.split(/\s+/).filter(Boolean).slice(0, 5)
    const text = filter.q
    query = query.where(
      sql<boolean>`(pac.ref ilike ${containing(text)} or exists (select 1 from person p where p.id = pac.person_id
        and (p.ref ilike ${containing(text)} or (${sql.join(
          words.map((w) => sql`(p.family_name || ' ' || p.given_names) ilike ${containing(w)}`),
          sql` and `,
        )}))))`,
    )
  }
  const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
  const rows = await query
    .selectAll('pac')
    .orderBy(
      sortExpression(filter.sort),
      filter.direction ?? (filter.sort && filter.sort !== 'raised' ? 'asc' : 'desc'),
    )
    .orderBy('pac.created_at', 'desc')
    .orderBy('pac.id')
    .limit(Math.min(filter.limit ?? 50, 500))
    .offset(filter.offset ?? 0)
    .execute()
  return { items: await summaries(q, deps, rows), total: total.n }
}

/** A page of a queue: how many rows to skip and take. */
export interface QueuePage {
  limit?: number
  offset?: number
}

const pageLimit = (page: QueuePage) => Math.min(page.limit ?? 50, 500)

/**
 * A page of the PACs waiting for a supervisor, what needs doing soonest first: those whose review (REF-02's
 * hours from submission, as configured) is still to come, soonest due first; then the overdue, the most
 * recently overdue first; higher risk first among equals. Each with how long it has waited and its review's
 * countdown at `now`, and how many wait in all. The queue is ordered whole (ids and times only) so the
 * order holds across pages, then the page's PACs are read.
 */
export async function supervisorQueue(
  q: Executor,
  deps: ListDeps,
  options: { teamId?: string | null; reach: Reach } & QueuePage,
  now: Date,
) {
  let query = q.selectFrom('pac').where(pacKind.where(options.reach)).where('pac.reviewed_at', 'is', null)
  if (options.teamId) query = query.where('pac.raised_by_team_id', '=', options.teamId)
  const { hours } = (await parametersAt<{ hours: number }>(q, ref02, now)).forceWide
  const dueOf = (submittedAt: Date) => new Date(submittedAt.getTime() + hours * 3_600_000)
  const waiting = await query
    .select(['pac.id', 'pac.submitted_at', 'pac.risk_level'])
    .orderBy('pac.id')
    .execute()
  const offset = options.offset ?? 0
  const pageIds = mostUrgentFirst(waiting, now, (p) => ({
    dueAt: dueOf(p.submitted_at),
    risk: riskLevels.indexOf(p.risk_level as (typeof riskLevels)[number]),
  }))
    .slice(offset, offset + pageLimit(options))
    .map((p) => p.id)
  const rows = pageIds.length
    ? await q.selectFrom('pac').selectAll().where('id', 'in', pageIds).execute()
    : []
  const byId = new Map(rows.map((r) => [r.id, r]))
  const items = (
    await summaries(
      q,
      deps,
      pageIds.map((id) => byId.get(id)).filter((r) => r !== undefined),
    )
  ).map((p) => ({
    ...p,
    hoursWaiting: hoursBetween(p.submittedAt, now),
    waiting: formatSpan(now.getTime() - p.submittedAt.getTime()),
    reviewDue: countdown(dueOf(p.submittedAt), now),
  }))
  return { items, total: waiting.length }
}

/** The MASH's order of urgency (bragUrgency) in SQL: not yet rated first, then red to blue. */
const urgencySql = sql<number>`case pac.mash_brag ${sql.join(
  Object.entries(bragUrgency).map(([brag, rank]) => sql`when ${sql.lit(brag)} then ${sql.lit(rank + 1)}`),
  sql` `,
)} else 0 end`

/**
 * A page of the PACs with the MASH and not yet decided: unrated first, then red to blue, oldest first
 * within each; ranked in the database, so the order holds across every page, and how many wait in all.
 */
export async function mashQueue(
  q: Executor,
  deps: ListDeps,
  options: { reach: Reach } & QueuePage,
  now: Date,
) {
  const query = q
    .selectFrom('pac')
    .where(pacKind.where(options.reach))
    .where('pac.shared_with_mash_at', 'is not', null)
    .where('pac.mash_decision_at', 'is', null)
  const total = await query.select(sql<number>`count(*)::int`.as('n')).executeTakeFirstOrThrow()
  const rows = await query
    .selectAll('pac')
    .orderBy(urgencySql)
    .orderBy('pac.shared_with_mash_at')
    .orderBy('pac.id')
    .limit(pageLimit(options))
    .offset(options.offset ?? 0)
    .execute()
  const items = (await summaries(q, deps, rows)).map((p) => ({
    ...p,
    hoursWaiting: hoursBetween(p.sharedWithMashAt as Date, now),
    waiting: formatSpan(now.getTime() - (p.sharedWithMashAt as Date).getTime()),
  }))
  return { items, total: total.n }
}
