import type { Random } from '../../platform/seed/random.ts'
import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { ageOn, londonDate, londonInstant } from '../../platform/time.ts'
import { type SeededTeam, seededTeamsKey } from '../organisation/seed.ts'

/**
 * A year of children's detentions in the force's custody suites, written through the import path as
 * `person` and `custody-detention` lines, with the failings HMICFRS found in 2018 at the rates it found them.
 *
 * Volume: the report gives no count of children detained. About 15,000 detentions of children a year at
 * scale 1 is an estimate for a force of the MPS's size; treat it as illustrative.
 */
const detentionsPerYear = 15_000

/** What this generator shares with later ones: each detention's ref, child, suite and linked PAC ref. */
export const seededDetentionsKey = 'custody:detentions'
export interface SeededDetention {
  ref: string
  child: string
  suite: string
  arrestedAt: Date
  pacRef: string | null
}

// Rates, from the report where it gives them (section "Police detention"):
const rates = {
  // "In 15 of the 30 cases we assessed, officers and staff had conducted the first custody PACE review ... in person."
  reviewInPerson: 15 / 30,
  // Reviews in the child's absence (CUS-05): "we also identified cases where officers and staff had conducted
  // reviews in a child's absence ... there was no recorded evidence that this had in fact happened". "Cases",
  // not most: the child recorded as told after 80% of such reviews (a detention may have several), so that
  // CUS-05 raises on 30-55% of the detentions with a review in the child's absence (plausible practice; it
  // raised on 85% when a quarter were told, a rate no force would recognise).
  absentReviewTold: 0.8,
  // "the statement of rights and entitlements ... had not always been countersigned by that adult"
  rightsRepeatedCountersigned: 0.7,
  // "Strip-searching of children in custody was only seen in two of the cases"; one of the two without an AA
  // and with no rationale.
  stripSearch: 2 / 30,
  stripSearchWithoutSafeguard: 1 / 2,
  // "in some cases we could find no evidence that these children were then referred to or seen"
  healthcareRequested: 0.2,
  healthcareNeverSeen: 0.25,
  // "children were transferred from custody to non-secure accommodation in only two of the 29 relevant cases"
  transferredAfterRefusal: 2 / 29,
  // "We found evidence of requests being made for suitable accommodation to local authorities"
  accommodationRequested: 0.9,
  accommodationRequestWithinHour: 0.55,
  secureRequest: 0.2,
  // "these were not always ratified by an inspector as required"
  secureRatified: 0.6,
  // "little evidence of escalation to senior officers or of officers making subsequent requests"
  escalated: 0.15,
  repeatRequest: 0.1,
  // Both case studies had a certificate; the 2016 recommendation asks for them "to the required standard".
  certificate: 0.75,
  // "In most cases, officers and staff completed Merlin forms for children detained in police custody"
  pac: 0.85,
  // "it was not evident in some cases whether an appropriate adult was present when children were charged"
  // (CUS-14): "some" is not counted; 15% charged with nothing recorded of the adult is illustrative.
  chargedWithAdultRecorded: 0.85,
  // "an appropriate adult had been required but had not yet arrived. However, there was limited evidence of
  // intervention or escalation" (CUS-15): "limited" read as a quarter of such reviews recording one.
  awaitedReviewIntervention: 0.25,
  // Not quantified in the report: a first review more than 6 hours after authorisation.
  lateReview: 0.08,
  interviewBeforeAa: 0.03,
  extendedPast24h: 0.015,
  // CUS-13: of those held past 24 hours before charge, three in ten with no superintendent's extension
  // recorded (plausible practice; the report gives no figure), so the rule has a few to find.
  extensionRecorded: 0.7,
}

// Outcomes of a child's detention (illustrative shares: most children are released, some charged and bailed,
// a few charged and refused bail).
const outcomes = [
  ['refused_bail', 0.08],
  ['charged_bailed', 0.22],
  ['released_under_investigation', 0.5],
  ['released_no_further_action', 0.2],
] as const

const offences = [
  'Robbery',
  'Possession of an offensive weapon',
  'Possession of a controlled drug with intent to supply',
  'Burglary',
  'Theft',
  'Assault occasioning actual bodily harm',
  'Criminal damage',
  'Going equipped for theft',
  'Handling stolen goods',
  'Public order offence',
]
const givenNames = [
  'Jayden',
  'Amira',
  'Kyle',
  'Zara',
  'Tyrese',
  'Leah',
  'Callum',
  'Nia',
  'Reece',
  'Ife',
  'Harvey',
  'Maya',
]
const familyNames = [
  'Adeyemi',
  'Barnes',
  'Chowdhury',
  'Doyle',
  'Francis',
  'Grant',
  'Hussain',
  'Ibrahim',
  'Kelly',
  'Lewis',
]

