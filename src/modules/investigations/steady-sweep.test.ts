import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type InvestigationsFixture, investigationsFixture, movableClock } from './test-fixtures.ts'

// August 2018 is British Summer Time: 09:00Z is 10:00 in London.
const clock = movableClock('2018-08-01T12:00:00Z')

describe('INV-04, INV-09 and INV-11 in the steady sweep', () => {
  let f: InvestigationsFixture
  let childId: string

  beforeAll(async () => {
    f = await investigationsFixture(clock)
    childId = (await f.child('Steady')).id
  })
  afterAll(() => f.kestrel.close())

  const stored = async (ruleId: string, subjectId: string) =>
    f.kestrel.services.standards.listFindings({ ruleId, subjectId })

  it('reads only the findings that fell due, and breaches them', async () => {
    const { standards } = f.kestrel.services
    const inv = await f.insertInvestigation({
      opened: '2018-08-01T09:00:00Z',
      people: [{ personId: childId }],
    })
    await f.protection(inv, childId, {
      started: '2018-08-01T09:00:00Z',
      designatedAt: '2018-08-01T09:00:00Z',
    })
    // Written straight to the tables: the full sweep stores what is owed.
    await standards.sweep()
    await standards.sweep({ timeBasedOnly: true })

    // 72 hours of police protection pass: INV-09 reads its one due finding; the others read none.
    clock.set('2018-08-04T09:01:00Z')
    let swept = await standards.sweep({ timeBasedOnly: true })
    const read = (ruleId: string) => swept.find((r) => r.ruleId === ruleId)?.dueRecords
    expect([read('INV-09'), read('INV-04'), read('INV-11')]).toEqual([1, 0, 0])
    // The designation was met at the start; the 72 hours are now breached.
    expect((await stored('INV-09', inv)).map((x) => x.status).sort()).toEqual(['breached', 'met'])
    expect((await stored('INV-11', inv)).map((x) => x.status)).toEqual(['due'])

    // 14 quiet days: INV-11 breached by the sweep; INV-04 still due until 28 days.
    clock.set('2018-08-15T09:01:00Z')
    swept = await standards.sweep({ timeBasedOnly: true })
    expect([read('INV-11'), read('INV-04')]).toEqual([1, 0])
    expect((await stored('INV-11', inv)).map((x) => x.status)).toEqual(['breached'])
    expect((await stored('INV-04', inv)).map((x) => x.status)).toEqual(['due'])

    clock.set('2018-08-29T09:01:00Z')
    swept = await standards.sweep({ timeBasedOnly: true })
    expect(read('INV-04')).toBe(1)
    expect((await stored('INV-04', inv)).map((x) => x.status)).toEqual(['breached'])
  })

  it('a team’s new review cadence moves INV-04’s due times in the same transaction, by page or import', async () => {
    clock.set('2018-09-01T12:00:00Z')
    const { organisation, imports } = f.kestrel.services
    const team = await f.team({ cadence: null })
    const officer = await f.staff(team.id, 'Cadence Officer')
    const inv = await f.insertInvestigation({
      opened: '2018-08-31T09:00:00Z',
      teamId: team.id,
      staffId: officer.id,
      allocatedAt: '2018-08-31T10:00:00Z',
      people: [{ personId: childId }],
    })
    await f.kestrel.services.standards.sweep()
    const dueAt = async () => (await stored('INV-04', inv)).map((x) => x.dueAt?.toISOString())
    expect(await dueAt()).toEqual(['2018-09-28T09:00:00.000Z'])

    // No sweep between the change and the reading: the write re-evaluated the team's cases.
    await organisation.updateTeam(team.id, team.version, { ...team, reviewCadenceDays: 7 }, 'tester')
    expect(await dueAt()).toEqual(['2018-09-07T09:00:00.000Z'])

    const line = { kind: 'team', ref: team.name, teamKind: 'cait', borough: 'Camden', reviewCadenceDays: 14 }
    await imports.run(JSON.stringify(line), 'tester')
    expect(await dueAt()).toEqual(['2018-09-14T09:00:00.000Z'])
  })
})
