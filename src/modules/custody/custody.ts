import { z } from 'zod'
import type { FieldError } from '../../platform/http/errors.ts'
import { isUuid } from '../../platform/ids.ts'
import { ageOn, londonDate } from '../../platform/time.ts'
import { coercedInstant } from '../../platform/time-schemas.ts'
import { type Rank, rankLabels, ranks } from '../organisation/organisation.ts'

/**
 * The custody module's vocabulary and its pure decisions: the event kinds of a child's detention, the
 * checks that a timeline is in a possible order, and the PACE clock (reviews, the 24 and 36 hour limits,
 * the appropriate adult's wait, time held after charge). No I/O here.
 */

export const eventKinds = [
  'arrived',
  'relevant_time',
  'detention_authorised',
  'welfare_informed',
  'aa_contacted',
  'aa_arrived',
  'aa_left',
  'rights_given',
  'risk_assessed',
  'healthcare_requested',
  'healthcare_seen',
  'interview',
  'search',
  'review',
  'review_told',
  'extension',
  'charged',
  'bail_decision',
  'accommodation_request',
  'la_response',
  'escalation',
  'detention_certificate',
  'left_custody',
] as const
export type EventKind = (typeof eventKinds)[number]

export const eventKindLabels: Record<EventKind, string> = {
  arrived: 'Arrived at the custody suite',
  relevant_time: 'Relevant time',
  detention_authorised: 'Detention authorised',
  welfare_informed: 'Person responsible for welfare informed',
  aa_contacted: 'Appropriate adult contacted',
  aa_arrived: 'Appropriate adult arrived',
  aa_left: 'Appropriate adult left',
  rights_given: 'Rights and entitlements given',
  risk_assessed: 'Risk assessment',
  healthcare_requested: 'Healthcare professional requested',
  healthcare_seen: 'Seen by a healthcare professional',
  interview: 'Interview',
  search: 'Search',
  review: 'Detention review',
  review_told: 'Child told of a review held in their absence',
  extension: 'Detention extended',
  charged: 'Charged',
  bail_decision: 'Bail decision',
  accommodation_request: 'Accommodation requested from the local authority',
  la_response: 'Local authority response',
  escalation: 'Escalated',
  detention_certificate: 'Juvenile detention certificate (s38(6))',
  left_custody: 'Left custody',
}

/** Kinds that happen at most once in a detention. */
export const singleKinds: ReadonlySet<EventKind> = new Set([
  'arrived',
  'relevant_time',
  'detention_authorised',
  'charged',
  'bail_decision',
  'detention_certificate',
  'left_custody',
])

// Ranks are the organisation module's: one list, so a custody record and a staff record can never disagree.
export { type Rank, rankLabels, ranks }
/** Code C 16.7 and the report: escalation means to an inspector or above. */
export const inspectorOrAbove: readonly Rank[] = [
  'inspector',
  'chief_inspector',
  'superintendent',
  'chief_superintendent',
  'commander',
]

