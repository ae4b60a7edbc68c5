import { type RawBuilder, sql } from 'kysely'
import { defineRule, dueTimesOf, type ObligationQueryRow, type RuleContext } from '../../standards/rule.ts'
import {
  addWorkingDaysJoin,
  hoursText,
  hoursTextSql,
  londonDateOf,
  millisecondsBetween,
  plusHours,
  plusHoursInterval,
  workingDaysDue,
} from '../../standards/sql-time.ts'
import { pacKind } from './access.ts'

// ---------- REF-01 ----------

export const ref01 = defineRule<{ hours: number }>({
  id: 'REF-01',
  title: 'PAC submitted late',
  citation:
    'HMICFRS 2018, 2016 recommendation: "records and communicates any such concerns or incidents appropriately, ' +
    'flags them and submits them promptly on Merlin forms"; the case of "a 29-day delay before the MPS ' +
    'submitted Merlin forms for the children in the family". The number of hours is force policy.',
  source: 'report',
  appliesTo: pacKind.kind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours from when the police first knew to the PAC' },
  },
  timeBased: false,
  async obligations(_db, ctx) {
    const hours = ctx.params.sql('hours')
    const limit = hoursText(ctx.params.forceWide.hours)
    // Started when the PAC exists: before it was created Kestrel could not know there was a concern.
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.created_at as started_at,
        ${plusHoursInterval('pac.police_first_knew_at', hours)} as due_at, pac.created_at as met_at,
        'PAC created ' || ${hoursTextSql(sql.ref('late.hours'))}
          || ' after the police first knew (standard: ' || ${limit} || ')' as detail,
        pac.borough_id, pac.bcu_id, pac.raised_by_team_id as assignee_team_id,
        pac.raised_by_staff_id as assignee_staff_id
      -- Offset 0 keeps the hours worked out once per PAC: the text reads them several times.
      from pac cross join lateral (select ${millisecondsBetween('pac.police_first_knew_at', 'pac.created_at')}
        / cast(3600000 as double precision) as hours offset 0) as late
      where ${ctx.subjectFilter('pac.id')} and pac.created_at <= ${ctx.asOf}`
  },
})

// ---------- REF-02 ----------

export const ref02 = defineRule<{ hours: number }>({
  id: 'REF-02',
  title: 'PAC waiting for supervisor review',
  citation:
    'HMICFRS 2018: supervision findings ("supervisors reviews recording clearly any further work"); ' +
    'the number of hours is force policy.',
  source: 'report',
  appliesTo: pacKind.kind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours a PAC may wait for its supervisor review' },
  },
  timeBased: true,
  // Its obligation starts at a recorded event and is met by one: only its due time moves it by the clock.
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const hours = ctx.params.sql('hours')
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.submitted_at as started_at, ${plusHoursInterval('pac.submitted_at', hours)} as due_at,
        -- A review of an earlier submission does not answer a resubmission.
        case when pac.reviewed_at >= pac.submitted_at then pac.reviewed_at end as met_at,
        'Supervisor to review the PAC' as detail, pac.borough_id, pac.bcu_id,
        pac.raised_by_team_id as assignee_team_id, null as assignee_staff_id
      from pac where ${ctx.subjectFilter('pac.id')} and pac.submitted_at <= ${ctx.asOf}`
  },
})

// ---------- REF-03 ----------

