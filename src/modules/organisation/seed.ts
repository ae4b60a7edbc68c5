import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { londonBcus } from './london.ts'
import type { Course, Rank, TeamKind } from './organisation.ts'

/** What this generator shares with later ones: where work happens and who does it. */
export interface SeededTeam {
  ref: string
  kind: TeamKind
  borough: string | null
  bcu: string | null
  /** Each member's rank and the courses they hold, so later generators can allocate as a supervisor would. */
  staff: { ref: string; rank: Rank; training: { course: Course; completedOn: string }[] }[]
}
export const seededTeamsKey = 'organisation:teams'
export const seededBoroughsKey = 'organisation:boroughs'
/** The day the demo's boroughs join their BCU: the pathfinder in 2017, the rest at the 2019 go-live. */
export const seededBcuFrom = (bcu: { pathfinder?: boolean }) => (bcu.pathfinder ? '2017-01-01' : '2019-02-01')

const givenNames = [
  'Sam',
  'Alex',
  'Priya',
  'Tom',
  'Aisha',
  'Ben',
  'Chloe',
  'Daniel',
  'Grace',
  'Hassan',
  'Jade',
  'Kwame',
  'Laura',
  'Mohammed',
  'Niamh',
  'Olu',
  'Rachel',
  'Sean',
  'Tariq',
  'Yasmin',
]
const familyNames = [
  'Okafor',
  'Smith',
  'Patel',
  'Jones',
  'Khan',
  'Williams',
  'Brown',
  'Ahmed',
  'Taylor',
  'Murphy',
  'Davies',
  'Evans',
  'Begum',
  'Wilson',
  'Mensah',
  'Hughes',
  'Clarke',
  'Ali',
  'Walker',
  'Nowak',
]

// Courses each kind of team needs; the report found about 40% of safeguarding staff trained ("no plan to
// train the remaining 60 percent"), so each required course is held by about that share.
const requiredCourses: Partial<Record<TeamKind, Course[]>> = {
  cait: ['specialist_child_abuse_investigators_development_programme', 'abe_interviewing'],
  sapphire: ['abe_interviewing'],
  mash: ['safeguarding_1_week'],
  missing_persons_unit: ['missing_persons_5_day'],
  online_csae: ['iioc_investigation'],
  jigsaw: ['safeguarding_1_week'],
}

interface TeamPlan {
  kind: TeamKind
  name: (place: string) => string
  per: 'borough' | 'bcu' | 'force'
  size: [number, number]
  capacity: number | null
  cadence: number | null
}

const plans: TeamPlan[] = [
  {
    kind: 'command',
    name: (p) => `${p} safeguarding command`,
    per: 'bcu',
    size: [2, 3],
    capacity: null,
    cadence: null,
  },
  { kind: 'mash', name: (p) => `${p} MASH`, per: 'borough', size: [4, 7], capacity: 60, cadence: null },
  { kind: 'cait', name: (p) => `${p} CAIT`, per: 'bcu', size: [10, 16], capacity: 12, cadence: 28 },
  { kind: 'sapphire', name: (p) => `${p} Sapphire`, per: 'bcu', size: [6, 10], capacity: 12, cadence: 28 },
  {
    kind: 'missing_persons_unit',
    name: (p) => `${p} missing persons unit`,
    per: 'bcu',
    size: [3, 5],
    capacity: 10,
    cadence: null,
  },
  { kind: 'jigsaw', name: (p) => `${p} Jigsaw`, per: 'bcu', size: [5, 8], capacity: 50, cadence: null },
  {
    kind: 'custody_suite',
    name: (p) => `${p} custody suite`,
    per: 'borough',
    size: [4, 6],
    capacity: null,
    cadence: null,
  },
  {
    kind: 'response_neighbourhood',
    name: (p) => `${p} response and neighbourhood`,
    per: 'borough',
    size: [6, 10],
    capacity: 8,
    cadence: 28,
  },
  {
    kind: 'online_csae',
    name: () => 'Online CSAE team',
    per: 'force',
    size: [8, 12],
    capacity: 20,
    cadence: 28,
  },
  {
    kind: 'dit',
    name: () => 'Dedicated inspection team',
    per: 'force',
    size: [4, 6],
    capacity: null,
    cadence: null,
  },
]