const minute = 60_000
const hourMs = 3_600_000

/** Hours from detention authorised to the appropriate adult's arrival: most within two hours, a long tail to 16+. */
function aaWaitHours(random: Random): number {
  // The report's cases: "did not arrive for over eight hours"; "did not attend for 16 hours".
  const band = random.weighted([
    [0, 0.45],
    [1, 0.33],
    [2, 0.16],
    [3, 0.06],
  ] as const)
  return [random.next() * 2, 2 + random.next() * 4, 6 + random.next() * 6, 12 + random.next() * 6][
    band
  ] as number
}

/** When a child refused bail is taken to court: the first weekday 09:30 London sitting at least 4 hours away. */
function nextCourtSitting(after: Date): Date {
  let noon = new Date(`${londonDate(after)}T12:00:00Z`)
  for (;;) {
    const weekday = noon.getUTCDay()
    const sitting = londonInstant(londonDate(noon), '09:30')
    if (weekday !== 0 && weekday !== 6 && sitting.getTime() >= after.getTime() + 4 * hourMs) return sitting
    noon = new Date(noon.getTime() + 24 * hourMs)
  }
}

type Line = Record<string, unknown>

export const custodySeed: SeedGenerator = {
  name: 'custody',
  *generate({ scale, random, from, until, shared }) {
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    const suites = teams.filter((t) => t.kind === 'custody_suite')
    if (suites.length === 0) return
    const total = Math.max(1, Math.round(detentionsPerYear * scale))
    const span = until.getTime() - from.getTime()
    const children: { ref: string; dob: string; borough: string | null }[] = []
    const detentions: SeededDetention[] = []
    for (let n = 1; n <= total; n++) {
      // The last arrests (below) go round the suites, so every suite's staff open the demo on children held.
      const live = n > total - 6
      const suite = live ? (suites[(total - n) % suites.length] as SeededTeam) : random.pick(suites)
      const staff = suite.staff.length ? suite.staff : [{ ref: 'MP0', rank: 'sergeant' as const }]
      const inspector = staff.find((s) => s.rank === 'inspector') ?? staff[0]
      const officer = (s: { ref: string }) => `Officer ${s.ref}`
      // A quarter of detentions are of a child detained before (repeat arrests are common among children).
      // The last six arrests in the five hours before the end (the demo: the minute it starts), so it opens
      // with children in the cells now, their PACE clocks running (of three spread over seven hours, one was
      // still held when the demo opened at 23:00 on 2026-12-06; of six over five hours, all six).
      const arrestedAt = live
        ? new Date(until.getTime() - random.int(20, 300) * minute)
        : new Date(from.getTime() + random.next() * span)
      let child = children.length > 20 && random.chance(0.25) ? random.pick(children) : undefined
      // A child who has since turned 18 is not a child in custody any more.
      if (child && ageOn(child.dob, londonDate(arrestedAt)) >= 18) child = undefined
      if (!child) {
        const age = random.weighted([
          [12, 0.04],
          [13, 0.08],
          [14, 0.14],
          [15, 0.22],
          [16, 0.26],
          [17, 0.26],
        ] as const)
        const born = new Date(arrestedAt.getTime() - (age * 365.25 + random.int(1, 360)) * 24 * hourMs)
        child = {
          ref: `KP-C${String(n).padStart(6, '0')}`,
          dob: born.toISOString().slice(0, 10),
          borough: suite.borough,
        }
        children.push(child)
        yield {
          kind: 'person',
          ref: child.ref,
          familyName: random.pick(familyNames),
          givenNames: random.pick(givenNames),
          dateOfBirth: child.dob,
          gender: random.chance(0.85) ? 'male' : 'female',
          ...(child.borough
            ? {
                address: {
                  address: `${random.int(1, 200)} Example Road`,
                  borough: child.borough,
                  from: `${child.dob.slice(0, 4)}-01-01`,
                },
              }
            : {}),
        } satisfies Line
      }
      const line = detention(
        random,
        n,
        child.ref,
        suite,
        arrestedAt,
        until,
        officer,
        staff,
        inspector as { ref: string },
      )
      detentions.push({
        ref: line.ref as string,
        child: child.ref,
        suite: suite.ref,
        arrestedAt,
        pacRef: (line.pacRef as string | undefined) ?? null,
      })
      yield line
    }
    shared.set(seededDetentionsKey, detentions)
  },
}

