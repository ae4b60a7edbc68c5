import { type RawBuilder, sql } from 'kysely'
import {
  type AnyRule,
  defineRule,
  dueTimesOf,
  type ObligationQueryRow,
  type RuleContext,
} from '../../standards/rule.ts'
import { hoursBetweenText, hoursText, plusHours } from '../../standards/sql-time.ts'
import { detentionKind } from './access.ts'
import { inspectorOrAbove, transferDestinations } from './custody.ts'

/** What every custody rule reads (the benchmark's count(*) baseline). */
const detentionTables = ['custody_detention', 'custody_event']

/**
 * What a rule may ask of a detention's timeline: the first time of an event of a kind (of some kinds only
 * when a condition holds), or the least of one of its columns.
 */
type Fact =
  | 'arrived_at'
  | 'relevant_at'
  | 'authorised_at'
  | 'aa_arrived_at'
  | 'aa_left_at'
  | 'charged_at'
  | 'refused_at'
  | 'left_at'
  | 'destination'

const timelineFacts: Record<Fact, { kind: string; when?: RawBuilder<boolean>; value?: string }> = {
  arrived_at: { kind: 'arrived' },
  relevant_at: { kind: 'relevant_time' },
  authorised_at: { kind: 'detention_authorised' },
  aa_arrived_at: { kind: 'aa_arrived' },
  aa_left_at: { kind: 'aa_left' },
  charged_at: { kind: 'charged' },
  refused_at: { kind: 'bail_decision', when: sql<boolean>`e.bail_refused` },
  left_at: { kind: 'left_custody' },
  destination: { kind: 'left_custody', value: 'e.destination' },
}

/**
 * Every custody rule reads the timeline as it stood at asOf: events dated after it have not happened.
 * `facts` is one row per detention arrested by asOf (columns id, ref, borough_id, bcu_id, suite_id,
 * arrested_at, pac_linked_at, pac_ref, pac_time_unknown) with the facts the rule asks for. Each rule reads only the event kinds its facts
 * need, and the subject filter sits on both tables so one detention is read through its indexes. With
 * `known`, only the detentions where that fact is known (the obligation starts from it).
 */
function facts<P>(ctx: RuleContext<P>, wanted: readonly Fact[], known?: Fact): RawBuilder<unknown> {
  const detention = sql`d.id, d.ref, d.borough_id, d.bcu_id, d.custody_suite_team_id as suite_id, d.arrested_at,
    ${ctx.upTo('d.pac_linked_at')} as pac_linked_at, d.pac_ref,
    (d.pac_ref is not null and d.pac_id is null and d.pac_linked_at is null) as pac_time_unknown`
  const inScope = sql`${ctx.subjectFilter('d.id')} and d.arrested_at <= ${ctx.asOf}`
  if (wanted.length === 0) return sql`select ${detention} from custody_detention d where ${inScope}`
  const kinds = [...new Set(wanted.map((name) => timelineFacts[name].kind))]
  const firsts = wanted.map((name) => {
    const { kind, when, value } = timelineFacts[name]
    const condition = when ? sql`e.kind = ${kind} and ${when}` : sql`e.kind = ${kind}`
    return sql`min(${sql.ref(value ?? 'e.at')}) filter (where ${condition}) as ${sql.ref(name)}`
  })
  return sql`
    select ${detention}, ${sql.join(wanted.map((name) => sql.ref(`t.${name}`)))}
    from custody_detention d
    left join (
      select e.detention_id, ${sql.join(firsts)}
      from custody_event e
      where ${ctx.subjectFilter('e.detention_id')} and e.kind = any(${kinds}::text[]) and e.at <= ${ctx.asOf}
      group by e.detention_id
    ) as t on t.detention_id = d.id
    where ${inScope}${known ? sql` and ${sql.ref(`t.${known}`)} is not null` : sql``}`
}

/** `e` is an event of one of these kinds, at or before asOf, of a detention in scope. */
const eventsOf = <P>(ctx: RuleContext<P>, kinds: readonly string[]) =>
  sql`${ctx.subjectFilter('e.detention_id')} and e.kind = any(${[...kinds]}::text[]) and e.at <= ${ctx.asOf}`

