import { sql } from 'kysely'
import { z } from 'zod'
import { londonDate } from '../../platform/time.ts'
import { defineRule, type ObligationQueryRow } from '../../standards/rule.ts'
import {
  afterMonthsOf,
  londonDateOf,
  londonDayText,
  londonMidnightOf,
  plusLondonDays,
  plusMonthsDate,
} from '../../standards/sql-time.ts'
import { chargedPersonKind, managerKind, rsoKind } from './access.ts'
import { visitIntervalParams, yearlyNotificationKinds } from './rso.ts'

/*
 * The RSO rules of RULES.md. Each answers with its query: the engine compares it with the stored findings.
 * Obligations run only while the RSO is active in the community: one in custody, abroad, deceased or whose
 * notification ended owes none, and what they owed is resolved.
 */

/** The columns every RSO rule answers with from its RSO `r`: where it lies and who must act. */
const rsoColumns = sql`r.id as subject_id, r.ref as subject_ref, r.borough_id, r.bcu_id,
  r.team_id as assignee_team_id, r.manager_staff_id as assignee_staff_id`

const citation = {
  arms: 'Inspection report 2018: "ARMS assessments should be reviewed every year"; they were treated as annual "health checks".',
}

/** RSO-01: an ARMS assessment older than N months (and a first one owed within N months of notification). */
export const rso01 = defineRule<{ months: number }>({
  id: 'RSO-01',
  title: 'ARMS assessment out of date',
  citation: citation.arms,
  source: 'report',
  appliesTo: rsoKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at the notification's first day or a recorded event and are met by recorded events,
  // none of which a write or an import accepts dated ahead (keep-records.ts, write-rsos.ts): only their due
  // times move them by the clock.
  steadyByDueTimes: true,
  tables: ['rso', 'rso_arms'],
  params: { months: { default: 12, description: 'Months an ARMS assessment stays current', unit: 'months' } },
  async obligations(_db, { asOf, params, subjectFilter }) {
    const today = londonDate(asOf)
    const months = params.sql('months')
    // Each assessment (and the notification's start, before the first) owes the next within N months.
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, coalesce(x.id::text, 'first') as obligation_key,
        ${londonMidnightOf('x.since')} as started_at,
        ${afterMonthsOf('x.since', months)} as due_at,
        ${londonMidnightOf('x.next_on')} as met_at,
        case when x.id is null then 'No ARMS assessment since notification began'
          else 'ARMS assessment of ' || to_char(x.since, 'FMDD Month YYYY') || ': reassess within the year' end as detail
      from rso r
      cross join lateral (
        select a.id, a.assessed_on as since, lead(a.assessed_on) over (order by a.assessed_on, a.id) as next_on
        from rso_arms a where a.rso_id = r.id and a.assessed_on <= ${today}::date
        union all
        select null::uuid, r.notification_start, (select min(a.assessed_on) from rso_arms a
          where a.rso_id = r.id and a.assessed_on <= ${today}::date)
      ) x
      where ${subjectFilter('r.id')} and r.status = 'active' and r.notification_start <= ${today}::date`
  },
})

/** RSO-02: the risk level changed, or new relevant information came in, and no new ARMS within N days. */
export const rso02 = defineRule<{ days: number }>({
  id: 'RSO-02',
  title: 'No new ARMS after a risk change or new information',
  citation:
    'Inspection report 2018: an offender manager raised the risk from low to medium without a new ARMS; ' +
    'assessments were not redone when new information came to light.',
  source: 'report',
  appliesTo: rsoKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at recorded events and are met by recorded events, none accepted dated ahead: only
  // their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['rso', 'rso_arms', 'rso_risk_change', 'rso_information'],
  params: { days: { default: 28, description: 'Days to a new ARMS assessment', unit: 'days' } },
  async obligations(_db, { asOf, params, subjectFilter }) {
    const today = londonDate(asOf)
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, t.key as obligation_key, t.at as started_at,
        ${plusLondonDays('t.at', params.sql('days'))} as due_at,
        (select case when min(a.assessed_on) is not null
            then greatest(t.at, ${londonMidnightOf(sql`min(a.assessed_on)`)}) end from rso_arms a
          where a.rso_id = r.id and a.assessed_on >= ${londonDateOf('t.at')}
            and a.assessed_on <= ${today}::date) as met_at,
        t.detail
      from rso r
      join (
        select c.rso_id, 'risk:' || c.id as key, c.changed_at as at,
          'Risk level changed from ' || replace(c.from_level, '_', ' ') || ' to ' || replace(c.to_level, '_', ' ')
            || ': a new ARMS assessment is owed' as detail
        from rso_risk_change c where c.changed_at <= ${asOf} and ${subjectFilter('c.rso_id')}
        union all
        select i.rso_id, 'info:' || i.id, i.received_at,
          'New information from ' || i.source || ': a new ARMS assessment is owed'
        from rso_information i where i.received_at <= ${asOf} and ${subjectFilter('i.rso_id')}
      ) t on t.rso_id = r.id
      where ${subjectFilter('r.id')} and r.status = 'active'`
  },
})

