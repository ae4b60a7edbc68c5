import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../platform/db/database.ts'
import { inAreaSql, type Measure, type MeasureScope, shareOf } from '../platform/measures.ts'

/**
 * Findings of the scope's boroughs (all when force-wide), and of its team when one is asked: a finding keeps
 * the borough its record lay in and the team that owns the duty.
 */
const inArea = ({ boroughIds, teamId }: MeasureScope) =>
  sql`${inAreaSql('f.borough_id', boroughIds)} and ${teamId ? sql`f.assignee_team_id = ${teamId}::uuid` : sql`true`}`

/**
 * How many of the findings in `base` meet `where`, taken over the base: with no finding in the base there
 * is nothing to count (no value, not a zero that would read as all done).
 */
async function countOf(
  q: Executor,
  scope: MeasureScope,
  base: RawBuilder<unknown>,
  where: RawBuilder<unknown> = sql`true`,
) {
  const { rows } = await sql<{ n: number; over: number }>`
    select count(*) filter (where ${where})::int as n, count(*)::int as over
    from finding f where ${inArea(scope)} and ${base}`.execute(q)
  const over = Number(rows[0]?.over ?? 0)
  return { value: over ? Number(rows[0]?.n ?? 0) : null, over }
}

/** The ids of the findings in `base` within the scope: the records a count measure was taken over. */
const behind = (scope: MeasureScope, base: RawBuilder<unknown>) =>
  sql<{ id: string }>`select f.id from finding f where ${inArea(scope)} and ${base}`

/** Findings open at some time in the period: the ones that could fall overdue in it. */
const openDuring = ({ from, until }: MeasureScope) =>
  sql`f.opened_at < ${until} and (f.closed_at is null or f.closed_at >= ${from})`

const source = 'The standards engine: every rule of ../shared/RULES.md as the force has configured it'

/**
 * The engine's own measures, across every rule: how many findings it opened and saw breached, how many
 * stand open, how long they took to close, and the share of records done right first time (judged by the
 * rules and never breached), the figure the report's "requires improvement" grades stand for.
 */
export const standardsMeasures: readonly Measure[] = [
  {
    id: 'standards.findings-opened',
    title: 'Findings opened',
    counts:
      'Findings the rules opened in the period: each a duty a record owed (a visit, a review, a referral)',
    unit: 'count',
    higherIsBetter: false,
    dimensions: ['area', 'team'],
    source,
    take: (q, scope) => countOf(q, scope, sql`f.opened_at >= ${scope.from} and f.opened_at < ${scope.until}`),
    findingsBehind: (scope) =>
      behind(scope, sql`f.opened_at >= ${scope.from} and f.opened_at < ${scope.until}`),
  },
  {
    id: 'standards.findings-breached',
    title: 'Findings breached',
    counts:
      'Findings whose duty was not done by its due time, counted in the period in which it fell overdue',
    unit: 'count',
    higherIsBetter: false,
    dimensions: ['area', 'team'],
    source,
    take: (q, scope) =>
      countOf(
        q,
        scope,
        openDuring(scope),
        sql`f.breached_at >= ${scope.from} and f.breached_at < ${scope.until}`,
      ),
    findingsBehind: (scope) => behind(scope, openDuring(scope)),
  },
  {
    id: 'standards.breached-open',
    title: 'Breached findings still open',
    counts:
      'Of the findings open at the end of the period, how many were overdue then (not done or resolved): the work late now',
    unit: 'count',
    higherIsBetter: false,
    dimensions: ['area', 'team'],
    source,
    take: (q, scope) =>
      countOf(
        q,
        scope,
        sql`f.opened_at < ${scope.until} and (f.closed_at is null or f.closed_at >= ${scope.until})`,
        sql`f.breached_at < ${scope.until}`,
      ),
    findingsBehind: (scope) =>
      behind(
        scope,
        sql`f.opened_at < ${scope.until} and (f.closed_at is null or f.closed_at >= ${scope.until})`,
      ),
  },
  {
    id: 'standards.days-to-close',
    title: 'Days from a breach to its close (median)',
    counts:
      'Of the breached findings closed in the period (done late, or resolved by a supervisor), the median days from the breach to the close',
    unit: 'days',
    higherIsBetter: false,
    dimensions: ['area', 'team'],
    source,
    async take(q, scope) {
      const { rows } = await sql<{ n: number; median: number | null }>`
        select count(*)::int as n, percentile_cont(0.5) within group (
          order by extract(epoch from f.closed_at - f.breached_at) / 86400) as median
        from finding f
        where ${inArea(scope)} and f.breached_at is not null
          and f.closed_at >= ${scope.from} and f.closed_at < ${scope.until}`.execute(q)
      const row = rows[0]
      return {
        value: row?.median === null || row?.median === undefined ? null : Number(row.median),
        over: Number(row?.n ?? 0),
      }
    },
    findingsBehind: (scope) =>
      behind(
        scope,
        sql`f.breached_at is not null and f.closed_at >= ${scope.from} and f.closed_at < ${scope.until}`,
      ),
  },
  {
    id: 'standards.right-first-time',
    title: 'Records done right first time',
    counts:
      'Of the records the rules judged for the first time in the period, the share with no finding ever breached',
    unit: 'share',
    higherIsBetter: true,
    dimensions: ['area', 'team'],
    source,
    async take(q, scope) {
      const { rows } = await sql<{ n: number; ok: number }>`
        select count(*)::int as n, count(*) filter (where not breached)::int as ok
        from (select f.subject_kind, f.subject_id, bool_or(f.breached_at is not null) as breached,
            min(f.opened_at) as first_judged
          from finding f where ${inArea(scope)}
          group by f.subject_kind, f.subject_id) r
        where r.first_judged >= ${scope.from} and r.first_judged < ${scope.until}`.execute(q)
      return shareOf(Number(rows[0]?.ok ?? 0), Number(rows[0]?.n ?? 0))
    },
  },
]