export const aaRelationships = ['parent', 'guardian', 'social_worker', 'volunteer', 'other'] as const
export const aaRelationshipLabels: Record<(typeof aaRelationships)[number], string> = {
  parent: 'Parent',
  guardian: 'Guardian',
  social_worker: 'Social worker',
  volunteer: 'Trained volunteer',
  other: 'Other responsible adult',
}
export const absenceReasons = ['asleep', 'in_interview', 'other'] as const
export const absenceReasonLabels: Record<(typeof absenceReasons)[number], string> = {
  asleep: 'Child asleep',
  in_interview: 'Child in interview',
  other: 'Other reason',
}
export const observationLevels = ['level_1', 'level_2', 'level_3', 'level_4'] as const
export const observationLevelLabels: Record<(typeof observationLevels)[number], string> = {
  level_1: 'Level 1: general observation',
  level_2: 'Level 2: intermittent observation',
  level_3: 'Level 3: constant observation',
  level_4: 'Level 4: close proximity',
}
export const searchTypes = ['strip', 'intimate', 'other'] as const
export const searchTypeLabels: Record<(typeof searchTypes)[number], string> = {
  strip: 'Strip search (exposing intimate parts)',
  intimate: 'Intimate search',
  other: 'Other search',
}
export const extensionKinds = ['superintendent', 'warrant'] as const
export const extensionKindLabels: Record<(typeof extensionKinds)[number], string> = {
  superintendent: 'Superintendent authorised (PACE s42)',
  warrant: 'Warrant of further detention (PACE s43, s44)',
}
export const laResponses = ['accepted', 'no_accommodation', 'refused', 'no_response'] as const
export const laResponseLabels: Record<(typeof laResponses)[number], string> = {
  accepted: 'Accommodation provided',
  no_accommodation: 'No accommodation available',
  refused: 'Refused',
  no_response: 'No response',
}
export const destinations = [
  'released_no_further_action',
  'released_on_bail',
  'released_under_investigation',
  'la_non_secure',
  'la_secure',
  'court',
  'other',
] as const
export type Destination = (typeof destinations)[number]
export const destinationLabels: Record<Destination, string> = {
  released_no_further_action: 'Released, no further action',
  released_on_bail: 'Released on bail',
  released_under_investigation: 'Released under investigation',
  la_non_secure: 'Transferred to local authority accommodation (non-secure)',
  la_secure: 'Transferred to local authority secure accommodation',
  court: 'Taken to court',
  other: 'Other',
}
/** A charged child refused bail "transferred" in the report's sense: into local authority accommodation. */
export const transferDestinations: readonly Destination[] = ['la_non_secure', 'la_secure']

const name = z.string().trim().min(1, 'enter a name').max(200, 'must be 200 characters or fewer')
const longText = z.string().trim().max(2000, 'must be 2000 characters or fewer')
const instant = coercedInstant('must be a date and time').refine((d) => !Number.isNaN(d.getTime()), {
  message: 'must be a real date and time',
})
// An earlier event's id, or in a whole timeline (an import) "#<index>" of an event before it.
const eventId = z.string().refine((value) => isUuid(value) || /^#\d{1,3}$/.test(value), {
  message: 'must be the id of an earlier event',
})

/**
 * Each kind of event and its fields. One schema validates the forms, the API and the import; the
 * migration repeats the essential checks so nothing else can write a malformed event.
 */