/** The columns every custody obligation shares: the detention, its area, and its custody suite to act. */
function area(f = 'f') {
  const column = (name: string) => sql.ref(`${f}.${name}`)
  return sql`${column('id')} as subject_id, ${column('ref')} as subject_ref, ${column('borough_id')} as borough_id,
    ${column('bcu_id')} as bcu_id, ${column('suite_id')} as assignee_team_id, cast(null as uuid) as assignee_staff_id`
}

/**
 * Drops obligations with no deadline yet and not met: nothing to say yet. (Elsewhere a null due_at means
 * breached on sight; the rules that use this one mean "not yet known", such as while the child is in custody.)
 */
const decided = (query: RawBuilder<unknown>) =>
  sql<ObligationQueryRow>`select * from (${query}) as o where o.due_at is not null or o.met_at is not null`

/** What JavaScript's `trim()` removes: a reason of only these characters is no reason. */
const notJavaScriptSpace =
  '[^\\t\\n\\v\\f\\r \\u00a0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000\\ufeff]'

const pace = 'Police and Criminal Evidence Act 1984'

// The time-based custody rules below declare `steadyByDueTimes`: each starts an obligation at a recorded
// event (or at an act that ends the one before, as CUS-09's periods do), times it by fixed hours and meets it
// by recorded events; no event is accepted dated ahead (custody.ts, timelineErrors). So only their due times
// move them by the clock (CUS-13's second limit, born at its first, reads those too).

// ---------- CUS-01 ----------

export const cus01 = defineRule<{ aaArrivalHours: number }>({
  id: 'CUS-01',
  title: 'Appropriate adult not arrived',
  citation:
    `${pace}, Code C 3.15: the custody officer must, as soon as practicable, inform the appropriate adult and ` +
    'ask them to come to the police station. HMICFRS 2018: "An appropriate adult was contacted promptly but did ' +
    'not arrive for over eight hours"; "an appropriate adult did not attend for 16 hours". The number of hours ' +
    'is force policy.',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    aaArrivalHours: {
      default: 2,
      unit: 'hours',
      description: 'Hours from detention authorised to the appropriate adult’s arrival',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const limit = hoursText(ctx.params.forceWide.aaArrivalHours)
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, ['authorised_at', 'aa_arrived_at', 'left_at'], 'authorised_at')})
      select ${area()}, '' as obligation_key, f.authorised_at as started_at,
        ${plusHours('f.authorised_at', ctx.params.sql('aaArrivalHours'))} as due_at,
        least(f.aa_arrived_at, f.left_at) as met_at,
        case when f.aa_arrived_at is not null
          then 'Appropriate adult arrived ' || ${hoursBetweenText('f.authorised_at', 'f.aa_arrived_at')}
            || ' after detention was authorised (standard: ' || cast(${limit} as text) || ')'
          else 'Appropriate adult to arrive within ' || cast(${limit} as text)
            || ' of detention being authorised' end as detail
      from f`
  },
})

// ---------- CUS-02 ----------

export const cus02 = defineRule<Record<string, never>>({
  id: 'CUS-02',
  title: 'Interview before the appropriate adult arrived',
  citation:
    `${pace}, Code C 11.15: a juvenile must not be interviewed in the absence of the appropriate adult unless ` +
    'Code C 11.1 or 11.18 to 11.20 apply (an urgent interview authorised by a superintendent).',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, ['aa_arrived_at'])})
      select ${area()}, cast(e.id as text) as obligation_key, e.at as started_at,
        cast(null as timestamptz) as due_at, case when i.allowed then e.at end as met_at,
        case when a.adult_there then 'Interview with the appropriate adult present'
          when i.allowed then 'Urgent interview authorised without the appropriate adult'
          else 'Interview started without the appropriate adult and with no urgent-interview authority'
        end as detail
      from f
      join custody_event e on e.detention_id = f.id
      cross join lateral (select (e.aa_present and f.aa_arrived_at <= e.at) is true as adult_there) as a
      cross join lateral (select a.adult_there or e.urgent_interview_authorised is true as allowed) as i
      where ${eventsOf(ctx, ['interview'])}`
  },
})

