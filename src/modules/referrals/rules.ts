import { type RawBuilder, sql } from 'kysely'
import type { Database } from '../../platform/db/database.ts'
import { addHours } from '../../standards/calendar.ts'
import {
  defineRule,
  type ObligationQueryRow,
  type ObligationRow,
  type RuleContext,
} from '../../standards/rule.ts'

/** The record kind the referrals rules check, as findings and subject links name it. */
export const pacKind = 'pac'

interface PacRow {
  id: string
  ref: string
  person_id: string
  borough_id: string
  bcu_id: string | null
  raised_by_team_id: string | null
  raised_by_staff_id: string | null
  police_first_knew_at: Date
  created_at: Date
  submitted_at: Date
  reviewed_at: Date | null
  review_decision: string | null
  shared_with_mash_at: Date | null
  mash_decision_at: Date | null
  feedback_at: Date | null
  follow_up_at: Date | null
  about_kind: string
  about_ref: string | null
}

const area = (p: PacRow) => ({
  subjectId: p.id,
  subjectRef: p.ref,
  boroughId: p.borough_id,
  bcuId: p.bcu_id,
})

const hoursText = (h: number) => `${Number.isInteger(h) ? h : h.toFixed(1)} hour${h === 1 ? '' : 's'}`

/** Whole milliseconds from `from` to `to`, as JavaScript's Dates (which keep milliseconds) would count them. */
const millisecondsBetween = (from: string, to: string) =>
  sql`cast(round((extract(epoch from date_trunc('milliseconds', ${sql.ref(to)}))
    - extract(epoch from date_trunc('milliseconds', ${sql.ref(from)}))) * 1000) as double precision)`

/**
 * hoursText in SQL, so a rule that answers with its query words its details exactly as before. A whole
 * number prints as it is; otherwise one decimal rounded from the double's exact binary value, as
 * `toFixed(1)` does: `to_char` of a double does that too, except that an exact tie (a quarter hour) goes up
 * in JavaScript and to the even digit in C, so quarters are rounded as numeric (half away from zero).
 */
function hoursTextSql(hours: RawBuilder<unknown> | ReturnType<typeof sql.ref>) {
  return sql<string>`(select case
      when h.v = trunc(h.v) then cast(cast(h.v as bigint) as text)
      when h.v * 4 = trunc(h.v * 4) then to_char(round(cast(h.v as numeric), 1), 'FM999999999990.0')
      else to_char(h.v, 'FM999999999990.0') end
    || case when h.v = 1 then ' hour' else ' hours' end
    from (select cast(${hours} as double precision) as v) as h)`
}

/** addHours in SQL: the same double arithmetic on milliseconds, cut to a whole millisecond as a Date is. */
function addHoursSql(instant: ReturnType<typeof sql.ref>, hours: ReturnType<typeof sql.ref>) {
  return sql<Date>`(timestamptz 'epoch' + trunc(
    cast(round(extract(epoch from date_trunc('milliseconds', ${instant})) * 1000) as double precision)
      + ${hours} * cast(3600000 as double precision)) * interval '1 millisecond')`
}

// ---------- REF-01 ----------

