import { sql } from 'kysely'
import { z } from 'zod'
import type { Database, Executor } from '../../platform/db/database.ts'
import { addHours } from '../../standards/calendar.ts'
import { defineRule, type ObligationRow } from '../../standards/rule.ts'
import { courses } from '../organisation/organisation.ts'
import {
  agencyLabels,
  type CaseType,
  type CourseRequirements,
  caseTypes,
  defaultCourseRequirements,
  minimumAgencies,
  noFurtherActionOutcomes,
} from './investigation.ts'

/** The record kind every investigations rule checks; each finding links to the investigation page. */
export const investigationKind = 'investigation'

/** The other children living with each person on a day (the person index knows households): INV-12 asks. */
export type ChildrenInHousehold = (
  executor: Executor,
  asked: readonly { personId: string; day: string }[],
) => Promise<Map<string, number>>
export const householdKey = (personId: string, day: string) => `${personId}|${day}`

interface CaseRow {
  id: string
  ref: string
  borough_id: string
  bcu_id: string | null
  team_id: string | null
  officer_staff_id: string | null
}

const area = (r: CaseRow) => ({
  subjectId: r.id,
  subjectRef: r.ref,
  boroughId: r.borough_id,
  bcuId: r.bcu_id,
  assigneeTeamId: r.team_id,
  assigneeStaffId: r.officer_staff_id,
})