/**
 * The organisation and its staff: the London BCUs and boroughs (scale 1 = all 12 BCUs, 0.1 = one), and in
 * each the teams the report describes, staffed by constables with a sergeant for every six or so.
 */
export const organisationSeed: SeedGenerator = {
  name: 'organisation',
  *generate({ scale, random, until, shared }) {
    const bcuCount = Math.max(1, Math.min(londonBcus.length, Math.round(londonBcus.length * scale)))
    const bcus = londonBcus.slice(0, bcuCount)
    for (const bcu of bcus) yield { kind: 'bcu', ref: bcu.code, name: bcu.name }
    const boroughs: string[] = []
    for (const bcu of bcus) {
      for (const borough of bcu.boroughs) {
        boroughs.push(borough)
        yield {
          kind: 'borough',
          ref: borough,
          bcu: bcu.code,
          bcuFrom: seededBcuFrom(bcu),
        }
      }
    }
    const teams: SeededTeam[] = []
    let staffNumber = 100000
    const untilYear = until.getUTCFullYear()
    for (const plan of plans) {
      const places: { name: string; borough: string | null; bcu: string | null }[] =
        plan.per === 'force'
          ? [{ name: 'Force', borough: null, bcu: null }]
          : plan.per === 'bcu'
            ? bcus.map((b) => ({ name: b.name, borough: null, bcu: b.code }))
            : boroughs.map((b) => ({ name: b, borough: b, bcu: null }))
      for (const place of places) {
        const team: SeededTeam = {
          ref: plan.name(place.name),
          kind: plan.kind,
          borough: place.borough,
          bcu: place.bcu,
          staff: [],
        }
        yield {
          kind: 'team',
          ref: team.ref,
          teamKind: plan.kind,
          ...(place.borough ? { borough: place.borough } : {}),
          ...(place.bcu ? { bcu: place.bcu } : {}),
          capacity: plan.capacity,
          reviewCadenceDays: plan.cadence,
        }
        const size = random.int(plan.size[0], plan.size[1])
        for (let i = 0; i < size; i++) {
          const rank: Rank =
            plan.kind === 'command'
              ? i === 0
                ? 'superintendent'
                : 'chief_inspector'
              : plan.kind === 'custody_suite' && i === 0
                ? 'inspector'
                : i % 6 === 0
                  ? 'sergeant'
                  : plan.kind === 'mash' || plan.kind === 'dit'
                    ? random.pick(['constable', 'police_staff'] as const)
                    : 'constable'
          const ref = `MP${staffNumber++}`
          const startYear = untilYear - random.int(0, 15)
          const start = `${startYear}-${String(random.int(1, 12)).padStart(2, '0')}-01`
          const training = (requiredCourses[plan.kind] ?? [])
            .filter(() => random.chance(0.4))
            .map((course) => ({
              course,
              completedOn: `${Math.min(untilYear - 1, startYear + random.int(0, 3))}-${String(random.int(1, 12)).padStart(2, '0')}-15`,
            }))
          team.staff.push({ ref, rank, training })
          yield {
            kind: 'staff',
            ref,
            name: `${random.pick(givenNames)} ${random.pick(familyNames)}`,
            rank,
            role:
              rank === 'sergeant' ? 'Supervisor' : rank === 'police_staff' ? 'Researcher' : 'Investigator',
            team: team.ref,
            startDate: start,
            training,
          }
        }
        teams.push(team)
      }
    }
    shared.set(seededTeamsKey, teams)
    shared.set(seededBoroughsKey, boroughs)
  },
}