export const ref01 = defineRule<{ hours: number }>({
  id: 'REF-01',
  title: 'PAC submitted late',
  citation:
    'HMICFRS 2018, 2016 recommendation: "records and communicates any such concerns or incidents appropriately, ' +
    'flags them and submits them promptly on Merlin forms"; the case of "a 29-day delay before the MPS ' +
    'submitted Merlin forms for the children in the family". The number of hours is force policy.',
  source: 'report',
  appliesTo: pacKind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours from when the police first knew to the PAC' },
  },
  timeBased: false,
  // Answers with its query, so the engine compares it with the stored findings in the database.
  async obligations(_db, ctx) {
    const hours = ctx.params.sql('hours')
    const limit = hoursText(ctx.params.forceWide.hours)
    // Started when the PAC exists: before it was created Kestrel could not know there was a concern.
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.created_at as started_at,
        pac.police_first_knew_at + make_interval(secs => ${hours} * 3600) as due_at, pac.created_at as met_at,
        'PAC created ' || ${hoursTextSql(sql`${millisecondsBetween('pac.police_first_knew_at', 'pac.created_at')} / cast(3600000 as double precision)`)}
          || ' after the police first knew (standard: ' || ${limit} || ')' as detail,
        pac.borough_id, pac.bcu_id, pac.raised_by_team_id as assignee_team_id,
        pac.raised_by_staff_id as assignee_staff_id
      from pac where ${ctx.subjectFilter('pac.id')} and pac.created_at <= ${ctx.asOf}`
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
  appliesTo: pacKind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours a PAC may wait for its supervisor review' },
  },
  timeBased: true,
  // Answers with its query, so the engine compares it with the stored findings in the database.
  async obligations(_db, ctx) {
    const hours = ctx.params.sql('hours')
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.submitted_at as started_at, pac.submitted_at + make_interval(secs => ${hours} * 3600) as due_at,
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
  appliesTo: pacKind,
  tables: ['pac'],
  severity: 'medium',
  params: {
    hours: { default: 24, unit: 'hours', description: 'Hours from approval to sharing with the MASH' },
  },
  timeBased: true,
  // Answers with its query, so the engine compares it with the stored findings in the database.
  async obligations(_db, ctx) {
    const hours = ctx.params.sql('hours')
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.reviewed_at as started_at, pac.reviewed_at + make_interval(secs => ${hours} * 3600) as due_at,
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
  appliesTo: pacKind,
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
  // Answers with its query, so the engine compares it with the stored findings in the database.
  async obligations(_db, ctx) {
    const p = ctx.params
    // The rating counts from when it was given (or, if the time was not recorded, the decision or sharing).
    const ratedBy = sql`coalesce(pac.mash_rated_at, pac.mash_decision_at, pac.shared_with_mash_at)`
    return sql<ObligationQueryRow>`
      select pac.id as subject_id, '' as obligation_key, pac.ref as subject_ref,
        pac.shared_with_mash_at as started_at,
        ${addHoursSql(sql.ref('pac.shared_with_mash_at'), sql.ref('r.hours'))} as due_at,
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
          else ${p.sql('unratedHours', 'pac.borough_id')} end as double precision) as hours) as r
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
  appliesTo: pacKind,
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
  async obligations(db, ctx) {
    const { rows } = await sql<PacRow>`
      select pac.* from pac
      where ${ctx.subjectFilter('pac.id')} and pac.shared_with_mash_at <= ${ctx.asOf}`.execute(db)
    const { decisionWorkingDays, followUpWorkingDays } = ctx.params.forceWide
    const out: ObligationRow[] = []
    for (const r of rows) {
      const shared = r.shared_with_mash_at as Date
      const decisionDue = ctx.calendar.addWorkingDays(shared, decisionWorkingDays)
      out.push({
        ...area(r),
        key: 'decision',
        startedAt: shared,
        dueAt: decisionDue,
        metAt: r.feedback_at,
        detail: `Social care’s outcome within ${decisionWorkingDays} working day${decisionWorkingDays === 1 ? '' : 's'} of the referral`,
      })
      // Only once feedback is overdue does the officer owe a follow-up; feedback or the follow-up meets it.
      if (r.feedback_at && r.feedback_at <= decisionDue) continue
      const met = [r.feedback_at, r.follow_up_at].filter((d): d is Date => d !== null && d >= decisionDue)
      out.push({
        ...area(r),
        key: 'follow-up',
        startedAt: decisionDue,
        dueAt: ctx.calendar.addWorkingDays(shared, followUpWorkingDays),
        metAt: met.length ? new Date(Math.min(...met.map((d) => d.getTime()))) : null,
        detail: `No feedback from social care: follow the referral up by ${followUpWorkingDays} working days`,
        assigneeTeamId: r.raised_by_team_id,
        assigneeStaffId: r.raised_by_staff_id,
      })
    }
    return out
  },
})

// ---------- REF-06 ----------

/** Why another child is linked to the PAC's child on the day, as the person index answers it. */
export type ChildLinkReason =
  | { via: 'household' }
  | {
      via: 'adult'
      adultRef: string
      adultName: string
      /** The adult's relationship to the PAC's child: parent, carer or associate. */
      toChild: string
      /** The adult's relationship to the other child, or 'household' when they live together. */
      toOther: string
    }

/** Another child linked to the PAC's child on the day: same household, or access to the same adult. */
export interface HouseholdChild {
  personId: string
  ref: string
  name: string
  links: ChildLinkReason[]
}

