import { type Expression, type RawBuilder, sql } from 'kysely'
import { z } from 'zod'
import type { Executor } from '../../platform/db/database.ts'
import { londonDate } from '../../platform/time.ts'
import { defineRule, type ObligationQueryRow, type RuleContext } from '../../standards/rule.ts'
import {
  addWorkingDaysJoin,
  isoText,
  londonDateOf,
  numberText,
  pluralText,
  plusHoursInterval,
  plusMilliseconds,
  workingDaysDue,
} from '../../standards/sql-time.ts'
import { courses } from '../organisation/organisation.ts'
import { investigationKind } from './access.ts'
import {
  agencyLabels,
  type CaseType,
  type CourseRequirements,
  caseTypes,
  defaultCourseRequirements,
  minimumAgencies,
  noFurtherActionOutcomes,
} from './investigation.ts'

/** The other children living with each person on a day (the person index knows households): INV-12 asks. */
export type ChildrenInHousehold = (
  executor: Executor,
  asked: readonly { personId: string; day: string }[],
) => Promise<Map<string, number>>
export const householdKey = (personId: string, day: string) => `${personId}|${day}`

/** What the rules' shared query parts need of a rule's context. */
type Scope = Pick<RuleContext<unknown>, 'asOf' | 'subjectFilter' | 'upTo'>
type SqlValue = RawBuilder<unknown> | Expression<unknown>

/**
 * The columns an obligation takes from its case (alias i): the case is the subject, and its team and
 * officer are told, unless the rule names someone else.
 */
const caseArea = (assigneeStaff: SqlValue = sql.ref('i.officer_staff_id')) =>
  sql`i.id as subject_id, i.ref as subject_ref, i.borough_id, i.bcu_id, i.team_id as assignee_team_id,
    ${assigneeStaff} as assignee_staff_id`

const noTime = sql`cast(null as timestamptz)`

const dayMs = 86_400_000

// ---------- INV-01 ----------

