import { type RawBuilder, sql } from 'kysely'
import type { Executor } from '../../platform/db/database.ts'
import { londonDate } from '../../platform/time.ts'
import {
  defineRule,
  dependency,
  type ObligationQueryRow,
  type ObligationRow,
  type RuleContext,
} from '../../standards/rule.ts'
import { londonMidnightOf } from '../../standards/sql-time.ts'
import { allGrades, gradeLabels, lowestBand } from './grading.ts'
import { repeatParams } from './repeat.ts'

export const episodeKind = 'missing-episode'
/** Area and unit rules are about a borough (MIS-10) and a missing persons unit (MIS-11). */
export const boroughKind = 'borough'
export const teamKind = 'team'

/** Names of boroughs and teams for findings about them (the organisation module knows them). */
export type AreaNames = (executor: Executor, ids: readonly string[]) => Promise<Map<string, string>>

/** The columns every episode rule answers with from its episode `e`: whose it is and where. */
const episodeColumns = sql`e.id as subject_id, e.ref as subject_ref, e.borough_id, e.bcu_id,
  e.unit_team_id as assignee_team_id, null as assignee_staff_id`

/** A grade as a finding words it ("graded low risk"), so details read exactly as they always have. */
function gradeWords(grade: RawBuilder<unknown>) {
  const whens = allGrades.map((g) => sql`when ${g} then cast(${gradeLabels[g].toLowerCase()} as text)`)
  return sql<string>`(case ${grade} ${sql.join(whens, sql` `)} end)`
}

/** A grade's place on the APP continuum (gradeRank): higher is more risk. */
const gradeRankSql = (grade: RawBuilder<unknown>) =>
  sql<number>`array_position(cast(${[...allGrades]} as text[]), ${grade})`

/** A plan's first and last days as instants: plans are dated in London. */
const planStart = londonMidnightOf('tp.start_date')
const planEnd = londonMidnightOf('tp.ended_on')

/**
 * `and <column> in (the children of the evaluated episodes)` when evaluating some episodes, so their
 * children's other records are read by index; nothing for a sweep, which reads them all anyway.
 */
function ofEvaluatedChildren(ctx: Pick<RuleContext<unknown>, 'subjects' | 'subjectFilter'>, column: string) {
  if (!ctx.subjects) return sql``
  return sql`and ${sql.ref(column)} in (select s.person_id from missing_episode s where ${ctx.subjectFilter('s.id')})`
}

type RepeatContext = RuleContext<{ repeatEpisodes: number; repeatDays: number }>

/**
 * For each evaluated episode (MIS-02, MIS-03): `n`, the child's episodes in the repeat window ending at it
 * (this one included), and the grade of the child's episode before it (strictly earlier: instants count
 * microseconds). One sort of the children's episodes answers both. A window frame's length cannot vary by
 * row, so the frame is the force-wide window; an episode in a borough with its own window is counted by
 * index instead, and the frame asks no negative length of PostgreSQL when the window is empty.
 */
function repeatCounts(ctx: RepeatContext) {
  const forceDays = ctx.params.sql('repeatDays')
  const ownDays = ctx.params.sql('repeatDays', 'e.borough_id')
  const forceWindow = sql`(interval '1 day' * ${forceDays})`
  return sql`(
    select e.id,
      case when ${ownDays} = ${forceDays} then
          case when ${forceWindow} > interval '0' then count(*) over (partition by e.person_id
            order by e.reported_at range between greatest(${forceWindow} - interval '1 microsecond',
              interval '0') preceding and current row) else 0 end
        else (select count(*) from missing_episode p where p.person_id = e.person_id
          and p.reported_at <= e.reported_at and p.reported_at > e.reported_at - interval '1 day' * ${ownDays})
        end as n,
      last_value(e.grade) over (partition by e.person_id order by e.reported_at
        range between unbounded preceding and interval '1 microsecond' preceding) as previous_grade
    from missing_episode e
    where e.reported_at <= ${ctx.asOf} ${ofEvaluatedChildren(ctx, 'e.person_id')})`
}

/** The repeat episodes among those counted: `c` from repeatCounts beside its episode `e`. */
const isRepeat = (ctx: RepeatContext) => sql`c.n >= ${ctx.params.sql('repeatEpisodes', 'e.borough_id')}`

/** SQL not yet run, written by the module that owns the table, for a rule that answers with one query. */
type PersonSince = RawBuilder<{ person_id: string; at: Date }>

/** What the missing rules read of other modules: they own those tables, so they write the SQL. */
export interface MissingRuleSources {
  areaNames: AreaNames
  /** Children module: when each person was first flagged with any of the flags, (person_id, at). */
  flaggedSince(flags: readonly ('cse_risk' | 'cce_risk')[], people?: RawBuilder<unknown>): PersonSince
  /** Referrals module: when each person's first PAC raising any of the concerns was created. */
  referredSince(
    concerns: readonly ('cse' | 'modern_slavery_trafficking_cce')[],
    people?: RawBuilder<unknown>,
  ): PersonSince
}