// ---------- CUS-03 ----------

export const cus03 = defineRule<Record<string, never>>({
  id: 'CUS-03',
  title: 'Rights not repeated in the appropriate adult’s presence',
  citation:
    `${pace}, Code C 3.17: the information about rights and entitlements must be given to a juvenile again in ` +
    'the appropriate adult’s presence. HMICFRS 2018: the statement "had not always been countersigned by that ' +
    'adult ... it was not clear that officers and staff had repeated the rights and entitlements".',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    // Too late once the child is interviewed or charged after the adult came, the adult leaves, or the child does.
    return decided(sql`
      with f as (${facts(ctx, ['aa_arrived_at', 'aa_left_at', 'left_at'], 'aa_arrived_at')}),
      timeline as (
        select e.detention_id, e.kind, e.at,
          bool_or(e.kind = 'aa_arrived') over (partition by e.detention_id order by e.at
            range between unbounded preceding and current row) as adult_came
        from custody_event e
        where ${eventsOf(ctx, ['aa_arrived', 'rights_given', 'interview', 'charged'])}
          -- Only rights given with the adult there and countersigned can repeat them.
          and (e.kind <> 'rights_given' or (e.aa_present and e.countersigned))
      ),
      a as (
        select t.detention_id,
          min(t.at) filter (where t.adult_came and t.kind = 'rights_given') as repeated_at,
          min(t.at) filter (where t.adult_came and t.kind in ('interview', 'charged')) as too_late_at
        from timeline t
        group by t.detention_id
      )
      select ${area()}, '' as obligation_key, f.aa_arrived_at as started_at,
        least(a.too_late_at, f.aa_left_at, f.left_at) as due_at, a.repeated_at as met_at,
        case when a.repeated_at is not null
          then 'Rights and entitlements given in the appropriate adult’s presence and countersigned'
          else 'Rights and entitlements not given again in the appropriate adult’s presence (no countersignature)'
        end as detail
      from f left join a on a.detention_id = f.id`)
  },
})

// ---------- CUS-04 ----------