export const inv01 = defineRule<{ hours: number }>({
  id: 'INV-01',
  title: 'No strategy discussion for a case that meets the threshold',
  citation:
    'Working Together to Safeguard Children 2023: a strategy discussion whenever there is reasonable cause to ' +
    'suspect a child is suffering or likely to suffer significant harm; HMICFRS 2018: "In a number of cases we ' +
    'examined, there was no evidence that a strategy meeting had been held." The number of hours is force policy.',
  source: 'guidance',
  appliesTo: investigationKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['investigation', 'strategy_discussion'],
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours from opening to the strategy discussion' },
  },
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      select ${caseArea()}, '' as obligation_key, i.opened_at as started_at,
        ${plusHoursInterval('i.opened_at', ctx.params.sql('hours', 'i.borough_id'))} as due_at,
        s.held_at as met_at, 'Hold a strategy discussion with children’s social care and health' as detail
      from investigation i
        left join (
          select s.investigation_id, min(s.held_at) as held_at from strategy_discussion s
          where ${ctx.subjectFilter('s.investigation_id')} and s.held_at <= ${ctx.asOf}
            and s.created_at <= ${ctx.asOf}
          group by s.investigation_id
        ) as s on s.investigation_id = i.id
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        and (i.case_type in ('section_47', 'police_protection')
          or (i.case_type = 'cse_non_internet' and i.risk_level = 'high'))`
  },
})

// ---------- INV-02 and INV-08: each strategy discussion ----------

/** Strategy discussions (alias s) held and recorded by asOf, with their case (alias i): from and where. */
const heldDiscussions = (ctx: Scope) => ({
  from: sql`strategy_discussion s join investigation i on i.id = s.investigation_id`,
  where: sql`${ctx.subjectFilter('i.id')} and ${ctx.subjectFilter('s.investigation_id')}
    and s.held_at <= ${ctx.asOf} and s.created_at <= ${ctx.asOf}`,
})

/** The agencies every strategy discussion needs, as a finding names them and in that order. */
const minimumAgencyNames = minimumAgencies.map((a) => agencyLabels[a].toLowerCase())

export const inv02 = defineRule<Record<string, never>>({
  id: 'INV-02',
  title: 'Strategy discussion without the minimum participants',
  citation:
    'Working Together to Safeguard Children 2023: a strategy discussion involves as a minimum a local authority ' +
    'social worker, health practitioners and a police representative; HMICFRS 2018: "When these discussions did ' +
    'take place, most of them involved only the police and children’s social care."',
  source: 'guidance',
  appliesTo: investigationKind.kind,
  severity: 'high',
  timeBased: false,
  tables: ['investigation', 'strategy_discussion', 'strategy_participant'],
  params: {},
  async obligations(_db, ctx) {
    const held = heldDiscussions(ctx)
    // Each (discussion, required agency) pair is one row, so the participants are anti-joined set-wise.
    return sql<ObligationQueryRow>`
      select ${caseArea()}, s.id as obligation_key, s.held_at as started_at, ${noTime} as due_at,
        ${noTime} as met_at,
        'Strategy discussion held without ' || string_agg(a.name, ' or ' order by a.n) as detail
      from ${held.from}
        cross join unnest(cast(${[...minimumAgencies]} as text[]), cast(${minimumAgencyNames} as text[]))
          with ordinality as a(agency, name, n)
      where ${held.where} and not exists (select 1 from strategy_participant p
        where p.strategy_discussion_id = s.id and p.agency = a.agency)
      group by i.id, s.id`
  },
})

/**
 * A plan that String.prototype.trim() would leave empty: JavaScript's white space and line terminators,
 * which btrim (spaces only) and [[:space:]] (locale-dependent) do not match exactly.
 */
const blankText =
  '^[\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]*$'

export const inv08 = defineRule<Record<string, never>>({
  id: 'INV-08',
  title: 'Strategy discussion with no joint safety plan',
  citation:
    'HMICFRS 2018: "When discussions did take place, it was not always clear what the joint safety plan was in ' +
    'relation to ongoing investigations."',
  source: 'report',
  appliesTo: investigationKind.kind,
  severity: 'medium',
  timeBased: false,
  tables: ['investigation', 'strategy_discussion'],
  params: {},
  async obligations(_db, ctx) {
    const held = heldDiscussions(ctx)
    return sql<ObligationQueryRow>`
      select ${caseArea()}, s.id as obligation_key, s.held_at as started_at, ${noTime} as due_at,
        ${noTime} as met_at, 'Record the joint safety plan agreed at the strategy discussion' as detail
      from ${held.from}
      where ${held.where} and (s.joint_safety_plan is null or s.joint_safety_plan ~ ${blankText})`
  },
})

// ---------- INV-03 ----------

/** A character outside the Basic Multilingual Plane: one character in PostgreSQL, two UTF-16 units in JavaScript. */
const astral = '[\\U00010000-\\U0010FFFF]'

/**
 * A directed action's description as a finding shows it, cut as JavaScript cuts a string: text over 120
 * UTF-16 units keeps its first 117 and an ellipsis. Text of at most 120 bytes is never cut (no character
 * takes more UTF-16 units than UTF-8 bytes), and text without astral characters counts the same in both,
 * so only text with them is counted character by character.
 */
const directedText = (description: SqlValue) => sql<string>`(case
    when octet_length(${description}) <= 120 then ${description}
    when ${description} !~ ${astral} then
      case when length(${description}) <= 120 then ${description} else left(${description}, 117) || '...' end
    else (
      select case when max(u.units) <= 120 then ${description}
        else string_agg(u.c, '' order by u.n) filter (where u.units <= 117) || '...' end
      from (select c.c, c.n, sum(case when c.c ~ ${astral} then 2 else 1 end) over (order by c.n) as units
        from regexp_split_to_table(${description}, '') with ordinality as c(c, n)) as u
    ) end)`

export const inv03 = defineRule<Record<string, never>>({
  id: 'INV-03',
  title: 'Supervisor-directed action not done by its due date',
  citation:
    'HMICFRS 2018: "there was no evidence that a strategy meeting had been held. This was despite the fact in ' +
    'some cases that supervisors had specifically directed officers to arrange them." The due date is the ' +
    'supervisor’s.',
  source: 'report',
  appliesTo: investigationKind.kind,
  severity: 'medium',
  timeBased: true,
  // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['investigation', 'investigation_action'],
  params: {},
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      select ${caseArea(sql`coalesce(a.owner_staff_id, i.officer_staff_id)`)}, a.id as obligation_key,
        a.directed_at as started_at, a.due_at, ${ctx.upTo('a.done_at')} as met_at,
        'Directed: ' || ${directedText(sql.ref('a.description'))} as detail
      from investigation_action a join investigation i on i.id = a.investigation_id
      where ${ctx.subjectFilter('i.id')} and ${ctx.subjectFilter('a.investigation_id')}
        and a.directed_at <= ${ctx.asOf} and a.due_at is not null
        and (a.directed_by_staff_id is not null or a.directed_by_name is not null)
        -- Work overtaken by the case closing before it fell due is no longer owed.
        and not coalesce(i.closed_at <= ${ctx.asOf} and i.closed_at < a.due_at and a.done_at is null, false)`
  },
})

