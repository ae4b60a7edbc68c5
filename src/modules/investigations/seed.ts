import type { Random } from '../../platform/seed/random.ts'
import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { type SeededDetention, seededDetentionsKey } from '../custody/seed.ts'
import { londonBcus } from '../organisation/london.ts'
import type { Course, TeamKind } from '../organisation/organisation.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import { type SeededChild, seededChildrenKey, seededPacsKey } from '../referrals/seed.ts'
import {
  type CaseType,
  caseTypes,
  defaultCourseRequirements,
  meetsStrategyThreshold,
  type OutcomeCode,
  outcomeGroup,
  type RiskLevel,
  type Strand,
} from './investigation.ts'

/**
 * A year of child protection investigations in the nine case types, written through the import path as
 * `investigation`, `investigation-action`, `supervisory-review`, `strategy-discussion`,
 * `child-protection-conference` and `police-protection` lines (and `person` lines for the adults, and for
 * children when no earlier generator published any).
 *
 * Volume: the report gives no count of the force's investigations, so scale 1 is an estimate of about 5,000
 * a year: 12 BCUs each with a CAIT and a Sapphire team of about 25 investigators between them (the
 * organisation generator's team sizes), each taking about 10 new cases a year (≈3,000); the online cases,
 * "1,387 crime reports from NCA referrals" between January 2017 and August 2018 (≈830 a year) and Operation
 * Bellona's "approximately 100 new investigations ... each month" (≈1,200 a year); and the domestic abuse and
 * other referrals the frontline investigates. Scale 0.1 (the demo) is about 500.
 *
 * The mix of case types is the inspectors' sample (Figure 1, 303 cases): the only mix the report gives.
 */
export const investigationsPerYearAtScale1 = 5_000

/** HMICFRS 2018, Figure 1: cases assessed by case type (good, requiring improvement, inadequate). */
const figure1: Record<CaseType, readonly [good: number, requiresImprovement: number, inadequate: number]> = {
  referral_domestic_abuse: [20, 11, 6],
  referral_other: [22, 18, 5],
  section_47: [13, 13, 20],
  police_protection: [7, 11, 9],
  sex_offender_management: [9, 10, 3],
  cse_non_internet: [8, 15, 4],
  cse_online: [5, 11, 18],
  missing: [9, 17, 9],
  custody: [0, 21, 9],
}
const sampled = (t: CaseType) => figure1[t][0] + figure1[t][1] + figure1[t][2]
/** "93 cases (31 percent) were good and 210 (69 percent) either required improvement or were inadequate". */
const notGoodShare = (t: CaseType) => (figure1[t][1] + figure1[t][2]) / sampled(t)

/**
 * The failings, at the rates the report describes or a stated estimate where it gives none. A case fails
 * (Figure 1's share for its type, see failingChance) and then has one or more of these; a case that does not
 * fail is worked to standard throughout.
 */
const rates = {
  // "In a number of cases we examined, there was no evidence that a strategy meeting had been held. This was
  // despite the fact in some cases that supervisors had specifically directed officers to arrange them."
  noStrategyDiscussion: 0.3,
  noStrategyDiscussionDespiteDirection: 0.5,
  // "When these discussions did take place, most of them involved only the police and children's social
  // care": 0.9 of the failing cases' discussions, so that over half of all discussions lack health.
  discussionWithoutHealth: 0.9,
  // "it was not always clear what the joint safety plan was in relation to ongoing investigations"
  noJointSafetyPlan: 0.4,
  // "officers and staff do not always speak to children": half never seen (still open at the end), half late.
  childNotSeen: 0.35,
  childNeverSeen: 0.5,
  // "supervision does not consistently challenge the progress of investigations or the pursuit of identified
  // lines of enquiry. This is leading to drift, delays and missed opportunities": for an open case, activity
  // stops weeks before the end of the year; for a closed one a gap of weeks in the middle.
  drift: 0.45,
  // "we continue to find poor-quality supervision of child protection cases, which has been an enduring
  // problem": reviews stop (open cases) or come five to seven weeks apart (closed ones).
  missingReviews: 0.5,
  // Lines of enquiry directed and never done (estimate; the same passage).
  actionNotDone: 0.25,
  // "some officers and staff are conducting investigations even though they are not experienced in this field
  // and do not have specialist child abuse investigation training": the case goes to the frontline team.
  allocatedUntrained: 0.25,
  // The CEOP case closed by a supervisor with "no visit ... made to check on the welfare of the children and no
  // referral ... passed to children's social care services"; 17% of cases were referred back to the force
  // (children "left at risk of potential harm"): a third of the failing NFA closures.
  closedNfaUnchecked: 0.35,
  // "Attendance at initial child protection conferences had improved and was good" (2017, still so in 2018).
  conferenceWithoutPolice: 0.1,
  // Police protection: the report's cases used the power "appropriately"; a few lapses (estimate).
  protectionNoDesignatedOfficer: 0.15,
  protectionPast72Hours: 0.1,
  // Estimates: most cases are referred to children's social care ("Most cases ... resulted in a referral to
  // children's social care services"); a few are handed to another officer part way.
  socialCareReferral: 0.8,
  reallocated: 0.1,
}