export const cus04 = defineRule<{ firstReviewHours: number; laterReviewHours: number }>({
  id: 'CUS-04',
  title: 'Detention review late',
  citation:
    `${pace}, s40(3): the first review not later than six hours after detention was first authorised, the ` +
    'second not later than nine hours after the first, and later reviews at intervals of not more than nine hours.',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    firstReviewHours: {
      default: 6,
      unit: 'hours',
      description: 'Hours from detention authorised to the first review',
    },
    laterReviewHours: {
      default: 9,
      unit: 'hours',
      description: 'Most hours between one review and the next',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const { firstReviewHours, laterReviewHours } = ctx.params.forceWide
    const first = sql`o.n = 1`
    const hours = sql`case when ${first} then ${ctx.params.sql('firstReviewHours')}
      else ${ctx.params.sql('laterReviewHours')} end`
    const standard = sql`case when ${first} then cast(${hoursText(firstReviewHours)} as text)
      else cast(${hoursText(laterReviewHours)} as text) end`
    const since = sql`case when ${first} then 'detention was authorised' else 'review ' || (o.n - 1) end`
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, ['authorised_at', 'left_at'], 'authorised_at')}),
      held as (
        select e.detention_id, e.at, row_number() over w as n, lag(e.at) over w as previous_at,
          lead(e.at) over w as next_at
        from custody_event e
        where ${eventsOf(ctx, ['review'])}
        window w as (partition by e.detention_id order by e.at, e.id)
      ),
      -- Every review held, each timed from the one before (the first from detention authorised), then the
      -- review owed after the last; a detention with none held owes the first.
      r as (
        select h.detention_id, h.n, h.previous_at as start_at, h.at as held_at from held h
        union all
        select h.detention_id, h.n + 1, h.at, null from held h where h.next_at is null
      ),
      o as (
        select f.*, coalesce(r.n, 1) as n, coalesce(r.start_at, f.authorised_at) as start_at, r.held_at
        from f left join r on r.detention_id = f.id
      )
      select ${area('o')}, 'review-' || o.n as obligation_key, o.start_at as started_at,
        ${plusHours('o.start_at', hours)} as due_at,
        -- A child released before a review fell due was owed none: the clock stopped when they left.
        coalesce(o.held_at, o.left_at) as met_at,
        'Review ' || o.n || case when o.held_at is not null
            then ' held ' || ${hoursBetweenText('o.start_at', 'o.held_at')}
            else ' due ' || ${standard} end
          || ' after ' || ${since} as detail
      from o`
  },
})

// ---------- CUS-05 ----------

export const cus05 = defineRule<Record<string, never>>({
  id: 'CUS-05',
  title: 'Child not told of a review held in their absence',
  citation:
    `${pace}, Code C 15.3, 15.4: a detainee who was asleep or otherwise absent at a review must be told about ` +
    'it and given the opportunity to make representations. HMICFRS 2018: "there was no recorded evidence that ' +
    'this had in fact happened, nor if the child had been given the opportunity to make representations".',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return decided(sql`
      with f as (${facts(ctx, ['left_at'])}),
      r as (
        select e.id, e.detention_id, e.at, e.in_person, e.absence_reason,
          lead(e.at) over (partition by e.detention_id order by e.at, e.id) as next_review_at
        from custody_event e
        where ${eventsOf(ctx, ['review'])}
      ),
      told as (
        select e.detention_id, e.related_event_id, min(e.at) as at
        from custody_event e
        where ${eventsOf(ctx, ['review_told'])}
        group by e.detention_id, e.related_event_id
      )
      select ${area()}, cast(r.id as text) as obligation_key, r.at as started_at,
        -- The child must be told before the next review, or before they leave.
        least(r.next_review_at, f.left_at) as due_at, told.at as met_at,
        case when told.at is not null then 'Child told of the review held in their absence'
          else 'Review held in the child’s absence ('
            || regexp_replace(coalesce(r.absence_reason, 'other'), '_', ' ')
            || ') with no record the child was told or could make representations' end as detail
      from r
      join f on f.id = r.detention_id
      left join told on told.detention_id = r.detention_id and told.related_event_id = r.id
      where r.in_person is false`)
  },
})

// ---------- CUS-06 ----------

export const cus06 = defineRule<Record<string, never>>({
  id: 'CUS-06',
  title: 'Strip search without the appropriate adult',
  citation:
    `${pace}, Code C Annex A para 11(c): a strip search of a juvenile that exposes intimate parts must take place ` +
    'in the presence of an appropriate adult unless the case is urgent. HMICFRS 2018: "the search was carried ' +
    'out without an appropriate adult, with no supporting rationale as to why the search was urgent".',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, [])})
      select ${area()}, cast(e.id as text) as obligation_key, e.at as started_at,
        cast(null as timestamptz) as due_at, case when s.allowed then e.at end as met_at,
        case when e.aa_present is true then 'Search with the appropriate adult present'
          when s.allowed then 'Search without the appropriate adult, urgency recorded'
          else 'Strip search without the appropriate adult and with no recorded urgency' end as detail
      from f
      join custody_event e on e.detention_id = f.id
      cross join lateral (select e.aa_present is true
        or coalesce(e.urgency_reason ~ ${notJavaScriptSpace}, false) as allowed) as s
      where ${eventsOf(ctx, ['search'])} and e.search_type in ('strip', 'intimate')`
  },
})

// ---------- CUS-07, CUS-08, CUS-09: after charge ----------

const chargedCitation =
  'HMICFRS 2018: "children were transferred from custody to non-secure accommodation in only two of the 29 ' +
  'relevant cases we examined"'