// ---------- INV-04 ----------

/** Organisation module: each team's review cadence in days. */
export type TeamCadences = () => RawBuilder<{ team_id: string; review_cadence_days: number | null }>

export const inv04Rule = (teamCadences: TeamCadences) =>
  defineRule<{ days: number }>({
    id: 'INV-04',
    title: 'No supervisory review',
    citation:
      'HMICFRS 2018, 2016 recommendation: "investigations are supervised and monitored, with supervisor reviews ' +
      'recording clearly any further work"; "supervision does not consistently challenge the progress of ' +
      'investigations". The interval is the team’s review cadence, or this default: force policy.',
    source: 'report',
    appliesTo: investigationKind.kind,
    severity: 'medium',
    timeBased: true,
    // Its cycles start at an opening or a review and end at a review or the closure, all refused when
    // dated ahead; the team's cadence is a write (dependsOn). So only its due times move it by the clock.
    steadyByDueTimes: true,
    tables: ['investigation', 'supervisory_review', 'team'],
    dependsOn: {
      team: (teamIds) => sql<{ subject_id: string }>`select cast(i.id as text) as subject_id
        from investigation i where i.team_id = any(cast(${[...teamIds]} as uuid[]))`,
    },
    params: {
      days: {
        default: 28,
        unit: 'days',
        description: 'Days between supervisory reviews where the team has no review cadence of its own',
      },
    },
    async obligations(_db, ctx) {
      // Each review cycle is one obligation: from opening (or a review) to the next review, or the closure.
      // A cycle is keyed by its start to the millisecond, so starts are told apart to the millisecond too; a
      // start recorded twice is one cycle, its last copy (the one whose next start is later), so the one sort
      // the window needs also removes the copies.
      return sql<ObligationQueryRow>`
      with cycle as (
        select i.id as investigation_id, date_trunc('milliseconds', i.opened_at) as started_at
        from investigation i
        where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        union all
        select r.investigation_id, date_trunc('milliseconds', r.reviewed_at) from supervisory_review r
        where ${ctx.subjectFilter('r.investigation_id')} and r.reviewed_at <= ${ctx.asOf}
          and r.created_at <= ${ctx.asOf}
      ), ordered as (
        select investigation_id, started_at,
          lead(started_at) over (partition by investigation_id order by started_at) as next_at
        from cycle
      )
      select ${caseArea(sql`cast(null as uuid)`)}, ${isoText(sql.ref('o.started_at'))} as obligation_key,
        o.started_at, ${plusMilliseconds(sql.ref('o.started_at'), sql`d.days * ${dayMs}`)} as due_at,
        coalesce(o.next_at, ${ctx.upTo('i.closed_at')}) as met_at,
        'Supervisory review due ' || ${pluralText(sql.ref('d.days'), 'day')} || ' after the last one' as detail
      from ordered o join investigation i on i.id = o.investigation_id
        left join ${teamCadences()} as t on t.team_id = i.team_id
        cross join lateral (select cast(coalesce(t.review_cadence_days,
          ${ctx.params.sql('days', 'i.borough_id')}) as double precision) as days) as d
      where ${ctx.subjectFilter('i.id')} and o.next_at is distinct from o.started_at
        and (i.closed_at is null or i.closed_at > o.started_at or o.next_at is not null)`
    },
  })

