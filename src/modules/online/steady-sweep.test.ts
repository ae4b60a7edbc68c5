import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { checkConsistency } from '../../standards/consistency.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

// ONL-08 is swept by its due times: the clock moves it otherwise only when a viewing period ends and on the
// day a borough moves BCU (its clock instants), and every change to what it reads judges the member at once.
type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2019-06-01T12:00:00Z')

beforeAll(async () => {
  fx = await onlineFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const services = () => fx.kestrel.services
const openFinding = async (staffId: string) => {
  const open = await services().standards.listFindings({
    ruleId: 'ONL-08',
    subjectId: staffId,
    status: 'open',
  })
  return open.map((f) => ({ boroughId: f.boroughId, bcuId: f.bcuId }))
}
const bcuOf = async (borough: string) =>
  (await services().organisation.bcuForBorough(fx.boroughId(borough), clock.now()))?.id as string
/** A BCU other than the borough's now. */
async function anotherBcu(borough: string) {
  const force = await services().organisation.force()
  const now = await bcuOf(borough)
  return (await services().organisation.bcus(force.id)).find((b) => b.id !== now)?.id as string
}

describe('ONL-08 by its due times', () => {
  it('the steady sweep reads only the staff whose viewing ended or whose borough moved BCU', async () => {
    const { online } = services()
    const { lambethCait, hackneyResponse } = fx.officers
    await online.recordViewer(
      { staff: 'R2001', basis: 'role', fromDate: '2019-05-01', toDate: '2019-06-10' },
      fx.specialist,
    )
    await online.recordViewer({ staff: 'C1001', basis: 'role', fromDate: '2019-05-01' }, fx.specialist)
    const lambethNext = await anotherBcu('Lambeth')
    await services().organisation.reorganise(
      { boroughId: fx.boroughId('Lambeth'), toBcuId: lambethNext, effectiveFrom: '2019-06-05' },
      'admin',
    )
    expect(await openFinding(lambethCait.id)).toEqual([
      { boroughId: fx.boroughId('Lambeth'), bcuId: await bcuOf('Lambeth') },
    ])
    expect(await openFinding(hackneyResponse.id)).toHaveLength(1)
    await services().standards.sweep({ timeBasedOnly: true, ruleIds: ['ONL-08'] })

    // Lambeth's new BCU from its midnight (BST: 23:00 the day before): its three staff in teams of no BCU.
    clock.set('2019-06-04T23:30:00Z')
    let report = await checkConsistency(services().standards, { asOf: clock.now(), ruleIds: ['ONL-08'] })
    expect(report.steady.map((r) => [r.ruleId, r.dueRecords])).toEqual([['ONL-08', 3]])
    expect(report.differences).toEqual([])
    expect(await openFinding(lambethCait.id)).toEqual([
      { boroughId: fx.boroughId('Lambeth'), bcuId: lambethNext },
    ])

    // R2001's viewing ended on 10 June: from the midnight after, no screening is owed.
    clock.set('2019-06-10T23:30:00Z')
    report = await checkConsistency(services().standards, { asOf: clock.now(), ruleIds: ['ONL-08'] })
    expect(report.steady.map((r) => [r.ruleId, r.dueRecords])).toEqual([['ONL-08', 1]])
    expect(report.differences).toEqual([])
    expect(await openFinding(hackneyResponse.id)).toEqual([])
  })

  it('a member moved to another team, and their borough moved BCU, are judged in the same write', async () => {
    const { organisation } = services()
    const { lambethCait } = fx.officers
    const member = await organisation.staffMember(lambethCait.id)
    if (!member) throw new Error('no member')
    await organisation.updateStaff(
      member.id,
      member.version,
      { ...member, teamId: fx.teams.hackneyCait.id },
      'admin',
    )
    expect(await openFinding(lambethCait.id)).toEqual([
      { boroughId: fx.boroughId('Hackney'), bcuId: await bcuOf('Hackney') },
    ])
    const hackneyNext = await anotherBcu('Hackney')
    const today = '2019-06-11'
    await organisation.reorganise(
      { boroughId: fx.boroughId('Hackney'), toBcuId: hackneyNext, effectiveFrom: today },
      'admin',
    )
    expect(await openFinding(lambethCait.id)).toEqual([
      { boroughId: fx.boroughId('Hackney'), bcuId: hackneyNext },
    ])
  })
})