export const ref03 = defineRule<{ hours: number }>({
  id: 'REF-03',
  title: 'Reviewed PAC not shared with the MASH',
  citation: 'Force policy: a PAC approved by a supervisor is shared with the MASH within the set hours.',
  source: 'local',
  appliesTo: pacKind.kind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours from approval to sharing with the MASH' },
  },
  timeBased: true,
  // Its obligation starts at a recorded event and is met by one: only its due time moves it by the clock.
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const hours = ctx.params.sql('hours')
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.reviewed_at as started_at, ${plusHoursInterval('pac.reviewed_at', hours)} as due_at,
        pac.shared_with_mash_at as met_at, 'Share the approved PAC with the MASH' as detail, pac.borough_id,
        pac.bcu_id, pac.raised_by_team_id as assignee_team_id, null as assignee_staff_id
      from pac
      where ${ctx.subjectFilter('pac.id')} and pac.review_decision = 'approved' and pac.reviewed_at <= ${ctx.asOf}`
  },
})

// ---------- REF-04 ----------

export type BragTimescales = {
  redHours: number
  amberHours: number
  greenHours: number
  blueHours: number
  unratedHours: number
}

export const ref04 = defineRule<BragTimescales>({
  id: 'REF-04',
  title: 'MASH BRAG decision late',
  citation:
    'Force policy, set per borough: London boroughs use different MASH timescales for each BRAG rating ' +
    '(for example 2 h, 6 h and 24 h); the defaults are red 4 h, amber 24 h, green 72 h.',
  source: 'local',
  appliesTo: pacKind.kind,
  tables: ['pac'],
  severity: 'high',
  params: {
    redHours: {
      default: 4,
      unit: 'hours',
      perBorough: true,
      description: 'Red: hours from sharing to decision',
    },
    amberHours: { default: 24, unit: 'hours', perBorough: true, description: 'Amber: hours to decision' },
    greenHours: { default: 72, unit: 'hours', perBorough: true, description: 'Green: hours to decision' },
    blueHours: {
      default: 72,
      unit: 'hours',
      perBorough: true,
      description:
        'Blue (no new role for the MASH, e.g. already open): hours to decision; RULES.md sets none, so as green',
    },
    unratedHours: {
      default: 4,
      unit: 'hours',
      perBorough: true,
      description:
        'Not yet rated: until the MASH rates a PAC it cannot know it may wait, so it is held to the red timescale',
    },
  },
  timeBased: true,
  // Its obligation starts at a recorded event and is met by one: only its due time moves it by the clock.
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const p = ctx.params
    // The rating counts from when it was given (or, if the time was not recorded, the decision or sharing).
    const ratedBy = sql`coalesce(pac.mash_rated_at, pac.mash_decision_at, pac.shared_with_mash_at)`
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.shared_with_mash_at as started_at,
        ${plusHours('pac.shared_with_mash_at', sql.ref('r.hours'))} as due_at,
        pac.mash_decision_at as met_at,
        case when r.brag is not null
          then 'MASH decision on a ' || r.brag || ' PAC within ' || ${hoursTextSql(sql.ref('r.hours'))}
          else 'MASH to rate and decide (unrated: ' || ${hoursTextSql(sql.ref('r.hours'))} || ')' end as detail,
        pac.borough_id, pac.bcu_id, null as assignee_team_id, null as assignee_staff_id
      from pac
      cross join lateral (select case when ${ratedBy} <= ${ctx.asOf} then pac.mash_brag end as brag) as b
      cross join lateral (select b.brag, cast(case b.brag
          when 'red' then ${p.sql('redHours', 'pac.borough_id')}
          when 'amber' then ${p.sql('amberHours', 'pac.borough_id')}
          when 'green' then ${p.sql('greenHours', 'pac.borough_id')}
          when 'blue' then ${p.sql('blueHours', 'pac.borough_id')}
          else ${p.sql('unratedHours', 'pac.borough_id')} end as double precision) as hours offset 0) as r
      where ${ctx.subjectFilter('pac.id')} and pac.shared_with_mash_at <= ${ctx.asOf}`
  },
})

// ---------- REF-05 ----------

