import { type RawBuilder, sql } from 'kysely'
import type { Database } from '../../platform/db/database.ts'
import { sharedWithinCall } from '../../standards/evaluate.ts'
import { type AnyRule, defineRule, type ObligationRow, type RuleContext } from '../../standards/rule.ts'
import { inspectorOrAbove, transferDestinations } from './custody.ts'

/** The record kind the custody rules check, as findings and subject links name it. */
export const detentionKind = 'custody-detention'
/** What every custody rule reads (the benchmark's count(*) baseline). */
const detentionTables = ['custody_detention', 'custody_event']

/**
 * Every custody rule reads the timeline as it stood at asOf: events dated after it have not happened.
 * `facts` is one row per detention with the first time of each event a rule asks about.
 */
interface Facts {
  id: string
  ref: string
  borough_id: string | null
  bcu_id: string | null
  suite_id: string
  arrested_at: Date
  pac_linked_at: Date | null
  arrived_at: Date | null
  relevant_at: Date | null
  authorised_at: Date | null
  aa_arrived_at: Date | null
  aa_left_at: Date | null
  charged_at: Date | null
  refused_at: Date | null
  left_at: Date | null
  destination: string | null
}

function factsQuery<P>(ctx: RuleContext<P>): RawBuilder<Facts> {
  return sql<Facts>`
    select d.id, d.ref, d.borough_id, d.bcu_id, d.custody_suite_team_id as suite_id, d.arrested_at,
      case when d.pac_linked_at <= ${ctx.asOf} then d.pac_linked_at end as pac_linked_at,
      min(e.at) filter (where e.kind = 'arrived') as arrived_at,
      min(e.at) filter (where e.kind = 'relevant_time') as relevant_at,
      min(e.at) filter (where e.kind = 'detention_authorised') as authorised_at,
      min(e.at) filter (where e.kind = 'aa_arrived') as aa_arrived_at,
      min(e.at) filter (where e.kind = 'aa_left') as aa_left_at,
      min(e.at) filter (where e.kind = 'charged') as charged_at,
      min(e.at) filter (where e.kind = 'bail_decision' and e.bail_refused) as refused_at,
      min(e.at) filter (where e.kind = 'left_custody') as left_at,
      min(e.destination) filter (where e.kind = 'left_custody') as destination
    from custody_detention d
    left join custody_event e on e.detention_id = d.id and e.at <= ${ctx.asOf}
    where ${ctx.subjectFilter('d.id')} and d.arrested_at <= ${ctx.asOf}
    group by d.id`
}

const area = (f: Facts) => ({
  subjectId: f.id,
  subjectRef: f.ref,
  boroughId: f.borough_id,
  bcuId: f.bcu_id,
  assigneeTeamId: f.suite_id,
})

const hoursAfter = (at: Date, hours: number) => new Date(at.getTime() + hours * 3_600_000)
const hoursText = (h: number) => `${Number.isInteger(h) ? h : h.toFixed(1)} hour${h === 1 ? '' : 's'}`
const earliest = (...dates: (Date | null | undefined)[]): Date | null =>
  dates.filter((d): d is Date => d instanceof Date).sort((a, b) => a.getTime() - b.getTime())[0] ?? null

/**
 * What a call's loads depend on besides its transaction. After a write the engine evaluates the thirteen
 * rules of one detention in one transaction; they share one read of its facts and one of its events
 * (sharedWithinCall), instead of each rule reading them again. A sweep reads them per rule, as before.
 */
const loadKey = (what: string, ctx: RuleContext<unknown>) =>
  `custody:${what}:${ctx.asOf.toISOString()}:${ctx.subjects ? ctx.subjects.join(',') : '*'}`

async function facts<P>(db: Database, ctx: RuleContext<P>): Promise<Facts[]> {
  const rows = await sharedWithinCall(ctx, loadKey('facts', ctx as RuleContext<unknown>), async () => {
    return (await factsQuery(ctx).execute(db)).rows
  })
  return [...rows]
}