/** RSO-03: the risk management plan is older than the latest ARMS or risk change. */
export const rso03 = defineRule({
  id: 'RSO-03',
  title: 'Risk management plan out of date',
  citation: 'Inspection report 2018: "risk management plans that were out of date".',
  source: 'report',
  appliesTo: rsoKind.kind,
  severity: 'medium',
  timeBased: false,
  tables: ['rso', 'rso_arms', 'rso_risk_change', 'rso_plan'],
  params: {},
  // Each assessment and each change of level owes a plan agreed since; until one is, the plan is out of date.
  async obligations(_db, { asOf, subjectFilter }) {
    const today = londonDate(asOf)
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, t.key as obligation_key, t.at as started_at, null::timestamptz as due_at,
        (select min(p.agreed_at) from rso_plan p where p.rso_id = r.id and p.agreed_at >= t.at
          and p.agreed_at <= ${asOf}) as met_at,
        t.detail
      from rso r
      join (
        select a.rso_id, 'arms:' || a.id as key, ${londonMidnightOf('a.assessed_on')} as at,
          'ARMS assessment of ' || to_char(a.assessed_on, 'FMDD Month YYYY') || ' has no risk management plan agreed since' as detail
        from rso_arms a where a.assessed_on <= ${today}::date and ${subjectFilter('a.rso_id')}
        union all
        select c.rso_id, 'risk:' || c.id, c.changed_at,
          'Risk level changed to ' || replace(c.to_level, '_', ' ') || ' with no risk management plan agreed since'
        from rso_risk_change c where c.changed_at <= ${asOf} and ${subjectFilter('c.rso_id')}
      ) t on t.rso_id = r.id
      where ${subjectFilter('r.id')} and r.status = 'active'`
  },
})

/** RSO-04: a home visit overdue for the RSO's risk level (a level with 0 months is managed reactively). */
export const rso04 = defineRule<{ [K in keyof typeof visitIntervalParams]: number }>({
  id: 'RSO-04',
  title: 'Home visit overdue for the risk level',
  citation:
    'Former national practice for visiting RSOs by risk level; the current APP defers to NPCC policy. Inspection ' +
    'report 2018: the force had only just started to collect data on visits.',
  source: 'local',
  appliesTo: rsoKind.kind,
  severity: 'medium',
  timeBased: true,
  // Its obligations start at the notification's first day or a recorded event and are met by recorded events,
  // none of which a write or an import accepts dated ahead (keep-records.ts, write-rsos.ts): only their due
  // times move them by the clock.
  steadyByDueTimes: true,
  tables: ['rso', 'rso_visit'],
  params: visitIntervalParams,
  async obligations(_db, { asOf, params, subjectFilter }) {
    const months = sql`(case r.risk_level when 'very_high' then ${params.sql('veryHighMonths')}
      when 'high' then ${params.sql('highMonths')} when 'medium' then ${params.sql('mediumMonths')}
      else ${params.sql('lowMonths')} end)`
    // Each visit made (and the notification's start, before the first) owes the next within the interval.
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, coalesce(x.id::text, 'first') as obligation_key,
        coalesce(x.visited_at, ${londonMidnightOf('r.notification_start')}) as started_at,
        ${afterMonthsOf(sql`coalesce(${londonDateOf('x.visited_at')}, r.notification_start)`, months)} as due_at,
        x.next_at as met_at,
        case when x.id is null then 'No home visit since notification began'
          else 'Last home visit ' || ${londonDayText('x.visited_at')}
            || ': visit ' || replace(r.risk_level, '_', ' ') || ' risk every ' || ${months}::int || ' months' end as detail
      from rso r
      cross join lateral (
        select y.id, y.visited_at, lead(y.visited_at) over (order by y.visited_at nulls first, y.id) as next_at
        from (select null::uuid as id, null::timestamptz as visited_at
          union all select v.id, v.visited_at from rso_visit v
            where v.rso_id = r.id and v.visited_at <= ${asOf}) y
      ) x
      where ${subjectFilter('r.id')} and r.status = 'active' and ${months} > 0
        and r.notification_start <= ${londonDate(asOf)}::date`
  },
})