// ---------- INV-05 ----------

export const inv05 = defineRule<{ days: number }>({
  id: 'INV-05',
  title: 'Child not seen and spoken to',
  citation:
    'HMICFRS 2018: "officers and staff do not always speak to children. As a result, children’s views and ' +
    'disclosures of abuse or neglect are not always appropriately pursued." The number of days is force policy.',
  source: 'report',
  appliesTo: investigationKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at recorded events and are met by them: only their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['investigation', 'investigation_person', 'investigation_allocation'],
  params: {
    days: {
      default: 7,
      unit: 'days',
      description: 'Days from allocation to seeing and speaking to the child',
    },
  },
  async obligations(_db, ctx) {
    // The first allocation ever recorded starts the clock, or the case's own allocation where none is.
    return sql<ObligationQueryRow>`
      select ${caseArea()}, p.id as obligation_key, x.allocated_at as started_at,
        x.allocated_at + make_interval(days => 1) * ${ctx.params.sql('days', 'i.borough_id')} as due_at,
        case when p.seen_recorded_at <= ${ctx.asOf} then
          case when p.spoken_to then p.seen_at when p.not_seen_reason is not null then p.seen_recorded_at end
        end as met_at,
        'See and speak to the child, or record why not' as detail
      from investigation_person p join investigation i on i.id = p.investigation_id
        left join (
          select a.investigation_id, min(a.allocated_at) as allocated_at from investigation_allocation a
          where ${ctx.subjectFilter('a.investigation_id')}
          group by a.investigation_id
        ) as earliest on earliest.investigation_id = i.id
        cross join lateral (select coalesce(earliest.allocated_at, i.allocated_at) as allocated_at) as x
      where ${ctx.subjectFilter('i.id')} and ${ctx.subjectFilter('p.investigation_id')}
        and p.is_child and p.role in ('child', 'victim', 'witness') and x.allocated_at <= ${ctx.asOf}`
  },
})

// ---------- INV-06 ----------

const requirementsSchema = z.object(
  Object.fromEntries(caseTypes.map((t) => [t, z.array(z.enum(courses))])) as Record<
    CaseType,
    z.ZodArray<z.ZodEnum<{ [K in (typeof courses)[number]]: K }>>
  >,
) as unknown as z.ZodType<CourseRequirements>

/**
 * The current allocation of each investigation as of the instant (alias ca): the latest at or before it.
 * One sort of the allocations, not a search per case, so a sweep hashes it against the cases.
 */
const currentAllocation = (ctx: Scope) => sql`(
  select distinct on (a.investigation_id) a.investigation_id, a.id as allocation_id, a.staff_id,
    a.allocated_at, a.open_cases, a.team_capacity, a.reason
  from investigation_allocation a
  where ${ctx.subjectFilter('a.investigation_id')} and a.allocated_at <= ${ctx.asOf}
  order by a.investigation_id, a.allocated_at desc, a.id desc
) as ca`

/** ` (reason given: …)` after an allocation's finding, when the allocator gave one. */
const reasonGiven = sql`case when ca.reason <> '' then ' (reason given: ' || ca.reason || ')' else '' end`

/** Organisation module: each course a member of staff completed. */
export type TrainingRecords = () => RawBuilder<{ staff_id: string; course: string; completed_on: string }>

