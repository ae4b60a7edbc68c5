import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addLondonDays } from '../../platform/time.ts'
import { myWorkOf } from '../../standards/scope.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2019-06-01T12:00:00Z')

beforeAll(async () => {
  fx = await onlineFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const online = () => fx.kestrel.services.online
const minute = 60_000
const iso = (d: Date, plusMs = 0) => new Date(d.getTime() + plusMs).toISOString()
const kirat = (ref: string, level: 'very_high' | 'high' | 'medium' | 'low', at: string) =>
  online().recordKirat(
    {
      case: ref,
      assessedAt: new Date(at),
      level,
      answers: [{ question: 'Does the suspect have access to children?', answer: 'Yes' }],
      assessor: 'DC O1001',
    },
    fx.specialist,
  )

describe('ONL-01 high-risk case allocated to a non-specialist team', () => {
  it('is breached on allocation and met when the case is reallocated to the specialists', async () => {
    const c = await fx.onlineCase('2018-03-01T10:00:00Z')
    await kirat(c.ref, 'very_high', '2018-03-02T10:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-03-03T10:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-03-05T10:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
      reason: 'No capacity',
    })
    expect(await fx.states('ONL-01', c.id, '2018-03-05T09:59:00Z')).toEqual([])
    expect(await fx.states('ONL-01', c.id, '2018-03-05T10:00:00Z')).toEqual(['breached'])
    await fx.stage(c.ref, { stage: 'allocated', at: '2018-03-08T10:00:00Z', team: 'Online CSAE team' })
    expect(await fx.states('ONL-01', c.id, '2018-03-08T09:59:00Z')).toEqual(['breached'])
    expect(await fx.states('ONL-01', c.id, '2018-03-08T10:00:00Z')).toEqual(['met'])
  })

  it('is not raised for a medium case with a child abuse team, nor a high case with the specialists', async () => {
    const medium = await fx.onlineCase('2018-03-01T10:00:00Z')
    await kirat(medium.ref, 'medium', '2018-03-02T10:00:00Z')
    await fx.stage(medium.ref, { stage: 'allocated', at: '2018-03-05T10:00:00Z', team: 'Lambeth CAIT' })
    const high = await fx.onlineCase('2018-03-01T10:00:00Z')
    await kirat(high.ref, 'high', '2018-03-02T10:00:00Z')
    await fx.stage(high.ref, { stage: 'allocated', at: '2018-03-05T10:00:00Z', team: 'Online CSAE team' })
    expect(await fx.states('ONL-01', medium.id, '2018-04-01T00:00:00Z')).toEqual([])
    expect(await fx.states('ONL-01', high.id, '2018-04-01T00:00:00Z')).toEqual([])
  })
})

describe('ONL-02 a case too long in one stage', () => {
  const limits = [
    { stage: 'awaiting_research', days: 30, param: 'researchDays' },
    { stage: 'awaiting_communications_data', days: 60, param: 'communicationsDataDays' },
    { stage: 'ready_for_allocation', days: 7, param: 'readyForAllocationDays' },
    { stage: 'address_confirmed', days: 14, param: 'addressConfirmedDays' },
  ] as const
  for (const { stage, days } of limits) {
    it(`${stage}: due up to ${days} days in the stage, breached at the limit and a day over`, async () => {
      const c = await fx.onlineCase('2018-01-02T10:00:00Z')
      const entered = new Date('2018-01-03T10:00:00Z')
      await fx.stage(c.ref, { stage, at: entered.toISOString() })
      const limit = addLondonDays(entered, days)
      expect(await fx.states('ONL-02', c.id, iso(limit, -minute))).toEqual(['due'])
      expect(await fx.states('ONL-02', c.id, iso(limit))).toEqual(['breached'])
      expect(await fx.states('ONL-02', c.id, iso(addLondonDays(limit, 1)))).toEqual(['breached'])
    })
  }

  it('is met when the case moves on within the limit, and met late after it', async () => {
    const c = await fx.onlineCase('2018-01-02T10:00:00Z')
    await fx.stage(c.ref, { stage: 'awaiting_research', at: '2018-01-03T10:00:00Z' })
    await fx.stage(c.ref, { stage: 'awaiting_communications_data', at: '2018-02-02T09:59:00Z' })
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-04-04T10:00:00Z' })
    expect(await fx.states('ONL-02', c.id, '2018-04-05T00:00:00Z')).toEqual(['met', 'met_late', 'due'])
  })

  it('from the address confirmed, only the warrant (or the case ending) meets it', async () => {
    const c = await fx.onlineCase('2018-01-02T10:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-01-03T10:00:00Z' })
    await fx.stage(c.ref, { stage: 'allocated', at: '2018-01-05T10:00:00Z', team: 'Online CSAE team' })
    // Allocated, but no warrant 14 days after the address was confirmed.
    expect(await fx.states('ONL-02', c.id, '2018-01-17T10:00:00Z')).toEqual(['breached'])
    await fx.stage(c.ref, { stage: 'warrant_executed', at: '2018-01-18T06:00:00Z' })
    expect(await fx.states('ONL-02', c.id, '2018-01-18T06:00:00Z')).toEqual(['met_late'])
  })

  it("is the online team's work until the case is allocated, in a specialist's My work, then the allocated team's", async () => {
    const c = await fx.onlineCase('2018-01-02T10:00:00Z')
    await fx.stage(c.ref, { stage: 'awaiting_research', at: '2018-01-03T10:00:00Z' })
    const standards = fx.kestrel.services.standards
    const mine = myWorkOf(fx.specialist)
    if (!mine) throw new Error('the specialist has no My work')
    const held = () => standards.listFindings({ ruleId: 'ONL-02', subjectId: c.id, status: 'open' })
    expect((await held()).map((f) => f.assigneeTeamId)).toEqual([fx.teams.online.id])
    expect(await standards.listFindings({ subjectId: c.id, mine })).toHaveLength(1)
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-02-10T10:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-02-11T10:00:00Z',
      team: 'Lambeth CAIT',
      officer: 'C1001',
    })
    expect((await held()).map((f) => f.assigneeTeamId)).toEqual([fx.teams.lambethCait.id])
    expect(await standards.listFindings({ subjectId: c.id, mine, status: 'open' })).toEqual([])
  })

  it('reads each limit from configuration', async () => {
    const c = await fx.onlineCase('2018-05-01T10:00:00Z')
    await fx.stage(c.ref, { stage: 'ready_for_allocation', at: '2018-05-02T10:00:00Z' })
    expect(await fx.states('ONL-02', c.id, '2018-05-05T10:00:00Z')).toEqual(['due'])
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'ONL-02',
      name: 'readyForAllocationDays',
      boroughId: null,
      value: 3,
      effectiveFrom: new Date('2018-01-01T00:00:00Z'),
      reason: 'Allocation within three days',
      setBy: 'tester',
    })
    expect(await fx.states('ONL-02', c.id, '2018-05-05T09:59:00Z')).toEqual(['due'])
    expect(await fx.states('ONL-02', c.id, '2018-05-05T10:00:00Z')).toEqual(['breached'])
  })
})

