import { type RawBuilder, sql } from 'kysely'
import { reachOf } from '../../platform/access/need-to-know.ts'
import type { Executor } from '../../platform/db/database.ts'
import {
  inAreaSql,
  type Measure,
  type MeasureResult,
  type MeasureScope,
  recordBehindColumns,
  shareOf,
} from '../../platform/measures.ts'
import { londonDate, median } from '../../platform/time.ts'
import { parametersAt } from '../../standards/parameters.ts'
import type { ResolvedParameters } from '../../standards/rule.ts'
import type { StandardsService } from '../../standards/service.ts'
import { afterMonthsOf, londonDateOf, londonMidnightOf } from '../../standards/sql-time.ts'
import { rsoKind } from './access.ts'
import { offendersPath } from './pages/shared.ts'
import { type RiskLevel, riskLabels, riskLevels, type VisitIntervals } from './rso.ts'

/*
 * The offenders module's measures for the dashboard: what stands at the end of the period (`until`), read as
 * the rules judge it with their parameters as configured then. An RSO counts when they are active in the
 * community today (their status has no history) and their notification had begun by then; their area is the
 * BCU of their current address.
 */

type Rules = Pick<StandardsService, 'rule'>

async function params<P extends Record<string, unknown>>(
  q: Executor,
  standards: Rules,
  ruleId: string,
  asOf: Date,
): Promise<ResolvedParameters<P>> {
  const rule = standards.rule(ruleId)
  if (!rule) throw new Error(`${ruleId} is not registered`)
  return parametersAt<P>(q, rule, asOf)
}

/** The active RSOs counted at `until`, in the scope's area: the rows each measure below reads. */
const counted = ({ until, boroughIds }: MeasureScope) => sql`r.status = 'active'
  and r.notification_start <= ${londonDate(until)}::date
  and ${inAreaSql('r.borough_id', boroughIds)}`

/**
 * Each offender manager's active RSOs at `until`, by the allocation in force then (an RSO with no allocation
 * then is nobody's), counted in the scope's area only.
 */