function detention(
  random: Random,
  n: number,
  childRef: string,
  suite: SeededTeam,
  arrestedAt: Date,
  until: Date,
  officer: (s: { ref: string }) => string,
  staff: { ref: string; rank: string }[],
  inspector: { ref: string },
): Line {
  const events: Line[] = []
  const at = (t: number) => new Date(Math.round(t / minute) * minute)
  const add = (kind: string, t: number, extra: Line = {}) => {
    events.push({ kind, at: at(t), ...extra })
    return events.length - 1
  }
  const t0 = arrestedAt.getTime()
  const arrived = t0 + random.int(15, 60) * minute
  const authorised = arrived + random.int(5, 30) * minute
  add('arrived', arrived)
  add('detention_authorised', authorised, { officerName: officer(random.pick(staff)) })
  add('welfare_informed', authorised + random.int(5, 40) * minute, { personName: 'Parent' })
  const contacted = authorised + random.int(5, 30) * minute
  add('aa_contacted', contacted, {
    personName: random.chance(0.6) ? 'Parent' : 'Appropriate adult service volunteer',
    aaRelationship: random.chance(0.6) ? 'parent' : 'volunteer',
  })
  add('rights_given', authorised + 5 * minute, { aaPresent: false, countersigned: false })
  add('risk_assessed', authorised + 10 * minute, {
    observationLevel: random.weighted([
      ['level_1', 0.7],
      ['level_2', 0.25],
      ['level_3', 0.05],
    ] as const),
  })
  const aaArrived = Math.max(contacted + 10 * minute, authorised + aaWaitHours(random) * hourMs)
  add('aa_arrived', aaArrived)
  if (random.chance(rates.rightsRepeatedCountersigned)) {
    add('rights_given', aaArrived + random.int(5, 20) * minute, { aaPresent: true, countersigned: true })
  }
  if (random.chance(rates.healthcareRequested)) {
    const requested = authorised + random.int(10, 120) * minute
    add('healthcare_requested', requested, { reason: 'Injury disclosed at booking in' })
    if (!random.chance(rates.healthcareNeverSeen))
      add('healthcare_seen', requested + random.int(20, 150) * minute)
  }
  if (random.chance(rates.stripSearch)) {
    const failing = random.chance(rates.stripSearchWithoutSafeguard)
    add(
      'search',
      failing ? authorised + random.int(20, 60) * minute : aaArrived + random.int(5, 30) * minute,
      {
        searchType: 'strip',
        officerName: officer(inspector),
        officerRank: 'inspector',
        aaPresent: !failing,
        personsPresent: 'Two officers of the same sex',
      },
    )
  }
  const early = random.chance(rates.interviewBeforeAa) && aaArrived - authorised > 2 * hourMs
  const interviewStart = early
    ? authorised + random.int(60, 110) * minute
    : aaArrived + random.int(15, 120) * minute
  const interviewEnd = interviewStart + random.int(30, 90) * minute
  add('interview', interviewStart, { endedAt: at(interviewEnd), aaPresent: !early })
  const decision = interviewEnd + random.int(30, 180) * minute
  const outcome = random.weighted(outcomes)
  let left: number
  let destination: string
  const charged = outcome === 'refused_bail' || outcome === 'charged_bailed'
  const adultAtCharge = charged && random.chance(rates.chargedWithAdultRecorded)
  // The adult stays for a charge they are recorded at; nothing recorded is the report's "not evident".
  if (charged) add('charged', decision, adultAtCharge ? { aaPresent: true } : {})
  if (outcome === 'refused_bail') {
    const refused = decision + 5 * minute
    add('bail_decision', refused, { bailRefused: true, reason: 'Risk of further offences' })
    const transferred = random.chance(rates.transferredAfterRefusal)
    left = transferred ? refused + random.int(2, 6) * hourMs : nextCourtSitting(new Date(refused)).getTime()
    destination = transferred ? 'la_non_secure' : 'court'
    let firstRequest: number | null = null
    if (transferred || random.chance(rates.accommodationRequested)) {
      firstRequest =
        refused +
        (random.chance(rates.accommodationRequestWithinHour) ? random.int(5, 55) : random.int(61, 240)) *
          minute
      firstRequest = Math.min(firstRequest, left - 30 * minute)
      const secure = !transferred && random.chance(rates.secureRequest)
      const request = add('accommodation_request', firstRequest, {
        secure,
        localAuthority: suite.borough ?? 'Local authority',
        ...(secure && random.chance(rates.secureRatified)
          ? { ratifiedBy: officer(inspector), ratifiedAt: at(firstRequest + 10 * minute) }
          : {}),
      })
      const answered = firstRequest + random.int(15, 90) * minute
      if (answered < left) {
        add('la_response', answered, {
          relatedEventId: `#${request}`,
          laResponse: transferred ? 'accepted' : 'no_accommodation',
        })
        if (!transferred && random.chance(rates.certificate)) {
          add('detention_certificate', Math.min(answered + random.int(10, 90) * minute, left - minute), {
            reason: 'The local authority had no accommodation available',
          })
        }
      }
    } else if (random.chance(rates.certificate)) {
      add('detention_certificate', refused + random.int(30, 120) * minute, {
        reason: 'Impracticable to move the child at this time of night',
      })
    }
    if (!transferred && random.chance(rates.escalated)) {
      add('escalation', refused + random.int(60, 230) * minute, {
        officerName: officer(inspector),
        officerRank: 'inspector',
      })
    }
    if (!transferred && firstRequest && random.chance(rates.repeatRequest)) {
      add('accommodation_request', Math.min(firstRequest + random.int(3, 8) * hourMs, left - 10 * minute), {
        secure: false,
        localAuthority: suite.borough ?? 'Local authority',
      })
    }
  } else {
    left = decision + random.int(10, 60) * minute
    destination =
      outcome === 'charged_bailed'
        ? 'released_on_bail'
        : outcome === 'released_under_investigation'
          ? 'released_under_investigation'
          : 'released_no_further_action'
  }
  // A few long investigations: a superintendent extends detention before the 24 hours run out.
  if (!charged && random.chance(rates.extendedPast24h)) {
    if (random.chance(rates.extensionRecorded))
      add('extension', arrived + random.int(18, 23) * hourMs, {
        extensionKind: 'superintendent',
        officerName: 'Superintendent',
      })
    left = Math.max(left, arrived + random.int(25, 34) * hourMs)
  }
  // Detention reviews while the child is held: 6 hours after authorisation, then every 9 hours.
  let due = authorised + 6 * hourMs
  while (due < left) {
    const late = random.chance(rates.lateReview)
    const held = late ? due + random.int(1, 90) * minute : due - random.int(0, 120) * minute
    if (held >= left) break
    const inPerson = random.chance(rates.reviewInPerson)
    const awaited = held < aaArrived
    const review = add('review', held, {
      officerName: officer(inspector),
      officerRank: 'inspector',
      inPerson,
      ...(inPerson ? {} : { absenceReason: random.chance(0.7) ? 'asleep' : 'in_interview' }),
      ...(awaited && random.chance(rates.awaitedReviewIntervention)
        ? {
            aaIntervention:
              'Chased the appropriate adult; asked the appropriate adult service for a volunteer',
          }
        : {}),
    })
    if (!inPerson && random.chance(rates.absentReviewTold)) {
      const told = held + random.int(1, 5) * hourMs
      if (told < left)
        add('review_told', told, { relatedEventId: `#${review}`, representations: 'None made' })
    }
    due = held + 9 * hourMs
  }
  add('left_custody', left, { destination })
  const aaLeft = Math.min(left, (adultAtCharge ? decision : interviewEnd) + random.int(10, 60) * minute)
  add('aa_left', Math.max(aaLeft, aaArrived))
  // Nothing happens after the child left (bar the answers to earlier events), and children still held at the
  // end of the demo year have no later events yet.
  const limit = until.getTime()
  const answers = new Set(['left_custody', 'la_response', 'review_told'])
  const timeline: Line[] = []
  const newIndex = new Map<number, number>()
  events.forEach((e, i) => {
    const t = (e.at as Date).getTime()
    if (t > limit || (t > left && !answers.has(e.kind as string))) return
    if (typeof e.relatedEventId === 'string') {
      const target = newIndex.get(Number(e.relatedEventId.slice(1)))
      if (target === undefined) return
      e.relatedEventId = `#${target}`
    }
    newIndex.set(i, timeline.length)
    timeline.push(e)
  })
  const pacLinked = authorised + random.int(1, 6) * hourMs
  return {
    kind: 'custody-detention',
    ref: `CUST-${arrestedAt.getUTCFullYear()}-${String(n).padStart(6, '0')}`,
    child: childRef,
    custodySuite: suite.ref,
    offences: [random.pick(offences)],
    arrestedAt,
    ...(random.chance(rates.pac) && pacLinked <= limit
      ? { pacRef: `PAC-C${String(n).padStart(6, '0')}`, pacLinkedAt: new Date(pacLinked) }
      : {}),
    events: timeline,
  }
}