describe('ONL-03 child in the household with no PAC or social care referral within 24 hours', () => {
  it('is due for 24 hours from the child identified and breached at 24 hours', async () => {
    const c = await fx.onlineCase('2018-06-01T10:00:00Z')
    const child = await fx.person('2010-01-01')
    await online().identifyChild(
      { case: c.ref, person: child.ref, identifiedAt: new Date('2018-06-02T10:00:00Z') },
      fx.specialist,
    )
    expect(await fx.states('ONL-03', c.id, '2018-06-03T09:59:00Z')).toEqual(['due'])
    expect(await fx.states('ONL-03', c.id, '2018-06-03T10:00:00Z')).toEqual(['breached'])
    await online().recordSafeguarding(
      {
        case: c.ref,
        kind: 'pac',
        child: child.ref,
        pacRef: 'PAC-2018-0001',
        at: new Date('2018-06-03T10:30:00Z'),
      },
      fx.specialist,
    )
    expect(await fx.states('ONL-03', c.id, '2018-06-04T00:00:00Z')).toEqual(['met_late'])
  })

  it('is met by a referral for the whole household within the 24 hours; a welfare visit is not a referral', async () => {
    const c = await fx.onlineCase('2018-06-01T10:00:00Z')
    const child = await fx.person('2010-01-01')
    await online().identifyChild(
      { case: c.ref, person: child.ref, identifiedAt: new Date('2018-06-02T10:00:00Z') },
      fx.specialist,
    )
    await online().recordSafeguarding(
      { case: c.ref, kind: 'welfare_visit', at: new Date('2018-06-02T12:00:00Z') },
      fx.specialist,
    )
    expect(await fx.states('ONL-03', c.id, '2018-06-03T10:00:00Z')).toEqual(['breached'])
    await online().recordSafeguarding(
      { case: c.ref, kind: 'social_care_referral', at: new Date('2018-06-03T09:59:00Z') },
      fx.specialist,
    )
    expect(await fx.states('ONL-03', c.id, '2018-06-03T10:00:00Z')).toEqual(['met'])
  })
})

