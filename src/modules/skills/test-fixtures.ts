import { testKestrel } from '../../../test/app.ts'
import type { Kestrel } from '../../kestrel.ts'
import type { Clock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { Course, TeamKind } from '../organisation/organisation.ts'
import { ensureDefaultRequirements } from './default-requirements.ts'

export { fixedClock } from '../../platform/clock.ts'

type PersonPlan = {
  number: string
  team: string | null
  startDate?: string
  role?: string
  active?: boolean
  trained?: [Course, string][]
  booked?: [Course, string][]
}

/**
 * London with a few teams and people whose coverage is counted by hand in the tests (on 2026-06-15, the
 * default requirements of migration 0038):
 * - Lambeth MASH (CS): M1 trained, M2 booked (scheduled), M3 nothing, M4 booked in the past (no plan).
 * - Central South CAIT (a BCU team, CS): C1 all three courses, C2 the week and the rest booked (scheduled),
 *   C3 the week, SCAIDP booked, ABE not (no plan).
 * - Camden Sapphire (CN): S1 ABE only (no plan); S2 inactive (not counted).
 * - Online CSAE (force-wide): O1 trained, O2 nothing.
 * - Lambeth response (no course required): R1; N1 has no team.
 * Totals: 10 need training; 3 trained, 2 scheduled, 5 no plan.
 */
export const people: PersonPlan[] = [
  { number: 'M1', team: 'Lambeth MASH', trained: [['safeguarding_1_week', '2019-01-01']] },
  { number: 'M2', team: 'Lambeth MASH', booked: [['safeguarding_1_week', '2026-09-01']] },
  { number: 'M3', team: 'Lambeth MASH' },
  { number: 'M4', team: 'Lambeth MASH', booked: [['safeguarding_1_week', '2026-01-10']] },
  {
    number: 'C1',
    team: 'Central South CAIT',
    trained: [
      ['safeguarding_1_week', '2019-01-01'],
      ['specialist_child_abuse_investigators_development_programme', '2017-05-01'],
      ['abe_interviewing', '2017-06-01'],
    ],
  },
  {
    number: 'C2',
    team: 'Central South CAIT',
    trained: [['safeguarding_1_week', '2019-01-01']],
    booked: [
      ['specialist_child_abuse_investigators_development_programme', '2026-07-01'],
      ['abe_interviewing', '2026-08-01'],
    ],
  },
  {
    number: 'C3',
    team: 'Central South CAIT',
    trained: [['safeguarding_1_week', '2019-01-01']],
    booked: [['specialist_child_abuse_investigators_development_programme', '2026-07-01']],
  },
  { number: 'S1', team: 'Camden Sapphire', trained: [['abe_interviewing', '2018-01-01']] },
  { number: 'S2', team: 'Camden Sapphire', active: false },
  { number: 'O1', team: 'Online CSAE', trained: [['iioc_investigation', '2020-01-01']] },
  { number: 'O2', team: 'Online CSAE' },
  { number: 'R1', team: 'Lambeth response' },
  { number: 'N1', team: null },
]

export async function skillsFixture(clock: Clock) {
  return skillsFixtureIn(await testKestrel({ clock }))
}

/** The fixture in a Kestrel already built (a browser test's). */
export async function skillsFixtureIn<K extends Kestrel>(kestrel: K) {
  await seedLondon(kestrel.services.db)
  await ensureDefaultRequirements(kestrel.services.db)
  const { organisation, db } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const bcus = await organisation.bcus(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id as string
  const bcuId = (code: string) => bcus.find((b) => b.code === code)?.id as string
  const team = (name: string, kind: TeamKind, place: { borough?: string; bcu?: string }) =>
    organisation.createTeam(
      force.id,
      {
        name,
        kind,
        boroughId: place.borough ? boroughId(place.borough) : null,
        bcuId: place.bcu ? bcuId(place.bcu) : null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'test',
    )
  const teams = {
    'Lambeth MASH': await team('Lambeth MASH', 'mash', { borough: 'Lambeth' }),
    'Central South CAIT': await team('Central South CAIT', 'cait', { bcu: 'CS' }),
    'Camden Sapphire': await team('Camden Sapphire', 'sapphire', { borough: 'Camden' }),
    'Online CSAE': await team('Online CSAE', 'online_csae', {}),
    'Lambeth response': await team('Lambeth response', 'response_neighbourhood', { borough: 'Lambeth' }),
  }
  const staff: Record<string, string> = {}
  for (const p of people) {
    const created = await organisation.createStaff(
      force.id,
      {
        staffNumber: p.number,
        name: `Officer ${p.number}`,
        rank: 'constable',
        role: p.role ?? 'Investigator',
        teamId: p.team ? teams[p.team as keyof typeof teams].id : null,
        startDate: p.startDate ?? '2015-01-01',
        active: p.active ?? true,
      },
      'test',
    )
    staff[p.number] = created.id
    for (const [course, completedOn] of p.trained ?? [])
      await organisation.addTraining(created.id, { course, completedOn }, 'test')
    // Written directly: a booking in the past cannot be made through the service, but may have been.
    for (const [course, scheduledOn] of p.booked ?? [])
      await db
        .insertInto('training_booking')
        .values({
          ref: `${p.number}-${course}-${scheduledOn}`,
          staff_id: created.id,
          course,
          scheduled_on: scheduledOn,
          created_at: new Date('2025-12-01T00:00:00Z'),
        })
        .execute()
  }

  async function states(ruleId: string, subjectId: string, asOf: string) {
    const { findings, results } = await kestrel.services.standards.findingsAt(new Date(asOf), {
      ruleId,
      subjectId,
    })
    const failed = results.filter((r) => !r.ok)
    if (failed.length) throw new Error(`rule failed: ${JSON.stringify(failed)}`)
    return findings.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime()).map((f) => f.status)
  }

  return { kestrel, force, teams, staff, boroughId, bcuId, states }
}
