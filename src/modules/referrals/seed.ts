import type { Random } from '../../platform/seed/random.ts'
import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { type SeededTeam, seededBoroughsKey, seededTeamsKey } from '../organisation/seed.ts'
import {
  type AboutKind,
  type BragRating,
  type ConcernCategory,
  concernCategories,
  type Outcome,
} from './pac.ts'

/**
 * A year of PACs. The inspection report gives no count of Merlin PACs, so scale 1 is an estimate: about
 * 655,000 referrals a year to children's social care in England (DfE children in need census 2017-18),
 * roughly 12% of them in London (about 79,000); 37% of referrals come from the police (report, London
 * MASH review), so about 29,000 police referrals; the MASHs pass on roughly three in five police contacts
 * as referrals, so about 48,000 PACs a year.
 *
 * Failings at the rates the report describes, or a stated estimate where it gives none:
 * - late submission (REF-01): 12% more than 24 h after the police knew, a tail of weeks (the 29-day case);
 * - no supervisor review (REF-02): 8% never reviewed (supervision findings; estimate);
 * - no social care feedback (REF-05): target about 40% of PACs shared with the MASH raising it (plausible
 *   practice; the report: feedback "is not happening consistently" and "frequently officers are not following
 *   up these referrals"): 20% never answered, and a fifth of the answers later than the working day; only a
 *   third of the unanswered followed up;
 * - other children (REF-06): target about a third of PACs whose child has brothers or sisters raising it
 *   (plausible practice; the report's 2016 recommendation on "wider risks that may affect other children" and
 *   its case of children referred 29 days late): the other children get their own PACs about the same
 *   incident within the day for a little over half of PACs (beyond the year's count of PACs above);
 * - outcomes: 40% no further action (plausible practice). The report says that 37% of referrals came from
 *   the police and "more than a third of contacts that resulted in no further action originated from the
 *   police": the police's share of the no further action contacts is about their share of all contacts, so
 *   police contacts end so about as often as other agencies' do; the report gives that rate for no one.
 * - children who go missing (the missing generator's cohort) are 11 or older at the end of the year
 *   (plausible practice: missing children are mostly teenagers; no toddler is reported missing).
 */
export const pacsPerYearAtScale1 = 48_000

/** Children other generators may publish: person refs with their borough name. */
export const seededChildrenKey = 'children:children'
export interface SeededChild {
  ref: string
  borough: string
  /** Date of birth (YYYY-MM-DD), where the generator that made the child knows it. */
  born?: string
}

/** Children old enough to go missing repeatedly: 11 or older at `until` (those without a date count). */
export function olderChildren(children: readonly SeededChild[], until: Date): SeededChild[] {
  const cutoff = `${until.getUTCFullYear() - 11}${new Date(until).toISOString().slice(4, 10)}`
  const older = children.filter((c) => !c.born || c.born <= cutoff)
  return older.length ? older : [...children]
}
export const seededPacsKey = 'referrals:pacs'
/**
 * Every PAC with its child, what it is about and when it was made, for generators that link their records to
 * the child's own PAC (the missing generator links each episode to its Merlin report).
 */
export const seededPacsByChildKey = 'referrals:pacs-by-child'
export interface SeededPac {
  ref: string
  child: string
  about: AboutKind
  /** ISO instant the PAC was made. */
  createdAt: string
}
// A quarter of PACs are about missing episodes (plausible practice), enough that nearly every episode the
// missing generator makes has its Merlin report (MIS-09: the report expects every episode on Merlin).
/** Children behind PACs about missing episodes go missing again and again: a weight per child, as a share. */
const missingRepeatWeights: readonly (readonly [number, number])[] = [
  [1, 70],
  [3, 20],
  [12, 10],
]