describe('ONL-04 closed with children and no welfare visit or social care referral', () => {
  it('is breached when a supervisor closes it with a reason, and met by a visit recorded after', async () => {
    const c = await fx.onlineCase('2018-06-01T10:00:00Z')
    const child = await fx.person('2010-01-01')
    await online().identifyChild(
      { case: c.ref, person: child.ref, identifiedAt: new Date('2018-06-02T10:00:00Z') },
      fx.specialist,
    )
    const supervisor = await fx.principal(['supervisor', 'online_csae'], fx.officers.specialist.id)
    await fx.stage(c.ref, { stage: 'closed', at: '2018-06-20T10:00:00Z', reason: 'No concerns' }, supervisor)
    expect(await fx.states('ONL-04', c.id, '2018-06-20T09:59:00Z')).toEqual([])
    expect(await fx.states('ONL-04', c.id, '2018-06-20T10:00:00Z')).toEqual(['breached'])
    await online().recordSafeguarding(
      { case: c.ref, kind: 'welfare_visit', at: new Date('2018-06-25T10:00:00Z') },
      fx.specialist,
    )
    expect(await fx.states('ONL-04', c.id, '2018-06-25T10:00:00Z')).toEqual(['met'])
  })

  it('is not raised for a case closed after a welfare visit, nor one with no children', async () => {
    const visited = await fx.onlineCase('2018-06-01T10:00:00Z')
    const child = await fx.person('2010-01-01')
    await online().identifyChild(
      { case: visited.ref, person: child.ref, identifiedAt: new Date('2018-06-02T10:00:00Z') },
      fx.specialist,
    )
    await online().recordSafeguarding(
      { case: visited.ref, kind: 'welfare_visit', at: new Date('2018-06-03T10:00:00Z') },
      fx.specialist,
    )
    await fx.stage(visited.ref, { stage: 'closed', at: '2018-06-20T10:00:00Z' })
    const childless = await fx.onlineCase('2018-06-01T10:00:00Z')
    await fx.stage(childless.ref, { stage: 'closed', at: '2018-06-20T10:00:00Z' })
    expect(await fx.states('ONL-04', visited.id, '2018-07-01T00:00:00Z')).toEqual([])
    expect(await fx.states('ONL-04', childless.id, '2018-07-01T00:00:00Z')).toEqual([])
  })
})

describe('ONL-08 staff viewing indecent images without psychological screening', () => {
  it('owes a screening from the day they start, then every 12 months', async () => {
    const staffId = fx.officers.lambethCait.id
    await online().recordViewer({ staff: 'C1001', basis: 'role', fromDate: '2018-01-01' }, fx.specialist)
    // No screening in the 12 months before they started: breached from the first day.
    expect(await fx.states('ONL-08', staffId, '2018-01-01T00:00:00Z')).toEqual(['breached'])
    await online().recordScreening({ staff: 'C1001', screenedOn: '2018-02-01' }, fx.specialist)
    // 1 February 2019 is the anniversary: due through it, breached from midnight after (GMT).
    expect(await fx.states('ONL-08', staffId, '2019-02-01T23:59:00Z')).toEqual(['met_late', 'due'])
    expect(await fx.states('ONL-08', staffId, '2019-02-02T00:00:00Z')).toEqual(['met_late', 'breached'])
  })

  it('a screening in the 12 months before they start counts; someone who has stopped viewing owes none', async () => {
    const staffId = fx.officers.lambethResponse2.id
    await online().recordScreening({ staff: 'R1002', screenedOn: '2017-10-01' }, fx.specialist)
    expect(await fx.states('ONL-08', staffId, '2018-01-01T00:00:00Z')).toEqual([])
    await online().recordGrading({ staff: 'R1002', month: '2018-01', images: 350 }, fx.specialist)
    expect(await fx.states('ONL-08', staffId, '2018-01-01T00:00:00Z')).toEqual(['due', 'met'])
    // The anniversary of 1 October 2017 is in summer time: breached from London's midnight, 23:00 UTC.
    expect(await fx.states('ONL-08', staffId, '2018-10-01T22:59:00Z')).toEqual(['due', 'met'])
    expect(await fx.states('ONL-08', staffId, '2018-10-01T23:00:00Z')).toEqual(['breached', 'met'])
    await online().recordViewer(
      { staff: 'R1002', basis: 'grading', fromDate: '2018-01-01', toDate: '2018-06-30' },
      fx.specialist,
    )
    expect(await fx.states('ONL-08', staffId, '2018-10-01T23:00:00Z')).toEqual([])
  })
})