export const eventInput = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('arrived'), at: instant, note: longText.optional() }).strict(),
  z.object({ kind: z.literal('relevant_time'), at: instant, note: longText.optional() }).strict(),
  z
    .object({
      kind: z.literal('detention_authorised'),
      at: instant,
      officerName: name.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({ kind: z.literal('welfare_informed'), at: instant, personName: name, note: longText.optional() })
    .strict(),
  z
    .object({
      kind: z.literal('aa_contacted'),
      at: instant,
      personName: name,
      aaRelationship: z.enum(aaRelationships),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('aa_arrived'),
      at: instant,
      personName: name.optional(),
      note: longText.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('aa_left'), at: instant, note: longText.optional() }).strict(),
  z
    .object({
      kind: z.literal('rights_given'),
      at: instant,
      aaPresent: z.boolean(),
      countersigned: z.boolean(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('risk_assessed'),
      at: instant,
      observationLevel: z.enum(observationLevels),
      note: longText.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('healthcare_requested'), at: instant, reason: longText.optional() }).strict(),
  z
    .object({
      kind: z.literal('healthcare_seen'),
      at: instant,
      personName: name.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('interview'),
      at: instant,
      endedAt: instant.optional(),
      aaPresent: z.boolean(),
      urgentInterviewAuthorised: z.boolean().optional(),
      officerName: name.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('search'),
      at: instant,
      searchType: z.enum(searchTypes),
      officerName: name.optional(),
      officerRank: z.enum(ranks).optional(),
      aaPresent: z.boolean().optional(),
      personsPresent: z.string().trim().max(500).optional(),
      urgencyReason: longText.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('review'),
      at: instant,
      officerName: name,
      officerRank: z.enum(ranks),
      inPerson: z.boolean(),
      absenceReason: z.enum(absenceReasons).optional(),
      representations: longText.optional(),
      // CUS-15: what the reviewing officer did while the appropriate adult was still awaited.
      aaIntervention: longText.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('review_told'),
      at: instant,
      relatedEventId: eventId,
      representations: longText.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('extension'),
      at: instant,
      extensionKind: z.enum(extensionKinds),
      officerName: name,
      officerRank: z.enum(ranks).optional(),
      extendedUntil: instant.optional(),
      note: longText.optional(),
    })
    .strict(),
  // CUS-14: whether the appropriate adult was there at the charge; left out of an import, it is not recorded.
  z
    .object({
      kind: z.literal('charged'),
      at: instant,
      aaPresent: z.boolean().optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('bail_decision'),
      at: instant,
      bailRefused: z.boolean(),
      reason: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('accommodation_request'),
      at: instant,
      secure: z.boolean(),
      localAuthority: name.optional(),
      ratifiedBy: name.optional(),
      ratifiedAt: instant.optional(),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('la_response'),
      at: instant,
      relatedEventId: eventId,
      laResponse: z.enum(laResponses),
      note: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('escalation'),
      at: instant,
      officerName: name,
      officerRank: z.enum(ranks),
      reason: longText.optional(),
    })
    .strict(),
  z
    .object({
      kind: z.literal('detention_certificate'),
      at: instant,
      reason: z.string().trim().min(1, 'enter the reason the child was not moved').max(2000),
    })
    .strict(),
  z
    .object({
      kind: z.literal('left_custody'),
      at: instant,
      destination: z.enum(destinations),
      note: longText.optional(),
    })
    .strict(),
])
export type EventInput = z.infer<typeof eventInput>

/** An event as stored and as the pure functions read it. */
export interface CustodyEvent {
  id: string
  kind: EventKind
  at: Date
  personName?: string | null
  aaRelationship?: string | null
  officerName?: string | null
  officerRank?: Rank | null
  aaPresent?: boolean | null
  countersigned?: boolean | null
  inPerson?: boolean | null
  absenceReason?: string | null
  observationLevel?: string | null
  endedAt?: Date | null
  urgentInterviewAuthorised?: boolean | null
  searchType?: string | null
  personsPresent?: string | null
  urgencyReason?: string | null
  extensionKind?: string | null
  extendedUntil?: Date | null
  bailRefused?: boolean | null
  secure?: boolean | null
  localAuthority?: string | null
  ratifiedBy?: string | null
  ratifiedAt?: Date | null
  laResponse?: string | null
  relatedEventId?: string | null
  representations?: string | null
  aaIntervention?: string | null
  destination?: string | null
  reason?: string | null
  note?: string | null
}

// ---- the child's age ----

export interface AgeFacts {
  dateOfBirth: string | null
  estimatedAgeYears: number | null
  estimatedAgeOn: string | null
}

/** Age at arrest in whole years, from the date of birth or the estimate carried forward; null when unknown. */
export function ageAtArrest(person: AgeFacts, arrestedAt: Date): number | null {
  const day = londonDate(arrestedAt)
  if (person.dateOfBirth) return day < person.dateOfBirth ? null : ageOn(person.dateOfBirth, day)
  if (person.estimatedAgeYears !== null && person.estimatedAgeOn) {
    return Math.max(0, person.estimatedAgeYears + ageOn(person.estimatedAgeOn, day))
  }
  return null
}

/**
 * PACE Code C 1.5: a person who appears to be under 18 is treated as a juvenile. A detention is refused
 * when the person was 18 or over at arrest, or their age is unknown, unless "appears to be under 18" is
 * recorded.
 */
export function juvenileCheck(age: number | null, appearsUnder18: boolean): FieldError[] {
  if (appearsUnder18) return []
  if (age === null) {
    return [
      {
        field: 'appearsUnder18',
        reason: 'The child’s age at arrest is not known: record that they appear to be under 18',
      },
    ]
  }
  if (age >= 18) {
    return [
      {
        field: 'child',
        reason: `The person was ${age} at arrest; only children (under 18, or appearing to be) are recorded here`,
      },
    ]
  }
  return []
}

// ---- the order of events ----

interface Ordered {
  kind: EventKind
  at: Date
  id?: string
  relatedEventId?: string | null
  endedAt?: Date | null
  ratifiedAt?: Date | null
  searchType?: string | null
  officerName?: string | null
  inPerson?: boolean | null
  absenceReason?: string | null
  bailRefused?: boolean | null
  extensionKind?: string | null
}

/** What must have happened before an event of a kind, and the words for the error. */
const prerequisites: Partial<Record<EventKind, { kind: EventKind; words: string }[]>> = {
  review: [{ kind: 'detention_authorised', words: 'detention was authorised' }],
  extension: [{ kind: 'detention_authorised', words: 'detention was authorised' }],
  aa_arrived: [{ kind: 'aa_contacted', words: 'the appropriate adult was contacted' }],
  aa_left: [{ kind: 'aa_arrived', words: 'the appropriate adult arrived' }],
  healthcare_seen: [{ kind: 'healthcare_requested', words: 'a healthcare professional was requested' }],
  bail_decision: [{ kind: 'charged', words: 'the child was charged' }],
  accommodation_request: [{ kind: 'charged', words: 'the child was charged' }],
  detention_certificate: [{ kind: 'bail_decision', words: 'bail was refused' }],
}

const fmt = (d: Date) => d.toISOString().replace('.000Z', 'Z')

/**
 * Checks a whole timeline (the detention's arrest time and every event, existing and new) for an order
 * that cannot have happened. `field` prefixes each error ('events.3' on the API, '' on a form), and
 * `label(i)` names event i. Returns the errors for the events in `check` (indexes), or every event.
 */
export function timelineErrors(
  arrestedAt: Date,
  events: readonly Ordered[],
  options: { now: Date; fieldOf?: (index: number) => string; check?: ReadonlySet<number> } = {
    now: new Date(),
  },
): FieldError[] {
  const errors: FieldError[] = []
  const fieldOf = options.fieldOf ?? ((i: number) => `events.${i}`)
  const first = new Map<EventKind, Date>()
  const counts = new Map<EventKind, number>()
  for (const e of events) {
    const seen = first.get(e.kind)
    if (!seen || e.at < seen) first.set(e.kind, e.at)
    counts.set(e.kind, (counts.get(e.kind) ?? 0) + 1)
  }
  const byId = new Map(events.filter((e) => e.id).map((e) => [e.id as string, e]))
  const refused = events.find((e) => e.kind === 'bail_decision' && e.bailRefused)
  events.forEach((e, i) => {
    if (options.check && !options.check.has(i)) return
    const at = `${fieldOf(i)}${fieldOf(i) ? '.' : ''}at`
    const label = eventKindLabels[e.kind].toLowerCase()
    const a = /^[aeiou]/.test(label) ? 'An' : 'A'
    const add = (field: string, reason: string) => errors.push({ field, reason })
    if (e.at < arrestedAt)
      add(at, `The ${label} time (${fmt(e.at)}) is before the arrest (${fmt(arrestedAt)})`)
    if (e.at > options.now) add(at, `The ${label} time (${fmt(e.at)}) is in the future`)
    if (singleKinds.has(e.kind) && (counts.get(e.kind) ?? 0) > 1) {
      add(`${fieldOf(i)}${fieldOf(i) ? '.' : ''}kind`, `A detention has only one “${label}” event`)
    }
    for (const pre of prerequisites[e.kind] ?? []) {
      const before = first.get(pre.kind)
      if (!before) add(at, `${a} ${label} cannot be recorded before ${pre.words}`)
      else if (e.at < before) add(at, `The ${label} (${fmt(e.at)}) is before ${pre.words} (${fmt(before)})`)
    }
    if ((e.kind === 'accommodation_request' || e.kind === 'detention_certificate') && !refused) {
      add(at, `${a} ${label} is only for a child charged and refused bail: record the bail decision first`)
    }
    const left = first.get('left_custody')
    if (
      e.kind !== 'left_custody' &&
      e.kind !== 'la_response' &&
      e.kind !== 'review_told' &&
      left &&
      e.at > left
    ) {
      add(at, `The ${label} (${fmt(e.at)}) is after the child left custody (${fmt(left)})`)
    }
    const arrived = first.get('arrived')
    if (e.kind === 'detention_authorised' && arrived && e.at < arrived) {
      add(at, `Detention was authorised (${fmt(e.at)}) before the child arrived (${fmt(arrived)})`)
    }
    if (e.kind === 'charged' || e.kind === 'left_custody') {
      const authorised = first.get('detention_authorised')
      if (e.kind === 'charged' && authorised && e.at < authorised) {
        add(at, `The charge (${fmt(e.at)}) is before detention was authorised (${fmt(authorised)})`)
      }
    }
    if (e.kind === 'interview' && e.endedAt && e.endedAt < e.at) {
      add(`${fieldOf(i)}${fieldOf(i) ? '.' : ''}endedAt`, 'The interview ended before it started')
    }
    if (e.kind === 'review' && e.inPerson === false && !e.absenceReason) {
      add(
        `${fieldOf(i)}${fieldOf(i) ? '.' : ''}absenceReason`,
        'Say why the review was held in the child’s absence',
      )
    }
    if ((e.searchType === 'strip' || e.searchType === 'intimate') && !e.officerName) {
      add(
        `${fieldOf(i)}${fieldOf(i) ? '.' : ''}officerName`,
        'A strip or intimate search needs the officer who authorised it (PACE Code C Annex A)',
      )
    }
    if (e.kind === 'accommodation_request' && e.ratifiedAt && e.ratifiedAt < e.at) {
      add(`${fieldOf(i)}${fieldOf(i) ? '.' : ''}ratifiedAt`, 'The ratification is before the request')
    }
    if (e.kind === 'review_told' || e.kind === 'la_response') {
      const related = e.relatedEventId ? byId.get(e.relatedEventId) : undefined
      const wanted = e.kind === 'review_told' ? 'review' : 'accommodation_request'
      const field = `${fieldOf(i)}${fieldOf(i) ? '.' : ''}relatedEventId`
      if (!related || related.kind !== wanted) {
        add(field, `Choose the ${e.kind === 'review_told' ? 'review' : 'request'} this answers`)
      } else if (e.at < related.at) {
        add(
          at,
          `The ${label} (${fmt(e.at)}) is before the ${eventKindLabels[related.kind].toLowerCase()} it answers`,
        )
      } else if (e.kind === 'review_told' && related.inPerson) {
        add(field, 'That review was held in person: the child was there')
      }
    }
  })
  return errors
}

// ---- the PACE clock ----

export const hour = 3_600_000
export const hoursBetween = (from: Date, to: Date) => (to.getTime() - from.getTime()) / hour

export interface PaceParameters {
  /** PACE s40(3)(a): the first review no later than 6 hours after detention was first authorised. */
  firstReviewHours: number
  /** PACE s40(3)(b), (c): later reviews at intervals of no more than 9 hours. */
  laterReviewHours: number
  /** PACE s41: 24 hours from the relevant time without charge. */
  limitHours: number
  /** PACE s42: a superintendent may authorise up to 36 hours. */
  extendedLimitHours: number
}

export const pace: PaceParameters = {
  firstReviewHours: 6,
  laterReviewHours: 9,
  limitHours: 24,
  extendedLimitHours: 36,
}

/** One detention review slot: when its clock started, when the review was due, when it was held. */
export interface ReviewSlot {
  number: number
  startedAt: Date
  dueAt: Date
  heldAt: Date | null
  late: boolean
}

/**
 * The review clock: slot 1 runs from detention authorised to +6 h, each later slot from the review before it
 * to +9 h. A review early is fine (the next clock starts from it). Slots end when the child leaves custody;
 * reviews after `asOf` have not happened yet.
 */
export function reviewSlots(
  authorisedAt: Date | null,
  reviewTimes: readonly Date[],
  options: { asOf: Date; leftAt?: Date | null; params?: PaceParameters },
): ReviewSlot[] {
  if (!authorisedAt || authorisedAt > options.asOf) return []
  const p = options.params ?? pace
  const held = [...reviewTimes].filter((t) => t <= options.asOf).sort((a, b) => a.getTime() - b.getTime())
  const left = options.leftAt && options.leftAt <= options.asOf ? options.leftAt : null
  const slots: ReviewSlot[] = []
  let start = authorisedAt
  for (let n = 1; ; n++) {
    const dueAt = new Date(start.getTime() + (n === 1 ? p.firstReviewHours : p.laterReviewHours) * hour)
    const heldAt = held[n - 1] ?? null
    if (!heldAt && left && left <= dueAt) break // released before this review fell due: none owed
    slots.push({
      number: n,
      startedAt: start,
      dueAt,
      heldAt,
      late: heldAt ? heldAt > dueAt : (left ?? options.asOf) >= dueAt,
    })
    if (!heldAt) break
    start = heldAt
  }
  return slots
}

/** The next review due, or null when none is owed (not yet authorised, or left custody). */
export function nextReviewDue(
  authorisedAt: Date | null,
  reviewTimes: readonly Date[],
  options: { asOf: Date; leftAt?: Date | null; params?: PaceParameters },
): Date | null {
  if (options.leftAt && options.leftAt <= options.asOf) return null
  const slots = reviewSlots(authorisedAt, reviewTimes, options)
  const open = slots.find((s) => !s.heldAt)
  return open ? open.dueAt : null
}

export interface Extension {
  kind: 'superintendent' | 'warrant'
  at: Date
  extendedUntil?: Date | null
}

export interface DetentionLimit {
  /** The latest the child may be held without charge, given the extensions authorised by asOf. */
  limitAt: Date
  /** What sets it: 'pace' 24 h, 'superintendent' 36 h, or a 'warrant'. */
  basis: 'pace' | 'superintendent' | 'warrant'
  /** An extension given after the limit it extends had already passed does not cure the breach. */
  extensionLate: boolean
}

/**
 * PACE s41-s44: 24 hours from the relevant time, 36 with a superintendent's authority given before the 24
 * hours ran out, longer only with a warrant of further detention (to the time the warrant says). Null when
 * there is no relevant time yet.
 */
export function detentionLimit(
  relevantTime: Date | null,
  extensions: readonly Extension[],
  options: { asOf: Date; params?: PaceParameters },
): DetentionLimit | null {
  if (!relevantTime) return null
  const p = options.params ?? pace
  const base = new Date(relevantTime.getTime() + p.limitHours * hour)
  const extended = new Date(relevantTime.getTime() + p.extendedLimitHours * hour)
  const known = extensions.filter((e) => e.at <= options.asOf)
  const superintendent = known.find((e) => e.kind === 'superintendent')
  const warrant = known.find((e) => e.kind === 'warrant')
  if (warrant) {
    return {
      limitAt: warrant.extendedUntil ?? extended,
      basis: 'warrant',
      extensionLate: warrant.at > (superintendent ? extended : base),
    }
  }
  if (superintendent)
    return { limitAt: extended, basis: 'superintendent', extensionLate: superintendent.at > base }
  return { limitAt: base, basis: 'pace', extensionLate: false }
}

// The clocks' words are the time kernel's, shared with every list that counts down to a due time.
export { formatDuration } from '../../platform/time.ts'

/**
 * How long the appropriate adult took, or has so far taken, from detention authorised (Code C 3.15: "as
 * soon as practicable"); null before detention is authorised. `waiting` while the adult has not arrived and
 * the child is still in custody.
 */
export function appropriateAdultWait(
  authorisedAt: Date | null,
  aaArrivedAt: Date | null,
  options: { asOf: Date; leftAt?: Date | null },
): { hours: number; waiting: boolean } | null {
  if (!authorisedAt || authorisedAt > options.asOf) return null
  const arrived = aaArrivedAt && aaArrivedAt <= options.asOf ? aaArrivedAt : null
  if (arrived) return { hours: Math.max(0, hoursBetween(authorisedAt, arrived)), waiting: false }
  const left = options.leftAt && options.leftAt <= options.asOf ? options.leftAt : null
  return { hours: hoursBetween(authorisedAt, left ?? options.asOf), waiting: !left }
}

/** Hours held after charge: to leaving custody, or to asOf while still held; null before charge. */
export function hoursSinceCharge(
  chargedAt: Date | null,
  options: { asOf: Date; leftAt?: Date | null },
): { hours: number; stillHeld: boolean } | null {
  if (!chargedAt || chargedAt > options.asOf) return null
  const left = options.leftAt && options.leftAt <= options.asOf ? options.leftAt : null
  return { hours: hoursBetween(chargedAt, left ?? options.asOf), stillHeld: !left }
}

/** CUS-09's hours beside PACE's, so the after-charge clock a page shows is the one the rule judges by. */
export interface CustodyClockParameters extends PaceParameters {
  /** CUS-09: the most hours, while a child refused bail stays, with no escalation or renewed request. */
  escalationHours: number
}

/**
 * Whether an appropriate adult was at the station at `at`: the latest arrival at or before it with no
 * leaving after that arrival and before `at` (an adult who left at that very minute was still there).
 */
export function appropriateAdultThere(events: readonly CustodyEvent[], at: Date): boolean {
  const arrivals = events.filter((e) => e.kind === 'aa_arrived' && e.at <= at)
  if (arrivals.length === 0) return false
  const last = Math.max(...arrivals.map((e) => e.at.getTime()))
  return !events.some((e) => e.kind === 'aa_left' && e.at.getTime() >= last && e.at < at)
}

/** CUS-14: the appropriate adult at the charge, as recorded and as the timeline bears out. */
export type AdultAtCharge = 'present' | 'not_present' | 'not_recorded' | 'not_arrived'

export function adultAtCharge(events: readonly CustodyEvent[], asOf: Date): AdultAtCharge | null {
  const charge = first(events, 'charged', asOf)
  if (!charge) return null
  if (charge.aaPresent === false) return 'not_present'
  if (charge.aaPresent !== true) return 'not_recorded'
  return appropriateAdultThere(events, charge.at) ? 'present' : 'not_arrived'
}

/**
 * CUS-09's acts after bail is refused: an escalation to an inspector or above, or a request to the local
 * authority after the first (the first is CUS-07's duty; asking again is what the report found missing).
 */
export function afterChargeActs(events: readonly CustodyEvent[], refusedAt: Date, asOf: Date): Date[] {
  const known = events.filter((e) => e.at <= asOf)
  const requests = known
    .filter((e) => e.kind === 'accommodation_request')
    .sort((a, b) => a.at.getTime() - b.at.getTime() || a.id.localeCompare(b.id))
  const escalations = known.filter(
    (e) =>
      e.kind === 'escalation' &&
      e.at >= refusedAt &&
      (inspectorOrAbove as readonly string[]).includes(e.officerRank ?? ''),
  )
  return [...escalations, ...requests.slice(1)].map((e) => e.at).sort((a, b) => a.getTime() - b.getTime())
}

/**
 * CUS-09 recurs: while a child charged and refused bail stays, each period of `escalationHours` from the
 * refusal or from the last act needs an escalation or a renewed request. The next one due, or null when
 * bail was not refused or the child has left.
 */
export function nextEscalationDue(
  events: readonly CustodyEvent[],
  asOf: Date,
  escalationHours: number,
): { startedAt: Date; dueAt: Date; sinceRefusal: boolean } | null {
  const refused = events
    .filter((e) => e.kind === 'bail_decision' && e.bailRefused && e.at <= asOf)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0]
  if (!refused || first(events, 'left_custody', asOf)) return null
  const acts = afterChargeActs(events, refused.at, asOf)
  const last = acts[acts.length - 1]
  const startedAt = last ?? refused.at
  return {
    startedAt,
    dueAt: new Date(startedAt.getTime() + escalationHours * hour),
    sinceRefusal: !last,
  }
}

