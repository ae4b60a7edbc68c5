import { type RawBuilder, sql } from 'kysely'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Executor } from '../../platform/db/database.ts'
import {
  inAreaSql,
  type Measure,
  type MeasureScope,
  type RecordsBehind,
  recordBehindColumns,
  shareOf,
} from '../../platform/measures.ts'
import { deviceCountsByCase } from '../triage/service/devices.ts'
import { onlineCaseKind, onlineReach } from './access.ts'
import { type Stage, stageLabels } from './online-case.ts'
import { onlinePath } from './pages/shared.ts'
import { codesOf, outcomesByTeamKind, outcomesIn } from './service/outcomes.ts'

/*
 * The online module's measures for the dashboard. What stands in the queue is read as at the end of the period
 * (`until`), each case in the stage of its latest change by then; allocations and outcomes are those recorded
 * in the period. A case's area is the BCU of its borough, once known.
 */

const inArea = (scope: MeasureScope) => sql`${inAreaSql('c.borough_id', scope.boroughIds ?? null)}`

/** A count taken over itself: none is no value, as the dashboard reads every measure with nothing to take. */
const countOf = (n: number) => ({ value: n || null, over: n })

/**
 * The cases open at `until` (in `stage`, if given), each with the stage of its latest change by then and the
 * days it had been in it: what the queue measures count and the dashboard lists behind them (alias `o`).
 */
const openCases = (scope: MeasureScope, stage?: Stage) => sql`
  select c.id, c.ref, c.borough_id, c.allocated_staff_id, c.allocated_team_id, s.stage, s.at,
    extract(epoch from (${scope.until}::timestamptz - s.at)) / 86400 as days
  from online_case c
  cross join lateral (select st.stage, st.at from online_case_stage st where st.case_id = c.id
    and st.at <= ${scope.until} order by st.seq desc limit 1) s
  where ${inArea(scope)} and s.stage <> 'closed' and ${stage ? sql`s.stage = ${stage}` : sql`true`}`

/** A case as the dashboard lists it behind a figure (alias `c` for its place), as the queue's need to know reaches. */
const caseRow = async (
  q: Executor,
  reader: Principal,
  row: { summary: RawBuilder<unknown>; at: string; counted?: RawBuilder<boolean> },
) =>
  recordBehindColumns({
    id: 'c.id',
    ref: 'c.ref',
    summary: row.summary,
    borough: 'c.borough_id',
    at: row.at,
    href: `${onlinePath}/cases/`,
    counted: row.counted,
    visible: onlineCaseKind.where(await onlineReach(q, reader), 'c'),
  })

/** The open cases behind a queue figure. */
const openBehind = (stage?: Stage): RecordsBehind => ({
  kind: onlineCaseKind.kind,
  noun: stage ? `cases ${stageLabels[stage].toLowerCase()}` : 'open online cases',
  nounOne: stage ? `case ${stageLabels[stage].toLowerCase()}` : 'open online case',
  async query(q, scope, reader) {
    return sql`select ${await caseRow(q, reader, {
      summary: sql`floor(c.days)::int::text || ' days in its stage'`,
      at: 'c.at',
    })} from (${openCases(scope, stage)}) c`
  },
})

/** Each open case's stage at `until` and the days it had been in it. */
async function openAt(q: Executor, scope: MeasureScope, stage?: Stage) {
  const { rows } = await sql<{ n: number; median: number | null; p90: number | null }>`
    with open as (${openCases(scope, stage)})
    -- percentile_cont(0.5) is the median as the time kernel takes it (the mean of the middle two).
    select count(*)::int as n, percentile_cont(0.5) within group (order by days) as median,
      percentile_cont(0.9) within group (order by days) as p90
    from open`.execute(q)
  const row = rows[0]
  return { n: Number(row?.n ?? 0), median: row?.median ?? null, p90: row?.p90 ?? null }
}

const ageStages: readonly Stage[] = [
  'awaiting_research',
  'awaiting_communications_data',
  'ready_for_allocation',
  'address_confirmed',
  'allocated',
]

/** Allocations recorded in the period, with the KIRAT level at the time and the team kind, one row each. */
const allocationsIn = (scope: MeasureScope) => sql`
    select c.id, c.ref, c.borough_id, c.allocated_staff_id, c.allocated_team_id, a.at,
      coalesce((select k.level in ('very_high', 'high') from online_kirat k where k.case_id = c.id
        and k.assessed_at <= a.at order by k.assessed_at desc limit 1), false) as high, a.team_kind
    from online_case c join online_case_stage a on a.case_id = c.id and a.stage = 'allocated'
    where ${inArea(scope)} and a.at >= ${scope.from} and a.at < ${scope.until}`