export const cus07 = defineRule<{ accommodationRequestHours: number }>({
  id: 'CUS-07',
  title: 'No request to the local authority for accommodation',
  citation:
    `${pace}, s38(6): a child charged and kept in police detention must be moved to local authority ` +
    `accommodation unless the custody officer certifies it is impracticable (or secure accommodation is needed and none is available). ${chargedCitation}. The number of hours is force policy.`,
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    accommodationRequestHours: {
      default: 1,
      unit: 'hours',
      description: 'Hours from bail being refused to a request to the local authority',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const limit = hoursText(ctx.params.forceWide.accommodationRequestHours)
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, ['refused_at', 'left_at'], 'refused_at')}),
      request as (
        select distinct on (e.detention_id) e.detention_id, e.at, e.secure
        from custody_event e
        where ${eventsOf(ctx, ['accommodation_request'])}
        order by e.detention_id, e.at, e.id
      )
      select ${area()}, '' as obligation_key, f.refused_at as started_at,
        ${plusHours('f.refused_at', ctx.params.sql('accommodationRequestHours'))} as due_at,
        least(q.at, f.left_at) as met_at,
        case when q.at is not null
          then 'Local authority asked for ' || case when q.secure then 'secure' else 'non-secure' end
            || ' accommodation'
          else 'Charged and refused bail: ask the local authority for accommodation within '
            || cast(${limit} as text) end as detail
      from f left join request q on q.detention_id = f.id`
  },
})

export const cus08 = defineRule<{ certificateHours: number }>({
  id: 'CUS-08',
  title: 'No juvenile detention certificate',
  citation:
    `${pace}, s38(6), s38(7) and Code C 16.7: when a charged child refused bail is not moved to local ` +
    'authority accommodation, the custody officer must certify why, and the certificate goes to the court. ' +
    'The hours from the local authority’s answer to the certificate are force policy.',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    certificateHours: {
      default: 1,
      unit: 'hours',
      description: 'Hours from the local authority not providing accommodation to the certificate',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const declinedBy = ctx.params.sql('certificateHours')
    return decided(sql`
      with f as (${facts(ctx, ['refused_at', 'left_at', 'destination'], 'refused_at')}),
      answers as (
        select e.detention_id,
          min(e.at) filter (where e.kind = 'detention_certificate') as certificate_at,
          min(e.at) filter (where e.kind = 'la_response' and e.la_response is distinct from 'accepted')
            as declined_at
        from custody_event e
        where ${eventsOf(ctx, ['detention_certificate', 'la_response'])}
        group by e.detention_id
      ),
      c as (
        select f.*, a.certificate_at, a.declined_at,
          coalesce(f.destination = any(${[...transferDestinations]}::text[]), false) as transferred
        from f left join answers a on a.detention_id = f.id
      )
      select ${area('c')}, '' as obligation_key, c.refused_at as started_at,
        -- Owed once the local authority has not provided accommodation, or when the child leaves without it.
        case when not c.transferred then least(${plusHours('c.declined_at', declinedBy)}, c.left_at) end
          as due_at,
        coalesce(c.certificate_at, case when c.transferred then c.left_at end) as met_at,
        case when c.certificate_at is not null then 'Juvenile detention certificate completed'
          when c.transferred then 'Transferred to local authority accommodation: no certificate needed'
          else 'Kept in custody after charge with no juvenile detention certificate (s38(6)) giving the reason'
        end as detail
      from c`)
  },
})

export const cus09 = defineRule<{ escalationHours: number }>({
  id: 'CUS-09',
  title: 'Kept after charge with no escalation',
  citation:
    `${pace}, Code C 16.7 (an inspector monitors the child's continued detention after charge). HMICFRS 2018: ` +
    '"there was little evidence of escalation to senior officers or of officers making subsequent requests to ' +
    'the local authority"; a 14-year-old was held for 30 hours after "several attempts". The duty recurs: every ' +
    'period of the set hours while the child stays needs an escalation or a renewed request. The number of hours ' +
    'is force policy.',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    escalationHours: {
      default: 4,
      unit: 'hours',
      description:
        'Most hours, while a child refused bail stays, from the refusal or the last escalation or renewed ' +
        'request to the next',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const limit = hoursText(ctx.params.forceWide.escalationHours)
    const first = sql`o.n = 1`
    const since = sql`case when ${first} then 'bail was refused' else 'the last escalation or request' end`
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, ['refused_at', 'left_at'], 'refused_at')}),
      requests as (
        select e.detention_id, e.id, e.at,
          row_number() over (partition by e.detention_id order by e.at, e.id) as n
        from custody_event e
        where ${eventsOf(ctx, ['accommodation_request'])}
      ),
      -- What keeps the duty met: an escalation to an inspector or above after the refusal, or a request to
      -- the local authority after the first (the first is CUS-07's; asking again is what the report missed).
      acts as (
        select e.detention_id, e.id, e.at, e.kind
        from custody_event e
        join f on f.id = e.detention_id
        where ${eventsOf(ctx, ['escalation'])} and e.at >= f.refused_at
          and e.officer_rank = any(${[...inspectorOrAbove]}::text[])
        union all
        select q.detention_id, q.id, q.at, 'accommodation_request' from requests q where q.n > 1
      ),
      done as (
        select a.detention_id, a.at, a.kind, row_number() over w as n, lag(a.at) over w as previous_at,
          lead(a.at) over w as next_at
        from acts a
        window w as (partition by a.detention_id order by a.at, a.id)
      ),
      -- Every act, each period timed from the act before (the first from the refusal), then the period
      -- owed after the last act; a detention with no act owes the first.
      p as (
        select d.detention_id, d.n, d.previous_at as start_at, d.at as done_at, d.kind from done d
        union all
        select d.detention_id, d.n + 1, d.at, null, null from done d where d.next_at is null
      ),
      o as (
        select f.*, coalesce(p.n, 1) as n, coalesce(p.start_at, f.refused_at) as start_at, p.done_at, p.kind
        from f left join p on p.detention_id = f.id
      )
      select ${area('o')}, 'period-' || o.n as obligation_key, o.start_at as started_at,
        ${plusHours('o.start_at', ctx.params.sql('escalationHours'))} as due_at,
        -- The child leaving (transferred, to court, released) ends the duty.
        coalesce(o.done_at, o.left_at) as met_at,
        case when o.kind = 'escalation' then 'Escalated to an inspector or above '
            || ${hoursBetweenText('o.start_at', 'o.done_at')} || ' after ' || ${since}
          when o.kind is not null then 'Local authority asked again '
            || ${hoursBetweenText('o.start_at', 'o.done_at')} || ' after ' || ${since}
          else 'Kept after charge: escalate to an inspector or ask the local authority again within '
            || cast(${limit} as text) || ' of ' || ${since} end as detail
      from o`
  },
})

// ---------- CUS-10 ----------

export const cus10 = defineRule<Record<string, never>>({
  id: 'CUS-10',
  title: 'Secure accommodation request not ratified by an inspector',
  citation:
    'HMICFRS 2018: "When officers and staff made appropriate requests for secure accommodation, these were not ' +
    'always ratified by an inspector as required."',
  source: 'report',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, [])})
      select ${area()}, cast(e.id as text) as obligation_key, e.at as started_at,
        cast(null as timestamptz) as due_at, r.at as met_at,
        case when r.at is not null then 'Secure accommodation request ratified by ' || e.ratified_by
          else 'Secure accommodation request not ratified by an inspector' end as detail
      from f
      join custody_event e on e.detention_id = f.id
      cross join lateral (select case when e.ratified_by <> '' and e.ratified_at <= ${ctx.asOf}
        then e.ratified_at end as at) as r
      where ${eventsOf(ctx, ['accommodation_request'])} and e.secure`
  },
})