/**
 * The organisation generator trains about 40% of a team in each course its kind needs (the report: the
 * course will reach "40 percent of staff deployed in those teams. There is currently no plan to train the
 * remaining 60 percent"). When it publishes each officer's training (a `training` list on the staff it
 * shares), a case not chosen to fail goes to an officer who has the courses and INV-06 is one failing among the
 * others. When it does not, an investigation allocated within a specialist team lacks the courses its type
 * needs about this often anyway, and the other failings make up the rest of Figure 1's rate for the type.
 */
const trainedShare = 0.4
const coursesTrainedBy: Partial<Record<TeamKind, readonly Course[]>> = {
  cait: ['specialist_child_abuse_investigators_development_programme', 'abe_interviewing'],
  sapphire: ['abe_interviewing'],
  mash: ['safeguarding_1_week'],
  missing_persons_unit: ['missing_persons_5_day'],
  online_csae: ['iioc_investigation'],
  jigsaw: ['safeguarding_1_week'],
}
function untrainedChance(type: CaseType, kind: TeamKind, trainingKnown: boolean): number {
  const required = defaultCourseRequirements[type]
  if (required.length === 0 || trainingKnown) return 0
  const trained = coursesTrainedBy[kind] ?? []
  return required.every((c) => trained.includes(c)) ? 1 - trainedShare ** required.length : 1
}
/** The chance a case has the deliberate failings, so that with INV-06 its type fails at Figure 1's rate. */
function failingChance(type: CaseType, kind: TeamKind, trainingKnown: boolean): number {
  const untrained = untrainedChance(type, kind, trainingKnown)
  const rest = untrained >= 1 ? 0 : 1 - (1 - notGoodShare(type)) / (1 - untrained)
  // Every type still shows the other failings in some cases.
  return Math.max(0.1, rest)
}

/** Which team investigates: the specialist team for the type, the frontline for the rest (estimates). */
function teamKindFor(type: CaseType, random: Random): TeamKind {
  switch (type) {
    case 'referral_domestic_abuse':
      return random.chance(0.7) ? 'response_neighbourhood' : 'cait'
    case 'referral_other':
      return random.chance(0.5) ? 'response_neighbourhood' : 'cait'
    case 'section_47':
    case 'police_protection':
      return 'cait'
    case 'sex_offender_management':
      return 'jigsaw'
    case 'cse_non_internet':
      return random.chance(0.6) ? 'cait' : 'sapphire'
    case 'cse_online':
      // CEOP referrals: "77 percent (1,065) were allocated to non-specialist frontline officers, 17 percent
      // (235) to the child abuse team and the remaining 6 percent (87) to central specialists".
      return random.weighted<TeamKind>([
        ['response_neighbourhood', 77],
        ['cait', 17],
        ['online_csae', 6],
      ])
    case 'missing':
      return 'missing_persons_unit'
    case 'custody':
      return 'response_neighbourhood'
  }
}

/** Median days from opening to closure (estimates); durations spread log-normally round them. */
const medianDays: Record<CaseType, number> = {
  referral_domestic_abuse: 35,
  referral_other: 40,
  section_47: 70,
  police_protection: 45,
  sex_offender_management: 60,
  cse_non_internet: 100,
  cse_online: 120,
  missing: 25,
  custody: 60,
}

const strandsFor: Record<CaseType, readonly (readonly [Strand, number])[]> = {
  referral_domestic_abuse: [['domestic_abuse_stalking_harassment', 1]],
  referral_other: [
    ['child_abuse', 5],
    ['harmful_traditional_practices', 1],
    ['hate_crime', 1],
    ['mental_health_drugs_alcohol_suicide', 2],
  ],
  section_47: [['child_abuse', 1]],
  police_protection: [
    ['child_abuse', 3],
    ['mental_health_drugs_alcohol_suicide', 1],
  ],
  sex_offender_management: [
    ['child_abuse', 2],
    ['rape_serious_sexual_offences_sex_workers', 1],
  ],
  cse_non_internet: [['cse', 1]],
  cse_online: [['online_csea', 1]],
  missing: [
    ['missing_people', 6],
    ['cse', 2],
    ['modern_slavery_trafficking_cce', 2],
  ],
  custody: [
    ['young_offenders', 4],
    ['modern_slavery_trafficking_cce', 1],
  ],
}