const given = [
  'Amara',
  'Ben',
  'Chloe',
  'Dylan',
  'Ella',
  'Finn',
  'Grace',
  'Hamza',
  'Isla',
  'Jayden',
  'Kemi',
  'Leo',
  'Maya',
  'Noah',
  'Olivia',
  'Rhys',
  'Sofia',
  'Tyler',
  'Zara',
  'Yusuf',
]
const family = [
  'Adams',
  'Begum',
  'Clarke',
  'Da Silva',
  'Evans',
  'Fofana',
  'Green',
  'Hussain',
  'Ivanova',
  'Jones',
  'Khan',
  'Lewis',
  'Mensah',
  'Nowak',
  'Okafor',
  'Patel',
  'Quinn',
  'Rahman',
  'Smith',
  'Taylor',
  'Walker',
  'Yilmaz',
]
const londonBoroughsFallback = ['Camden', 'Hackney', 'Lambeth', 'Croydon', 'Newham', 'Barnet']

const hour = 3_600_000
const iso = (ms: number) => new Date(ms).toISOString()

const summaries: Record<AboutKind, string[]> = {
  incident: [
    'Domestic incident, child present',
    'Child found alone late at night',
    'Assault at school gates',
  ],
  missing_episode: ['Missing overnight, found with older associates', 'Absent from care placement'],
  custody_detention: ['Detained for robbery', 'Detained for possession with intent to supply'],
  investigation: ['Disclosure during investigation', 'Sibling of a victim in a CAIT investigation'],
  offender: ['Registered sex offender seen with the child', 'Child living with a person posing a risk'],
}
const concernsFor: Record<AboutKind, ConcernCategory[]> = {
  incident: ['domestic_abuse_stalking_harassment', 'child_abuse', 'hate_crime'],
  missing_episode: ['missing_people', 'cse', 'modern_slavery_trafficking_cce'],
  custody_detention: [
    'young_offenders',
    'modern_slavery_trafficking_cce',
    'mental_health_drugs_alcohol_suicide',
  ],
  investigation: ['child_abuse', 'rape_serious_sexual_offences_sex_workers', 'online_csea'],
  offender: ['child_abuse', 'online_csea'],
}

/** Hours from the police first knowing to the PAC: mostly the same shift, 12% late, a tail of weeks. */
function submissionDelayHours(random: Random): number {
  return random.weighted<() => number>([
    [() => 0.5 + random.next() * 11.5, 70],
    [() => 12 + random.next() * 12, 18],
    [() => 24 + random.next() * 144, 10],
    [() => 168 + random.next() * 528, 2],
  ])()
}