/** The clocks a custody officer watches for one detention, at asOf. */
export interface DetentionClocks {
  inCustody: boolean
  nextReviewDue: Date | null
  reviews: ReviewSlot[]
  limit: DetentionLimit | null
  /** The next PACE deadline: the sooner of the next review and (before charge) the detention limit. */
  nextDeadline: { label: string; at: Date; remainingMs: number } | null
  aaWait: { hours: number; waiting: boolean } | null
  sinceCharge: { hours: number; stillHeld: boolean } | null
  /** CUS-09: the next escalation or renewed request due while a child refused bail stays. */
  escalation: { startedAt: Date; dueAt: Date; sinceRefusal: boolean } | null
  /** CUS-14: the appropriate adult at the charge; null before charge. */
  adultAtCharge: AdultAtCharge | null
  /** CUS-15: in custody, detention authorised, and no appropriate adult has arrived yet. */
  adultAwaited: boolean
  /** The hours the clocks were timed by, so a page can say them. */
  params: CustodyClockParameters
}

export function first(
  events: readonly CustodyEvent[],
  kind: EventKind,
  asOf: Date,
): CustodyEvent | undefined {
  return events
    .filter((e) => e.kind === kind && e.at <= asOf)
    .sort((a, b) => a.at.getTime() - b.at.getTime())[0]
}