// ---------- CUS-11 ----------

export const cus11 = defineRule<{ healthcareHours: number }>({
  id: 'CUS-11',
  title: 'Healthcare professional requested and not seen',
  citation:
    `${pace}, Code C 9.5: the custody officer must make sure a detainee receives appropriate clinical ` +
    'attention as soon as reasonably practicable. HMICFRS 2018: "The police requested a visit from a healthcare ' +
    'professional ... This never took place and there is no record of why not." The number of hours is force policy.',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    healthcareHours: {
      default: 2,
      unit: 'hours',
      description: 'Hours from a request to the healthcare visit',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  async obligations(_db, ctx) {
    const limit = hoursText(ctx.params.forceWide.healthcareHours)
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, [])}),
      request as (
        select e.id, e.detention_id, e.at from custody_event e where ${eventsOf(ctx, ['healthcare_requested'])}
      ),
      seen as (
        select q.id, min(e.at) as at
        from request q
        join custody_event e on e.detention_id = q.detention_id and e.at >= q.at
        where ${eventsOf(ctx, ['healthcare_seen'])}
        group by q.id
      )
      select ${area()}, cast(q.id as text) as obligation_key, q.at as started_at,
        ${plusHours('q.at', ctx.params.sql('healthcareHours'))} as due_at, s.at as met_at,
        case when s.at is not null then 'Seen by a healthcare professional'
          else 'Healthcare professional requested: attendance due within ' || cast(${limit} as text) end
          as detail
      from request q
      join f on f.id = q.detention_id
      left join seen s on s.id = q.id`
  },
})

// ---------- CUS-12 ----------

export const cus12 = defineRule<Record<string, never>>({
  id: 'CUS-12',
  title: 'Child detained with no Merlin PAC',
  citation:
    'HMICFRS 2018, 2016 recommendation: "ensuring the prompt submission of a Merlin form to record the child’s ' +
    'detention to help inform future risk-assessments".',
  source: 'report',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return decided(sql`
      with f as (${facts(ctx, ['authorised_at', 'left_at'])}),
      s as (select f.*, coalesce(f.authorised_at, f.arrested_at) as start_at from f),
      -- A PAC held only in another system that does not say when it was made counts from the start: that
      -- system says one records the detention, and Kestrel invents no lateness it has no evidence of.
      m as (select s.*, case when s.pac_time_unknown then s.start_at else s.pac_linked_at end as made_at from s)
      select ${area('m')}, '' as obligation_key, m.start_at as started_at,
        -- The Merlin form should be in by the time the child leaves custody.
        m.left_at as due_at, m.made_at as met_at,
        case when m.made_at is null then 'No Merlin PAC recorded for this detention'
          when m.pac_time_unknown then 'Merlin PAC ' || m.pac_ref || ' recorded in another system (time not given)'
          else 'Merlin PAC ' || m.pac_ref || ' linked' end as detail
      from m`)
  },
})

// ---------- CUS-13 ----------

export const cus13 = defineRule<{ limitHours: number; extendedLimitHours: number }>({
  id: 'CUS-13',
  title: 'Detention without charge past the PACE limit',
  citation:
    `${pace}, s41 (24 hours from the relevant time), s42 (a superintendent may authorise up to 36 hours), s43 ` +
    'and s44 (longer only with a warrant of further detention from a magistrates’ court).',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {
    limitHours: { default: 24, unit: 'hours', description: 'Hours from the relevant time without charge' },
    extendedLimitHours: {
      default: 36,
      unit: 'hours',
      description: 'Hours from the relevant time with a superintendent’s authority',
    },
  },
  timeBased: true,
  steadyByDueTimes: true,
  // The 36-hour obligation is born when the 24-hour limit passes, whatever became of that finding.
  clockInstants: dueTimesOf('CUS-13', '24h'),
  async obligations(_db, ctx) {
    const { limitHours, extendedLimitHours } = ctx.params.forceWide
    return sql<ObligationQueryRow>`
      with f as (${facts(
        ctx,
        ['authorised_at', 'relevant_at', 'arrived_at', 'charged_at', 'left_at'],
        'authorised_at',
      )}),
      extensions as (
        select e.detention_id,
          min(e.at) filter (where e.extension_kind = 'superintendent') as superintendent_at,
          min(e.at) filter (where e.extension_kind = 'warrant') as warrant_at
        from custody_event e
        where ${eventsOf(ctx, ['extension'])}
        group by e.detention_id
      ),
      r as (
        select f.*, x.superintendent_at, x.warrant_at, least(f.charged_at, f.left_at) as ended_at,
          coalesce(f.relevant_at, f.arrived_at, f.arrested_at) as relevant_time
        from f left join extensions x on x.detention_id = f.id
      ),
      t as (
        select r.*, ${plusHours('r.relevant_time', ctx.params.sql('limitHours'))} as limit_at
        from r
      )
      select ${area('t')}, '24h' as obligation_key, t.relevant_time as started_at,
        t.limit_at as due_at, least(t.ended_at, t.superintendent_at) as met_at,
        case when t.superintendent_at is not null then 'Continued detention authorised by a superintendent'
          else 'Charge, release or a superintendent’s extension due by ' || cast(${hoursText(limitHours)} as text)
            || ' from the relevant time' end as detail
      from t
      union all
      select ${area('t')}, '36h', t.limit_at,
        ${plusHours('t.relevant_time', ctx.params.sql('extendedLimitHours'))},
        least(t.ended_at, t.warrant_at),
        case when t.warrant_at is not null then 'Warrant of further detention'
          else 'Charge, release or a warrant of further detention due by '
            || cast(${hoursText(extendedLimitHours)} as text) || ' from the relevant time' end
      from t
      -- Charged or released within the first limit: no extension was ever needed.
      where not coalesce(t.ended_at <= t.limit_at, false)`
  },
})

// ---------- CUS-14, CUS-15: the appropriate adult at the charge and awaited at a review ----------

/**
 * An appropriate adult was at the station at `at` (a column of `e`): the latest of their arrivals at or before
 * it was not followed by their leaving before it (one who left at that very minute was still there).
 */
const adultThereAt = (at: RawBuilder<unknown>) => sql<boolean>`coalesce((
  select a.kind = 'aa_arrived' from custody_event a
  where a.detention_id = e.detention_id
    and ((a.kind = 'aa_arrived' and a.at <= ${at}) or (a.kind = 'aa_left' and a.at < ${at}))
  order by a.at desc, a.kind = 'aa_arrived' desc
  limit 1), false)`

export const cus14 = defineRule<Record<string, never>>({
  id: 'CUS-14',
  title: 'Charged without the appropriate adult',
  citation:
    `${pace}, Code C 16.1 and 16.3: when a juvenile is charged, the charge and the written notice of it are ` +
    'given in the presence of the appropriate adult. HMICFRS 2018: "it was not evident in some cases whether an ' +
    'appropriate adult was present when children were charged".',
  source: 'statute',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'high',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, [])})
      select ${area()}, cast(e.id as text) as obligation_key, e.at as started_at,
        cast(null as timestamptz) as due_at, case when c.adult_there then e.at end as met_at,
        case when c.adult_there then 'Charged with the appropriate adult present'
          when e.aa_present then 'Charged with the appropriate adult recorded as present, but none had arrived '
            || 'or the adult had left'
          when e.aa_present is false then 'Charged without the appropriate adult present'
          else 'Charged with no record that the appropriate adult was present' end as detail
      from f
      join custody_event e on e.detention_id = f.id
      cross join lateral (select (e.aa_present and ${adultThereAt(sql`e.at`)}) is true as adult_there) as c
      where ${eventsOf(ctx, ['charged'])}`
  },
})