export const inv06Rule = (trainingRecords: TrainingRecords) =>
  defineRule<{ requiredCourses: CourseRequirements }>({
    id: 'INV-06',
    title: 'Allocated to an officer without the training the case needs',
    citation:
      'HMICFRS 2018, 2016 recommendation: cases "allocated to those with the skills, capacity and competence"; the ' +
      'skills audit. Which courses each case type needs is force configuration.',
    source: 'report',
    appliesTo: investigationKind.kind,
    severity: 'medium',
    timeBased: false,
    tables: ['investigation', 'investigation_allocation', 'training_record'],
    params: {
      requiredCourses: {
        default: defaultCourseRequirements,
        description: 'Courses each case type needs, by case type',
        schema: requirementsSchema,
      },
    },
    async obligations(_db, ctx) {
      const required = JSON.stringify(ctx.params.forceWide.requiredCourses)
      // Missing courses are named in the configuration's order; the rows form's order hung on the plan.
      // Each (case, required course) pair is one row, so the training records are anti-joined set-wise.
      return sql<ObligationQueryRow>`
      select ${caseArea()}, ca.allocation_id as obligation_key, ca.allocated_at as started_at,
        ${noTime} as due_at, ${noTime} as met_at,
        'Allocated officer lacks: ' || string_agg(replace(r.course, '_', ' '), ', ' order by r.n)
          || ${reasonGiven} as detail
      from investigation i join ${currentAllocation(ctx)} on ca.investigation_id = i.id
        join (
          select t.key as case_type, c.course, c.n from jsonb_each(cast(${required} as jsonb)) as t
            cross join lateral jsonb_array_elements_text(t.value) with ordinality as c(course, n)
        ) as r on r.case_type = i.case_type
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        and not exists (select 1 from ${trainingRecords()} as t where t.staff_id = ca.staff_id and t.course = r.course
          and t.completed_on <= ${londonDateOf('ca.allocated_at')})
      group by i.id, ca.allocation_id, ca.allocated_at, ca.reason`
    },
  })

// ---------- INV-07 ----------