/**
 * Every clock of a detention from its events, at asOf, by the hours configured for CUS-04, CUS-09 and CUS-13
 * (`paceParametersAt`): no default, so a page cannot show a clock the rules do not judge by.
 */
export function detentionClocks(
  events: readonly CustodyEvent[],
  asOf: Date,
  params: CustodyClockParameters,
): DetentionClocks {
  const at = (kind: EventKind) => first(events, kind, asOf)?.at ?? null
  const leftAt = at('left_custody')
  const authorisedAt = at('detention_authorised')
  const chargedAt = at('charged')
  const relevant = at('relevant_time') ?? at('arrived')
  const reviewTimes = events.filter((e) => e.kind === 'review').map((e) => e.at)
  const reviews = reviewSlots(authorisedAt, reviewTimes, { asOf, leftAt, params })
  const nextReview = nextReviewDue(authorisedAt, reviewTimes, { asOf, leftAt, params })
  const extensions = events
    .filter((e) => e.kind === 'extension')
    .map((e) => ({ kind: e.extensionKind as Extension['kind'], at: e.at, extendedUntil: e.extendedUntil }))
  const limit = detentionLimit(relevant, extensions, { asOf, params })
  const inCustody = !leftAt
  const candidates: { label: string; at: Date }[] = []
  if (inCustody && nextReview) candidates.push({ label: 'Next detention review due', at: nextReview })
  if (inCustody && limit && !chargedAt) {
    const words = {
      pace: `${params.limitHours}-hour limit`,
      superintendent: `${params.extendedLimitHours}-hour limit`,
      warrant: 'Warrant expires',
    }[limit.basis]
    candidates.push({ label: `${words} (detention without charge)`, at: limit.limitAt })
  }
  const escalation = nextEscalationDue(events, asOf, params.escalationHours)
  if (escalation) {
    candidates.push({
      label: 'Escalate to an inspector or ask the local authority again',
      at: escalation.dueAt,
    })
  }
  candidates.sort((a, b) => a.at.getTime() - b.at.getTime())
  const soonest = candidates[0]
  return {
    inCustody,
    nextReviewDue: nextReview,
    reviews,
    limit,
    nextDeadline: soonest ? { ...soonest, remainingMs: soonest.at.getTime() - asOf.getTime() } : null,
    aaWait: appropriateAdultWait(authorisedAt, at('aa_arrived'), { asOf, leftAt }),
    sinceCharge: hoursSinceCharge(chargedAt, { asOf, leftAt }),
    escalation,
    adultAtCharge: adultAtCharge(events, asOf),
    adultAwaited: inCustody && authorisedAt !== null && !first(events, 'aa_arrived', asOf),
    params,
  }
}