const summariesFor: Record<CaseType, readonly string[]> = {
  referral_domestic_abuse: [
    'Domestic incident at home, child present',
    'Child injured trying to stop an assault on a parent',
    'Repeat domestic abuse, children in the household',
  ],
  referral_other: [
    'School reports the child arriving hungry and unkempt',
    'Child disclosed being hit with a belt',
    'Concern the child is at risk of female genital mutilation',
  ],
  section_47: [
    'Unexplained bruising reported by school',
    'Infant with a fracture, explanation inconsistent',
    'Disclosure of sexual abuse by a family member',
  ],
  police_protection: [
    'Children found alone at home overnight',
    'Parent in mental health crisis, children at risk',
    'Child found at an address with a registered sex offender',
  ],
  sex_offender_management: [
    'Registered sex offender found living with children',
    'Registered sex offender in contact with a child online',
  ],
  cse_non_internet: [
    'Child seen in cars with older men',
    'Child returning from missing episodes with gifts and phones',
  ],
  cse_online: [
    'CEOP referral: indecent images uploaded from a family address',
    'Child sent sexual messages by an adult online',
    'Operation Bellona: IIOC distribution traced to an address with children',
  ],
  missing: [
    'Child repeatedly missing from care placement',
    'Child missing overnight, found with older associates',
  ],
  custody: [
    'Child arrested for supply: criminal exploitation suspected',
    'Child detained overnight after refusal of bail',
  ],
}

const offencesFor: Partial<Record<CaseType, readonly string[]>> = {
  referral_domestic_abuse: ['Assault occasioning actual bodily harm', 'Controlling or coercive behaviour'],
  referral_other: ['Child cruelty', 'Assault by beating'],
  section_47: [
    'Child cruelty',
    'Assault occasioning actual bodily harm',
    'Sexual assault of a child under 13',
  ],
  police_protection: ['Child neglect (cruelty)'],
  sex_offender_management: ['Breach of a sexual harm prevention order'],
  cse_non_internet: ['Sexual activity with a child', 'Meeting a child following sexual grooming'],
  cse_online: ['Making indecent images of children', 'Distributing indecent images of children'],
  custody: ['Possession of a controlled drug with intent to supply', 'Robbery'],
}

const familyNames = ['Adebayo', 'Brennan', 'Costa', 'Dhillon', 'Edwards', 'Fraser', 'Gill', 'Hart', 'Iqbal']
const adultGiven = ['Mark', 'Dean', 'Lee', 'Kevin', 'Paul', 'Sharon', 'Tony', 'Imran', 'Gary', 'Carl']
const childGiven = ['Ava', 'Jake', 'Lily', 'Mason', 'Ruby', 'Kai', 'Aaliyah', 'Logan', 'Poppy', 'Theo']
const reviewFindings = [
  'Reviewed: enquiries progressing; speak to the school and record the child’s account.',
  'Reviewed: risk remains; chase the health checks and update the safety plan.',
  'Reviewed: suspect interview outstanding; set a date this week.',
  'Reviewed: good progress; confirm the outcome of the social care assessment.',
]
const actionTexts = [
  'Obtain the school’s records of concern',
  'Arrange an ABE interview with the child',
  'Complete checks on the other adults in the household',
  'Obtain the medical records',
  'Trace and interview the suspect',
  'Request the CCTV from the address',
  'Seize and submit the devices for examination',
]

const hour = 3_600_000
const day = 24 * hour
const iso = (ms: number) => new Date(Math.round(ms / 60_000) * 60_000).toISOString()
type Line = Record<string, unknown>

interface Failings {
  noDiscussion: boolean
  noHealth: boolean
  noPlan: boolean
  childLate: boolean
  childNever: boolean
  drift: boolean
  missingReviews: boolean
  actionNotDone: boolean
  closedUnchecked: boolean
  conferenceWithoutPolice: boolean
  noDesignatedOfficer: boolean
  protectionPast72Hours: boolean
}

/** What this generator shares: each investigation's ref, type, borough and whether it was open at the end. */
export const seededInvestigationsKey = 'investigations:investigations'
export interface SeededInvestigation {
  ref: string
  caseType: CaseType
  child: string
  borough: string
  open: boolean
}