const caseColumns = sql`i.id, i.ref, i.borough_id, i.bcu_id, i.team_id, i.officer_staff_id`
const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`
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
  appliesTo: investigationKind,
  severity: 'high',
  timeBased: true,
  tables: ['investigation', 'strategy_discussion'],
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours from opening to the strategy discussion' },
  },
  async obligations(db, ctx) {
    const { rows } = await sql<CaseRow & { opened_at: Date; due_at: Date; held_at: Date | null }>`
      select ${caseColumns}, i.opened_at,
        i.opened_at + make_interval(secs => ${ctx.params.sql('hours', 'i.borough_id')} * 3600) as due_at,
        (select min(s.held_at) from strategy_discussion s
          where s.investigation_id = i.id and s.held_at <= ${ctx.asOf} and s.created_at <= ${ctx.asOf}) as held_at
      from investigation i
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        and (i.case_type in ('section_47', 'police_protection')
          or (i.case_type = 'cse_non_internet' and i.risk_level = 'high'))`.execute(db)
    return rows.map((r) => ({
      ...area(r),
      startedAt: r.opened_at,
      dueAt: r.due_at,
      metAt: r.held_at,
      detail: 'Hold a strategy discussion with children’s social care and health',
    }))
  },
})

// ---------- INV-02 and INV-08: each strategy discussion ----------

interface DiscussionRow extends CaseRow {
  discussion_id: string
  held_at: Date
  agencies: string[]
  joint_safety_plan: string | null
}

async function discussions(db: Database, ctx: { asOf: Date; subjectFilter: (c: string) => unknown }) {
  const { rows } = await sql<DiscussionRow>`
    select ${caseColumns}, s.id as discussion_id, s.held_at, s.joint_safety_plan,
      coalesce((select array_agg(distinct p.agency) from strategy_participant p
        where p.strategy_discussion_id = s.id), '{}') as agencies
    from strategy_discussion s join investigation i on i.id = s.investigation_id
    where ${ctx.subjectFilter('i.id') as ReturnType<typeof sql>} and s.held_at <= ${ctx.asOf}
      and s.created_at <= ${ctx.asOf}`.execute(db)
  return rows
}

export const inv02 = defineRule<Record<string, never>>({
  id: 'INV-02',
  title: 'Strategy discussion without the minimum participants',
  citation:
    'Working Together to Safeguard Children 2023: a strategy discussion involves as a minimum a local authority ' +
    'social worker, health practitioners and a police representative; HMICFRS 2018: "When these discussions did ' +
    'take place, most of them involved only the police and children’s social care."',
  source: 'guidance',
  appliesTo: investigationKind,
  severity: 'high',
  timeBased: false,
  tables: ['investigation', 'strategy_discussion', 'strategy_participant'],
  params: {},
  async obligations(db, ctx) {
    const out: ObligationRow[] = []
    for (const r of await discussions(db, ctx)) {
      const missing = minimumAgencies.filter((a) => !r.agencies.includes(a))
      if (missing.length === 0) continue
      out.push({
        ...area(r),
        key: r.discussion_id,
        startedAt: r.held_at,
        dueAt: null,
        metAt: null,
        detail: `Strategy discussion held without ${missing.map((a) => agencyLabels[a].toLowerCase()).join(' or ')}`,
      })
    }
    return out
  },
})

export const inv08 = defineRule<Record<string, never>>({
  id: 'INV-08',
  title: 'Strategy discussion with no joint safety plan',
  citation:
    'HMICFRS 2018: "When discussions did take place, it was not always clear what the joint safety plan was in ' +
    'relation to ongoing investigations."',
  source: 'report',
  appliesTo: investigationKind,
  severity: 'medium',
  timeBased: false,
  tables: ['investigation', 'strategy_discussion'],
  params: {},
  async obligations(db, ctx) {
    return (await discussions(db, ctx))
      .filter((r) => !r.joint_safety_plan?.trim())
      .map((r) => ({
        ...area(r),
        key: r.discussion_id,
        startedAt: r.held_at,
        dueAt: null,
        metAt: null,
        detail: 'Record the joint safety plan agreed at the strategy discussion',
      }))
  },
})

// ---------- INV-03 ----------

export const inv03 = defineRule<Record<string, never>>({
  id: 'INV-03',
  title: 'Supervisor-directed action not done by its due date',
  citation:
    'HMICFRS 2018: "there was no evidence that a strategy meeting had been held. This was despite the fact in ' +
    'some cases that supervisors had specifically directed officers to arrange them." The due date is the ' +
    'supervisor’s.',
  source: 'report',
  appliesTo: investigationKind,
  severity: 'medium',
  timeBased: true,
  tables: ['investigation', 'investigation_action'],
  params: {},
  async obligations(db, ctx) {
    const { rows } = await sql<
      CaseRow & {
        action_id: string
        description: string
        directed_at: Date
        due_at: Date
        done_at: Date | null
        owner_staff_id: string | null
      }
    >`
      select ${caseColumns}, a.id as action_id, a.description, a.directed_at, a.due_at, a.owner_staff_id,
        ${ctx.upTo('a.done_at')} as done_at
      from investigation_action a join investigation i on i.id = a.investigation_id
      where ${ctx.subjectFilter('i.id')} and a.directed_at <= ${ctx.asOf} and a.due_at is not null
        and (a.directed_by_staff_id is not null or a.directed_by_name is not null)
        -- Work overtaken by the case closing before it fell due is no longer owed.
        and not coalesce(i.closed_at <= ${ctx.asOf} and i.closed_at < a.due_at and a.done_at is null, false)`.execute(
      db,
    )
    return rows.map((r) => ({
      ...area(r),
      assigneeStaffId: r.owner_staff_id ?? r.officer_staff_id,
      key: r.action_id,
      startedAt: r.directed_at,
      dueAt: r.due_at,
      metAt: r.done_at,
      detail: `Directed: ${r.description.length > 120 ? `${r.description.slice(0, 117)}...` : r.description}`,
    }))
  },
})

// ---------- INV-04 ----------

export const inv04 = defineRule<{ days: number }>({
  id: 'INV-04',
  title: 'No supervisory review',
  citation:
    'HMICFRS 2018, 2016 recommendation: "investigations are supervised and monitored, with supervisor reviews ' +
    'recording clearly any further work"; "supervision does not consistently challenge the progress of ' +
    'investigations". The interval is the team’s review cadence, or this default: force policy.',
  source: 'report',
  appliesTo: investigationKind,
  severity: 'medium',
  timeBased: true,
  tables: ['investigation', 'supervisory_review', 'team'],
  params: {
    days: {
      default: 28,
      unit: 'days',
      description: 'Days between supervisory reviews where the team has no review cadence of its own',
    },
  },
  async obligations(db, ctx) {
    // Each review cycle is one obligation: from opening (or a review) to the next review, or the closure.
    const { rows } = await sql<CaseRow & { started_at: Date; met_at: Date | null; days: number }>`
      with cycles as (
        select i.id as investigation_id, i.opened_at as started_at from investigation i
          where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        union
        select r.investigation_id, r.reviewed_at from supervisory_review r join investigation i on i.id = r.investigation_id
          where ${ctx.subjectFilter('i.id')} and r.reviewed_at <= ${ctx.asOf} and r.created_at <= ${ctx.asOf}
      ), ordered as (
        select investigation_id, started_at,
          lead(started_at) over (partition by investigation_id order by started_at) as next_at
        from cycles
      )
      select ${caseColumns}, o.started_at,
        coalesce(o.next_at, ${ctx.upTo('i.closed_at')}) as met_at,
        coalesce(t.review_cadence_days, ${ctx.params.sql('days', 'i.borough_id')}) as days
      from ordered o join investigation i on i.id = o.investigation_id
        left join team t on t.id = i.team_id
      where i.closed_at is null or i.closed_at > o.started_at or o.next_at is not null`.execute(db)
    return rows.map((r) => ({
      ...area(r),
      assigneeStaffId: null,
      key: r.started_at.toISOString(),
      startedAt: r.started_at,
      dueAt: new Date(r.started_at.getTime() + Number(r.days) * dayMs),
      metAt: r.met_at,
      detail: `Supervisory review due ${plural(Number(r.days), 'day')} after the last one`,
    }))
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
  appliesTo: investigationKind,
  severity: 'high',
  timeBased: true,
  tables: ['investigation', 'investigation_person', 'investigation_allocation'],
  params: {
    days: {
      default: 7,
      unit: 'days',
      description: 'Days from allocation to seeing and speaking to the child',
    },
  },
  async obligations(db, ctx) {
    const { rows } = await sql<
      CaseRow & { link_id: string; allocated_at: Date; due_at: Date; met_at: Date | null }
    >`
      select ${caseColumns}, p.id as link_id, x.allocated_at,
        x.allocated_at + make_interval(days => 1) * ${ctx.params.sql('days', 'i.borough_id')} as due_at,
        case when p.seen_recorded_at <= ${ctx.asOf} then
          case when p.spoken_to then p.seen_at when p.not_seen_reason is not null then p.seen_recorded_at end
        end as met_at
      from investigation_person p join investigation i on i.id = p.investigation_id
        cross join lateral (
          select coalesce((select min(a.allocated_at) from investigation_allocation a
            where a.investigation_id = i.id), i.allocated_at) as allocated_at
        ) x
      where ${ctx.subjectFilter('i.id')} and p.is_child and p.role in ('child', 'victim', 'witness')
        and x.allocated_at <= ${ctx.asOf}`.execute(db)
    return rows.map((r) => ({
      ...area(r),
      key: r.link_id,
      startedAt: r.allocated_at,
      dueAt: r.due_at,
      metAt: r.met_at,
      detail: 'See and speak to the child, or record why not',
    }))
  },
})

// ---------- INV-06 ----------

const requirementsSchema = z.object(
  Object.fromEntries(caseTypes.map((t) => [t, z.array(z.enum(courses))])) as Record<
    CaseType,
    z.ZodArray<z.ZodEnum<{ [K in (typeof courses)[number]]: K }>>
  >,
) as unknown as z.ZodType<CourseRequirements>

/** The current allocation of each investigation as of the instant: the latest at or before it. */
const currentAllocation = (asOf: Date) => sql`
  cross join lateral (
    select a.id as allocation_id, a.staff_id, a.allocated_at, a.missing_courses, a.open_cases, a.team_capacity,
      a.reason
    from investigation_allocation a
    where a.investigation_id = i.id and a.allocated_at <= ${asOf}
    order by a.allocated_at desc, a.id desc limit 1
  ) ca`

export const inv06 = defineRule<{ requiredCourses: CourseRequirements }>({
  id: 'INV-06',
  title: 'Allocated to an officer without the training the case needs',
  citation:
    'HMICFRS 2018, 2016 recommendation: cases "allocated to those with the skills, capacity and competence"; the ' +
    'skills audit. Which courses each case type needs is force configuration.',
  source: 'report',
  appliesTo: investigationKind,
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
  async obligations(db, ctx) {
    const required = JSON.stringify(ctx.params.forceWide.requiredCourses)
    const { rows } = await sql<
      CaseRow & { allocation_id: string; allocated_at: Date; missing: string[]; reason: string | null }
    >`
      select ${caseColumns}, ca.allocation_id, ca.allocated_at, ca.reason,
        array(select c from jsonb_array_elements_text(cast(${required} as jsonb) -> i.case_type) c
          where not exists (select 1 from training_record t where t.staff_id = ca.staff_id and t.course = c
            and t.completed_on <= (ca.allocated_at at time zone 'Europe/London')::date)) as missing
      from investigation i ${currentAllocation(ctx.asOf)}
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}`.execute(db)
    return rows
      .filter((r) => r.missing.length > 0)
      .map((r) => ({
        ...area(r),
        key: r.allocation_id,
        startedAt: r.allocated_at,
        dueAt: null,
        metAt: null,
        detail:
          `Allocated officer lacks: ${r.missing.map((c) => c.replace(/_/g, ' ')).join(', ')}` +
          (r.reason ? ` (reason given: ${r.reason})` : ''),
      }))
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
  appliesTo: investigationKind,
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
  async obligations(db, ctx) {
    const { rows } = await sql<
      CaseRow & {
        allocation_id: string
        allocated_at: Date
        open_cases: number
        capacity: number
        reason: string | null
      }
    >`
      select ${caseColumns}, ca.allocation_id, ca.allocated_at, ca.open_cases, ca.reason,
        coalesce(ca.team_capacity, ${ctx.params.sql('defaultCapacity', 'i.borough_id')}) as capacity
      from investigation i ${currentAllocation(ctx.asOf)}
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        and ca.open_cases + 1 > coalesce(ca.team_capacity, ${ctx.params.sql('defaultCapacity', 'i.borough_id')})`.execute(
      db,
    )
    return rows.map((r) => ({
      ...area(r),
      key: r.allocation_id,
      startedAt: r.allocated_at,
      dueAt: null,
      metAt: null,
      detail:
        `Allocated to an officer with ${plural(r.open_cases, 'open case')} (capacity ${Number(r.capacity)})` +
        (r.reason ? ` (reason given: ${r.reason})` : ''),
    }))
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
  appliesTo: investigationKind,
  severity: 'high',
  timeBased: true,
  tables: ['investigation', 'police_protection'],
  params: {
    hours: { default: 72, unit: 'hours', description: 'Hours a child may be kept in police protection' },
  },
  async obligations(db, ctx) {
    const { rows } = await sql<
      CaseRow & { pp_id: string; started_at: Date; ended_at: Date | null; designated_at: Date | null }
    >`
      select ${caseColumns}, pp.id as pp_id, pp.started_at, ${ctx.upTo('pp.ended_at')} as ended_at,
        ${ctx.upTo('pp.designated_at')} as designated_at
      from police_protection pp join investigation i on i.id = pp.investigation_id
      where ${ctx.subjectFilter('i.id')} and pp.started_at <= ${ctx.asOf}`.execute(db)
    const hours = ctx.params.forceWide.hours
    return rows.flatMap((r) => [
      {
        ...area(r),
        key: `${r.pp_id}:end`,
        startedAt: r.started_at,
        dueAt: addHours(r.started_at, hours),
        metAt: r.ended_at,
        detail: `Police protection must end within ${hours} hours`,
      },
      {
        ...area(r),
        key: `${r.pp_id}:designated`,
        startedAt: r.started_at,
        dueAt: null,
        metAt: r.designated_at,
        detail: 'Record the designated officer for the police protection',
      },
    ])
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
  appliesTo: investigationKind,
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
  async obligations(db, ctx) {
    const { rows } = await sql<
      CaseRow & { discussion_id: string; held_at: Date; conference_at: Date | null }
    >`
      select ${caseColumns}, s.id as discussion_id, s.held_at,
        (select min(c.held_at) from child_protection_conference c where c.investigation_id = i.id
          and c.held_at >= s.held_at and c.held_at <= ${ctx.asOf} and c.created_at <= ${ctx.asOf}) as conference_at
      from strategy_discussion s join investigation i on i.id = s.investigation_id
      where ${ctx.subjectFilter('i.id')} and s.begins_section_47 and s.held_at <= ${ctx.asOf}
        and s.created_at <= ${ctx.asOf}`.execute(db)
    const { rows: unattended } = await sql<CaseRow & { conference_id: string; held_at: Date }>`
      select ${caseColumns}, c.id as conference_id, c.held_at
      from child_protection_conference c join investigation i on i.id = c.investigation_id
      where ${ctx.subjectFilter('i.id')} and c.held_at <= ${ctx.asOf} and c.created_at <= ${ctx.asOf}
        and not c.police_attended`.execute(db)
    const n = ctx.params.forceWide.workingDays
    return [
      ...rows.map((r) => ({
        ...area(r),
        key: r.discussion_id,
        startedAt: r.held_at,
        dueAt: ctx.calendar.addWorkingDays(r.held_at, n),
        metAt: r.conference_at,
        detail: `Initial child protection conference due within ${n} working days of the strategy discussion`,
      })),
      ...unattended.map((r) => ({
        ...area(r),
        key: `${r.conference_id}:attendance`,
        startedAt: r.held_at,
        dueAt: null,
        metAt: null,
        detail: 'No police attendance recorded at the initial child protection conference',
      })),
    ]
  },
})

// ---------- INV-11 ----------

/** Everything that counts as activity on a case (INV-11 and the workload page agree on it). */
export const activitySql = (asOf: Date) => sql`
  select i.id as investigation_id, x.at from investigation i cross join lateral (
    select i.opened_at as at
    union all select i.crime_recorded_at where i.crime_recorded_at is not null
    union all select a.allocated_at from investigation_allocation a where a.investigation_id = i.id
    union all select a.directed_at from investigation_action a where a.investigation_id = i.id
    union all select a.done_at from investigation_action a where a.investigation_id = i.id and a.done_at is not null
    union all select r.reviewed_at from supervisory_review r where r.investigation_id = i.id
    union all select s.held_at from strategy_discussion s where s.investigation_id = i.id
    union all select c.held_at from child_protection_conference c where c.investigation_id = i.id
    union all select p.seen_recorded_at from investigation_person p
      where p.investigation_id = i.id and p.seen_recorded_at is not null
    union all select pp.started_at from police_protection pp where pp.investigation_id = i.id
    union all select pp.ended_at from police_protection pp where pp.investigation_id = i.id and pp.ended_at is not null
  ) x where x.at <= ${asOf}`

export const inv11 = defineRule<{ days: number }>({
  id: 'INV-11',
  title: 'Investigation drifting: no recorded activity',
  citation:
    'HMICFRS 2018: supervision "does not consistently challenge the progress of investigations or the pursuit ' +
    'of identified lines of enquiry. This is leading to drift, delays and missed opportunities." The number of ' +
    'days is force policy.',
  source: 'report',
  appliesTo: investigationKind,
  severity: 'medium',
  timeBased: true,
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
  async obligations(db, ctx) {
    // The current quiet period (from the last activity) and the one before it, met by the last activity.
    const { rows } = await sql<CaseRow & { last_at: Date; previous_at: Date | null; days: number }>`
      -- The subject filter sits inside the activity scan, so one record's evaluation reads one record's activity.
      with acts as (select distinct investigation_id, at from (${activitySql(ctx.asOf)}) a
        where ${ctx.subjectFilter('a.investigation_id')}),
      ranked as (select investigation_id, at,
        row_number() over (partition by investigation_id order by at desc) as n from acts)
      select ${caseColumns}, r1.at as last_at, r2.at as previous_at,
        ${ctx.params.sql('days', 'i.borough_id')} as days
      from investigation i join ranked r1 on r1.investigation_id = i.id and r1.n = 1
        left join ranked r2 on r2.investigation_id = i.id and r2.n = 2
      where ${ctx.subjectFilter('i.id')} and i.opened_at <= ${ctx.asOf}
        and (i.closed_at is null or i.closed_at > ${ctx.asOf})`.execute(db)
    return rows.flatMap((r) => {
      const days = Number(r.days)
      const detail = `No recorded activity for ${plural(days, 'day')}`
      const out: ObligationRow[] = [
        {
          ...area(r),
          key: r.last_at.toISOString(),
          startedAt: r.last_at,
          dueAt: new Date(r.last_at.getTime() + days * dayMs),
          metAt: null,
          detail,
        },
      ]
      if (r.previous_at)
        out.push({
          ...area(r),
          key: r.previous_at.toISOString(),
          startedAt: r.previous_at,
          dueAt: new Date(r.previous_at.getTime() + days * dayMs),
          metAt: r.last_at,
          detail,
        })
      return out
    })
  },
})

// ---------- INV-12 ----------

export function inv12Rule(childrenInHousehold: ChildrenInHousehold) {
  return defineRule<Record<string, never>>({
    id: 'INV-12',
    title: 'Closed with no further action, children in the household unchecked',
    citation:
      'HMICFRS 2018: a CEOP referral about a mother of four children "was subsequently closed three weeks later ' +
      'by a supervisor. At this time ... no visit was made to check on the welfare of the children and no ' +
      'referral was passed to children’s social care services."',
    source: 'report',
    appliesTo: investigationKind,
    severity: 'high',
    timeBased: false,
    tables: ['investigation', 'investigation_person', 'investigation_pac', 'household_membership', 'person'],
    params: {},
    async obligations(db, ctx) {
      const { rows } = await sql<
        CaseRow & { closed_at: Date; linked_children: number; people: string[]; met_at: Date | null }
      >`
        select ${caseColumns}, i.closed_at,
          (select count(*)::int from investigation_person p where p.investigation_id = i.id and p.is_child) as linked_children,
          array(select distinct p.person_id::text from investigation_person p where p.investigation_id = i.id) as people,
          least(${ctx.upTo('i.welfare_visit_at')}, ${ctx.upTo('i.social_care_referral_at')},
            (select min(l.linked_at) from investigation_pac l where l.investigation_id = i.id
              and l.linked_at <= ${ctx.asOf})) as met_at
        from investigation i
        where ${ctx.subjectFilter('i.id')} and i.closed_at <= ${ctx.asOf}
          and i.outcome = any(${noFurtherActionOutcomes}::text[])`.execute(db)
      const asked = rows.flatMap((r) =>
        r.linked_children > 0 ? [] : r.people.map((personId) => ({ personId, day: londonDay(r.closed_at) })),
      )
      const others = asked.length ? await childrenInHousehold(db, asked) : new Map<string, number>()
      return rows.flatMap((r) => {
        const day = londonDay(r.closed_at)
        const children =
          r.linked_children + r.people.reduce((n, p) => n + (others.get(householdKey(p, day)) ?? 0), 0)
        if (children === 0) return []
        return [
          {
            ...area(r),
            startedAt: r.closed_at,
            dueAt: r.closed_at,
            metAt: r.met_at,
            detail:
              'Closed with no further action: record a welfare visit or a referral to children’s social care',
          },
        ]
      })
    },
  })
}

const londonDay = (at: Date) => at.toLocaleDateString('en-CA', { timeZone: 'Europe/London' })

export function investigationRules(childrenInHousehold: ChildrenInHousehold) {
  return [
    inv01,
    inv02,
    inv03,
    inv04,
    inv05,
    inv06,
    inv07,
    inv08,
    inv09,
    inv10,
    inv11,
    inv12Rule(childrenInHousehold),
  ]
}