export const inv07 = defineRule<{ defaultCapacity: number }>({
  id: 'INV-07',
  title: 'Allocated to an officer above the team’s capacity',
  citation:
    'HMICFRS 2018: "the high workload of investigators is contributing to drift and delays in investigations". ' +
    'Capacity is set per team; the default applies to teams without one (force policy).',
  source: 'report',
  appliesTo: investigationKind.kind,
  severity: 'medium',
  timeBased: false,
  tables: ['investigation', 'investigation_allocation'],
  params: {
    defaultCapacity: {
      default: 12,
      unit: 'open cases',
      description: 'Open cases an officer may hold where the team has no capacity of its own',
    },
  },
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      select ${caseArea()}, ca.allocation_id as obligation_key, ca.allocated_at as started_at,
        ${noTime} as due_at, ${noTime} as met_at,
        'Allocated to an officer with ' || ${pluralText(sql.ref('ca.open_cases'), 'open case')}
          || ' (capacity ' || ${numberText(sql.ref('c.capacity'))} || ')' || ${reasonGiven} as detail
      from investigation i join ${currentAllocation(ctx)} on ca.investigation_id = i.id
        cross join lateral (select cast(coalesce(ca.team_capacity,
          ${ctx.params.sql('defaultCapacity', 'i.borough_id')}) as double precision) as capacity) as c
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        and ca.open_cases + 1 > c.capacity`
  },
})

// ---------- INV-09 ----------

export const inv09 = defineRule<{ hours: number }>({
  id: 'INV-09',
  title: 'Police protection past 72 hours or without a designated officer',
  citation:
    'Children Act 1989 s46(6): "No child may be kept in police protection for more than 72 hours"; s46(3)(e): ' +
    'as soon as is reasonably practicable the constable shall secure that the case is inquired into by a ' +
    'designated officer.',
  source: 'statute',
  appliesTo: investigationKind.kind,
  severity: 'high',
  timeBased: true,
  // Starts, ends and designations are refused when dated ahead: only the 72 hours move it by the clock.
  steadyByDueTimes: true,
  tables: ['investigation', 'police_protection'],
  params: {
    hours: { default: 72, unit: 'hours', description: 'Hours a child may be kept in police protection' },
  },
  async obligations(_db, ctx) {
    const hours = ctx.params.forceWide.hours
    const limit = plusMilliseconds(
      sql.ref('pp.started_at'),
      sql`cast(${hours * 3_600_000} as double precision)`,
    )
    return sql<ObligationQueryRow>`
      select ${caseArea()}, pp.id || k.suffix as obligation_key, pp.started_at, k.due_at, k.met_at, k.detail
      from police_protection pp join investigation i on i.id = pp.investigation_id
        cross join lateral (values
          (':end', ${limit}, ${ctx.upTo('pp.ended_at')}, ${`Police protection must end within ${hours} hours`}),
          (':designated', ${noTime}, ${ctx.upTo('pp.designated_at')},
            'Record the designated officer for the police protection')
        ) as k(suffix, due_at, met_at, detail)
      where ${ctx.subjectFilter('i.id')} and ${ctx.subjectFilter('pp.investigation_id')}
        and pp.started_at <= ${ctx.asOf}`
  },
})

// ---------- INV-10 ----------

export const inv10 = defineRule<{ workingDays: number }>({
  id: 'INV-10',
  title: 'Initial child protection conference late or without police',
  citation:
    'Working Together to Safeguard Children 2023: the initial child protection conference is held within 15 ' +
    'working days of the strategy discussion at which section 47 enquiries were initiated; HMICFRS 2016 ' +
    'recommendation on police attendance at and contribution to child protection conferences.',
  source: 'guidance',
  appliesTo: investigationKind.kind,
  severity: 'medium',
  timeBased: true,
  tables: ['investigation', 'strategy_discussion', 'child_protection_conference'],
  params: {
    workingDays: {
      default: 15,
      unit: 'working days',
      description: 'Working days from the strategy discussion that began s47 enquiries to the conference',
    },
  },
  // Owed from a strategy discussion and met by a conference, both recorded and never dated ahead: only its
  // due time moves it by the clock. Working days come from the working_day table (standards/working-days.ts).
  steadyByDueTimes: true,
  readsWorkingDays: true,
  async obligations(_db, ctx) {
    const n = ctx.params.forceWide.workingDays
    return sql<ObligationQueryRow>`
      select ${caseArea()}, cast(s.id as text) as obligation_key, s.held_at as started_at,
        ${workingDaysDue('due', 's.held_at', sql.lit(n))} as due_at,
        (select min(c.held_at) from child_protection_conference c where c.investigation_id = i.id
          and c.held_at >= s.held_at and c.held_at <= ${ctx.asOf} and c.created_at <= ${ctx.asOf}) as met_at,
        ${`Initial child protection conference due within ${n} working days of the strategy discussion`} as detail
      from strategy_discussion s join investigation i on i.id = s.investigation_id
        ${addWorkingDaysJoin('due', 's.held_at', sql.lit(n))}
      where ${ctx.subjectFilter('i.id')} and ${ctx.subjectFilter('s.investigation_id')} and s.begins_section_47
        and s.held_at <= ${ctx.asOf} and s.created_at <= ${ctx.asOf}
      union all
      select ${caseArea()}, c.id || ':attendance', c.held_at, ${noTime}, ${noTime},
        'No police attendance recorded at the initial child protection conference'
      from child_protection_conference c join investigation i on i.id = c.investigation_id
      where ${ctx.subjectFilter('i.id')} and ${ctx.subjectFilter('c.investigation_id')}
        and c.held_at <= ${ctx.asOf} and c.created_at <= ${ctx.asOf} and not c.police_attended`
  },
})

// ---------- INV-11 ----------

/**
 * Everything that counts as activity on a case: (investigation_id, at) up to asOf. Each table is read once
 * and filtered on its own case column, so one record's evaluation reads only its activity by index and a
 * sweep scans each table once instead of searching it per case.
 */
export const activitySql = (ctx: Pick<Scope, 'asOf' | 'subjectFilter'>) => {
  const times = (table: string, column: string) =>
    sql`select t.investigation_id, ${sql.ref(`t.${column}`)} as at from ${sql.table(table)} as t
      where ${ctx.subjectFilter('t.investigation_id')} and ${sql.ref(`t.${column}`)} <= ${ctx.asOf}`
  return sql`
    select i.id as investigation_id, i.opened_at as at from investigation i
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
    union all select i.id, i.crime_recorded_at from investigation i
      where ${ctx.subjectFilter('i.id')} and i.crime_recorded_at <= ${ctx.asOf}
    union all ${times('investigation_allocation', 'allocated_at')}
    union all ${times('investigation_action', 'directed_at')}
    union all ${times('investigation_action', 'done_at')}
    union all ${times('supervisory_review', 'reviewed_at')}
    union all ${times('strategy_discussion', 'held_at')}
    union all ${times('child_protection_conference', 'held_at')}
    union all ${times('investigation_person', 'seen_recorded_at')}
    union all ${times('police_protection', 'started_at')}
    union all ${times('police_protection', 'ended_at')}`
}

export const inv11 = defineRule<{ days: number }>({
  id: 'INV-11',
  title: 'Investigation drifting: no recorded activity',
  citation:
    'HMICFRS 2018: supervision "does not consistently challenge the progress of investigations or the pursuit ' +
    'of identified lines of enquiry. This is leading to drift, delays and missed opportunities." The number of ' +
    'days is force policy.',
  source: 'report',
  appliesTo: investigationKind.kind,
  severity: 'medium',
  timeBased: true,
  // Every activity and the closure are refused when dated ahead (pages and imports), so a quiet period
  // starts and ends only at a write: only its due time moves it by the clock.
  steadyByDueTimes: true,
  tables: [
    'investigation',
    'investigation_allocation',
    'investigation_action',
    'supervisory_review',
    'strategy_discussion',
    'child_protection_conference',
    'investigation_person',
    'police_protection',
  ],
  params: { days: { default: 14, unit: 'days', description: 'Days an open case may go without activity' } },
  async obligations(_db, ctx) {
    // The current quiet period (from the last activity) and the one before it, met by the last activity.
    // Only open cases' activity is kept; the last two instants are two hashed maxima, not a sort, and
    // apart to the millisecond (the key's precision): the one before is the latest in an earlier one.
    return sql<ObligationQueryRow>`
      with open_case as (
        select i.id from investigation i
        where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
          and (i.closed_at is null or i.closed_at > ${ctx.asOf})
      ), activity as materialized (
        select a.investigation_id, a.at from (${activitySql(ctx)}) as a
        join open_case o on o.id = a.investigation_id
      ), last as (
        select investigation_id, date_trunc('milliseconds', max(at)) as at from activity group by investigation_id
      ), previous as (
        select a.investigation_id, date_trunc('milliseconds', max(a.at)) as at from activity a
        join last l on l.investigation_id = a.investigation_id and a.at < l.at
        group by a.investigation_id
      )
      select ${caseArea()}, ${isoText(sql.ref('q.started_at'))} as obligation_key, q.started_at,
        ${plusMilliseconds(sql.ref('q.started_at'), sql`d.days * ${dayMs}`)} as due_at, q.met_at,
        'No recorded activity for ' || ${pluralText(sql.ref('d.days'), 'day')} as detail
      from investigation i join last on last.investigation_id = i.id
        left join previous on previous.investigation_id = i.id
        cross join lateral (select ${ctx.params.sql('days', 'i.borough_id')} as days) as d
        cross join lateral (values (last.at, ${noTime}), (previous.at, last.at)) as q(started_at, met_at)
      where ${ctx.subjectFilter('i.id')} and q.started_at is not null`
  },
})

// ---------- INV-12 ----------

/** Closed with no further action by asOf (alias i): the cases INV-12 asks about. */
const closedNoFurtherAction = (ctx: Scope) =>
  sql`${ctx.subjectFilter('i.id')} and i.closed_at <= ${ctx.asOf}
    and i.outcome = any(cast(${[...noFurtherActionOutcomes]} as text[]))`

export function inv12Rule(childrenInHousehold: ChildrenInHousehold) {
  /**
   * The cases with no child of their own on the case whose people live with other children on the day it
   * closed: the person index answers for households, so it is asked here, and only about those cases.
   */
  async function closedWithChildrenAtHome(db: Executor, ctx: Scope): Promise<string[]> {
    const { rows } = await sql<{ id: string; closed_at: Date; people: string[] }>`
      select i.id, i.closed_at,
        array(select distinct p.person_id::text from investigation_person p where p.investigation_id = i.id) as people
      from investigation i
      where ${closedNoFurtherAction(ctx)}
        and exists (select 1 from investigation_person p where p.investigation_id = i.id)
        and not exists (select 1 from investigation_person p where p.investigation_id = i.id and p.is_child)`.execute(
      db,
    )
    if (rows.length === 0) return []
    const asked = rows.flatMap((r) =>
      r.people.map((personId) => ({ personId, day: londonDate(r.closed_at) })),
    )
    const others = await childrenInHousehold(db, asked)
    return rows
      .filter((r) => r.people.some((p) => (others.get(householdKey(p, londonDate(r.closed_at))) ?? 0) > 0))
      .map((r) => r.id)
  }

  return defineRule<Record<string, never>>({
    id: 'INV-12',
    title: 'Closed with no further action, children in the household unchecked',
    citation:
      'HMICFRS 2018: a CEOP referral about a mother of four children "was subsequently closed three weeks later ' +
      'by a supervisor. At this time ... no visit was made to check on the welfare of the children and no ' +
      'referral was passed to children’s social care services."',
    source: 'report',
    appliesTo: investigationKind.kind,
    severity: 'high',
    timeBased: false,
    tables: ['investigation', 'investigation_person', 'investigation_pac', 'household_membership', 'person'],
    params: {},
    // Asks the person index about households (a read) before building its query.
    async obligations(db, ctx) {
      const atHome = await closedWithChildrenAtHome(db, ctx)
      return sql<ObligationQueryRow>`
        select ${caseArea()}, '' as obligation_key, i.closed_at as started_at, i.closed_at as due_at,
          least(${ctx.upTo('i.welfare_visit_at')}, ${ctx.upTo('i.social_care_referral_at')}, l.linked_at) as met_at,
          'Closed with no further action: record a welfare visit or a referral to children’s social care' as detail
        from investigation i
          left join (
            select l.investigation_id, min(l.linked_at) as linked_at from investigation_pac l
            where ${ctx.subjectFilter('l.investigation_id')} and l.linked_at <= ${ctx.asOf}
            group by l.investigation_id
          ) as l on l.investigation_id = i.id
        where ${closedNoFurtherAction(ctx)}
          and (exists (select 1 from investigation_person p where p.investigation_id = i.id and p.is_child)
            or i.id = any(cast(${atHome} as uuid[])))`
    },
  })
}

/** What the investigations rules read of other modules: the modules that own those tables write the SQL. */
export interface InvestigationRuleSources {
  childrenInHousehold: ChildrenInHousehold
  teamCadences: TeamCadences
  trainingRecords: TrainingRecords
}

export function investigationRules({
  childrenInHousehold,
  teamCadences,
  trainingRecords,
}: InvestigationRuleSources) {
  return [
    inv01,
    inv02,
    inv03,
    inv04Rule(teamCadences),
    inv05,
    inv06Rule(trainingRecords),
    inv07,
    inv08,
    inv09,
    inv10,
    inv11,
    inv12Rule(childrenInHousehold),
  ]
}