/**
 * RSO-05: an offender manager holding more active RSOs than the warning line is warned (a finding due,
 * with the days a supervisor has to rebalance); above the breach line it is a breach at once. The caseload
 * went over the line when the manager's (warning + 1)th current allocation began.
 */
export const rso05 = defineRule<{ warnAbove: number; breachAbove: number; daysToRebalance: number }>({
  id: 'RSO-05',
  title: 'Offender manager holding too many RSOs',
  citation:
    'Inspection report 2018: Jigsaw offender managers held more than 100 RSOs each in five areas (50 to 60 in 2016).',
  source: 'report',
  appliesTo: managerKind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at recorded events and are met by recorded events, none accepted dated ahead: only
  // their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['rso', 'rso_allocation', 'staff', 'team'],
  params: {
    warnAbove: {
      default: 50,
      description: 'Active RSOs per manager above which a supervisor is warned',
      unit: 'RSOs',
    },
    breachAbove: {
      default: 100,
      description: 'Active RSOs per manager above which it is a breach',
      unit: 'RSOs',
    },
    daysToRebalance: {
      default: 90,
      description: 'Days from going over the warning line to bring the caseload back under it',
      unit: 'days',
    },
  },
  async obligations(_db, { asOf, params, subjectFilter }) {
    const warn = params.sql('warnAbove')
    const breach = params.sql('breachAbove')
    return sql<ObligationQueryRow>`
      select s.id as subject_id, '' as obligation_key, s.name || ' (' || s.staff_number || ')' as subject_ref,
        c.over_at as started_at,
        case when c.n > ${breach} then null else ${plusLondonDays('c.over_at', params.sql('daysToRebalance'))} end as due_at,
        null::timestamptz as met_at,
        s.name || ' manages ' || c.n || ' active RSOs: more than ' ||
          case when c.n > ${breach} then ${breach}::int else ${warn}::int end as detail,
        t.borough_id, t.bcu_id, s.team_id as assignee_team_id, null::uuid as assignee_staff_id
      from (
        select m.staff_id, count(*) as n,
          (array_agg(m.from_at order by m.from_at))[${warn}::int + 1] as over_at
        from (
          select r.manager_staff_id as staff_id, coalesce(
            (select max(a.from_at) from rso_allocation a where a.rso_id = r.id and a.staff_id = r.manager_staff_id
              and a.from_at <= ${asOf}), r.created_at) as from_at
          from rso r where r.status = 'active' and r.manager_staff_id is not null and ${subjectFilter('r.manager_staff_id')}
        ) m
        group by m.staff_id
      ) c
      join staff s on s.id = c.staff_id
      left join team t on t.id = s.team_id
      where c.n > ${warn} and c.over_at <= ${asOf}`
  },
})

