import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock, skillsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof skillsFixture>>
let fx: Fixture
const clock = fixedClock('2026-06-15T12:00:00Z')

beforeAll(async () => {
  fx = await skillsFixture(clock)
}, 60_000)
afterAll(() => fx?.kestrel.close())

/** A new member of a team, started on a day, with the courses given. */
async function joiner(
  number: string,
  team: keyof Fixture['teams'],
  startDate: string,
  trained: string[] = [],
) {
  const { organisation } = fx.kestrel.services
  const staff = await organisation.createStaff(
    fx.force.id,
    {
      staffNumber: number,
      name: `Joiner ${number}`,
      rank: 'constable',
      role: 'Investigator',
      teamId: fx.teams[team].id,
      startDate,
      active: true,
    },
    'test',
  )
  for (const completedOn of trained)
    await organisation.addTraining(staff.id, { course: 'safeguarding_1_week', completedOn }, 'test')
  return staff.id
}

const asOf = '2026-06-15T12:00:00Z'

describe('STF-01 safeguarding team member without the training their role requires', () => {
  it('is stored by the import of a staff line, with no sweep, and met when a later line brings the course', async () => {
    const line = {
      kind: 'staff',
      ref: 'JI1',
      name: 'Imported Joiner',
      rank: 'constable',
      role: 'Investigator',
      team: 'Lambeth MASH',
      startDate: '2025-11-15',
    }
    const { imports, standards, db } = fx.kestrel.services
    await imports.run(JSON.stringify(line), 'test')
    const { id } = await db
      .selectFrom('staff')
      .select('id')
      .where('staff_number', '=', 'JI1')
      .executeTakeFirstOrThrow()
    const stored = () => standards.listFindings({ ruleId: 'STF-01', subjectId: id })
    expect((await stored()).map((f) => f.status)).toEqual(['breached'])
    await imports.run(
      JSON.stringify({ ...line, training: [{ course: 'safeguarding_1_week', completedOn: '2026-06-01' }] }),
      'test',
    )
    expect((await stored()).map((f) => f.status)).toEqual(['met_late'])
  })

  it('is not breached 5 months after joining without the course', async () => {
    const id = await joiner('J5', 'Lambeth MASH', '2026-01-15')
    expect(await fx.states('STF-01', id, asOf)).toEqual(['due'])
  })

  it('is breached 7 months after joining without it: from the day after the 6-month anniversary', async () => {
    const id = await joiner('J7', 'Lambeth MASH', '2025-11-15')
    expect(await fx.states('STF-01', id, asOf)).toEqual(['breached'])
    expect(await fx.states('STF-01', id, '2026-05-15T22:59:59Z')).toEqual(['due'])
    // 16 May 2026 begins at 23:00 UTC on the 15th (British Summer Time).
    expect(await fx.states('STF-01', id, '2026-05-15T23:00:00Z')).toEqual(['breached'])
  })

  it('is met by the course held, and met late by a course taken after the months allowed', async () => {
    expect(
      await fx.states('STF-01', await joiner('JT', 'Lambeth MASH', '2025-11-15', ['2026-02-01']), asOf),
    ).toEqual(['met'])
    // M1 was in the MASH when the course became required (April 2018) and took it in January 2019.
    expect(await fx.states('STF-01', fx.staff.M1 as string, asOf)).toEqual(['met_late'])
  })

  it('asks each required course of a CAIT investigator, and nothing of a team that is not a safeguarding team', async () => {
    // C3: SCAIDP booked but not held and ABE neither, both required since 2016 (breached since July 2016);
    // the week, required from April 2018, taken in January 2019 (met late).
    expect(await fx.states('STF-01', fx.staff.C3 as string, asOf)).toEqual([
      'breached',
      'breached',
      'met_late',
    ])
    expect(await fx.states('STF-01', fx.staff.R1 as string, asOf)).toEqual([])
    // The online team is not one of the safeguarding team kinds by default.
    expect(await fx.states('STF-01', fx.staff.O2 as string, asOf)).toEqual([])
  })
})

describe('STF-01 in the steady sweep', () => {
  it('opens at a start dated ahead by its clock instant, and hears of pages’ staff, training and team changes at once', async () => {
    const { organisation, standards } = fx.kestrel.services
    const start = clock.now()
    try {
      const team = await organisation.createTeam(
        fx.force.id,
        {
          name: 'Steady MASH',
          kind: 'mash',
          boroughId: fx.boroughId('Lambeth'),
          bcuId: null,
          capacity: null,
          reviewCadenceDays: null,
          active: true,
        },
        'test',
      )
      const member = (staffNumber: string, startDate: string) =>
        organisation.createStaff(
          fx.force.id,
          {
            staffNumber,
            name: `Steady ${staffNumber}`,
            rank: 'constable',
            role: 'Investigator',
            teamId: team.id,
            startDate,
            active: true,
          },
          'test',
        )
      const stored = async (id: string) =>
        (await standards.listFindings({ ruleId: 'STF-01', subjectId: id })).map((f) => f.status)
      // Joined in January: owed from the page's write, with no sweep.
      const settled = await member('JS1', '2026-01-15')
      expect(await stored(settled.id)).toEqual(['due'])
      // Joins on 1 July: nothing owed yet.
      const joiner = await member('JS2', '2026-07-01')
      await standards.sweep({ timeBasedOnly: true })
      expect(await stored(joiner.id)).toEqual([])
      // A minute after midnight in London (BST) on 1 July: the sweep reads the joiner by their start.
      clock.set('2026-06-30T23:01:00Z')
      const swept = await standards.sweep({ timeBasedOnly: true })
      expect(swept.find((r) => r.ruleId === 'STF-01')?.dueRecords).toBeGreaterThanOrEqual(1)
      expect(await stored(joiner.id)).toEqual(['due'])
      // The training page meets it at once.
      await organisation.addTraining(
        joiner.id,
        { course: 'safeguarding_1_week', completedOn: '2026-07-01' },
        'test',
      )
      expect(await stored(joiner.id)).toEqual(['met'])
      // The team is no longer a safeguarding team: the settled member owes nothing, at once.
      await organisation.updateTeam(
        team.id,
        team.version,
        { ...team, kind: 'response_neighbourhood', name: team.name },
        'test',
      )
      expect(await stored(settled.id)).toEqual(['resolved_auto'])
    } finally {
      clock.set(start)
    }
  })
})