async function allocations(q: Executor, scope: MeasureScope) {
  const { rows } = await sql<{ high: boolean; team_kind: string }>`
    select x.high, x.team_kind from (${allocationsIn(scope)}) x`.execute(q)
  return rows
}

/** The allocations behind an allocation share (those `only` keeps), each case marked when it is `counted`. */
const allocationsBehind = (
  countedAs: string,
  counted: RawBuilder<boolean>,
  only: RawBuilder<boolean> = sql`true`,
): RecordsBehind => ({
  kind: onlineCaseKind.kind,
  noun: 'allocations of online cases',
  nounOne: 'allocation of an online case',
  countedAs,
  async query(q, scope, reader) {
    return sql`select ${await caseRow(q, reader, {
      summary: sql`'Allocated to a ' || coalesce(c.team_kind, 'unknown') || ' team' ||
        case when c.high then ', KIRAT very high or high' else '' end`,
      at: 'c.at',
      counted,
    })} from (${allocationsIn(scope)}) c where ${only}`
  },
})

/**
 * Each child identified in the period with a safeguarding step of `kinds` (a PAC, a social care referral) for
 * them or the household since, with the seconds to the first, and their case's place (one row a child).
 */
const childrenReferred = (scope: MeasureScope, kinds: readonly ('pac' | 'social_care_referral')[]) => sql`
  select c.id, c.ref, c.borough_id, c.allocated_staff_id, c.allocated_team_id, ch.identified_at,
    extract(epoch from (min(g.at) - ch.identified_at)) as seconds
  from online_case c join online_case_child ch on ch.case_id = c.id
  join online_case_safeguarding g on g.case_id = c.id and g.kind = any(${[...kinds]}::text[])
    and g.at >= ch.identified_at and (g.child_person_id is null or g.child_person_id = ch.person_id)
  where ${inArea(scope)} and ch.identified_at >= ${scope.from} and ch.identified_at < ${scope.until}
  group by ch.id, ch.identified_at, c.id`

/** The children behind a figure of time to a PAC (or referral), each with the time it took. */
const childrenBehind = (
  kinds: readonly ('pac' | 'social_care_referral')[],
  unit: 'hours' | 'days',
): RecordsBehind => ({
  kind: onlineCaseKind.kind,
  noun: kinds.length > 1 ? 'children identified and referred' : 'children identified with a PAC',
  nounOne: kinds.length > 1 ? 'child identified and referred' : 'child identified with a PAC',
  async query(q, scope, reader) {
    const per = unit === 'hours' ? 3600 : 86400
    return sql`select ${await caseRow(q, reader, {
      summary: sql`round((c.seconds / ${per})::numeric, 1)::text || ${` ${unit} to ${kinds.length > 1 ? 'a PAC or referral' : 'a PAC'}`}::text`,
      at: 'c.identified_at',
    })} from (${childrenReferred(scope, kinds)}) c`
  },
})

/** The cases whose devices were seized in the period, once each. */
const seizedIn = (scope: MeasureScope) => sql`
  select c.id, c.ref, c.borough_id, c.allocated_staff_id, c.allocated_team_id,
    min(s.at) as at
  from online_case c join online_case_stage s on s.case_id = c.id
    and s.stage = 'devices_seized' and s.at >= ${scope.from} and s.at < ${scope.until}
  where ${inArea(scope)}
  group by c.id`

/** The cases whose devices were seized in the period, with their devices from device triage (by case reference). */
async function devicesOfCases(q: Executor, scope: MeasureScope) {
  const { rows } = await sql<{ ref: string }>`select c.ref from (${seizedIn(scope)}) c`.execute(q)
  const counts = await deviceCountsByCase(
    q,
    rows.map((r) => r.ref),
  )
  const devices = [...counts.values()]
  return {
    cases: rows.length,
    seized: devices.reduce((n, d) => n + d.seized, 0),
    triaged: devices.reduce((n, d) => n + d.triaged, 0),
  }
}

/**
 * Each child identified in the period (in the area) who has a PAC: the days from being identified to the first
 * PAC recorded for them or for the whole household. A child with none is not counted here (ONL-03 raises it).
 */