/** RSO-07: the yearly notification overdue: a year since the last initial, change or periodic notification. */
export const rso07 = defineRule<{ months: number }>({
  id: 'RSO-07',
  title: 'Periodic notification overdue',
  citation:
    'Sexual Offences Act 2003 s85: an RSO must notify their details again within one year of their last notification.',
  source: 'statute',
  appliesTo: rsoKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at the notification's first day or a recorded event and are met by recorded events,
  // none of which a write or an import accepts dated ahead (keep-records.ts, write-rsos.ts): only their due
  // times move them by the clock.
  steadyByDueTimes: true,
  tables: ['rso', 'rso_notification'],
  params: {
    months: { default: 12, description: 'Months within which the next notification is owed', unit: 'months' },
  },
  async obligations(_db, { asOf, params, subjectFilter }) {
    const months = params.sql('months')
    const since = sql`coalesce(${londonDateOf('x.notified_at')}, r.notification_start)`
    // The year "beginning with" the day of the last notification ends the day before its anniversary.
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, coalesce(x.id::text, 'first') as obligation_key,
        coalesce(x.notified_at, ${londonMidnightOf('r.notification_start')}) as started_at,
        ${londonMidnightOf(plusMonthsDate(since, months))} as due_at,
        x.next_at as met_at,
        case when x.id is null then 'No notification recorded since notification began'
          else 'Last notification ' || ${londonDayText('x.notified_at')}
            || ': the yearly notification is owed' end as detail
      from rso r
      cross join lateral (
        select y.id, y.notified_at, lead(y.notified_at) over (order by y.notified_at nulls first, y.id) as next_at
        from (select null::uuid as id, null::timestamptz as notified_at
          union all select n.id, n.notified_at from rso_notification n
            where n.rso_id = r.id and n.notified_at <= ${asOf} and n.kind = any(${[...yearlyNotificationKinds]}::text[])) y
      ) x
      where ${subjectFilter('r.id')} and r.status = 'active' and r.notification_start <= ${londonDate(asOf)}::date`
  },
})

/**
 * RSO-06: an RSO found to have access to children (living with, or staying 12 hours or more with, a child,
 * as notified; or children present at a visit) and no PAC or referral to children's social care within N
 * days. A PAC linked to the visit or notification, or a referral recorded on it, meets it.
 */
export const rso06 = defineRule<{ days: number }>({
  id: 'RSO-06',
  title: 'RSO with access to children not referred to social care',
  citation:
    'Sexual Offences Act 2003 (Notification Requirements) Regulations 2012, reg 10. Inspection report 2018: ' +
    'information on RSOs was "not proactively" shared with children’s social care; in one case 29 days passed ' +
    'before the children of an RSO were referred.',
  source: 'statute',
  appliesTo: rsoKind.kind,
  severity: 'high',
  timeBased: true,
  // Its obligations start at recorded events and are met by recorded events, none accepted dated ahead: only
  // their due times move them by the clock.
  steadyByDueTimes: true,
  tables: ['rso', 'rso_visit', 'rso_notification', 'rso_pac', 'pac'],
  params: { days: { default: 1, description: 'Days to a PAC or social care referral', unit: 'days' } },
  async obligations(_db, { asOf, params, upTo, subjectFilter }) {
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, t.key as obligation_key, t.at as started_at,
        ${plusLondonDays('t.at', params.sql('days'))} as due_at,
        least(${upTo('t.referral_at')}, (select min(p.created_at) from rso_pac l join pac p on p.id = l.pac_id
          where (l.visit_id = t.id or l.notification_id = t.id) and p.created_at <= ${asOf})) as met_at,
        t.detail
      from rso r
      join (
        select v.rso_id, v.id, 'visit:' || v.id as key, v.visited_at as at, v.social_care_referral_at as referral_at,
          'Children present at a home visit: raise a PAC for each child or refer to children’s social care' as detail
        from rso_visit v where v.children_present and v.visited_at <= ${asOf} and ${subjectFilter('v.rso_id')}
        union all
        select n.rso_id, n.id, 'notification:' || n.id, n.notified_at, n.social_care_referral_at,
          'Notified staying at a household with a child: raise a PAC for each child or refer to children’s social care'
        from rso_notification n where n.kind = 'household_with_child' and n.notified_at <= ${asOf}
          and ${subjectFilter('n.rso_id')}
      ) t on t.rso_id = r.id
      where ${subjectFilter('r.id')} and r.status = 'active'`
  },
})

