import { type RawBuilder, type SqlBool, sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { inAreaSql } from '../../../platform/measures.ts'
import { type OutcomeCode, outcomeCodes } from '../../investigations/investigation.ts'
import { type OutcomeKind, outcomeKindOf, type TeamKind, teamKinds } from '../online-case.ts'

/** The period and area of the outcomes table: outcomes recorded in [from, until), force-wide or some boroughs. */
export interface OutcomeScope {
  from: Date
  until: Date
  boroughIds?: readonly string[] | null
}

export interface OutcomeRow {
  teamKind: TeamKind
  total: number
  counts: Record<OutcomeKind, number>
  /** Each outcome's share of the team kind's total, 0 to 1 (null when the team kind had none). */
  shares: Record<OutcomeKind, number | null>
}

const outcomeKinds: readonly OutcomeKind[] = ['no_further_action', 'no_crime', 'positive']

/**
 * Each case with an outcome recorded in the period (its latest then), the team kind of its allocation before
 * the outcome, and its place: what the table below counts and the dashboard lists behind its shares.
 */
export const outcomesIn = (scope: OutcomeScope, visible: RawBuilder<SqlBool> = sql<SqlBool>`true`) => sql`
  select online_case.id, online_case.ref, online_case.borough_id, online_case.allocated_staff_id,
    online_case.allocated_team_id, a.team_kind, o.outcome_code, o.at
  from online_case
  cross join lateral (select s.seq, s.outcome_code, s.at from online_case_stage s where s.case_id = online_case.id
    and s.stage = 'outcome' and s.at >= ${scope.from} and s.at < ${scope.until}
    order by s.seq desc limit 1) o
  cross join lateral (select s.team_kind from online_case_stage s where s.case_id = online_case.id
    and s.stage = 'allocated' and s.seq < o.seq order by s.seq desc limit 1) a
  where ${visible} and ${inAreaSql('online_case.borough_id', scope.boroughIds ?? null)}`

/** The outcome codes of each kind the table counts (a transfer to another force is none). */
export const codesOf = (kind?: OutcomeKind) =>
  outcomeCodes.filter((c) => (kind ? outcomeKindOf(c) === kind : outcomeKindOf(c) !== null))

/**
 * The report's table: cases with an outcome recorded in the period, by who investigated them (the team kind
 * of the case's allocation before its outcome) and the outcome's group (investigations' mapping of the Home
 * Office codes; a transfer to another force is left out). `visible` narrows it to a reader's need to know.
 */
export async function outcomesByTeamKind(
  q: Executor,
  scope: OutcomeScope,
  visible: RawBuilder<SqlBool> = sql<SqlBool>`true`,
): Promise<OutcomeRow[]> {
  const { rows } = await sql<{ team_kind: TeamKind; outcome_code: string; n: number }>`
    select x.team_kind, x.outcome_code, count(*)::int as n from (${outcomesIn(scope, visible)}) x
    group by x.team_kind, x.outcome_code`.execute(q)
  return teamKinds.map((teamKind) => {
    const counts = Object.fromEntries(outcomeKinds.map((k) => [k, 0])) as Record<OutcomeKind, number>
    for (const r of rows.filter((r) => r.team_kind === teamKind)) {
      const kind = outcomeKindOf(r.outcome_code as OutcomeCode)
      if (kind) counts[kind] += Number(r.n)
    }
    const total = outcomeKinds.reduce((sum, k) => sum + counts[k], 0)
    const shares = Object.fromEntries(
      outcomeKinds.map((k) => [k, total ? counts[k] / total : null]),
    ) as Record<OutcomeKind, number | null>
    return { teamKind, total, counts, shares }
  })
}