export const referralsSeed: SeedGenerator = {
  name: 'referrals',
  *generate({ scale, random, from, until, shared }) {
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    const boroughs = (shared.get(seededBoroughsKey) as string[] | undefined) ?? londonBoroughsFallback
    const officersIn = new Map<string, string[]>()
    for (const team of teams) {
      if (!team.borough) continue
      const refs = team.staff.filter((s) => s.rank === 'constable' || s.rank === 'sergeant').map((s) => s.ref)
      officersIn.set(team.borough, [...(officersIn.get(team.borough) ?? []), ...refs])
    }
    const pacCount = Math.max(1, Math.round(pacsPerYearAtScale1 * scale))

    // The children: from the person index's generator when it ran first, otherwise our own, in households.
    let children = shared.get(seededChildrenKey) as SeededChild[] | undefined
    /** Brothers and sisters of each child this generator made (children from elsewhere have none known). */
    const siblingsOf = new Map<string, SeededChild[]>()
    if (!children?.length) {
      children = []
      const wanted = Math.max(1, Math.round(pacCount / 1.4))
      const day = (ms: number) => iso(ms).slice(0, 10)
      for (let h = 0; children.length < wanted; h++) {
        const borough = random.pick(boroughs)
        const surname = random.pick(family)
        const household = `KH-SEED-${h}`
        // A third of the children live with brothers or sisters: REF-06 has households to find.
        const size = random.weighted([
          [1, 67],
          [2, 22],
          [3, 11],
        ])
        const members: SeededChild[] = []
        for (let c = 0; c < size && children.length < wanted; c++) {
          const ref = `KP-SEED-${children.length + 1}`
          const born =
            until.getTime() - random.int(2, 17) * 365.25 * 86_400_000 - random.int(0, 364) * 86_400_000
          yield {
            kind: 'person',
            ref,
            familyName: surname,
            givenNames: random.pick(given),
            dateOfBirth: day(born),
            gender: random.pick(['female', 'male']),
            ethnicity: random.pick(['W1', 'B2', 'A1', 'M1', 'O9', 'NS']),
            address: { address: `${random.int(1, 300)} Seed Street`, borough, from: '2015-01-01' },
          }
          if (size > 1) {
            yield {
              kind: 'household-membership',
              ref: `${household}-${c}`,
              household,
              person: ref,
              role: 'child',
              from: '2015-01-01',
            }
          }
          const child = { ref, borough, born: day(born) }
          children.push(child)
          members.push(child)
          siblingsOf.set(ref, members)
        }
      }
      shared.set(seededChildrenKey, children)
    }

    const start = from.getTime()
    const last = until.getTime() - hour
    const pacRefs: string[] = []
    const pacsByChild: SeededPac[] = []
    // PACs about missing episodes fall on a cohort of children, a minority of them many times over (repeat
    // missing), so each child's episodes can have their own Merlin reports. A fork keeps the other draws as
    // they were. Cohort size: PACs about missing episodes over the mean weight, so a child's expected count
    // is its weight.
    const cohortRandom = random.fork('missing-cohort')
    const meanWeight =
      missingRepeatWeights.reduce((s, [w, share]) => s + w * share, 0) /
      missingRepeatWeights.reduce((s, [, share]) => s + share, 0)
    const old = olderChildren(children, until)
    const cohort = Array.from(
      { length: Math.max(1, Math.round((pacCount * 0.25) / meanWeight)) },
      () => [cohortRandom.pick(old), cohortRandom.weighted(missingRepeatWeights)] as const,
    )
    for (let i = 0; i < pacCount; i++) {
      const anyChild = random.pick(children)
      const aboutKind = random.weighted<AboutKind>([
        ['incident', 55],
        ['missing_episode', 25],
        ['custody_detention', 10],
        ['investigation', 7],
        ['offender', 3],
      ])
      const child = aboutKind === 'missing_episode' ? cohortRandom.weighted(cohort) : anyChild
      // Up to the end of the year, so the demo opens live: the last day's PACs wait for review, the MASH's
      // rating and decision, and social care's outcome, as on any working day.
      const firstKnew = start + random.next() * (last - 0.5 * hour - start)
      const created = Math.min(last, firstKnew + submissionDelayHours(random) * hour)
      const officers = officersIn.get(child.borough) ?? []
      const pool = concernsFor[aboutKind]
      const concerns = [
        ...new Set([random.pick(pool), ...(random.chance(0.3) ? [random.pick(concernCategories)] : [])]),
      ]
      const spoken = random.chance(0.75)
      const ref = `PAC-SEED-${i + 1}`
      const line: Record<string, unknown> = {
        kind: 'pac',
        ref,
        child: child.ref,
        aboutKind,
        aboutRef: `${aboutKind === 'custody_detention' ? 'CUS' : 'CAD'}-${random.int(1000, 9999)}`,
        aboutSummary: random.pick(summaries[aboutKind]),
        concerns,
        riskLevel: random.weighted([
          ['standard', 50],
          ['medium', 35],
          ['high', 15],
        ]),
        riskAssessment: 'Assessed from the incident and checks on police systems',
        childSpokenTo: spoken,
        voiceOfChild: spoken
          ? random.pick(['I want to go home', 'I was scared', 'It happens a lot', 'I am fine'])
          : 'Child asleep when officers attended',
        policeFirstKnewAt: iso(firstKnew),
        createdAt: iso(created),
        borough: child.borough,
        ...(officers.length
          ? { raisedBy: random.pick(officers) }
          : { raisedByName: `PC ${random.pick(family)}` }),
      }
      pacRefs.push(ref)
      pacsByChild.push({ ref, child: child.ref, about: aboutKind, createdAt: iso(created) })
      // REF-06: the other children in the household get PACs of their own about the same incident, raised
      // at most an hour before this one, for 60% of incidents, investigations and offenders and 30% of
      // missing episodes and detentions (whose other children are less often thought of); the rest raise it.
      const others = (siblingsOf.get(child.ref) ?? []).filter((c) => c.ref !== child.ref)
      const siblingPacs =
        others.length &&
        random.chance(['incident', 'investigation', 'offender'].includes(aboutKind) ? 0.6 : 0.3)
          ? others
          : []
      // 8% never reviewed; 5% of reviews send it back.
      const reviewed = created + Math.max(0.25, random.normal(10, 8)) * hour
      if (random.chance(0.92) && reviewed < last) {
        const returned = random.chance(0.05)
        line.review = {
          at: iso(reviewed),
          decision: returned ? 'returned' : 'approved',
          ...(returned ? { note: 'Add the checks on the other children in the household' } : {}),
        }
        const sharedAt =
          reviewed + (random.chance(0.95) ? 0.5 + random.next() * 20 : 24 + random.next() * 72) * hour
        if (!returned && sharedAt < last) {
          line.sharedWithMashAt = iso(sharedAt)
          const brag = random.weighted<BragRating>([
            ['red', 10],
            ['amber', 35],
            ['green', 40],
            ['blue', 15],
          ])
          const rated = sharedAt + (0.25 + random.next() * 2) * hour
          const limit = { red: 4, amber: 24, green: 72, blue: 72 }[brag]
          // 85% decided within the rating's timescale, most within the day (plausible practice).
          const decided =
            rated +
            (random.chance(0.85) ? random.next() * Math.min(limit - 2.5, 20) : limit + random.next() * 48) *
              hour
          if (rated < last) {
            line.mash = { brag, ratedAt: iso(rated), ...(decided < last ? { decisionAt: iso(decided) } : {}) }
          }
          // Feedback for 80%, four in five of those within a few hours of the decision (REF-05, above).
          const feedback =
            Math.max(decided, sharedAt) +
            (random.chance(0.8) ? 0.5 + random.next() * 5 : 24 + random.next() * 72) * hour
          if (random.chance(0.8) && decided < last && feedback < last) {
            const outcome = random.weighted<Outcome>([
              ['nfa', 40],
              ['early_help', 24],
              ['section_17', 15],
              ['section_47', 9],
              ['already_open', 12],
            ])
            line.outcome = {
              outcome,
              feedbackAt: iso(feedback),
              ...(outcome === 'nfa' ? { reason: 'Does not meet the threshold for social care' } : {}),
            }
          } else if (random.chance(0.33)) {
            const followed = sharedAt + (72 + random.next() * 72) * hour
            if (followed < last)
              line.followUp = { text: 'Phoned the MASH for the outcome', at: iso(followed) }
          }
        }
      }
      yield line
      for (const [k, other] of siblingPacs.entries()) {
        const siblingRef = `${ref}-S${k + 1}`
        const at = created - Math.min(random.int(5, 60) * 60_000, created - firstKnew)
        pacRefs.push(siblingRef)
        // Not a missing episode of the other child: only their own PACs about missing are theirs to go missing.
        if (aboutKind !== 'missing_episode')
          pacsByChild.push({ ref: siblingRef, child: other.ref, about: aboutKind, createdAt: iso(at) })
        yield { ...line, ref: siblingRef, child: other.ref, borough: other.borough, createdAt: iso(at) }
      }
    }
    shared.set(seededPacsKey, pacRefs)
    shared.set(seededPacsByChildKey, pacsByChild)
  },
}