/**
 * For each (child, day), the other children linked to that child on the day: in the same household, or with
 * access to the same adult. The person index owns households and relationships; the rule asks it for all
 * PACs at once so a sweep stays one round trip per batch.
 */
export type OtherChildrenAt = (
  executor: Database,
  asked: readonly { personId: string; day: string }[],
) => Promise<Map<string, HouseholdChild[]>>

/** How one link reads in a finding: "lives in the same household", "has access to the same adult ...". */
export function linkText(link: ChildLinkReason): string {
  if (link.via === 'household') return 'lives in the same household'
  const toOther = link.toOther === 'household' ? 'living with them' : `${link.toOther} of them`
  return `has access to the same adult ${link.adultName} (${link.adultRef}), ${link.toChild} of this child and ${toOther}`
}

/** The finding's words: which child, and every reason they are linked. */
export function ref06Detail(child: HouseholdChild): string {
  const reasons = child.links.length ? child.links.map(linkText) : ['lives in the same household']
  return `${child.name} (${child.ref}) has no PAC of their own: ${reasons.join('; ')}`
}

/** The key OtherChildrenAt answers under. */
export const householdKey = (personId: string, day: string) => `${personId}|${day}`

export type Ref06Params = {
  windowDays: number
  hours: number
}

export function ref06(otherChildrenAt: OtherChildrenAt) {
  return defineRule<Ref06Params>({
    id: 'REF-06',
    title: 'Other children in the household or with access to the same adult have no PAC',
    citation:
      'HMICFRS 2018, 2016 recommendation: officers must "assess actively both any immediate risks or concerns ' +
      'and any wider risks that may affect other children"; the report’s RSO and indecent images case, where ' +
      'the children in the family were referred only after 29 days.',
    source: 'report',
    appliesTo: pacKind,
    tables: ['pac', 'household_membership', 'household', 'person', 'relationship'],
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
    async obligations(db, ctx: RuleContext<Ref06Params>) {
      const { rows } = await sql<PacRow & { day: string }>`
        select pac.*, to_char(pac.created_at at time zone 'Europe/London', 'YYYY-MM-DD') as day
        from pac where ${ctx.subjectFilter('pac.id')} and pac.created_at <= ${ctx.asOf}`.execute(db)
      if (rows.length === 0) return []
      const household = await otherChildrenAt(
        db,
        rows.map((r) => ({ personId: r.person_id, day: r.day })),
      )
      const siblingIds = [...new Set([...household.values()].flat().map((c) => c.personId))]
      if (siblingIds.length === 0) return []
      const { windowDays, hours } = ctx.params.forceWide
      const { rows: theirs } = await sql<{
        person_id: string
        created_at: Date
        about_kind: string
        about_ref: string | null
      }>`select person_id, created_at, about_kind, about_ref from pac
         where person_id = any(${siblingIds}::uuid[])`.execute(db)
      const byPerson = new Map<string, typeof theirs>()
      for (const t of theirs) byPerson.set(t.person_id, [...(byPerson.get(t.person_id) ?? []), t])
      const windowMs = windowDays * 86_400_000
      const out: ObligationRow[] = []
      for (const r of rows) {
        for (const child of household.get(householdKey(r.person_id, r.day)) ?? []) {
          if (child.personId === r.person_id) continue
          const answering = (byPerson.get(child.personId) ?? []).filter(
            (t) =>
              Math.abs(t.created_at.getTime() - r.created_at.getTime()) <= windowMs ||
              (r.about_ref !== null && t.about_kind === r.about_kind && t.about_ref === r.about_ref),
          )
          const first = answering.length
            ? new Date(Math.min(...answering.map((t) => t.created_at.getTime())))
            : null
          out.push({
            ...area(r),
            key: child.personId,
            startedAt: r.created_at,
            dueAt: addHours(r.created_at, hours),
            // Their PAC may predate this one: then the obligation was met before it began.
            metAt: first,
            detail: ref06Detail(child),
            assigneeTeamId: r.raised_by_team_id,
            assigneeStaffId: r.raised_by_staff_id,
          })
        }
      }
      return out
    },
  })
}

/** The referrals module's rules, REF-01 to REF-06 of RULES.md. */
export function referralRules(otherChildrenAt: OtherChildrenAt) {
  return [ref01, ref02, ref03, ref04, ref05, ref06(otherChildrenAt)]
}