async function caseloadsAt(q: Executor, scope: MeasureScope): Promise<number[]> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n
    from rso r
    join rso_allocation a on a.rso_id = r.id and a.from_at <= ${scope.until}
      and (a.to_at is null or a.to_at > ${scope.until})
    where ${counted(scope)}
    group by a.staff_id`.execute(q)
  return rows.map((r) => Number(r.n)).sort((a, b) => a - b)
}

/**
 * How a share of the active RSOs at `until` is judged, with the rules' parameters as configured then: those
 * that pass `inDate`, of those `only` keeps (all, or a risk level's).
 */
type Judged = { inDate: RawBuilder<boolean>; only?: RawBuilder<boolean> }

/**
 * A share of the active RSOs at `until`: `take` counts those passing the judgement, and the dashboard lists
 * the same RSOs behind the figure (as the RSO list's need to know reaches), marking those that pass.
 */
function rsoShare(
  measure: Omit<Measure, 'take' | 'recordsBehind' | 'unit' | 'dimensions'>,
  countedAs: string,
  judge: (q: Executor, scope: MeasureScope) => Promise<Judged>,
): Measure {
  return {
    ...measure,
    unit: 'share',
    dimensions: ['area'],
    async take(q, scope) {
      const { inDate, only = sql`true` } = await judge(q, scope)
      const { rows } = await sql<{ n: number; ok: number }>`
        select count(*)::int as n, count(*) filter (where ${inDate})::int as ok
        from rso r
        where ${counted(scope)} and ${only}`.execute(q)
      const row = rows[0]
      return shareOf(Number(row?.ok ?? 0), Number(row?.n ?? 0))
    },
    recordsBehind: {
      kind: rsoKind.kind,
      noun: 'active RSOs',
      nounOne: 'active RSO',
      countedAs,
      async query(q, scope, reader) {
        const { inDate, only = sql`true` } = await judge(q, scope)
        return sql`select ${recordBehindColumns({
          id: 'r.id',
          ref: 'r.ref',
          summary: sql`initcap(replace(r.risk_level, '_', ' ')) || ' risk'`,
          borough: 'r.borough_id',
          at: sql`null::timestamptz`,
          href: `${offendersPath}/`,
          counted: inDate,
          visible: rsoKind.where(reachOf(reader), 'r'),
        })} from rso r where ${counted(scope)} and ${only}`
      },
    },
  }
}

/** Caseload measures share one count; each takes its own figure from it. */
function caseloadMeasure(
  id: string,
  title: string,
  counts: string,
  figure: (loads: readonly number[], q: Executor, scope: MeasureScope) => Promise<number | null>,
): Measure {
  return {
    id: `offenders.${id}`,
    title,
    counts,
    unit: 'count',
    higherIsBetter: false,
    dimensions: ['area'],
    source:
      'RSO-05; the report: "in five areas there are more than 100 offenders to manage per offender manager" (50 to 60 in 2016)',
    async take(q, scope): Promise<MeasureResult> {
      const loads = await caseloadsAt(q, scope)
      return { value: loads.length ? await figure(loads, q, scope) : null, over: loads.length }
    },
  }
}

/** The offenders module's measures, each read as its rule judges (RSO-01, RSO-03, RSO-04, RSO-05 as configured). */
export function offendersMeasures(standards: Rules): readonly Measure[] {
  const overLine = async (
    loads: readonly number[],
    q: Executor,
    scope: MeasureScope,
    line: 'warnAbove' | 'breachAbove',
  ) => {
    const lines = await params<{ warnAbove: number; breachAbove: number }>(
      q,
      standards,
      'RSO-05',
      scope.until,
    )
    return loads.filter((n) => n > lines.forceWide[line]).length
  }
  return [
    caseloadMeasure(
      'median-caseload',
      'Active RSOs per offender manager (median)',
      'The median number of active RSOs the offender managers hold at the end of the period, over the managers holding any there',
      async (loads) => median(loads),
    ),
    caseloadMeasure(
      'max-caseload',
      'Largest caseload of an offender manager',
      'The most active RSOs any one offender manager holds at the end of the period',
      async (loads) => loads[loads.length - 1] ?? null,
    ),
    caseloadMeasure(
      'managers-over-warning',
      'Offender managers over RSO-05’s warning line',
      'How many offender managers hold more active RSOs than RSO-05’s warning line (50 by default) at the end of the period, out of the managers holding any',
      (loads, q, scope) => overLine(loads, q, scope, 'warnAbove'),
    ),
    caseloadMeasure(
      'managers-over-breach',
      'Offender managers over RSO-05’s breach line',
      'How many offender managers hold more active RSOs than RSO-05’s breach line (100 by default) at the end of the period, out of the managers holding any',
      (loads, q, scope) => overLine(loads, q, scope, 'breachAbove'),
    ),
    rsoShare(
      {
        id: 'offenders.arms-in-date',
        title: 'RSOs with an ARMS assessment in date',
        counts:
          'Of the active RSOs at the end of the period, the share whose latest ARMS assessment is within RSO-01’s months (12 by default), or who were notified within those months and are not yet owed one',
        higherIsBetter: true,
        source: 'RSO-01; the report: "ARMS assessments should be reviewed every year"',
      },
      'with an ARMS assessment in date',
      async (q, scope) => {
        const rso01 = await params<{ months: number }>(q, standards, 'RSO-01', scope.until)
        const today = londonDate(scope.until)
        const since = sql`coalesce((select max(a.assessed_on) from rso_arms a
          where a.rso_id = r.id and a.assessed_on <= ${today}::date), r.notification_start)`
        return { inDate: sql<boolean>`${afterMonthsOf(since, rso01.sql('months'))} > ${scope.until}` }
      },
    ),
    visitsOnTime(standards),
    ...riskLevels.map((level) => visitsOnTime(standards, level)),
    rsoShare(
      {
        id: 'offenders.plans-current',
        title: 'RSOs whose risk management plan is current',
        counts:
          'Of the active RSOs at the end of the period, the share with a risk management plan agreed since their latest ARMS assessment and risk level change (as RSO-03 judges; one with neither owes no plan)',
        higherIsBetter: true,
        source: 'RSO-03; the report: "many risk management plans that were out of date"',
      },
      'whose plan is current',
      async (_q, scope) => {
        const today = londonDate(scope.until)
        const owed = sql`greatest(
          (select ${londonMidnightOf(sql`max(a.assessed_on)`)} from rso_arms a
            where a.rso_id = r.id and a.assessed_on <= ${today}::date),
          (select max(c.changed_at) from rso_risk_change c where c.rso_id = r.id and c.changed_at <= ${scope.until}))`
        const agreed = sql`(select max(p.agreed_at) from rso_plan p where p.rso_id = r.id and p.agreed_at <= ${scope.until})`
        return { inDate: sql<boolean>`${owed} is null or ${agreed} >= ${owed}` }
      },
    ),
    rsoShare(
      {
        id: 'offenders.on-current-briefing',
        title: 'RSOs on their area’s current neighbourhood briefing',
        counts:
          'Of the active RSOs at the end of the period, the share listed on the briefing in force then for the borough (or ward) where they live, as RSO-08 judges',
        higherIsBetter: true,
        source: 'RSO-08; the report: local officers "remain unaware of the majority of offenders"',
      },
      'on their area’s current briefing',
      async (_q, scope) => ({
        inDate: sql<boolean>`exists (select 1 from (select distinct on (b.borough_id, b.ward_id) b.id, b.borough_id, b.ward_id
              from rso_briefing b where b.generated_at <= ${scope.until}
              order by b.borough_id, b.ward_id, b.area_version desc) c
            join rso_briefing_entry e on e.briefing_id = c.id
            where e.rso_id = r.id and c.borough_id = r.borough_id and (c.ward_id is null or c.ward_id = r.ward_id))`,
      }),
    ),
    {
      id: 'offenders.days-to-social-care',
      title: 'Days from finding children with an RSO to telling social care',
      counts:
        'The median days from a visit that found children, or a notified stay at a household with a child, in the period, to the first PAC linked to it or referral recorded on it (by the end of the period), over those told',
      unit: 'days',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'RSO-06; the report: a 29-day delay before the children of an RSO were referred',
      async take(q, scope) {
        const { rows } = await sql<{ days: number }>`select t.days from (${toldOf(scope)}) t`.execute(q)
        const days = rows.map((r) => Number(r.days))
        return { value: median(days), over: days.length }
      },
      recordsBehind: {
        kind: rsoKind.kind,
        noun: 'times children were found and social care told',
        nounOne: 'time children were found and social care told',
        async query(_q, scope, reader) {
          return sql`select ${recordBehindColumns({
            id: 'r.id',
            ref: 'r.ref',
            summary: sql`round(t.days::numeric, 1)::text || ' days to social care being told'`,
            borough: 'r.borough_id',
            at: 't.at',
            href: `${offendersPath}/`,
            visible: rsoKind.where(reachOf(reader), 'r'),
          })} from (${toldOf(scope)}) t join rso r on r.id = t.rso_id`
        },
      },
    },
  ]
}

/**
 * Each visit that found children, or notified stay at a household with a child, in the period, whose RSO lies
 * in the area and for which social care was told by the end of the period (a PAC linked or a referral
 * recorded), with the days between: what RSO-06's median is taken over.
 */
function toldOf({ from, until, boroughIds }: MeasureScope) {
  return sql`
    select t.rso_id, t.at, extract(epoch from t.told_at - t.at)::float8 / 86400 as days
    from (
      select v.rso_id, v.visited_at as at, least(
          case when v.social_care_referral_at <= ${until} then v.social_care_referral_at end,
          (select min(p.created_at) from rso_pac l join pac p on p.id = l.pac_id
            where l.visit_id = v.id and p.created_at <= ${until})) as told_at
      from rso_visit v where v.children_present and v.visited_at >= ${from} and v.visited_at < ${until}
      union all
      select n.rso_id, n.notified_at, least(
          case when n.social_care_referral_at <= ${until} then n.social_care_referral_at end,
          (select min(p.created_at) from rso_pac l join pac p on p.id = l.pac_id
            where l.notification_id = n.id and p.created_at <= ${until}))
      from rso_notification n
      where n.kind = 'household_with_child' and n.notified_at >= ${from} and n.notified_at < ${until}
    ) t join rso r on r.id = t.rso_id
    where t.told_at is not null
      and ${inAreaSql('r.borough_id', boroughIds)}`
}

const levelIds: Record<RiskLevel, string> = {
  low: 'low',
  medium: 'medium',
  high: 'high',
  very_high: 'very-high',
}

/**
 * RSOs visited within their risk level's interval (RSO-04 as configured): all levels with routine visits
 * together, or one level, so a leader sees whether the very high risk are the ones being visited.
 */
function visitsOnTime(standards: Rules, level?: RiskLevel): Measure {
  return rsoShare(
    {
      id: level ? `offenders.visits-on-time-${levelIds[level]}` : 'offenders.visits-on-time',
      title: level
        ? `${riskLabels[level]} risk RSOs visited within their interval`
        : 'RSOs visited within their risk level’s interval',
      counts: level
        ? `Of the active ${riskLabels[level].toLowerCase()} risk RSOs at the end of the period (if RSO-04 gives the level routine visits), the share whose last home visit, or notification if never visited, is within the level’s interval`
        : 'Of the active RSOs at the end of the period whose risk level has routine visits under RSO-04 (as configured), the share whose last home visit, or notification if never visited, is within their level’s interval',
      higherIsBetter: true,
      source: 'RSO-04; the report: the force had only just started to collect data on visits',
    },
    'visited within their interval',
    async (q, scope) => {
      const rso04 = await params<VisitIntervals>(q, standards, 'RSO-04', scope.until)
      const months = sql`(case r.risk_level when 'very_high' then ${rso04.sql('veryHighMonths')}
        when 'high' then ${rso04.sql('highMonths')} when 'medium' then ${rso04.sql('mediumMonths')}
        else ${rso04.sql('lowMonths')} end)`
      const since = sql`coalesce((select max(${londonDateOf('v.visited_at')}) from rso_visit v
        where v.rso_id = r.id and v.visited_at <= ${scope.until}), r.notification_start)`
      return {
        inDate: sql<boolean>`${afterMonthsOf(since, months)} > ${scope.until}`,
        only: level ? sql<boolean>`${months} > 0 and r.risk_level = ${level}` : sql<boolean>`${months} > 0`,
      }
    },
  )
}