/** Events of some kinds, at or before asOf, for the detentions in scope. */
async function events<T>(
  db: Database,
  ctx: RuleContext<unknown>,
  kinds: string[],
): Promise<(T & EventRow)[]> {
  const query = (only: string[] | undefined) => sql<T & EventRow>`
    select e.* from custody_event e
    where ${only ? sql`e.kind = any(${only}::text[])` : sql`true`} and e.at <= ${ctx.asOf}
      and ${ctx.subjectFilter('e.detention_id')}
    order by e.detention_id, e.at, e.id`
  if (!ctx.subjects) return (await query(kinds).execute(db)).rows
  // One detention (or a few) after a write: every event of theirs once, each rule taking the kinds it asks.
  const all = await sharedWithinCall(
    ctx,
    loadKey('events', ctx),
    async () => (await query(undefined).execute(db)).rows,
  )
  const wanted = new Set(kinds)
  return all.filter((e) => wanted.has(e.kind))
}

interface EventRow {
  id: string
  detention_id: string
  kind: string
  at: Date
  aa_present: boolean | null
  urgent_interview_authorised: boolean | null
  in_person: boolean | null
  absence_reason: string | null
  search_type: string | null
  urgency_reason: string | null
  officer_rank: string | null
  secure: boolean | null
  ratified_by: string | null
  ratified_at: Date | null
  la_response: string | null
  related_event_id: string | null
  countersigned: boolean | null
  extension_kind: string | null
}

function byDetention<T extends { detention_id: string }>(rows: readonly T[]): Map<string, T[]> {
  const out = new Map<string, T[]>()
  for (const r of rows) out.set(r.detention_id, [...(out.get(r.detention_id) ?? []), r])
  return out
}

/** Drops obligations whose deadline has not been reached and that are not met: nothing to say yet. */
const undecided = (o: ObligationRow) => o.dueAt !== null || o.metAt !== null

const pace = 'Police and Criminal Evidence Act 1984'

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
  appliesTo: detentionKind,
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
  async obligations(db, ctx) {
    const limit = ctx.params.forceWide.aaArrivalHours
    return (await facts(db, ctx))
      .filter((f) => f.authorised_at)
      .map((f) => ({
        ...area(f),
        startedAt: f.authorised_at as Date,
        dueAt: hoursAfter(f.authorised_at as Date, limit),
        metAt: earliest(f.aa_arrived_at, f.left_at),
        detail: f.aa_arrived_at
          ? `Appropriate adult arrived ${hoursText(round((f.aa_arrived_at.getTime() - (f.authorised_at as Date).getTime()) / 3_600_000))} after detention was authorised (standard: ${hoursText(limit)})`
          : `Appropriate adult to arrive within ${hoursText(limit)} of detention being authorised`,
      }))
  },
})

const round = (n: number) => Math.round(n * 10) / 10

// ---------- CUS-02 ----------