async function childToPac(q: Executor, scope: MeasureScope) {
  const { rows } = await sql<{ n: number; median: number | null; p90: number | null }>`
    select count(*)::int as n, percentile_cont(0.5) within group (order by days) as median,
      percentile_cont(0.9) within group (order by days) as p90 from (
      select x.seconds / 86400 as days from (${childrenReferred(scope, ['pac'])}) x) d`.execute(q)
  const row = rows[0]
  return { n: Number(row?.n ?? 0), median: row?.median ?? null, p90: row?.p90 ?? null }
}

export const onlineMeasures: readonly Measure[] = [
  {
    id: 'online.devices-per-case',
    title: 'Devices seized per online case',
    counts:
      'The mean number of devices recorded with device triage for each case whose devices were seized in the period',
    unit: 'count',
    higherIsBetter: false,
    dimensions: ['area'],
    source: 'Inspection report 2018: ten devices seized per warrant, two submitted',
    async take(q, scope) {
      const { cases, seized } = await devicesOfCases(q, scope)
      return { value: cases ? seized / cases : null, over: cases }
    },
    recordsBehind: {
      kind: onlineCaseKind.kind,
      noun: 'cases whose devices were seized',
      nounOne: 'case whose devices were seized',
      async query(q, scope, reader) {
        return sql`select ${await caseRow(q, reader, { summary: sql`'Devices seized'`, at: 'c.at' })}
          from (${seizedIn(scope)}) c`
      },
    },
  },
  {
    id: 'online.devices-triaged',
    title: 'Devices seized in online cases that were triaged',
    counts:
      'Of the devices of the cases whose devices were seized in the period, the share with a triage result',
    unit: 'share',
    higherIsBetter: true,
    dimensions: ['area'],
    source: 'ONL-05; 2018 recommendation on triage for non-specialists',
    async take(q, scope) {
      const { seized, triaged } = await devicesOfCases(q, scope)
      return shareOf(triaged, seized)
    },
  },
  {
    id: 'online.open-cases',
    title: 'Open online cases',
    counts: 'Online cases open at the end of the period, in any stage but closed',
    unit: 'count',
    higherIsBetter: false,
    dimensions: ['area'],
    source: 'Inspection report 2018: more than 800 CEOP referrals in hand',
    async take(q, scope) {
      const { n } = await openAt(q, scope)
      return countOf(n)
    },
    recordsBehind: openBehind(),
  },
  ...ageStages.flatMap((stage): Measure[] => [
    {
      id: `online.${stage.replace(/_/g, '-')}-count`,
      title: `Cases ${stageLabels[stage].toLowerCase()}`,
      counts: `Open cases whose latest stage change at the end of the period was to ${stageLabels[stage].toLowerCase()}`,
      unit: 'count',
      higherIsBetter: false,
      dimensions: ['area'],
      source:
        'Inspection report 2018: Operation Bellona, 20 ready for allocation, 41 awaiting research, 42 awaiting data',
      async take(q, scope) {
        const { n } = await openAt(q, scope, stage)
        return countOf(n)
      },
      recordsBehind: openBehind(stage),
    },
    {
      id: `online.${stage.replace(/_/g, '-')}-median-days`,
      title: `Median days ${stageLabels[stage].toLowerCase()}`,
      counts: `The median days the open cases ${stageLabels[stage].toLowerCase()} at the end of the period had been in that stage`,
      unit: 'days',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'ONL-02; the IP address traced in August and not researched until May',
      async take(q, scope) {
        const { n, median } = await openAt(q, scope, stage)
        return { value: median, over: n }
      },
      recordsBehind: openBehind(stage),
    },
    {
      id: `online.${stage.replace(/_/g, '-')}-p90-days`,
      title: `90th percentile days ${stageLabels[stage].toLowerCase()}`,
      counts: `The 90th percentile of the days the open cases ${stageLabels[stage].toLowerCase()} had been in that stage`,
      unit: 'days',
      higherIsBetter: false,
      dimensions: ['area'],
      source: 'ONL-02: the long tail of delays',
      async take(q, scope) {
        const { n, p90 } = await openAt(q, scope, stage)
        return { value: p90, over: n }
      },
      recordsBehind: openBehind(stage),
    },
  ]),
  {
    id: 'online.high-risk-to-specialists',
    title: 'Very high and high KIRAT cases allocated to the specialists',
    counts:
      'Of the allocations in the period of cases then assessed very high or high, the share to the specialist online team',
    unit: 'share',
    higherIsBetter: true,
    dimensions: ['area'],
    source: 'ONL-01; force policy',
    async take(q, scope) {
      const high = (await allocations(q, scope)).filter((a) => a.high)
      return shareOf(high.filter((a) => a.team_kind === 'specialist').length, high.length)
    },
    recordsBehind: allocationsBehind(
      'to the specialists',
      sql<boolean>`c.team_kind = 'specialist'`,
      sql`c.high`,
    ),
  },
  {
    id: 'online.allocated-to-frontline',
    title: 'Online cases allocated to frontline officers',
    counts: 'Of the allocations in the period, the share to frontline (non-specialist) teams',
    unit: 'share',
    higherIsBetter: false,
    dimensions: ['area'],
    source: 'Inspection report 2018: 77% of NCA referrals allocated to frontline officers',
    async take(q, scope) {
      const all = await allocations(q, scope)
      return shareOf(all.filter((a) => a.team_kind === 'frontline').length, all.length)
    },
    recordsBehind: allocationsBehind('to frontline teams', sql<boolean>`c.team_kind = 'frontline'`),
  },
  ...(['frontline', 'specialist'] as const).map(
    (kind): Measure => ({
      id: `online.positive-outcomes-${kind}`,
      title: `Positive outcomes, ${kind === 'frontline' ? 'frontline' : 'specialist'} investigations`,
      counts: `Of the outcomes recorded in the period for cases investigated by ${kind === 'frontline' ? 'frontline teams' : 'the specialist online team'}, the share positive (charge, caution...)`,
      unit: 'share',
      higherIsBetter: true,
      dimensions: ['area'],
      source: 'Inspection report 2018: 11% positive outcomes frontline, 59% specialists',
      async take(q, scope) {
        const row = (await outcomesByTeamKind(q, scope)).find((r) => r.teamKind === kind)
        return shareOf(row?.counts.positive ?? 0, row?.total ?? 0)
      },
      recordsBehind: {
        kind: onlineCaseKind.kind,
        noun: `outcomes of ${kind} investigations`,
        nounOne: `outcome of a ${kind} investigation`,
        countedAs: 'positive',
        async query(q, scope, reader) {
          return sql`select ${await caseRow(q, reader, {
            summary: sql`'Outcome ' || c.outcome_code`,
            at: 'c.at',
            counted: sql<boolean>`c.outcome_code = any(${codesOf('positive')}::text[])`,
          })} from (${outcomesIn(scope)}) c
            where c.team_kind = ${kind} and c.outcome_code = any(${codesOf()}::text[])`
        },
      },
    }),
  ),
  {
    id: 'online.child-to-referral-hours',
    title: 'Hours from a child identified to a PAC or social care referral',
    counts:
      'The median hours from each child identified in the period to the first PAC or social care referral for them or the household',
    unit: 'hours',
    higherIsBetter: false,
    dimensions: ['area'],
    source: 'ONL-03',
    async take(q, scope) {
      const { rows } = await sql<{ n: number; median: number | null }>`
        select count(*)::int as n, percentile_cont(0.5) within group (order by seconds / 3600) as median
        from (${childrenReferred(scope, ['pac', 'social_care_referral'])}) x`.execute(q)
      return { value: rows[0]?.median ?? null, over: Number(rows[0]?.n ?? 0) }
    },
    recordsBehind: childrenBehind(['pac', 'social_care_referral'], 'hours'),
  },
  {
    id: 'online.child-to-pac-median-days',
    title: 'Median days from a child identified to a PAC',
    counts:
      'The median days from each child identified in a suspect’s household in the period to the first PAC for them or the household (children with no PAC are not counted)',
    unit: 'days',
    higherIsBetter: false,
    dimensions: ['area'],
    source: 'ONL-03; Inspection report 2018: a mother of four, closed after three weeks with no referral',
    async take(q, scope) {
      const { n, median } = await childToPac(q, scope)
      return { value: median, over: n }
    },
    recordsBehind: childrenBehind(['pac'], 'days'),
  },
  {
    id: 'online.child-to-pac-p90-days',
    title: '90th percentile days from a child identified to a PAC',
    counts:
      'The 90th percentile of the days from each child identified in a suspect’s household in the period to the first PAC for them or the household (children with no PAC are not counted)',
    unit: 'days',
    higherIsBetter: false,
    dimensions: ['area'],
    source: 'ONL-03: the tail of children left unreferred',
    async take(q, scope) {
      const { n, p90 } = await childToPac(q, scope)
      return { value: p90, over: n }
    },
    recordsBehind: childrenBehind(['pac'], 'days'),
  },
]