export const ref05 = defineRule<{ decisionWorkingDays: number; followUpWorkingDays: number }>({
  id: 'REF-05',
  title: 'No outcome from children’s social care',
  citation:
    'Working Together to Safeguard Children 2023: the local authority decides within one working day of a ' +
    'referral what response is needed and tells the referrer; HMICFRS 2018: "frequently officers are not ' +
    'following up these referrals to check the response or the decision making".',
  source: 'guidance',
  appliesTo: pacKind.kind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    decisionWorkingDays: {
      default: 1,
      unit: 'working days',
      description: 'Working days from sharing to social care’s decision and feedback',
    },
    followUpWorkingDays: {
      default: 3,
      unit: 'working days',
      description: 'Working days without feedback after which the police must follow the referral up',
    },
  },
  timeBased: true,
  // Both obligations start at recorded events or at the decision's due time, and are met by recorded events.
  // The follow-up is born when the decision falls due, whatever became of the decision's finding (a
  // supervisor may have resolved it early): the sweep reads those due times from the stored findings.
  steadyByDueTimes: true,
  clockInstants: dueTimesOf('REF-05', 'decision'),
  // Working days come from the working_day table (standards/working-days.ts).
  readsWorkingDays: true,
  async obligations(_db, ctx) {
    const { decisionWorkingDays, followUpWorkingDays } = ctx.params.forceWide
    const shared = 'pac.shared_with_mash_at'
    const decisionDue = workingDaysDue('decision', shared, sql.lit(decisionWorkingDays))
    const followUpDue = workingDaysDue('follow_up', shared, sql.lit(followUpWorkingDays))
    const decisionText = `Social care’s outcome within ${decisionWorkingDays} working day${decisionWorkingDays === 1 ? '' : 's'} of the referral`
    const followUpText = `No feedback from social care: follow the referral up by ${followUpWorkingDays} working days`
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, o.obligation_key, pac.ref as subject_ref, o.started_at, o.due_at, o.met_at,
        o.detail, pac.borough_id, pac.bcu_id, o.assignee_team_id, o.assignee_staff_id
      from (select pac.*, ${decisionDue} as decision_due, ${followUpDue} as follow_up_due
        from pac
        ${addWorkingDaysJoin('decision', shared, sql.lit(decisionWorkingDays))}
        ${addWorkingDaysJoin('follow_up', shared, sql.lit(followUpWorkingDays))}
        where ${ctx.subjectFilter('pac.id')} and pac.shared_with_mash_at <= ${ctx.asOf}
        -- Offset 0 works each due time out once per PAC: inlined, they were worked out again at every use.
        offset 0) as pac
      cross join lateral (values
        ('decision', pac.shared_with_mash_at, pac.decision_due, pac.feedback_at, ${decisionText},
          cast(null as uuid), cast(null as uuid)),
        -- Only once feedback is overdue does the officer owe a follow-up; feedback or the follow-up meets it.
        ('follow-up', pac.decision_due, pac.follow_up_due,
          least(case when pac.feedback_at >= pac.decision_due then pac.feedback_at end,
            case when pac.follow_up_at >= pac.decision_due then pac.follow_up_at end),
          ${followUpText}, pac.raised_by_team_id, pac.raised_by_staff_id)
      ) as o(obligation_key, started_at, due_at, met_at, detail, assignee_team_id, assignee_staff_id)
      where o.obligation_key = 'decision' or not coalesce(pac.feedback_at <= pac.decision_due, false)`
  },
})

// ---------- REF-06 ----------

/**
 * One reason another child is linked to the PAC's child on the day: a row of the relation the person index
 * builds (children module, `linkedChildrenSql`), numbered by `link_order` within (subject_id, day, child_id).
 */
export interface ChildLinkRow {
  subject_id: string
  day: string
  child_id: string
  child_ref: string
  child_name: string
  via: 'household' | 'adult'
  adult_ref: string | null
  adult_name: string | null
  /** The adult's relationship to the PAC's child: parent, carer or associate. */
  to_child: string | null
  /** The adult's relationship to the other child, or 'household' when they live together. */
  to_other: string | null
  link_order: number
}

/**
 * The other children linked to each asked (person, day): in the same household, or with access to the same
 * adult. `asked` is a relation with columns subject_id (uuid) and day (date). The person index owns
 * households and relationships; the rule only joins what it answers, so a sweep stays one query.
 */
export type LinkedChildrenSql = (asked: RawBuilder<unknown>) => RawBuilder<ChildLinkRow>

/** Everyone whose linked children may change when the people of a relation (`person_id`) change. */
export type PeopleLinkedThroughSql = (
  people: RawBuilder<{ person_id: string }>,
) => RawBuilder<{ person_id: string }>

/** How one link (row `l`) reads in a finding: "lives in the same household", "has access to ...". */
const linkTextSql = sql<string>`case when l.via = 'household' then 'lives in the same household'
  else 'has access to the same adult ' || coalesce(l.adult_name, '') || ' (' || coalesce(l.adult_ref, '')
    || '), ' || coalesce(l.to_child, 'associate') || ' of this child and '
    || case when l.to_other = 'household' then 'living with them'
      else coalesce(l.to_other, 'associate') || ' of them' end end`

export type Ref06Params = {
  windowDays: number
  hours: number
}

export function ref06(linkedChildren: LinkedChildrenSql, linkedThrough: PeopleLinkedThroughSql) {
  // The PACs of everyone a change to these people may link to another child, or unlink, or rename.
  const pacsOf = (people: RawBuilder<{ person_id: string }>) =>
    sql<{ subject_id: string }>`select cast(pac.id as text) as subject_id from pac
      where pac.person_id in (select l.person_id from (${linkedThrough(people)}) as l)`
  const rows = (table: string, columns: readonly string[], rowIds: readonly string[]) =>
    sql<{ person_id: string }>`${sql.join(
      columns.map(
        (c) => sql`select ${sql.ref(c)} as person_id from ${sql.table(table)}
          where id = any(cast(${[...rowIds]} as uuid[]))`,
      ),
      sql` union all `,
    )}`
  return defineRule<Ref06Params>({
    id: 'REF-06',
    title: 'Other children in the household or with access to the same adult have no PAC',
    citation:
      'HMICFRS 2018, 2016 recommendation: officers must "assess actively both any immediate risks or concerns ' +
      'and any wider risks that may affect other children"; the report’s RSO and indecent images case, where ' +
      'the children in the family were referred only after 29 days.',
    source: 'report',
    appliesTo: pacKind.kind,
    tables: ['pac', 'household_membership', 'household', 'person', 'relationship'],
    // A PAC of one child is the PAC that other children's PACs owe them (or an earlier one, met sooner). A
    // link is mutual (a household, a relationship, an adult both can reach), so the PACs that may owe it are
    // those of the children linked to its own child on its day.
    dependsOn: {
      pac: (rowIds) => sql<{ subject_id: string }>`
        select distinct cast(r.id as text) as subject_id
        from ${linkedChildren(sql`(select b.person_id as subject_id, ${londonDateOf('b.created_at')} as day
          from pac b where b.id = any(cast(${[...rowIds]} as uuid[])))`)} as l
        join pac r on r.person_id = l.child_id`,
      // The person index: a child's name, age or merge, a household joined or left, a relationship recorded.
      person: (rowIds) => pacsOf(rows('person', ['id'], rowIds)),
      household_membership: (rowIds) => pacsOf(rows('household_membership', ['person_id'], rowIds)),
      relationship: (rowIds) => pacsOf(rows('relationship', ['person_a', 'person_b'], rowIds)),
    },
    severity: 'high',
    params: {
      windowDays: {
        default: 7,
        unit: 'days',
        description:
          'A PAC of the other child within this many days of this one (or about the same incident) counts as theirs',
      },
      hours: {
        default: 24,
        unit: 'hours',
        description: 'Hours from this PAC for the other children’s own PACs to be raised',
      },
    },
    timeBased: true,
    // Owed from a PAC and met by another, neither accepted dated ahead; the links are read on the PAC's own
    // day, and every record they come from re-evaluates it when written (dependsOn): only its due times move
    // it by the clock.
    steadyByDueTimes: true,
    async obligations(_db, ctx: RuleContext<Ref06Params>) {
      // The window is measured between whole milliseconds, as the rows form's Dates held them.
      const ms = (column: string) => sql`date_trunc('milliseconds', ${sql.ref(column)})`
      const window = sql`make_interval(secs => ${ctx.params.sql('windowDays')} * 86400)`
      const asked = sql`(select distinct r.person_id as subject_id, r.day from raised r)`
      return sql<ObligationQueryRow>`
        with raised as (
          select pac.id, pac.ref, pac.person_id, pac.created_at, pac.about_kind, pac.about_ref,
            pac.borough_id, pac.bcu_id, pac.raised_by_team_id, pac.raised_by_staff_id,
            ${londonDateOf('pac.created_at')} as day,
            cast(${ctx.params.sql('hours')} as double precision) as hours
          from pac where ${ctx.subjectFilter('pac.id')} and pac.created_at <= ${ctx.asOf}
        ),
        -- One row per (person, day, other child), every reason in the person index's order.
        linked as (
          select l.subject_id, l.day, l.child_id, l.child_ref, l.child_name,
            string_agg(${linkTextSql}, '; ' order by l.link_order) as reasons
          from ${linkedChildren(asked)} as l
          group by l.subject_id, l.day, l.child_id, l.child_ref, l.child_name
        )
        select r.id as subject_id, cast(k.child_id as text) as obligation_key, r.ref as subject_ref,
          r.created_at as started_at, ${plusHours('r.created_at', sql.ref('r.hours'))} as due_at,
          a.first_at as met_at,
          k.child_name || ' (' || k.child_ref || ') has no PAC of their own: ' || k.reasons as detail,
          r.borough_id, r.bcu_id, r.raised_by_team_id as assignee_team_id,
          r.raised_by_staff_id as assignee_staff_id
        from raised r join linked k on k.subject_id = r.person_id and k.day = r.day
        -- Their first own PAC near this one or about the same incident, looked up by pac_person; it may
        -- predate this one, and then the obligation was met before it began.
        left join lateral (
          select min(${ms('t.created_at')}) as first_at from pac t
          where t.person_id = k.child_id
            and (${ms('t.created_at')} between ${ms('r.created_at')} - ${window} and ${ms('r.created_at')} + ${window}
              or (r.about_ref is not null and t.about_kind = r.about_kind and t.about_ref = r.about_ref))
        ) as a on true`
    },
  })
}

/** The referrals module's rules, REF-01 to REF-06 of RULES.md. */
export function referralRules(linkedChildren: LinkedChildrenSql, linkedThrough: PeopleLinkedThroughSql) {
  return [ref01, ref02, ref03, ref04, ref05, ref06(linkedChildren, linkedThrough)]
}
