import { sql } from 'kysely'
import type { Executor } from '../../../platform/db/database.ts'
import { inAreaSql } from '../../../platform/measures.ts'
import { transferDestinations } from '../custody.ts'
import { type CustodyDeps, suiteNames } from './dependencies.ts'

/**
 * Each detention with an arrest in [from, until) in the area, with what its events say (by id): when it was
 * authorised, charged, left custody and where to, whether bail was refused, how long after charge it was held
 * (`after_charge`, for those refused bail who left), whether it was transferred. The measures count over it
 * and the dashboard lists the detentions behind a figure from it, so the two cannot differ.
 */
export function detentionFacts(options: { from: Date; until: Date; boroughIds?: readonly string[] | null }) {
  return sql`
    with f as (
      select d.id, d.custody_suite_team_id as suite_id, coalesce(d.bcu_id, d.borough_id) as area_id,
        min(e.at) filter (where e.kind = 'detention_authorised') as authorised_at,
        min(e.at) filter (where e.kind = 'aa_arrived') as aa_arrived_at,
        min(e.at) filter (where e.kind = 'charged') as charged_at,
        coalesce(bool_or(e.bail_refused) filter (where e.kind = 'bail_decision'), false) as refused,
        min(e.at) filter (where e.kind = 'left_custody') as left_at,
        min(e.destination) filter (where e.kind = 'left_custody') as destination,
        count(*) filter (where e.kind = 'review') as reviews,
        count(*) filter (where e.kind = 'review' and e.in_person) as reviews_in_person,
        count(*) filter (where e.kind = 'detention_certificate') as certificates
      from custody_detention d
      left join custody_event e on e.detention_id = d.id
      where d.arrested_at >= ${options.from} and d.arrested_at < ${options.until}
        and ${inAreaSql('d.borough_id', options.boroughIds ?? null)}
      group by d.id
    )
    select f.*, extract(epoch from aa_arrived_at - authorised_at)::float8 / 3600 as aa_wait,
      case when refused and left_at is not null
        then extract(epoch from left_at - charged_at)::float8 / 3600 end as after_charge,
      refused and coalesce(destination = any(${[...transferDestinations]}::text[]), false) as transferred
    from f`
}

/**
 * The dashboard's custody measures for detentions with an arrest in [from, until): by suite, by area and
 * force-wide. The area is the suite's BCU on the day of arrest, or its borough where the borough was
 * still its own borough command then (before the 2019 BCU merge).
 */
export async function custodyMeasures(
  q: Executor,
  deps: Pick<CustodyDeps, 'organisationOn'>,
  options: { from: Date; until: Date; boroughIds?: readonly string[] | null },
) {
  const { rows } = await sql<{
    suite_id: string | null
    area_id: string | null
    level: number
    detentions: number
    median_aa_wait_hours: number | null
    reviews: number
    reviews_in_person: number
    refused_bail_left: number
    transferred: number
    median_hours_after_charge: number | null
    max_hours_after_charge: number | null
    kept: number
    kept_with_certificate: number
  }>`
    with g as (${detentionFacts(options)})
    select suite_id, area_id, grouping(suite_id, area_id)::int as level,
      count(*)::int as detentions,
      percentile_cont(0.5) within group (order by aa_wait) as median_aa_wait_hours,
      sum(reviews)::int as reviews, sum(reviews_in_person)::int as reviews_in_person,
      count(*) filter (where refused and left_at is not null)::int as refused_bail_left,
      count(*) filter (where transferred)::int as transferred,
      percentile_cont(0.5) within group (order by after_charge) as median_hours_after_charge,
      max(after_charge) as max_hours_after_charge,
      count(*) filter (where refused and not transferred and left_at is not null)::int as kept,
      count(*) filter (where refused and not transferred and left_at is not null and certificates > 0)::int
        as kept_with_certificate
    from g
    group by grouping sets ((suite_id, area_id), (area_id), ())
    order by level, area_id, suite_id`.execute(q)
  const organisation = deps.organisationOn(q)
  const suites = await suiteNames(organisation)
  const force = await organisation.force().catch(() => undefined)
  const areaNames = new Map<string, string>([
    ...(force ? await organisation.boroughs(force.id) : []).map((b) => [b.id, b.name] as [string, string]),
    ...(force ? await organisation.bcus(force.id) : []).map((b) => [b.id, b.name] as [string, string]),
  ])
  const share = (n: number, d: number) => (d ? n / d : null)
  // grouping(suite_id, area_id): 0 a suite (with its area), 2 an area, 3 the force.
  const levelOf = (level: number) =>
    (level === 0 ? 'suite' : level === 2 ? 'area' : 'force') as 'suite' | 'area' | 'force'
  return rows.map((r) => ({
    level: levelOf(r.level),
    suiteId: r.level === 0 ? r.suite_id : null,
    suiteName: r.level === 0 && r.suite_id ? (suites.get(r.suite_id)?.name ?? '') : null,
    areaId: r.level < 3 ? r.area_id : null,
    areaName: r.level < 3 && r.area_id ? (areaNames.get(r.area_id) ?? '') : null,
    detentions: r.detentions,
    medianAppropriateAdultWaitHours: r.median_aa_wait_hours,
    reviewsInPersonShare: share(r.reviews_in_person, r.reviews),
    chargedRefusedBail: r.refused_bail_left,
    transferredShare: share(r.transferred, r.refused_bail_left),
    medianHoursHeldAfterCharge: r.median_hours_after_charge,
    maxHoursHeldAfterCharge: r.max_hours_after_charge,
    certificatesCompletedShare: share(r.kept_with_certificate, r.kept),
  }))
}
