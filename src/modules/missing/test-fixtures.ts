import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { userIn as userInBorough } from '../../../test/people.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { EpisodeInput, TriggerPlanInput } from './service.ts'

/** A clock a test can move: the time kernel's. */
export { fixedClock as movableClock } from '../../platform/clock.ts'

export function principal(
  roles: Role[] = ['missing_persons_unit'],
  extra: Partial<Principal> = {},
): Principal {
  return {
    kind: 'user',
    id: 'missing-tester',
    username: 'missing.tester',
    displayName: 'Missing Tester',
    roles,
    staffId: null,
    area: { forceWide: true },
    ...extra,
  }
}

const tester = { id: 'tester', username: 'tester' }

/** The whole application on a fresh database with London, a missing persons unit and ways to make records. */
export async function missingFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, children, missing } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id as string
  const unit = await organisation.createTeam(
    force.id,
    {
      name: 'Lambeth missing persons unit',
      kind: 'missing_persons_unit',
      boroughId: boroughId('Lambeth'),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  let people = 0
  async function child(dateOfBirth = '2003-05-01', borough = 'Lambeth') {
    people++
    return children.create(
      {
        familyName: `Missingchild${String.fromCharCode(65 + (people % 26))}${people}`,
        givenNames: `Kid${people}`,
        dateOfBirth,
        estimatedAgeYears: null,
        gender: 'not known',
        ethnicity: 'NS',
        address: {
          address: `${people} Test Road`,
          postcode: null,
          boroughId: boroughId(borough),
          fromDate: '2010-01-01',
          toDate: null,
        },
      },
      tester,
      { confirmedNotDuplicate: true },
    )
  }
  /** An episode reported at `reportedAt`, last seen two hours before, graded `grade` (default medium). */
  function episode(childRef: string, reportedAt: string, extra: Partial<EpisodeInput> = {}) {
    const at = new Date(reportedAt)
    return missing.create(
      {
        child: childRef,
        borough: 'Lambeth',
        reportedAt: at,
        reportedByKind: 'carer',
        lastSeenAt: new Date(at.getTime() - 2 * 3_600_000),
        lastSeenPlace: 'Home',
        circumstances: 'Did not come home',
        grade: 'high',
        gradedBy: 'PC Grader',
        reviewDueAt: new Date(at.getTime() + 4 * 3_600_000),
        ...extra,
      },
      principal(),
    )
  }
  function plan(childRef: string, startDate: string, extra: Partial<TriggerPlanInput> = {}) {
    return missing.createPlan(
      {
        child: childRef,
        placesToSearch: 'Brixton station; the friend’s flat on Acre Lane',
        peopleToContact: 'Foster carer 07000 000000; social worker',
        risks: 'Older males, CSE',
        authorName: 'DC Planner',
        agreedWith: ['carers', 'social_worker'],
        startDate,
        reviewDate: '2019-06-01',
        ...extra,
      },
      principal(),
    )
  }
  /** A signed-in user whose area is the borough of a team: their staff record is in that team. */
  const userIn = (borough: string, roles: Role[], staffNumber: string) =>
    userInBorough(kestrel, borough, roles, staffNumber)
  return { kestrel, force, unit, child, episode, plan, boroughId, userIn }
}
