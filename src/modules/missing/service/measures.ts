import { type RawBuilder, sql } from 'kysely'
import type { Clock } from '../../../platform/clock.ts'
import type { Executor } from '../../../platform/db/database.ts'
import { inAreaSql } from '../../../platform/measures.ts'
import { londonDate } from '../../../platform/time.ts'
import { type Grade, lowestBand } from '../grading.ts'
import type { RepeatThresholdSource } from '../repeat-threshold.ts'

/** A BCU to take a measure in (by the BCU each record was made under), or none for the force. */
type Area = { boroughIds?: readonly string[] | null }

/**
 * The episodes graded no apparent risk (absent or very low) reported in [from, until) in the area: what the
 * misgrading share counts over, and what the dashboard lists behind it (alias `missing_episode`).
 */
export const gradedLowestIn = (from: Date, until: Date, area: Area = {}) =>
  sql<boolean>`missing_episode.reported_at >= ${from} and missing_episode.reported_at < ${until}
    and missing_episode.grade = any(${[...lowestBand]}::text[])
    and ${inAreaSql('missing_episode.borough_id', area.boroughIds ?? null)}`

/** An episode with at least `minFactors` distinct risk factors recorded (answered or found in the record). */
export const withFactors = (minFactors: number) =>
  sql<boolean>`(select count(distinct f) from unnest(missing_episode.risk_factors || missing_episode.history_factors) f) >= ${minFactors}`

/** The returns in [from, until) in the area: what the prevention interview share counts over. */
export const returnedIn = (from: Date, until: Date, area: Area = {}) =>
  sql<boolean>`missing_episode.returned_at >= ${from} and missing_episode.returned_at < ${until}
    and ${inAreaSql('missing_episode.borough_id', area.boroughIds ?? null)}`

/** A return with a prevention interview within `hours` (a number, or an expression of the episode's borough). */
export const interviewedWithin = (hours: number | RawBuilder<number>) =>
  sql<boolean>`coalesce(missing_episode.prevention_interview_at <= missing_episode.returned_at + interval '1 hour' * ${hours}, false)`

/** The dashboard's missing-children measures. */
export function missingMeasures(
  db: Executor,
  clock: Clock,
  options: { scale: readonly Grade[]; repeatThresholds: RepeatThresholdSource },
) {
  return {
    /** Episodes reported in [from, until) by borough (with its BCU) and grade at report. */
    async episodesByAreaAndGrade(from: Date, until: Date) {
      const { rows } = await sql<{
        borough_id: string
        bcu_id: string | null
        grade: Grade
        episodes: number
      }>`
        select borough_id, bcu_id, grade, count(*)::int as episodes from missing_episode
        where reported_at >= ${from} and reported_at < ${until}
        group by 1, 2, 3 order by 1, 3`.execute(db)
      return rows.map((r) => ({
        boroughId: r.borough_id,
        bcuId: r.bcu_id,
        grade: r.grade,
        episodes: r.episodes,
      }))
    },

    /**
     * Of the episodes graded no apparent risk (absent or very low) in [from, until), the share with two or
     * more risk factors recorded (answered or found in the record): the misgrading the report describes.
     */
    async absentWithRiskFactorsShare(from: Date, until: Date, minFactors = 2, area: Area = {}) {
      const { rows } = await sql<{
        lowest: number
        with_factors: number
        children: number
        children_with: number
      }>`
        select count(*)::int as lowest,
          count(*) filter (where ${withFactors(minFactors)})::int as with_factors,
          count(distinct person_id)::int as children,
          count(distinct person_id) filter (where ${withFactors(minFactors)})::int as children_with
        from missing_episode
        where ${gradedLowestIn(from, until, area)}`.execute(db)
      const r = rows[0] ?? { lowest: 0, with_factors: 0, children: 0, children_with: 0 }
      return {
        gradedLowest: r.lowest,
        withTwoOrMoreFactors: r.with_factors,
        share: r.lowest ? r.with_factors / r.lowest : null,
        children: r.children,
        childrenWithTwoOrMoreFactors: r.children_with,
        childrenShare: r.children ? r.children_with / r.children : null,
      }
    },

    /**
     * Children repeat missing at asOf by borough (N or more episodes in M days, MIS-02 as each borough had it
     * configured then), with and without a live plan.
     */
    async repeatMissingByBorough(asOf: Date = clock.now()) {
      const threshold = await options.repeatThresholds(db, asOf)
      const boroughs = await db
        .selectFrom('missing_episode')
        .select('borough_id')
        .distinct()
        .where('reported_at', '<=', asOf)
        .execute()
      if (boroughs.length === 0) return []
      const thresholds = sql.join(
        boroughs.map(({ borough_id }) => {
          const { episodes, days } = threshold(asOf, borough_id)
          return sql`(${borough_id}::uuid, ${episodes}::int, ${days}::int)`
        }),
      )
      const onDay = londonDate(asOf)
      const { rows } = await sql<{ borough_id: string; with_plan: number; without_plan: number }>`
        with threshold(borough_id, episodes, days) as (values ${thresholds}),
        repeat as (
          select e.borough_id, e.person_id from missing_episode e join threshold t using (borough_id)
          where e.reported_at <= ${asOf} and e.reported_at > ${asOf}::timestamptz - t.days * interval '1 day'
          group by e.borough_id, e.person_id, t.episodes having count(*) >= t.episodes
        )
        select borough_id,
          count(*) filter (where live)::int as with_plan, count(*) filter (where not live)::int as without_plan
        from (select r.borough_id, exists (select 1 from trigger_plan tp where tp.person_id = r.person_id
          and tp.start_date <= ${onDay}::date and (tp.ended_on is null or tp.ended_on > ${onDay}::date)) as live
          from repeat r) x
        group by borough_id order by borough_id`.execute(db)
      return rows.map((r) => ({
        boroughId: r.borough_id,
        withLivePlan: r.with_plan,
        withoutLivePlan: r.without_plan,
      }))
    },

    /**
     * Of the returns in [from, until), the share with a prevention interview within N hours (a number, or an
     * expression of each episode's borough_id where a rule's parameter differs by borough); by grade band.
     */
    async preventionInterviewsWithin(
      from: Date,
      until: Date,
      hours: number | RawBuilder<number> = 72,
      area: Area = {},
    ) {
      const { rows } = await sql<{ lowest: boolean; returns: number; within: number }>`
        select grade = any(${[...lowestBand]}::text[]) as lowest, count(*)::int as returns,
          count(*) filter (where ${interviewedWithin(hours)})::int as within
        from missing_episode where ${returnedIn(from, until, area)}
        group by 1`.execute(db)
      const sum = (f: (r: (typeof rows)[number]) => boolean) => {
        const picked = rows.filter(f)
        const returns = picked.reduce((s, r) => s + r.returns, 0)
        const within = picked.reduce((s, r) => s + r.within, 0)
        return { returns, within, share: returns ? within / returns : null }
      }
      return { all: sum(() => true), gradedLowest: sum((r) => r.lowest), gradedAbove: sum((r) => !r.lowest) }
    },

    /** Live trigger plans by borough on asOf's London day (boroughs with none are absent from the list). */
    async livePlansByBorough(asOf: Date = clock.now()) {
      const onDay = londonDate(asOf)
      const { rows } = await sql<{ borough_id: string; plans: number }>`
        select borough_id, count(*)::int as plans from trigger_plan
        where start_date <= ${onDay}::date and (ended_on is null or ended_on > ${onDay}::date)
        group by 1 order by 1`.execute(db)
      return rows.map((r) => ({ boroughId: r.borough_id, livePlans: r.plans }))
    },
  }
}
