import { sql } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { inAreaSql } from '../../../platform/measures.ts'
import type { OrganisationService } from '../../organisation/service.ts'
import { type CaseType, isOutcomeCode, outcomeGroup } from '../investigation.ts'

type Area = { boroughIds?: readonly string[] | null }

/*
 * The rows each measure is taken over, as SQL conditions on the aliases its query gives them (`i` an
 * investigation, `p` a person in it, `s` a strategy discussion): the measures count over them and the
 * dashboard lists the records behind a figure from them, so the two cannot differ.
 */

/** Investigations open at `asOf` in the area (alias `i`). */
export const openAt = (asOf: Date, area: Area = {}) =>
  sql<boolean>`i.opened_at <= ${asOf} and (i.closed_at is null or i.closed_at > ${asOf})
    and ${inAreaSql('i.borough_id', area.boroughIds ?? null)}`

/** Days since the investigation's last supervisory review by `asOf`, or since its opening if none (alias `i`). */
export const daysSinceReview = (asOf: Date) =>
  sql<number>`floor(extract(epoch from ${asOf}::timestamptz - coalesce(
    (select max(r.reviewed_at) from supervisory_review r where r.investigation_id = i.id and r.reviewed_at <= ${asOf}),
    i.opened_at)) / 86400)`

/** Strategy discussions held in [from, to) on investigations in the area (alias `s`). */
export const strategyHeldIn = (from: Date, to: Date, area: Area = {}) =>
  sql<boolean>`s.held_at >= ${from} and s.held_at < ${to}
    and exists (select 1 from investigation i
      where i.id = s.investigation_id and ${inAreaSql('i.borough_id', area.boroughIds ?? null)})`

/** A strategy discussion in which health took part (alias `s`). */
export const healthTookPart = sql<boolean>`exists (select 1 from strategy_participant p
  where p.strategy_discussion_id = s.id and p.agency = 'health')`

/** The children (as child, victim or witness) in investigations opened in [from, to) in the area (`p`, `i`). */
export const childrenIn = (from: Date, to: Date, area: Area = {}) =>
  sql<boolean>`p.is_child and p.role in ('child', 'victim', 'witness') and i.opened_at >= ${from} and i.opened_at < ${to}
    and ${inAreaSql('i.borough_id', area.boroughIds ?? null)}`

/** The dashboard's measures of investigations. */
export function measuresOf(q: Executor, clock: Clock, organisation: Pick<OrganisationService, 'teamsSql'>) {
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
        group by 1, 2, 3 order by 1, 2, 3`.execute(q)
      return rows.map((r) => ({
        bcuId: r.bcu_id,
        boroughId: r.borough_id,
        caseType: r.case_type as CaseType,
        open: r.open,
      }))
    },

    /** Median days since the last supervisory review (or the opening) over open investigations. */
    async medianDaysSinceReview(asOf: Date = clock.now(), area: Area = {}) {
      const { rows } = await sql<{ days: number | null; n: number }>`
        select (percentile_cont(0.5) within group (order by ${daysSinceReview(asOf)}))::float8 as days,
          count(*)::int as n
        from investigation i where ${openAt(asOf, area)}`.execute(q)
      return { days: rows[0]?.days ?? null, open: rows[0]?.n ?? 0 }
    },

    /** Of the strategy discussions held in [from, to), the share with health taking part. */
    async strategyWithHealthShare(from: Date, to: Date, area: Area = {}) {
      const { rows } = await sql<{ n: number; health: number }>`
        select count(*)::int as n, count(*) filter (where ${healthTookPart})::int as health
        from strategy_discussion s where ${strategyHeldIn(from, to, area)}`.execute(q)
      const r = rows[0] ?? { n: 0, health: 0 }
      return { discussions: r.n, withHealth: r.health, share: r.n ? r.health / r.n : null }
    },

    /** Of the children linked to investigations opened in [from, to), the share seen and spoken to. */
    async childrenSpokenToShare(from: Date, to: Date, area: Area = {}) {
      const { rows } = await sql<{ n: number; spoken: number }>`
        select count(*)::int as n, count(*) filter (where p.spoken_to)::int as spoken
        from investigation_person p join investigation i on i.id = p.investigation_id
        where ${childrenIn(from, to, area)}`.execute(q)
      const r = rows[0] ?? { n: 0, spoken: 0 }
      return { children: r.n, spokenTo: r.spoken, share: r.n ? r.spoken / r.n : null }
    },

    /**
     * Outcomes of investigations closed in [from, to) by the kind of team that held them: specialist (CAIT,
     * Sapphire, online CSAE, Jigsaw, missing persons unit) against frontline (response and neighbourhood).
     */
    async outcomeMixByTeamKind(from: Date, to: Date) {
      const { rows } = await sql<{ team_kind: string; outcome: string; n: number }>`
        select case when t.kind in ('response_neighbourhood', 'neighbourhood') or t.kind is null then 'frontline' else 'specialist' end as team_kind,
          i.outcome, count(*)::int as n
        from investigation i left join ${organisation.teamsSql()} as t on t.team_id = i.team_id
        where i.closed_at >= ${from} and i.closed_at < ${to} and i.outcome is not null
        group by 1, 2`.execute(q)
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