export const investigationsSeed: SeedGenerator = {
  name: 'investigations',
  *generate({ scale, random, from, until, shared }) {
    const teams = ((shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []).filter(
      (t) => t.staff.length > 0,
    )
    if (teams.length === 0) return
    const boroughs = (shared.get(seededBoroughsKey) as string[] | undefined) ?? []
    const byKindAndPlace = new Map<string, SeededTeam>()
    for (const t of teams) byKindAndPlace.set(`${t.kind}|${t.borough ?? t.bcu ?? 'force'}`, t)
    const bcuOf = (borough: string) => londonBcus.find((b) => b.boroughs.includes(borough))?.code ?? ''
    const teamFor = (kind: TeamKind, borough: string): SeededTeam =>
      byKindAndPlace.get(`${kind}|${borough}`) ??
      byKindAndPlace.get(`${kind}|${bcuOf(borough)}`) ??
      byKindAndPlace.get(`${kind}|force`) ??
      byKindAndPlace.get(`cait|${bcuOf(borough)}`) ??
      byKindAndPlace.get(`response_neighbourhood|${borough}`) ??
      (teams.find((t) => t.kind === 'cait') as SeededTeam | undefined) ??
      (teams[0] as SeededTeam)

    // The children: the referrals generator's, or our own when none were published.
    let children = (shared.get(seededChildrenKey) as SeededChild[] | undefined) ?? []
    if (!children.length) {
      children = []
      const places = boroughs.length ? boroughs : teams.flatMap((t) => (t.borough ? [t.borough] : []))
      const wanted = Math.max(10, Math.round(investigationsPerYearAtScale1 * scale * 0.8))
      for (let i = 1; i <= wanted && places.length; i++) {
        const borough = random.pick(places)
        const ref = `KP-INV-C${i}`
        yield personLine(random, ref, until.getTime() - random.int(1, 17) * 365.25 * day, childGiven, borough)
        children.push({ ref, borough })
      }
    }
    const detentions = ((shared.get(seededDetentionsKey) as SeededDetention[] | undefined) ?? []).filter(
      (d) => d.arrestedAt.getTime() >= from.getTime(),
    )
    // PACs can be linked only when an earlier generator said which child each is about.
    const pacsByChild = new Map<string, string[]>()
    for (const p of (shared.get(seededPacsKey) as unknown[] | undefined) ?? []) {
      if (p && typeof p === 'object' && 'ref' in p && 'child' in p) {
        const { ref, child } = p as { ref: string; child: string }
        pacsByChild.set(child, [...(pacsByChild.get(child) ?? []), ref])
      }
    }
    if (!children.length) return
    const trainingKnown = teams.some((t) => t.staff.some((s) => 'training' in s))

    const total = Math.max(1, Math.round(investigationsPerYearAtScale1 * scale))
    const mix = caseTypes.map((t) => [t, sampled(t)] as const)
    const start = from.getTime()
    const last = until.getTime() - hour
    const published: SeededInvestigation[] = []
    let adults = 0
    for (let n = 1; n <= total; n++) {
      const caseType = random.weighted(mix)
      const ref = `INV-SEED-${n}`
      // Custody cases are about a child the custody generator detained, opened when they were detained.
      const detention = caseType === 'custody' && detentions.length ? random.pick(detentions) : undefined
      const child = detention
        ? {
            ref: detention.child,
            borough: teamBorough(teams, detention.suite) ?? random.pick(children).borough,
          }
        : random.pick(children)
      const opened = detention
        ? Math.min(last - hour, detention.arrestedAt.getTime() + random.int(1, 6) * hour)
        : start + random.next() * (last - start - hour)
      const lines: Line[] = []
      const adult = () => {
        const adultRef = `KP-INV-A${++adults}`
        lines.push(
          personLine(random, adultRef, opened - random.int(19, 55) * 365.25 * day, adultGiven, child.borough),
        )
        return adultRef
      }
      const built = buildCase({
        random,
        ref,
        caseType,
        child,
        opened,
        last,
        teamFor,
        adult,
        trainingKnown,
      })
      const pacs = pacsByChild.get(child.ref)
      if (pacs?.length && built.investigation) {
        built.investigation.pacs = [pacs[pacs.length - 1]]
      }
      yield* lines
      yield built.investigation
      yield* built.records
      published.push({ ref, caseType, child: child.ref, borough: child.borough, open: built.open })
    }
    shared.set(seededInvestigationsKey, published)
  },
}

function teamBorough(teams: SeededTeam[], ref: string): string | undefined {
  return teams.find((t) => t.ref === ref)?.borough ?? undefined
}

function personLine(
  random: Random,
  ref: string,
  born: number,
  given: readonly string[],
  borough: string,
): Line {
  const dob = new Date(born).toISOString().slice(0, 10)
  return {
    kind: 'person',
    ref,
    familyName: random.pick(familyNames),
    givenNames: random.pick(given),
    dateOfBirth: dob,
    gender: random.pick(['female', 'male']),
    address: { address: `${random.int(1, 250)} Inquiry Road`, borough, from: `${dob.slice(0, 4)}-06-01` },
  }
}

interface CaseInput {
  random: Random
  ref: string
  caseType: CaseType
  child: { ref: string; borough: string }
  opened: number
  /** Nothing is recorded after this instant (an hour before the end of the demo year). */
  last: number
  teamFor: (kind: TeamKind, borough: string) => SeededTeam
  adult: () => string
  /** Whether the organisation generator published each officer's training. */
  trainingKnown: boolean
}

/** A staff member as the organisation generator shares them, with their training when it publishes it. */
type TrainedStaff = SeededTeam['staff'][number] & {
  training?: readonly { course: string; completedOn: string }[]
}

/** One investigation and the records that belong to it, failing in the ways chosen for it. */
function buildCase({ random, ref, caseType, child, opened, last, teamFor, adult, trainingKnown }: CaseInput) {
  const risk: RiskLevel =
    caseType === 'cse_non_internet' || caseType === 'section_47' || caseType === 'police_protection'
      ? random.weighted<RiskLevel>([
          ['high', 50],
          ['medium', 40],
          ['standard', 10],
        ])
      : random.weighted<RiskLevel>([
          ['high', 15],
          ['medium', 45],
          ['standard', 40],
        ])
  let kind = teamKindFor(caseType, random)
  const failing = random.chance(failingChance(caseType, kind, trainingKnown))
  const applies = (rate: number) => failing && random.chance(rate)
  const required = defaultCourseRequirements[caseType]
  const untrained = applies(rates.allocatedUntrained) && required.length > 0
  const openedDay = new Date(opened).toISOString().slice(0, 10)
  const fits = (s: TrainedStaff) =>
    required.every((c) => s.training?.some((t) => t.course === c && t.completedOn <= openedDay))
  const officersOf = (t: SeededTeam) => {
    const constables = t.staff.filter((s) => s.rank === 'constable' || s.rank === 'police_staff')
    return (constables.length ? constables : t.staff) as TrainedStaff[]
  }
  // Untrained: an officer of the team without the courses when training is known, else the frontline.
  if (untrained && (!trainingKnown || officersOf(teamFor(kind, child.borough)).every(fits)))
    kind = 'response_neighbourhood'
  const team = teamFor(kind, child.borough)
  const officers = officersOf(team)
  const supervisor = team.staff.find((s) => s.rank === 'sergeant') ?? (team.staff[0] as { ref: string })
  const chosen = trainingKnown && required.length ? officers.filter((s) => fits(s) !== untrained) : []
  // Allocated evenly among the team's officers: cases stay open long enough (the durations below) that
  // caseloads pass the team's capacity without skewing the allocation, as the report's "high workload of
  // investigators is contributing to drift" describes. INV-07 raised on 17.2% of investigations at scale 0.1
  // and 4.9% at scale 1 (bench/calibrate.ts, seed 2018; band 2% to 20%), now the import counts every case.
  // (One constable in five given five times a share, chosen when the import undercounted, gave 24%.)
  const officer = random.pick(chosen.length ? chosen : officers)

  const duration = Math.min(400, Math.max(2, Math.exp(random.normal(Math.log(medianDays[caseType]), 0.8))))
  let closedAt = opened + duration * day
  const allocatedAt = opened + (0.5 + random.next() * 30) * hour
  const allocated = allocatedAt <= last

  // The strategy discussion and the conference come first: a case does not close before its conference.
  const threshold = meetsStrategyThreshold(caseType, risk)
  const f: Failings = {
    noDiscussion: threshold && applies(rates.noStrategyDiscussion),
    noHealth: false,
    noPlan: false,
    childLate: false,
    childNever: false,
    drift: false,
    missingReviews: false,
    actionNotDone: false,
    closedUnchecked: false,
    conferenceWithoutPolice: false,
    noDesignatedOfficer: false,
    protectionPast72Hours: false,
  }
  const discussed =
    (threshold && !f.noDiscussion) ||
    (!threshold &&
      ['referral_other', 'cse_online', 'missing', 'cse_non_internet'].includes(caseType) &&
      random.chance(0.1))
  const heldAt = threshold
    ? opened + (1 + random.next() * 20) * hour
    : opened + (2 + random.next() * 70) * hour
  const begins47 =
    discussed && (caseType === 'section_47' || (caseType === 'police_protection' && random.chance(0.5)))
  const conferenceAt = begins47 ? heldAt + (7 + random.next() * 11) * day : null
  if (conferenceAt && closedAt < conferenceAt + day) closedAt = conferenceAt + (1 + random.next() * 20) * day
  const closed = closedAt <= last
  const end = closed ? closedAt : last

  if (discussed) {
    // Most discussions lacked health: a case not chosen to fail whose officer likely lacks the training (so
    // that it fails anyway) lacks health as often as the failing ones.
    f.noHealth = failing
      ? random.chance(rates.discussionWithoutHealth)
      : random.chance(rates.discussionWithoutHealth * untrainedChance(caseType, kind, trainingKnown))
    f.noPlan = applies(rates.noJointSafetyPlan)
  }
  if (f.noDiscussion || !discussed) f.conferenceWithoutPolice = false
  else f.conferenceWithoutPolice = begins47 && applies(rates.conferenceWithoutPolice)
  if (applies(rates.childNotSeen)) {
    if (random.chance(rates.childNeverSeen)) f.childNever = true
    else f.childLate = true
  }
  // Drift and lapsed reviews show at the end of the year only on a case old enough to have lapsed.
  const age = (end - opened) / day
  f.drift = age > 30 && applies(rates.drift)
  f.missingReviews = age > 35 && applies(rates.missingReviews)
  f.actionNotDone = applies(rates.actionNotDone)
  if (caseType === 'police_protection') {
    f.noDesignatedOfficer = applies(rates.protectionNoDesignatedOfficer)
    f.protectionPast72Hours = applies(rates.protectionPast72Hours)
  }

  const outcome = closed ? outcomeFor(kind, caseType, random) : null
  const nfa = outcome !== null && outcomeGroup(outcome) === 'no_further_action'
  f.closedUnchecked = nfa && applies(rates.closedNfaUnchecked)
  // A failing case that drew nothing that shows still fails in some way that does.
  if (failing && !Object.values(f).some(Boolean)) {
    const options: (keyof Failings)[] = ['childNever', 'actionNotDone']
    if (discussed) options.push('noHealth', 'noPlan')
    if (nfa) options.push('closedUnchecked')
    if (!closed && age > 30) options.push('drift', 'missingReviews')
    f[random.pick(options)] = true
    if (f.childNever) f.childLate = false
  }

  const records: Line[] = []
  const within = (at: number) => at >= opened && at <= end

  // Activity: something recorded every 2 to 10 days, except while the case drifts.
  const driftFrom = f.drift
    ? closed
      ? opened + random.next() * (age - 25) * day
      : last - (18 + random.next() * Math.min(60, age - 25)) * day
    : Number.POSITIVE_INFINITY
  const driftUntil =
    f.drift && closed ? Math.min(end - day, driftFrom + (20 + random.next() * 30) * day) : end
  const ticks: number[] = []
  if (allocated) {
    for (let t = allocatedAt + (3 + random.next() * 7) * day; t < end; t += (3 + random.next() * 7) * day) {
      if (t > driftFrom && t < driftUntil) continue
      ticks.push(t)
    }
  }

  // Supervisory reviews at ticks: every 10 to 16 days (so never more than 26 apart), or 5 to 7 weeks apart
  // when supervision is lacking; on an open case that lacks it, reviews stop weeks before the end.
  const reviewsStop = f.missingReviews && !closed ? last - (30 + random.next() * (age - 32)) * day : end
  let nextReview = opened + (3 + random.next() * 7) * day
  let reviews = 0
  const reviewAt = new Set<number>()
  for (const t of ticks) {
    if (t < nextReview || t > reviewsStop) continue
    reviewAt.add(t)
    records.push({
      kind: 'supervisory-review',
      ref: `${ref}-R${++reviews}`,
      investigation: ref,
      reviewedAt: iso(t),
      reviewer: supervisor.ref,
      findings: random.pick(reviewFindings),
    })
    nextReview = t + (f.missingReviews ? 35 + random.next() * 14 : 10 + random.next() * 6) * day
  }

  // Lines of enquiry: some at allocation, then one at most ticks between reviews; each done within three
  // days and before it falls due, bar the one left undone in a failing case.
  let actions = 0
  let undone = f.actionNotDone
  const direct = (at: number, text: string, actionKind: string, dueDays: number, done: boolean) => {
    const dueAt = at + dueDays * day
    const doneAt = at + random.next() * Math.min(3 * day, dueAt - at, Math.max(0, end - at))
    records.push({
      kind: 'investigation-action',
      ref: `${ref}-A${++actions}`,
      investigation: ref,
      actionKind,
      description: text,
      owner: officer.ref,
      directedBy: supervisor.ref,
      directedAt: iso(at),
      dueAt: iso(dueAt),
      ...(done && doneAt <= end ? { doneAt: iso(doneAt) } : {}),
    })
  }
  if (allocated) {
    const first = allocatedAt + random.int(5, 60) * 60_000
    for (let i = random.int(1, 3); i > 0 && first <= end; i--)
      direct(first, random.pick(actionTexts), 'line_of_enquiry', 5 + random.next() * 9, true)
    if (f.noDiscussion && random.chance(rates.noStrategyDiscussionDespiteDirection) && first <= end)
      direct(
        first,
        'Arrange a strategy meeting with social care and health',
        'strategy_meeting',
        1 + random.next() * 2,
        false,
      )
  }
  for (const t of ticks) {
    if (reviewAt.has(t) && random.chance(0.5)) continue
    const dueDays = 5 + random.next() * 9
    // The undone action falls due before the end, so it is owed (INV-03).
    const leaveUndone = undone && t + dueDays * day < end && random.chance(0.5)
    if (leaveUndone) undone = false
    direct(t, random.pick(actionTexts), 'action', dueDays, !leaveUndone)
  }
  if (undone && allocated) {
    const at = allocatedAt + (end - allocatedAt) * 0.2
    if (at + 5 * day < end) direct(at, random.pick(actionTexts), 'action', 5, false)
  }

  // The strategy discussion and the initial child protection conference.
  if (discussed && heldAt <= end) {
    const participants = [
      { agency: 'police', name: `DS ${random.pick(familyNames)}` },
      {
        agency: 'childrens_social_care',
        name: `${random.pick(adultGiven)} ${random.pick(familyNames)}`,
        role: 'Social worker',
      },
      ...(f.noHealth
        ? []
        : [
            {
              agency: 'health',
              name: `Dr ${random.pick(familyNames)}`,
              role: 'Named doctor for safeguarding',
            },
          ]),
      ...(random.chance(0.3)
        ? [
            {
              agency: 'education',
              name: `${random.pick(adultGiven)} ${random.pick(familyNames)}`,
              role: 'Designated safeguarding lead',
            },
          ]
        : []),
    ]
    records.push({
      kind: 'strategy-discussion',
      ref: `${ref}-S1`,
      investigation: ref,
      heldAt: iso(heldAt),
      participants,
      decisions: begins47
        ? 'Threshold met: begin section 47 enquiries jointly'
        : 'Single-agency police enquiries; social care to assess',
      ...(f.noPlan
        ? {}
        : {
            jointSafetyPlan:
              'Child to stay with a safe carer; no contact with the suspect; school to monitor',
          }),
      beginsSection47: begins47,
    })
    if (conferenceAt && conferenceAt <= last) {
      records.push({
        kind: 'child-protection-conference',
        ref: `${ref}-C1`,
        investigation: ref,
        heldAt: iso(conferenceAt),
        policeAttended: !f.conferenceWithoutPolice,
        ...(f.conferenceWithoutPolice ? {} : { attendeeName: `DC ${random.pick(familyNames)}` }),
      })
    }
  }

  // Police protection: from opening, a designated officer within hours, ended within 72 hours.
  if (caseType === 'police_protection') {
    const ended = opened + (f.protectionPast72Hours ? 74 + random.next() * 30 : 4 + random.next() * 56) * hour
    const designation = f.noDesignatedOfficer
      ? undefined
      : { name: `Insp ${random.pick(familyNames)}`, at: opened + (1 + random.next() * 2) * hour }
    records.push({
      kind: 'police-protection',
      ref: `${ref}-P1`,
      investigation: ref,
      child: child.ref,
      startedAt: iso(opened),
      // A designation still to come at the data's end is not recorded yet (the import refuses it ahead).
      ...(designation && designation.at <= last
        ? { designatedOfficerName: designation.name, designatedAt: iso(designation.at) }
        : {}),
      ...(ended <= last ? { endedAt: iso(ended) } : {}),
    })
  }

  // The child seen and spoken to: within a week of allocation, late, or never; a young child seen but not
  // able to give an account has the reason recorded.
  const person: Line = { person: child.ref, role: 'child' }
  if (allocated && !f.childNever) {
    const seen =
      caseType === 'custody'
        ? allocatedAt + random.next() * 2 * hour
        : allocatedAt + (f.childLate ? 8 + random.next() * 22 : 0.1 + random.next() * 6) * day
    // A case closed within days still saw its child first, unless seeing them late is its failing.
    const at = seen > end && closed && !f.childLate ? allocatedAt + random.next() * (end - allocatedAt) : seen
    if (at <= end && (at < driftFrom || at > driftUntil)) {
      person.seenAt = iso(at)
      if (random.chance(0.1)) {
        person.spokenTo = false
        person.notSeenReason = 'Too young to give an account; seen at home with the carer'
      } else person.spokenTo = true
    }
  }
  const people: Line[] = [person]
  const withAdult: Partial<Record<CaseType, [string, number]>> = {
    referral_domestic_abuse: ['suspect', 0.9],
    section_47: ['suspect', 0.6],
    sex_offender_management: ['person_posing_risk', 1],
    cse_non_internet: ['suspect', 0.5],
    cse_online: ['suspect', 0.8],
    police_protection: ['person_posing_risk', 0.3],
  }
  const adultRole = withAdult[caseType]
  if (adultRole && random.chance(adultRole[1])) people.push({ person: adult(), role: adultRole[0] })

  const allocations: Line[] = []
  if (allocated) {
    allocations.push({
      team: team.ref,
      officer: officer.ref,
      at: iso(allocatedAt),
      ...(kind === 'response_neighbourhood' &&
      defaultCourseRequirements[caseType].length &&
      random.chance(0.5)
        ? { reason: 'No trained investigator free in the specialist team' }
        : {}),
    })
    const later =
      ticks.length > 3 && random.chance(rates.reallocated) ? ticks[Math.floor(ticks.length / 2)] : null
    const next = officers.filter((o) => o.ref !== officer.ref)
    if (later && next.length) {
      const successor = random.pick(next)
      allocations.push({
        team: team.ref,
        officer: successor.ref,
        at: iso(later),
        reason: 'Officer moved to another team',
      })
      for (const r of records)
        if (r.kind === 'investigation-action' && Date.parse(r.directedAt as string) >= later)
          r.owner = successor.ref
    }
  }

  const offences = offencesFor[caseType]
  const crime = offences && (caseType !== 'referral_other' || random.chance(0.6))
  const referredAt = opened + (1 + random.next() * 23) * hour
  const investigation: Line = {
    kind: 'investigation',
    ref,
    caseType,
    strands: [random.weighted(strandsFor[caseType])],
    riskLevel: risk,
    summary: random.pick(summariesFor[caseType]),
    borough: child.borough,
    openedAt: iso(opened),
    people,
    ...(allocations.length ? { allocations } : {}),
    ...(crime
      ? {
          offence: random.pick(offences),
          crimeReference: `${String(random.int(1, 9_999_999)).padStart(7, '0')}/${new Date(opened).getUTCFullYear() % 100}`,
        }
      : {}),
  }
  // Most cases are referred to social care; a case closed with no further action without one has a welfare
  // visit instead, unless it is one of the cases that left the children unchecked.
  if (!f.closedUnchecked) {
    if (random.chance(rates.socialCareReferral) && within(referredAt))
      investigation.socialCareReferralAt = iso(referredAt)
    else if (nfa) investigation.welfareVisitAt = iso(opened + random.next() * (end - opened))
  }
  if (closed && outcome) {
    investigation.closure = {
      at: iso(closedAt),
      outcome,
      rationale: rationaleFor(outcome),
      byName: `DS ${random.pick(familyNames)}`,
    }
  }
  return { investigation, records, open: !closed }
}

/**
 * Outcomes by who investigated. The report's CEOP figures: "When frontline police conducted the
 * investigation, 86 percent of cases resulted in no further action, 3 percent were recorded as 'no crime' and
 * 11 percent ... a positive outcome"; "When specialist officers conducted the investigation, 29 percent ...
 * no further action, 12 percent ... 'no crime' and 59 percent ... a positive outcome"; and "The main reason
 * documented for frontline policing investigations to be closed with a no further action category is that
 * there were evidential difficulties, even though the suspect had been identified and the victim supported
 * police action" (outcome 15). Cases with no crime (missing, most police protection) close with 20 or 21.
 */
function outcomeFor(kind: TeamKind, caseType: CaseType, random: Random): OutcomeCode {
  if (caseType === 'missing' || (caseType === 'police_protection' && random.chance(0.5)))
    return random.weighted<OutcomeCode>([
      ['20', 3],
      ['21', 1],
    ])
  const frontline = kind === 'response_neighbourhood'
  const group = random.weighted<'positive' | 'nfa' | 'cancelled' | 'transferred'>(
    frontline
      ? [
          ['nfa', 86],
          ['cancelled', 3],
          ['positive', 11],
        ]
      : [
          ['nfa', 29],
          ['cancelled', 11],
          ['transferred', 1],
          ['positive', 59],
        ],
  )
  if (group === 'cancelled' || group === 'transferred') return group
  if (group === 'positive')
    return random.weighted<OutcomeCode>([
      ['1', 60],
      ['2', 15],
      ['3', 10],
      ['8', 15],
    ])
  return random.weighted<OutcomeCode>(
    frontline
      ? [
          ['15', 60],
          ['16', 15],
          ['14', 10],
          ['18', 10],
          ['21', 5],
        ]
      : [
          ['16', 35],
          ['15', 25],
          ['14', 15],
          ['21', 15],
          ['18', 10],
        ],
  )
}

function rationaleFor(outcome: OutcomeCode): string {
  switch (outcomeGroup(outcome)) {
    case 'positive':
      return 'Suspect charged or dealt with; safeguarding plan in place with children’s social care'
    case 'no_crime':
      return 'Enquiries show no offence was committed; crime record cancelled'
    case 'transferred':
      return 'The offence happened in another force area; transferred with the safeguarding information'
    default:
      return 'No further police action: evidential difficulties. Safeguarding continues with partners'
  }
}