export const cus15 = defineRule<Record<string, never>>({
  id: 'CUS-15',
  title: 'Review while the appropriate adult is awaited, with no intervention',
  citation:
    'HMICFRS 2018: inspectors "noted that an appropriate adult had been required but had not yet arrived. ' +
    'However, there was limited evidence of intervention or escalation". The reviewing officer records what they ' +
    `did about it (${pace}, Code C 3.15: the adult is asked to come as soon as practicable).`,
  source: 'report',
  appliesTo: detentionKind.kind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(_db, ctx) {
    return sql<ObligationQueryRow>`
      with f as (${facts(ctx, ['aa_arrived_at'])})
      select ${area()}, cast(e.id as text) as obligation_key, e.at as started_at,
        cast(null as timestamptz) as due_at, case when i.recorded then e.at end as met_at,
        case when i.recorded then 'Appropriate adult awaited at the review: intervention recorded'
          else 'Review held while the appropriate adult was still awaited, with no intervention or escalation '
            || 'recorded' end as detail
      from f
      join custody_event e on e.detention_id = f.id
      cross join lateral (select coalesce(e.aa_intervention ~ ${notJavaScriptSpace}, false) as recorded) as i
      -- Awaited: no appropriate adult had yet arrived when the review was held.
      where ${eventsOf(ctx, ['review'])} and (f.aa_arrived_at is null or f.aa_arrived_at > e.at)`
  },
})

export const custodyRules: AnyRule[] = [
  cus01,
  cus02,
  cus03,
  cus04,
  cus05,
  cus06,
  cus07,
  cus08,
  cus09,
  cus10,
  cus11,
  cus12,
  cus13,
  cus14,
  cus15,
]