/** The notifiable sexual offences RSO-09 looks for in a charge's offence, as words it contains (any case). */
export const defaultNotifiableOffences = [
  'rape',
  'assault by penetration',
  'sexual assault',
  'sexual activity with a child',
  'causing or inciting a child',
  'sexual activity in the presence of a child',
  'causing a child to watch a sexual act',
  'child sex offence',
  'meeting a child following sexual grooming',
  'sexual communication with a child',
  'abuse of position of trust',
  'indecent photograph',
  'indecent image',
  'indecent images',
  'voyeurism',
  'exposure',
  'sexual activity with a person with a mental disorder',
  'sexual exploitation of children',
  'paying for the sexual services of a child',
  'incest',
  'familial child sex',
]

/** A `like` pattern matching text that contains `words`, with like's own characters taken literally. */
const containing = (words: string) => `%${words.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`

/**
 * RSO-09: an adult charged with a notifiable sexual offence (a charge recorded here, or an investigation
 * closed charged with its suspect in the person index) and no ViSOR record: breached from the charge until
 * the person's RSO record has a ViSOR reference.
 */
export const rso09 = defineRule<{ offences: string[] }>({
  id: 'RSO-09',
  title: 'Charged with a notifiable sexual offence and no ViSOR record',
  citation:
    'Inspection report 2018, notable practice: a ViSOR record created at the point of charge for a notifiable ' +
    'sexual offence.',
  source: 'report',
  appliesTo: chargedPersonKind,
  severity: 'medium',
  // Not judged by the clock at all once every charge, closure and ViSOR record is refused dated ahead; time-
  // based (the sweep keeps it) but swept by due times, of which it has none.
  timeBased: true,
  steadyByDueTimes: true,
  tables: ['sexual_offence_charge', 'investigation', 'investigation_person', 'person', 'rso'],
  // A case charged at closure (investigations' writes) and a date of birth corrected (the person index)
  // judge their people again in the same transaction.
  dependsOn: {
    investigation: (ids) => sql<{
      subject_id: string
    }>`select distinct cast(p.person_id as text) as subject_id
      from investigation_person p where p.investigation_id = any(cast(${[...ids]} as uuid[])) and p.role = 'suspect'`,
    person: (ids) => sql<{ subject_id: string }>`select cast(id as text) as subject_id from person
      where id = any(cast(${[...ids]} as uuid[]))`,
  },
  params: {
    offences: {
      default: defaultNotifiableOffences,
      description:
        'Words that make an offence notifiable (Sexual Offences Act 2003 Schedule 3), matched in any case',
      schema: z.array(z.string().trim().min(3).max(200)).min(1).max(200),
    },
  },
  async obligations(_db, { asOf, params, subjectFilter }) {
    const patterns = params.forceWide.offences.map(containing)
    return sql<ObligationQueryRow>`
      select ch.person_id as subject_id, ch.key as obligation_key, pe.ref as subject_ref, ch.charged_at as started_at,
        null::timestamptz as due_at,
        (select greatest(ch.charged_at, min(r.visor_recorded_at)) from rso r
          where r.person_id = ch.person_id and r.visor_recorded_at <= ${asOf}
          having min(r.visor_recorded_at) is not null) as met_at,
        'Charged with ' || ch.offence || ' (' || ch.ref || '): create the ViSOR record' as detail,
        ch.borough_id, ch.bcu_id, ch.team_id as assignee_team_id, ch.staff_id as assignee_staff_id
      from (
        select c.person_id, 'charge:' || c.id as key, c.ref, c.offence, c.charged_at, c.borough_id, c.bcu_id,
          null::uuid as team_id, c.officer_staff_id as staff_id
        from sexual_offence_charge c where c.charged_at <= ${asOf} and ${subjectFilter('c.person_id')}
        union all
        select p.person_id, 'investigation:' || i.id, i.ref, i.offence, i.closed_at, i.borough_id, i.bcu_id,
          i.team_id, i.officer_staff_id
        from investigation i join investigation_person p on p.investigation_id = i.id
        where i.outcome = '1' and i.closed_at <= ${asOf} and i.offence is not null and p.role = 'suspect'
          and not p.is_child and ${subjectFilter('p.person_id')}
      ) ch
      join person pe on pe.id = ch.person_id
      where lower(ch.offence) like any(${patterns}::text[])
        and (pe.date_of_birth is null
          or pe.date_of_birth <= ${londonDateOf('ch.charged_at')} - interval '18 years')`
  },
})

