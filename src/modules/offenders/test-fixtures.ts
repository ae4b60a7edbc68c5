import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Clock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { RsoInput } from './service/inputs.ts'

/** A clock a test can move: the time kernel's. */
export { fixedClock as movableClock } from '../../platform/clock.ts'

export const keeper = { id: 'offenders-tester', username: 'offenders.tester' }

/**
 * The whole application on a fresh database with London, a Jigsaw team in Lambeth with two offender
 * managers (J1001, J1002), a response officer (R1001, not a manager), and ways to make RSOs.
 */
export async function offendersFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, children, offenders } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id as string
  const team = (name: string, kind: 'jigsaw' | 'response_neighbourhood', borough: string) =>
    organisation.createTeam(
      force.id,
      {
        name,
        kind,
        boroughId: boroughId(borough),
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'test',
    )
  const jigsaw = await team('Lambeth Jigsaw', 'jigsaw', 'Lambeth')
  const response = await team('Lambeth response', 'response_neighbourhood', 'Lambeth')
  const staff = (staffNumber: string, teamId: string) =>
    organisation.createStaff(
      force.id,
      {
        staffNumber,
        name: `DC ${staffNumber}`,
        rank: 'constable',
        role: 'Offender manager',
        teamId,
        startDate: '2010-01-01',
        active: true,
      },
      'test',
    )
  const managers = [await staff('J1001', jigsaw.id), await staff('J1002', jigsaw.id)]
  const officer = await staff('R1001', response.id)

  let people = 0
  async function person(borough = 'Lambeth') {
    people++
    return children.create(
      {
        familyName: `Offender${String.fromCharCode(65 + (people % 26))}${people}`,
        givenNames: `Adult${people}`,
        dateOfBirth: '1970-01-01',
        estimatedAgeYears: null,
        gender: 'male',
        ethnicity: 'NS',
        address: {
          address: `${people} Test Road`,
          postcode: null,
          boroughId: boroughId(borough),
          fromDate: '2000-01-01',
          toDate: null,
        },
      },
      { id: 'tester', username: 'tester' },
      { confirmedNotDuplicate: true },
    )
  }

  /** An active RSO in Lambeth managed by J1001, notified from `notificationStart`, medium risk by default. */
  async function rso(notificationStart: string, extra: Partial<RsoInput> = {}) {
    // A new person unless the test names one.
    const personRef = extra.person ?? (await person()).ref
    return offenders.register(
      {
        person: personRef,
        status: 'active',
        notificationBasis: 'conviction',
        notificationStart,
        mappaCategory: 1,
        mappaLevel: 1,
        riskLevel: 'medium',
        address: `${people} Acre Lane`,
        borough: 'Lambeth',
        manager: 'J1001',
        offences: [],
        orders: [],
        ...extra,
      },
      keeper,
      forceWideReach,
    )
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

  return { kestrel, boroughId, jigsaw, response, managers, officer, person, rso, states }
}