export const cus02 = defineRule<Record<string, never>>({
  id: 'CUS-02',
  title: 'Interview before the appropriate adult arrived',
  citation:
    `${pace}, Code C 11.15: a juvenile must not be interviewed in the absence of the appropriate adult unless ` +
    'Code C 11.1 or 11.18 to 11.20 apply (an urgent interview authorised by a superintendent).',
  source: 'statute',
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'high',
  params: {},
  timeBased: false,
  async obligations(db, ctx) {
    const detentions = new Map((await facts(db, ctx)).map((f) => [f.id, f]))
    return (await events(db, ctx, ['interview']))
      .filter((e) => detentions.has(e.detention_id))
      .map((e) => {
        const f = detentions.get(e.detention_id) as Facts
        const aaThere = e.aa_present === true && f.aa_arrived_at !== null && f.aa_arrived_at <= e.at
        const ok = aaThere || e.urgent_interview_authorised === true
        return {
          ...area(f),
          key: e.id,
          startedAt: e.at,
          dueAt: null,
          metAt: ok ? e.at : null,
          detail: ok
            ? aaThere
              ? 'Interview with the appropriate adult present'
              : 'Urgent interview authorised without the appropriate adult'
            : 'Interview started without the appropriate adult and with no urgent-interview authority',
        }
      })
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
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: true,
  async obligations(db, ctx) {
    const detentions = (await facts(db, ctx)).filter((f) => f.aa_arrived_at)
    const byId = byDetention(await events(db, ctx, ['rights_given', 'interview', 'charged']))
    return detentions
      .map((f) => {
        const arrived = f.aa_arrived_at as Date
        const list = byId.get(f.id) ?? []
        const repeated = list.find(
          (e) => e.kind === 'rights_given' && e.aa_present && e.countersigned && e.at >= arrived,
        )
        // Too late once the child is interviewed or charged after the adult came, the adult leaves, or the child does.
        const dueAt = earliest(
          list.find((e) => (e.kind === 'interview' || e.kind === 'charged') && e.at >= arrived)?.at,
          f.aa_left_at,
          f.left_at,
        )
        return {
          ...area(f),
          startedAt: arrived,
          dueAt,
          metAt: repeated?.at ?? null,
          detail: repeated
            ? 'Rights and entitlements given in the appropriate adult’s presence and countersigned'
            : 'Rights and entitlements not given again in the appropriate adult’s presence (no countersignature)',
        }
      })
      .filter(undecided)
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
  appliesTo: detentionKind,
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
  async obligations(db, ctx) {
    const { firstReviewHours, laterReviewHours } = ctx.params.forceWide
    const detentions = (await facts(db, ctx)).filter((f) => f.authorised_at)
    const byId = byDetention(await events(db, ctx, ['review']))
    const out: ObligationRow[] = []
    for (const f of detentions) {
      const reviews = byId.get(f.id) ?? []
      let start = f.authorised_at as Date
      for (let n = 1; n <= reviews.length + 1; n++) {
        const held = reviews[n - 1]?.at ?? null
        const dueAt = hoursAfter(start, n === 1 ? firstReviewHours : laterReviewHours)
        // A child released before a review fell due was owed none: the clock stopped when they left.
        const metAt = held ?? f.left_at
        out.push({
          ...area(f),
          key: `review-${n}`,
          startedAt: start,
          dueAt,
          metAt,
          detail: held
            ? `Review ${n} held ${hoursText(round((held.getTime() - start.getTime()) / 3_600_000))} after ${n === 1 ? 'detention was authorised' : `review ${n - 1}`}`
            : `Review ${n} due ${hoursText(n === 1 ? firstReviewHours : laterReviewHours)} after ${n === 1 ? 'detention was authorised' : `review ${n - 1}`}`,
        })
        if (!held) break
        start = held
      }
    }
    return out
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
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(db, ctx) {
    const detentions = new Map((await facts(db, ctx)).map((f) => [f.id, f]))
    const byId = byDetention(await events(db, ctx, ['review', 'review_told']))
    const out: ObligationRow[] = []
    for (const [detentionId, list] of byId) {
      const f = detentions.get(detentionId)
      if (!f) continue
      const reviews = list.filter((e) => e.kind === 'review')
      reviews.forEach((review, index) => {
        if (review.in_person !== false) return
        const told = list.find((e) => e.kind === 'review_told' && e.related_event_id === review.id)
        // The child must be told before the next review, or before they leave.
        const dueAt = earliest(reviews[index + 1]?.at, f.left_at)
        out.push({
          ...area(f),
          key: review.id,
          startedAt: review.at,
          dueAt,
          metAt: told?.at ?? null,
          detail: told
            ? 'Child told of the review held in their absence'
            : `Review held in the child’s absence (${(review.absence_reason ?? 'other').replace('_', ' ')}) with no record the child was told or could make representations`,
        })
      })
    }
    return out.filter(undecided)
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
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'high',
  params: {},
  timeBased: false,
  async obligations(db, ctx) {
    const detentions = new Map((await facts(db, ctx)).map((f) => [f.id, f]))
    return (await events(db, ctx, ['search']))
      .filter(
        (e) => (e.search_type === 'strip' || e.search_type === 'intimate') && detentions.has(e.detention_id),
      )
      .map((e) => {
        const ok = e.aa_present === true || Boolean(e.urgency_reason?.trim())
        return {
          ...area(detentions.get(e.detention_id) as Facts),
          key: e.id,
          startedAt: e.at,
          dueAt: null,
          metAt: ok ? e.at : null,
          detail: ok
            ? e.aa_present
              ? 'Search with the appropriate adult present'
              : 'Search without the appropriate adult, urgency recorded'
            : 'Strip search without the appropriate adult and with no recorded urgency',
        }
      })
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
  appliesTo: detentionKind,
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
  async obligations(db, ctx) {
    const limit = ctx.params.forceWide.accommodationRequestHours
    const detentions = (await facts(db, ctx)).filter((f) => f.refused_at)
    const byId = byDetention(await events(db, ctx, ['accommodation_request']))
    return detentions.map((f) => {
      const request = byId.get(f.id)?.[0]
      return {
        ...area(f),
        startedAt: f.refused_at as Date,
        dueAt: hoursAfter(f.refused_at as Date, limit),
        metAt: earliest(request?.at, f.left_at),
        detail: request
          ? `Local authority asked for ${request.secure ? 'secure' : 'non-secure'} accommodation`
          : `Charged and refused bail: ask the local authority for accommodation within ${hoursText(limit)}`,
      }
    })
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
  appliesTo: detentionKind,
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
  async obligations(db, ctx) {
    const limit = ctx.params.forceWide.certificateHours
    const detentions = (await facts(db, ctx)).filter((f) => f.refused_at)
    const byId = byDetention(await events(db, ctx, ['detention_certificate', 'la_response']))
    return detentions
      .map((f) => {
        const list = byId.get(f.id) ?? []
        const certificate = list.find((e) => e.kind === 'detention_certificate')
        const transferred = f.destination !== null && transferDestinations.includes(f.destination as never)
        // Owed once the local authority has not provided accommodation, or when the child leaves without it.
        const declined = list.find((e) => e.kind === 'la_response' && e.la_response !== 'accepted')
        return {
          ...area(f),
          startedAt: f.refused_at as Date,
          dueAt: transferred ? null : earliest(declined ? hoursAfter(declined.at, limit) : null, f.left_at),
          metAt: certificate?.at ?? (transferred ? f.left_at : null),
          detail: certificate
            ? 'Juvenile detention certificate completed'
            : transferred
              ? 'Transferred to local authority accommodation: no certificate needed'
              : 'Kept in custody after charge with no juvenile detention certificate (s38(6)) giving the reason',
        }
      })
      .filter(undecided)
  },
})

export const cus09 = defineRule<{ escalationHours: number }>({
  id: 'CUS-09',
  title: 'Kept after charge with no escalation',
  citation:
    `${pace}, Code C 16.7 (an inspector monitors the child's continued detention after charge). HMICFRS 2018: ` +
    '"there was little evidence of escalation to senior officers or of officers making subsequent requests to ' +
    'the local authority". The number of hours is force policy.',
  source: 'statute',
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'high',
  params: {
    escalationHours: {
      default: 4,
      unit: 'hours',
      description: 'Hours after bail is refused before escalation to an inspector or a repeat request',
    },
  },
  timeBased: true,
  async obligations(db, ctx) {
    const limit = ctx.params.forceWide.escalationHours
    const detentions = (await facts(db, ctx)).filter((f) => f.refused_at)
    const byId = byDetention(await events(db, ctx, ['escalation', 'accommodation_request']))
    return detentions.map((f) => {
      const refused = f.refused_at as Date
      const list = byId.get(f.id) ?? []
      const escalation = list.find(
        (e) =>
          e.kind === 'escalation' && e.at >= refused && inspectorOrAbove.includes(e.officer_rank as never),
      )
      const repeat = list.filter((e) => e.kind === 'accommodation_request')[1]
      const metAt = earliest(escalation?.at, repeat?.at, f.left_at)
      return {
        ...area(f),
        startedAt: refused,
        dueAt: hoursAfter(refused, limit),
        metAt,
        detail: escalation
          ? 'Escalated to an inspector or above'
          : repeat
            ? 'Local authority asked again'
            : `Kept after charge: escalate to an inspector or ask the local authority again within ${hoursText(limit)}`,
      }
    })
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
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(db, ctx) {
    const detentions = new Map((await facts(db, ctx)).map((f) => [f.id, f]))
    return (await events(db, ctx, ['accommodation_request']))
      .filter((e) => e.secure && detentions.has(e.detention_id))
      .map((e) => {
        const ratified = e.ratified_by && e.ratified_at && e.ratified_at <= ctx.asOf ? e.ratified_at : null
        return {
          ...area(detentions.get(e.detention_id) as Facts),
          key: e.id,
          startedAt: e.at,
          dueAt: null,
          metAt: ratified,
          detail: ratified
            ? `Secure accommodation request ratified by ${e.ratified_by}`
            : 'Secure accommodation request not ratified by an inspector',
        }
      })
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
  appliesTo: detentionKind,
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
  async obligations(db, ctx) {
    const limit = ctx.params.forceWide.healthcareHours
    const detentions = new Map((await facts(db, ctx)).map((f) => [f.id, f]))
    const byId = byDetention(await events(db, ctx, ['healthcare_requested', 'healthcare_seen']))
    const out: ObligationRow[] = []
    for (const [detentionId, list] of byId) {
      const f = detentions.get(detentionId)
      if (!f) continue
      for (const request of list.filter((e) => e.kind === 'healthcare_requested')) {
        const seen = list.find((e) => e.kind === 'healthcare_seen' && e.at >= request.at)
        out.push({
          ...area(f),
          key: request.id,
          startedAt: request.at,
          dueAt: hoursAfter(request.at, limit),
          metAt: seen?.at ?? null,
          detail: seen
            ? 'Seen by a healthcare professional'
            : `Healthcare professional requested: attendance due within ${hoursText(limit)}`,
        })
      }
    }
    return out
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
  appliesTo: detentionKind,
  tables: detentionTables,
  severity: 'medium',
  params: {},
  timeBased: false,
  async obligations(db, ctx) {
    return (await facts(db, ctx))
      .map((f) => ({
        ...area(f),
        startedAt: f.authorised_at ?? f.arrested_at,
        // The Merlin form should be in by the time the child leaves custody.
        dueAt: f.left_at,
        metAt: f.pac_linked_at,
        detail: f.pac_linked_at ? 'Merlin PAC linked' : 'No Merlin PAC recorded for this detention',
      }))
      .filter(undecided)
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
  appliesTo: detentionKind,
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
  async obligations(db, ctx) {
    const { limitHours, extendedLimitHours } = ctx.params.forceWide
    const detentions = (await facts(db, ctx)).filter((f) => f.authorised_at)
    const byId = byDetention(await events(db, ctx, ['extension']))
    const out: ObligationRow[] = []
    for (const f of detentions) {
      const relevant = f.relevant_at ?? f.arrived_at ?? f.arrested_at
      const list = byId.get(f.id) ?? []
      const superintendent = list.find((e) => e.extension_kind === 'superintendent')
      const warrant = list.find((e) => e.extension_kind === 'warrant')
      const ended = earliest(f.charged_at, f.left_at)
      const limit = hoursAfter(relevant, limitHours)
      out.push({
        ...area(f),
        key: '24h',
        startedAt: relevant,
        dueAt: limit,
        metAt: earliest(ended, superintendent?.at),
        detail: superintendent
          ? 'Continued detention authorised by a superintendent'
          : `Charge, release or a superintendent’s extension due by ${hoursText(limitHours)} from the relevant time`,
      })
      if (ended && ended <= limit) continue
      out.push({
        ...area(f),
        key: '36h',
        startedAt: limit,
        dueAt: hoursAfter(relevant, extendedLimitHours),
        metAt: earliest(ended, warrant?.at),
        detail: warrant
          ? 'Warrant of further detention'
          : `Charge, release or a warrant of further detention due by ${hoursText(extendedLimitHours)} from the relevant time`,
      })
    }
    return out
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
]
