import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { defineRule, type ObligationRow, type RuleContext } from '../../standards/rule.ts'
import { type Grade, gradeLabels, gradeRank } from './grading.ts'
import { repeatParams } from './repeat.ts'

export const episodeKind = 'missing-episode'
/** Area and unit rules are about a borough (MIS-10) and a missing persons unit (MIS-11). */
export const boroughKind = 'borough'
export const teamKind = 'team'

/** Names of boroughs and teams for findings about them (the organisation module knows them). */
export type AreaNames = (executor: Executor, ids: readonly string[]) => Promise<Map<string, string>>

interface EpisodeRow {
  id: string
  ref: string
  reported_at: Date
  borough_id: string
  bcu_id: string | null
  unit_team_id: string | null
}

const on = (r: EpisodeRow) => ({
  subjectId: r.id,
  subjectRef: r.ref,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  assigneeTeamId: r.unit_team_id,
  assigneeStaffId: null,
})

export function missingRules(areaNames: AreaNames) {
  const mis01 = defineRule({
    id: 'MIS-01',
    title: 'Graded absent despite two or more risk factors',
    citation:
      'APP missing persons: the continuum of risk from no apparent risk (absent) to high. Inspection report 2018, ' +
      'Initial contact: looked after children "should have been categorised as missing rather than absent because ' +
      'of the presence of more than one risk factor".',
    source: 'guidance',
    appliesTo: episodeKind,
    severity: 'high',
    timeBased: false,
    tables: ['missing_episode', 'missing_review'],
    params: {
      minFactors: { default: 2, description: 'Risk factors that rule out the lowest grade', unit: 'factors' },
    },
    async obligations(db, { asOf, params, upTo, subjectFilter }) {
      const { rows } = await sql<EpisodeRow & { factors: number; grade: Grade; regraded_at: Date | null }>`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id, e.grade,
          (select count(distinct f)::int from unnest(e.risk_factors || e.history_factors) f) as factors,
          ${upTo(sql`(select min(r.reviewed_at) from missing_review r where r.episode_id = e.id
            and r.grade not in ('absent', 'very_low'))`)} as regraded_at
        from missing_episode e
        where e.reported_at <= ${asOf} and e.grade in ('absent', 'very_low') and ${subjectFilter('e.id')}
          and (select count(distinct f) from unnest(e.risk_factors || e.history_factors) f)
            >= ${params.sql('minFactors', 'e.borough_id')}`.execute(db)
      return rows.map(
        (r): ObligationRow => ({
          ...on(r),
          startedAt: r.reported_at,
          // Owed from the start: met later is met late.
          dueAt: r.reported_at,
          metAt: r.regraded_at,
          detail: `Graded ${gradeLabels[r.grade].toLowerCase()} with ${r.factors} risk factors recorded`,
        }),
      )
    },
  })

  const repeatQuery = (
    db: Executor,
    ctx: RuleContext<{ repeatEpisodes: number; repeatDays: number }>,
    extra: RawBuilder<Date | null>,
  ) =>
    sql<
      EpisodeRow & {
        person_id: string
        grade: Grade
        review_due_at: Date | null
        n: number
        previous_grade: Grade | null
        extra_at: Date | null
      }
    >`
      select * from (
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id, e.person_id, e.grade,
          e.review_due_at,
          (select count(*)::int from missing_episode p where p.person_id = e.person_id
            and p.reported_at <= e.reported_at
            and p.reported_at > e.reported_at - interval '1 day' * ${ctx.params.sql('repeatDays', 'e.borough_id')}) as n,
          (select p.grade from missing_episode p where p.person_id = e.person_id and p.reported_at < e.reported_at
            order by p.reported_at desc limit 1) as previous_grade,
          ${extra} as extra_at,
          ${ctx.params.sql('repeatEpisodes', 'e.borough_id')} as threshold
        from missing_episode e
        where e.reported_at <= ${ctx.asOf} and ${ctx.subjectFilter('e.id')}
      ) x where n >= threshold`.execute(db)

  const mis02 = defineRule({
    id: 'MIS-02',
    title: 'Cumulative risk ignored on a repeat episode',
    citation:
      'Inspection report 2018, Initial contact: "cumulative risk is still sometimes not being considered, with some ' +
      'officers and staff considering frequent missing episodes as normal behaviour for that child."',
    source: 'report',
    appliesTo: episodeKind,
    severity: 'medium',
    timeBased: true,
    tables: ['missing_episode', 'missing_review'],
    params: repeatParams,
    async obligations(db, ctx) {
      const { rows } = await repeatQuery(
        db,
        ctx,
        ctx.upTo(sql`(select min(r.reviewed_at) from missing_review r where r.episode_id = e.id)`),
      )
      return rows.map((r): ObligationRow => {
        const raised =
          r.grade === 'high' ||
          (r.previous_grade !== null && gradeRank(r.grade) > gradeRank(r.previous_grade))
        return {
          ...on(r),
          startedAt: r.reported_at,
          dueAt: r.review_due_at ?? r.reported_at,
          metAt: raised ? r.reported_at : r.extra_at,
          detail: `Episode ${r.n} in the repeat window, graded ${gradeLabels[r.grade].toLowerCase()}: raise the grade or review it`,
        }
      })
    },
  })

  const planStart = sql`(tp.start_date::timestamp at time zone 'Europe/London')`
  const mis03 = defineRule({
    id: 'MIS-03',
    title: 'Repeat-missing child with no live trigger plan',
    citation:
      'Inspection report 2018 (2016 recommendation): where there are repeat missing or absent episodes, work with ' +
      'partner organisations to share information and implement trigger plans to forestall further episodes.',
    source: 'report',
    appliesTo: episodeKind,
    severity: 'medium',
    timeBased: false,
    tables: ['missing_episode', 'trigger_plan'],
    params: repeatParams,
    async obligations(db, ctx) {
      // Met by a plan live when the child was reported, or by the first plan started afterwards.
      const { rows } = await repeatQuery(
        db,
        ctx,
        ctx.upTo(sql`(select min(greatest(${planStart}, e.reported_at)) from trigger_plan tp
          where tp.person_id = e.person_id
            and (tp.ended_on is null or (tp.ended_on::timestamp at time zone 'Europe/London') > e.reported_at))`),
      )
      return rows.map(
        (r): ObligationRow => ({
          ...on(r),
          startedAt: r.reported_at,
          // Owed from the start: met later is met late.
          dueAt: r.reported_at,
          metAt: r.extra_at,
          detail: `Episode ${r.n} in the repeat window and no live trigger plan`,
        }),
      )
    },
  })

  const mis04 = defineRule({
    id: 'MIS-04',
    title: 'Live trigger plan not acknowledged on a new episode',
    citation:
      'Inspection report 2018, Initial contact: "information on trigger plans is not being considered when those ' +
      'children go missing again, which means that early opportunities to quickly find a child ... may be missed."',
    source: 'report',
    appliesTo: episodeKind,
    severity: 'high',
    timeBased: true,
    tables: ['missing_episode'],
    params: {
      hours: { default: 1, description: 'Hours from the report to acknowledge the plan', unit: 'hours' },
    },
    async obligations(db, { asOf, params, upTo, subjectFilter }) {
      const { rows } = await sql<EpisodeRow & { due_at: Date; acknowledged_at: Date | null }>`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id,
          e.reported_at + interval '1 hour' * ${params.sql('hours', 'e.borough_id')} as due_at,
          ${upTo('e.plan_acknowledged_at')} as acknowledged_at
        from missing_episode e
        where e.trigger_plan_id is not null and e.reported_at <= ${asOf} and ${subjectFilter('e.id')}`.execute(
        db,
      )
      return rows.map(
        (r): ObligationRow => ({
          ...on(r),
          startedAt: r.reported_at,
          dueAt: r.due_at,
          metAt: r.acknowledged_at,
          detail: 'The child has a live trigger plan: read it and record that it was acknowledged',
        }),
      )
    },
  })

  const mis05 = defineRule({
    id: 'MIS-05',
    title: 'Risk review time not set or passed without a review',
    citation: 'APP missing persons, minimum actions: set a time for the risk assessment to be reviewed.',
    source: 'guidance',
    appliesTo: episodeKind,
    severity: 'medium',
    timeBased: true,
    tables: ['missing_episode', 'missing_review'],
    params: {},
    async obligations(db, { asOf, upTo, subjectFilter }) {
      const { rows } = await sql<
        EpisodeRow & {
          review_due_at: Date | null
          returned_at: Date | null
          reviews: { at: string; next: string | null }[] | null
        }
      >`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id, e.review_due_at,
          ${upTo('e.returned_at')} as returned_at,
          (select json_agg(json_build_object('at', r.reviewed_at, 'next', r.next_review_due_at)
            order by r.reviewed_at) from missing_review r
            where r.episode_id = e.id and r.reviewed_at <= ${asOf}) as reviews
        from missing_episode e
        where e.reported_at <= ${asOf} and ${subjectFilter('e.id')}`.execute(db)
      const out: ObligationRow[] = []
      for (const r of rows) {
        const reviews = (r.reviews ?? []).map((x) => ({
          at: new Date(x.at),
          next: x.next ? new Date(x.next) : null,
        }))
        const returned = r.returned_at
        if (!r.review_due_at) {
          out.push({
            ...on(r),
            key: 'set',
            startedAt: r.reported_at,
            dueAt: r.reported_at,
            metAt: reviews[0]?.at ?? null,
            detail: 'No time set for reviewing the risk assessment',
          })
          continue
        }
        // Each review time set (at the report, then at each review) is an obligation until the next review,
        // or until the child returns.
        const points: { setAt: Date; due: Date }[] = [{ setAt: r.reported_at, due: r.review_due_at }]
        for (const review of reviews) if (review.next) points.push({ setAt: review.at, due: review.next })
        points.forEach((p, i) => {
          if (returned && returned <= p.setAt) return
          const next = reviews.find((v) => v.at > p.setAt)?.at ?? null
          const met = [next, returned].filter((d): d is Date => d !== null).sort((a, b) => +a - +b)[0] ?? null
          out.push({
            ...on(r),
            key: `review-${i}`,
            startedAt: p.setAt,
            dueAt: p.due,
            metAt: met,
            detail: 'Risk review due',
          })
        })
      }
      return out
    },
  })

  const mis06 = defineRule({
    id: 'MIS-06',
    title: 'No prevention interview after return',
    citation:
      'APP missing persons: prevention interview (safe and well check) on return. Inspection report 2018: ' +
      '"Absent children generally do not have prevention interviews when they return."',
    source: 'guidance',
    appliesTo: episodeKind,
    severity: 'medium',
    timeBased: true,
    tables: ['missing_episode'],
    params: {
      hours: { default: 72, description: 'Hours from return to the prevention interview', unit: 'hours' },
    },
    async obligations(db, { asOf, params, upTo, subjectFilter }) {
      const { rows } = await sql<EpisodeRow & { returned_at: Date; due_at: Date; met_at: Date | null }>`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id, e.returned_at,
          e.returned_at + interval '1 hour' * ${params.sql('hours', 'e.borough_id')} as due_at,
          ${upTo('e.prevention_interview_at')} as met_at
        from missing_episode e
        where e.returned_at <= ${asOf} and ${subjectFilter('e.id')}`.execute(db)
      return rows.map(
        (r): ObligationRow => ({
          ...on(r),
          startedAt: r.returned_at,
          dueAt: r.due_at,
          metAt: r.met_at,
          detail: 'Prevention interview (safe and well check) due after the child’s return',
        }),
      )
    },
  })

  const mis07 = defineRule({
    id: 'MIS-07',
    title: 'Return home interview not arranged or not held',
    citation:
      'DfE, Statutory guidance on children who run away or go missing from home or care (2014): the local ' +
      'authority offers a return home interview within 72 hours of the child’s return.',
    source: 'guidance',
    appliesTo: episodeKind,
    severity: 'medium',
    timeBased: true,
    tables: ['missing_episode'],
    params: {
      hours: { default: 72, description: 'Hours from return to the return home interview', unit: 'hours' },
    },
    async obligations(db, { asOf, params, upTo, subjectFilter }) {
      const { rows } = await sql<
        EpisodeRow & {
          returned_at: Date
          due_at: Date
          notified_at: Date | null
          interview_at: Date | null
          declined: boolean
        }
      >`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id, e.returned_at,
          e.returned_at + interval '1 hour' * ${params.sql('hours', 'e.borough_id')} as due_at,
          ${upTo('e.la_notified_at')} as notified_at,
          ${upTo('e.return_home_interview_at')} as interview_at,
          e.return_home_interview_declined as declined
        from missing_episode e
        where e.returned_at <= ${asOf} and ${subjectFilter('e.id')}`.execute(db)
      return rows.flatMap((r): ObligationRow[] => [
        {
          ...on(r),
          key: 'notified',
          startedAt: r.returned_at,
          dueAt: r.due_at,
          metAt: r.notified_at,
          detail: 'Notify the local authority so it can offer a return home interview',
        },
        {
          ...on(r),
          key: 'interview',
          startedAt: r.returned_at,
          dueAt: r.due_at,
          // A child may refuse the interview: the offer recorded as declined meets the obligation.
          metAt: r.interview_at ?? (r.declined ? r.notified_at : null),
          detail: 'Record the return home interview (or that the child declined it)',
        },
      ])
    },
  })

  const mis08 = defineRule({
    id: 'MIS-08',
    title: 'CSE indicators on a missing episode with no CSE referral or flag',
    citation:
      'Inspection report 2018 (2016 recommendation): "improving staff awareness of the links between children ' +
      'going missing from home and the risk of sexual exploitation, particularly where there are repeat episodes".',
    source: 'report',
    appliesTo: episodeKind,
    severity: 'high',
    timeBased: false,
    tables: ['missing_episode', 'person_flag', 'pac'],
    params: {},
    async obligations(db, { asOf, upTo, subjectFilter }) {
      // The person index's flags and the referrals module's PACs are read here, set-wise, because a rule
      // is one query for a whole sweep. TODO(children, referrals): a set-wise "CSE evidence by person" on
      // their services that takes an executor, so this rule stops reading their tables.
      const { rows } = await sql<EpisodeRow & { met_at: Date | null }>`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id,
          ${upTo(sql`least(
            (select min(pf.from_date::timestamp at time zone 'Europe/London') from person_flag pf
              where pf.person_id = e.person_id and pf.flag in ('cse_risk', 'cce_risk')),
            (select min(pac.created_at) from pac where pac.person_id = e.person_id
              and pac.concerns && array['cse', 'modern_slavery_trafficking_cce']::text[]))`)} as met_at
        from missing_episode e
        where e.reported_at <= ${asOf} and ${subjectFilter('e.id')}
          and 'cse_cce_indicators' = any(e.risk_factors || e.history_factors)`.execute(db)
      return rows.map(
        (r): ObligationRow => ({
          ...on(r),
          startedAt: r.reported_at,
          // Owed from the start: met later is met late.
          dueAt: r.reported_at,
          metAt: r.met_at,
          detail: 'Exploitation indicators recorded: flag the child or raise a CSE referral (PAC)',
        }),
      )
    },
  })

  const mis09 = defineRule({
    id: 'MIS-09',
    title: 'Missing episode with no Merlin report',
    citation:
      'Inspection report 2018: every missing episode is recorded on Merlin (a PAC linked to the episode).',
    source: 'report',
    appliesTo: episodeKind,
    severity: 'medium',
    timeBased: false,
    tables: ['missing_episode'],
    params: {},
    async obligations(db, { asOf, upTo, subjectFilter }) {
      const { rows } = await sql<EpisodeRow & { met_at: Date | null }>`
        select e.id, e.ref, e.reported_at, e.borough_id, e.bcu_id, e.unit_team_id,
          ${upTo('e.pac_linked_at')} as met_at
        from missing_episode e
        where e.reported_at <= ${asOf} and ${subjectFilter('e.id')}`.execute(db)
      return rows.map(
        (r): ObligationRow => ({
          ...on(r),
          startedAt: r.reported_at,
          // Owed from the start: met later is met late.
          dueAt: r.reported_at,
          metAt: r.met_at,
          detail: 'Link the Merlin report (PAC) for this episode',
        }),
      )
    },
  })

  const mis10 = defineRule({
    id: 'MIS-10',
    title: 'Borough with repeat-missing children and no live trigger plans',
    citation:
      'Inspection report 2018, Initial contact: "Four areas (Sutton, Tower Hamlets, Brent and Hackney) did not have ' +
      'any plans in place. The MPS should review why there are no plans established in those areas."',
    source: 'report',
    appliesTo: boroughKind,
    severity: 'medium',
    timeBased: true,
    tables: ['missing_episode', 'trigger_plan'],
    params: repeatParams,
    async obligations(db, { asOf, params, subjectFilter }) {
      const days = params.sql('repeatDays', 'e.borough_id')
      const { rows } = await sql<{
        borough_id: string
        bcu_id: string | null
        children: number
        started_at: Date
      }>`
        select e.borough_id, (array_agg(e.bcu_id order by e.reported_at desc))[1] as bcu_id,
          count(distinct e.person_id)::int as children, min(e.reported_at) as started_at
        from missing_episode e
        where e.reported_at <= ${asOf} and e.reported_at > ${asOf}::timestamptz - interval '1 day' * ${days}
          and ${subjectFilter('e.borough_id')}
          and (select count(*) from missing_episode p where p.person_id = e.person_id
            and p.borough_id = e.borough_id and p.reported_at <= ${asOf}
            and p.reported_at > ${asOf}::timestamptz - interval '1 day' * ${days})
            >= ${params.sql('repeatEpisodes', 'e.borough_id')}
          and not exists (select 1 from trigger_plan tp where tp.borough_id = e.borough_id
            and ${planStart} <= ${asOf}
            and (tp.ended_on is null or (tp.ended_on::timestamp at time zone 'Europe/London') > ${asOf}))
        group by e.borough_id`.execute(db)
      const names = await areaNames(
        db,
        rows.map((r) => r.borough_id),
      )
      return rows.map(
        (r): ObligationRow => ({
          subjectKind: boroughKind,
          subjectId: r.borough_id,
          subjectRef: names.get(r.borough_id) ?? null,
          startedAt: r.started_at,
          dueAt: null,
          metAt: null,
          detail: `${names.get(r.borough_id) ?? 'This borough'}: ${r.children} repeat-missing ${r.children === 1 ? 'child' : 'children'} and no live trigger plan`,
          boroughId: r.borough_id,
          bcuId: r.bcu_id,
          assigneeTeamId: null,
          assigneeStaffId: null,
        }),
      )
    },
  })

  const mis11 = defineRule({
    id: 'MIS-11',
    title: 'Missing persons unit: too many open episodes per member of staff on duty',
    citation:
      'Inspection report 2018: "in one missing persons unit we visited, there were 77 missing people that day and ' +
      '57 of them were children. Three staff were on duty. They said they could not manage the workload."',
    source: 'local',
    appliesTo: teamKind,
    severity: 'medium',
    timeBased: true,
    tables: ['missing_episode', 'missing_unit_duty'],
    params: {
      maxPerStaff: {
        default: 10,
        description: 'Open episodes per member of staff on duty',
        unit: 'episodes',
      },
    },
    async obligations(db, { asOf, params, subjectFilter }) {
      const { rows } = await sql<{ team_id: string; on_duty_from: Date; staff: number; open: number }>`
        select d.team_id, d.on_duty_from, d.staff_on_duty as staff,
          (select count(*)::int from missing_episode e where e.unit_team_id = d.team_id
            and e.reported_at <= ${asOf} and (e.returned_at is null or e.returned_at > ${asOf})) as open
        from (select distinct on (team_id) team_id, on_duty_from, staff_on_duty from missing_unit_duty
          where on_duty_from <= ${asOf} and ${subjectFilter('team_id')}
          order by team_id, on_duty_from desc) d`.execute(db)
      const limit = params.forceWide.maxPerStaff
      const over = rows.filter((r) => r.open > 0 && (r.staff === 0 || r.open / r.staff > limit))
      const names = await areaNames(
        db,
        over.map((r) => r.team_id),
      )
      return over.map(
        (r): ObligationRow => ({
          subjectKind: teamKind,
          subjectId: r.team_id,
          subjectRef: names.get(r.team_id) ?? null,
          startedAt: r.on_duty_from,
          dueAt: null,
          metAt: null,
          detail: `${r.open} open missing episodes and ${r.staff} staff on duty (more than ${limit} each)`,
          boroughId: null,
          bcuId: null,
          assigneeTeamId: r.team_id,
          assigneeStaffId: null,
        }),
      )
    },
  })

  return [mis01, mis02, mis03, mis04, mis05, mis06, mis07, mis08, mis09, mis10, mis11]
}