export function missingRules({ areaNames, flaggedSince, referredSince }: MissingRuleSources) {
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
    async obligations(_db, { asOf, params, upTo, subjectFilter }) {
      const lowest = sql`cast(${[...lowestBand]} as text[])`
      // Owed from the start: met later (by a review grading the child above the lowest band) is met late.
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.reported_at as started_at, e.reported_at as due_at,
          ${upTo(sql`min(r.reviewed_at)`)} as met_at,
          'Graded ' || ${gradeWords(sql`e.grade`)} || ' with ' || f.factors || ' risk factors recorded' as detail
        from missing_episode e
        cross join lateral (select count(distinct x) as factors
          from unnest(e.risk_factors || e.history_factors) as x) as f
        left join missing_review r on r.episode_id = e.id and not (r.grade = any(${lowest}))
        where ${subjectFilter('e.id')} and e.reported_at <= ${asOf} and e.grade = any(${lowest})
          and f.factors >= ${params.sql('minFactors', 'e.borough_id')}
        group by e.id, f.factors`
    },
  })

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
    // Owed from the episode's report and met by a review or a grade, all recorded (its repeat window looks back
    // from the report): only its review's due time moves it by the clock.
    steadyByDueTimes: true,
    tables: ['missing_episode', 'missing_review'],
    params: repeatParams,
    async obligations(_db, ctx) {
      // Raising the grade (or grading high) meets it at once; otherwise the first review does.
      const raised = sql`(e.grade = 'high' or (c.previous_grade is not null
        and ${gradeRankSql(sql`e.grade`)} > ${gradeRankSql(sql`c.previous_grade`)}))`
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.reported_at as started_at,
          coalesce(e.review_due_at, e.reported_at) as due_at,
          case when ${raised} then e.reported_at else ${ctx.upTo(sql`min(r.reviewed_at)`)} end as met_at,
          'Episode ' || c.n || ' in the repeat window, graded ' || ${gradeWords(sql`e.grade`)}
            || ': raise the grade or review it' as detail
        from ${repeatCounts(ctx)} as c
        join missing_episode e on e.id = c.id
        left join missing_review r on r.episode_id = e.id
        where ${ctx.subjectFilter('c.id')} and ${isRepeat(ctx)}
        group by e.id, c.n, c.previous_grade`
    },
  })

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
    // An episode or a plan recorded (an import names neither borough's rules) judges its borough again.
    dependsOn: {
      missing_episode: dependency('missing_episode', 'borough_id'),
      trigger_plan: dependency('trigger_plan', 'borough_id'),
    },
    params: repeatParams,
    async obligations(_db, ctx) {
      // Met by a plan live when the child was reported, or by the first plan started afterwards; owed from
      // the start, so a plan started later meets it late.
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.reported_at as started_at, e.reported_at as due_at,
          ${ctx.upTo(sql`min(greatest(${planStart}, e.reported_at)) filter (where tp.id is not null)`)}
            as met_at,
          'Episode ' || c.n || ' in the repeat window and no live trigger plan' as detail
        from ${repeatCounts(ctx)} as c
        join missing_episode e on e.id = c.id
        left join trigger_plan tp on tp.person_id = e.person_id
          and (tp.ended_on is null or ${planEnd} > e.reported_at)
        where ${ctx.subjectFilter('c.id')} and ${isRepeat(ctx)}
        group by e.id, c.n`
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
    // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
    steadyByDueTimes: true,
    tables: ['missing_episode'],
    params: {
      hours: { default: 1, description: 'Hours from the report to acknowledge the plan', unit: 'hours' },
    },
    async obligations(_db, { asOf, params, upTo, subjectFilter }) {
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.reported_at as started_at,
          e.reported_at + interval '1 hour' * ${params.sql('hours', 'e.borough_id')} as due_at,
          ${upTo('e.plan_acknowledged_at')} as met_at,
          'The child has a live trigger plan: read it and record that it was acknowledged' as detail
        from missing_episode e
        where ${subjectFilter('e.id')} and e.trigger_plan_id is not null and e.reported_at <= ${asOf}`
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
    // Owed from the report and from each review, with the review times they set; met by a review or the
    // return, none accepted dated ahead: only its due times move it by the clock.
    steadyByDueTimes: true,
    tables: ['missing_episode', 'missing_review'],
    params: {},
    async obligations(_db, { asOf, upTo, subjectFilter }) {
      const episodes = sql`${subjectFilter('e.id')} and e.reported_at <= ${asOf}`
      const returned = upTo('e.returned_at')
      const area = sql`e.borough_id, e.bcu_id, e.unit_team_id as assignee_team_id, null as assignee_staff_id`
      // Each review time set (at the report, then at each review that sets the next) is an obligation until
      // the next review, or until the child returns; a review time never set is owed from the report and met
      // by the first review. A review that sets the next keeps its number even when the child returned
      // before it; reviews recorded at the same instant take their numbers in id order.
      return sql<ObligationQueryRow>`
        select e.id as subject_id,
          case when e.review_due_at is null then 'set' else 'review-0' end as obligation_key,
          e.ref as subject_ref, e.reported_at as started_at,
          coalesce(e.review_due_at, e.reported_at) as due_at,
          case when e.review_due_at is null then min(r.reviewed_at)
            else least(min(r.reviewed_at) filter (where r.reviewed_at > e.reported_at), ${returned}) end
            as met_at,
          case when e.review_due_at is null then 'No time set for reviewing the risk assessment'
            else 'Risk review due' end as detail,
          ${area}
        from missing_episode e
        left join missing_review r on r.episode_id = e.id and r.reviewed_at <= ${asOf}
        where ${episodes} and (e.review_due_at is null or not coalesce(${returned} <= e.reported_at, false))
        group by e.id
        union all
        select subject_id, obligation_key, subject_ref, started_at, due_at, met_at, detail, borough_id, bcu_id,
          assignee_team_id, assignee_staff_id
        from (
          select e.id as subject_id,
            'review-' || row_number() over (partition by e.id order by v.reviewed_at, v.id) as obligation_key,
            e.ref as subject_ref, v.reviewed_at as started_at, v.next_review_due_at as due_at,
            least(min(r.reviewed_at), ${returned}) as met_at, 'Risk review due' as detail, ${area},
            ${returned} as returned_at
          from missing_episode e
          join missing_review v on v.episode_id = e.id
          left join missing_review r on r.episode_id = e.id and r.reviewed_at <= ${asOf}
            and r.reviewed_at > v.reviewed_at
          where ${episodes} and e.review_due_at is not null and v.next_review_due_at is not null
            and v.reviewed_at <= ${asOf}
          group by e.id, v.id
        ) as later
        where not coalesce(returned_at <= started_at, false)`
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
    // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
    steadyByDueTimes: true,
    tables: ['missing_episode'],
    params: {
      hours: { default: 72, description: 'Hours from return to the prevention interview', unit: 'hours' },
    },
    async obligations(_db, { asOf, params, upTo, subjectFilter }) {
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.returned_at as started_at,
          e.returned_at + interval '1 hour' * ${params.sql('hours', 'e.borough_id')} as due_at,
          ${upTo('e.prevention_interview_at')} as met_at,
          'Prevention interview (safe and well check) due after the child’s return' as detail
        from missing_episode e
        where ${subjectFilter('e.id')} and e.returned_at <= ${asOf}`
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
    // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
    steadyByDueTimes: true,
    tables: ['missing_episode'],
    params: {
      hours: { default: 72, description: 'Hours from return to the return home interview', unit: 'hours' },
    },
    async obligations(_db, { asOf, params, upTo, subjectFilter }) {
      const notified = upTo('e.la_notified_at')
      // A child may refuse the interview: the offer recorded as declined meets the obligation.
      const interviewed = sql`coalesce(${upTo('e.return_home_interview_at')},
        case when e.return_home_interview_declined then ${notified} end)`
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, o.obligation_key, e.returned_at as started_at,
          e.returned_at + interval '1 hour' * ${params.sql('hours', 'e.borough_id')} as due_at,
          case o.obligation_key when 'notified' then ${notified} else ${interviewed} end as met_at,
          o.detail
        from missing_episode e
        cross join (values
          ('notified', 'Notify the local authority so it can offer a return home interview'),
          ('interview', 'Record the return home interview (or that the child declined it)')
        ) as o(obligation_key, detail)
        where ${subjectFilter('e.id')} and e.returned_at <= ${asOf}`
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
    async obligations(_db, ctx) {
      // The children module's flags and the referrals module's PACs, as SQL those modules write; after a
      // write only the evaluated episodes' children are looked at.
      const people = ctx.subjects
        ? sql`(select s.person_id from missing_episode s where ${ctx.subjectFilter('s.id')})`
        : undefined
      // Owed from the start: a flag or referral later meets it late.
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.reported_at as started_at, e.reported_at as due_at,
          ${ctx.upTo(sql`least(flagged.at, referred.at)`)} as met_at,
          'Exploitation indicators recorded: flag the child or raise a CSE referral (PAC)' as detail
        from missing_episode e
        left join ${flaggedSince(['cse_risk', 'cce_risk'], people)} as flagged on flagged.person_id = e.person_id
        left join ${referredSince(['cse', 'modern_slavery_trafficking_cce'], people)} as referred
          on referred.person_id = e.person_id
        where ${ctx.subjectFilter('e.id')} and e.reported_at <= ${ctx.asOf}
          and 'cse_cce_indicators' = any(e.risk_factors || e.history_factors)`
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
    async obligations(_db, { asOf, upTo, subjectFilter }) {
      // Owed from the start: met later is met late.
      return sql<ObligationQueryRow>`
        select ${episodeColumns}, '' as obligation_key, e.reported_at as started_at, e.reported_at as due_at,
          ${upTo('e.pac_linked_at')} as met_at, 'Link the Merlin report (PAC) for this episode' as detail
        from missing_episode e
        where ${subjectFilter('e.id')} and e.reported_at <= ${asOf}`
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
    // An episode or a plan recorded (an import names neither borough's rules) judges its borough again.
    dependsOn: {
      missing_episode: dependency('missing_episode', 'borough_id'),
      trigger_plan: dependency('trigger_plan', 'borough_id'),
    },
    params: repeatParams,
    // Episodes and plans recorded judge their borough (dependsOn), and episodes are refused dated ahead. The
    // clock alone moves it when an episode leaves the borough's rolling window and when a plan's first or
    // last day begins (plans may be dated ahead): those are its clock instants, and it has no due times.
    steadyByDueTimes: true,
    clockInstants: ({ from, to, params }) => {
      // The window's length is a constant per borough, so each borough's episodes are read by index.
      const days = params.sql('repeatDays', 'b.id')
      const planDays = sql`between ${londonDate(from)}::date and ${londonDate(to)}::date`
      const passes = (instant: RawBuilder<Date>) => sql`${instant} > ${from} and ${instant} <= ${to}`
      return sql<{ subject_id: string }>`
        select cast(b.id as text) as subject_id from borough b
        where exists (select 1 from missing_episode e where e.borough_id = b.id
          and e.reported_at > ${from}::timestamptz - interval '1 day' * ${days}
          and e.reported_at <= ${to}::timestamptz - interval '1 day' * ${days})
        union
        select cast(tp.borough_id as text) from trigger_plan tp
        where (tp.start_date ${planDays} and ${passes(planStart)})
          or (tp.ended_on ${planDays} and ${passes(planEnd)})`
    },
    // Answers with rows: the finding names the borough, and names are the organisation module's (areaNames).
    // A borough is one obligation, so there are a handful of rows for the engine to compare.
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
        from (
          select e.borough_id, e.bcu_id, e.person_id, e.reported_at,
            count(*) over (partition by e.borough_id, e.person_id) as n
          from missing_episode e
          where ${subjectFilter('e.borough_id')} and e.reported_at <= ${asOf}
            and e.reported_at > ${asOf}::timestamptz - interval '1 day' * ${days}
        ) as e
        where e.n >= ${params.sql('repeatEpisodes', 'e.borough_id')}
          and not exists (select 1 from trigger_plan tp where tp.borough_id = e.borough_id
            and ${planStart} <= ${asOf} and (tp.ended_on is null or ${planEnd} > ${asOf}))
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
    // Its count changes only when an episode is reported or returns, or a duty is recorded, each refused when
    // dated ahead and each judging the unit again (dependsOn; missing's writes name the unit): the clock
    // alone moves nothing, and it has no due times.
    steadyByDueTimes: true,
    tables: ['missing_episode', 'missing_unit_duty'],
    // An episode recorded changes its unit's open count; a duty imported, its staff on duty.
    dependsOn: {
      missing_episode: dependency('missing_episode', 'unit_team_id'),
      missing_unit_duty: dependency('missing_unit_duty', 'team_id'),
    },
    params: {
      maxPerStaff: {
        default: 10,
        description: 'Open episodes per member of staff on duty',
        unit: 'episodes',
      },
    },
    // Answers with rows, as MIS-10 does: the finding names the unit, and there is one row per unit on duty.
    async obligations(db, { asOf, params, subjectFilter }) {
      const { rows } = await sql<{ team_id: string; on_duty_from: Date; staff: number; open: number }>`
        select d.team_id, d.on_duty_from, d.staff_on_duty as staff,
          count(e.id)::int as open
        from (select distinct on (team_id) team_id, on_duty_from, staff_on_duty from missing_unit_duty
          where on_duty_from <= ${asOf} and ${subjectFilter('team_id')}
          order by team_id, on_duty_from desc) d
        left join missing_episode e on e.unit_team_id = d.team_id and e.reported_at <= ${asOf}
          and (e.returned_at is null or e.returned_at > ${asOf})
        group by d.team_id, d.on_duty_from, d.staff_on_duty`.execute(db)
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