/**
 * RSO-08: an active RSO, at any risk level, not on the current briefing for the neighbourhood area where they
 * live (their borough's, or their ward's where a ward is briefed). Owed from when they came to live there;
 * met while the current briefing of the area lists them, from the first version of it that did. The
 * scheduled briefing lists a newcomer from the next day (briefings.ts), so it shows the day's arrivals.
 */
export const rso08 = defineRule({
  id: 'RSO-08',
  title: 'RSO not on the current neighbourhood briefing',
  citation:
    'Inspection report 2018: neighbourhood officers "remain unaware of the majority of offenders" in their area; ' +
    'briefings covered only high and very high risk.',
  source: 'report',
  appliesTo: rsoKind.kind,
  severity: 'medium',
  timeBased: false,
  tables: ['rso', 'rso_address', 'rso_briefing', 'rso_briefing_entry'],
  params: {},
  async obligations(_db, { asOf, subjectFilter }) {
    // The current version of each briefing area, as at asOf.
    const current = sql`(select distinct on (b.borough_id, b.ward_id) b.id, b.borough_id, b.ward_id
      from rso_briefing b where b.generated_at <= ${asOf}
      order by b.borough_id, b.ward_id, b.area_version desc)`
    return sql<ObligationQueryRow>`
      select ${rsoColumns}, '' as obligation_key,
        greatest(r.created_at, coalesce((select ${londonMidnightOf(sql`max(a.from_date)`)} from rso_address a
          where a.rso_id = r.id and a.borough_id = r.borough_id and a.to_date is null), r.created_at)) as started_at,
        null::timestamptz as due_at,
        case when exists (select 1 from ${current} c join rso_briefing_entry e on e.briefing_id = c.id
            where e.rso_id = r.id and c.borough_id = r.borough_id and (c.ward_id is null or c.ward_id = r.ward_id))
          then (select min(b.generated_at) from rso_briefing b join rso_briefing_entry e on e.briefing_id = b.id
            where e.rso_id = r.id and b.borough_id = r.borough_id and b.generated_at <= ${asOf})
        end as met_at,
        'Not on the current briefing for the neighbourhood teams where they live: the next day''s lists a newcomer, or brief the area now' as detail
      from rso r
      where ${subjectFilter('r.id')} and r.status = 'active' and r.created_at <= ${asOf}`
  },
})

export const offenderRules = [rso01, rso02, rso03, rso04, rso05, rso06, rso07, rso08, rso09]
