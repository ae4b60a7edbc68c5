import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import type { Clock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { EventInput } from './custody.ts'

/** A clock a test can move: the time kernel's. */
export { fixedClock as movableClock } from '../../platform/clock.ts'

export const tester = { id: 'tester', username: 'tester', displayName: 'Test Officer', staffId: null }

export function principal(roles: Role[] = ['admin'], extra: Partial<Principal> = {}): Principal {
  return {
    kind: 'user',
    id: 'custody-tester',
    username: 'custody.tester',
    displayName: 'Custody Tester',
    roles,
    staffId: null,
    area: { forceWide: true },
    ...extra,
  }
}

/** The whole application on a fresh database with London, two custody suites and a way to make children. */
export async function custodyFixture(clock: Clock) {
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  const { organisation, children } = kestrel.services
  const force = await organisation.force()
  const boroughs = await organisation.boroughs(force.id)
  const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id ?? null
  const team = (name: string, borough: string, kind = 'custody_suite') =>
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
  const brixton = await team('Brixton custody suite', 'Lambeth')
  const wembley = await team('Wembley custody suite', 'Brent')
  const cait = await team('Lambeth CAIT', 'Lambeth', 'cait')
  let people = 0
  async function child(dateOfBirth: string | null = '2003-05-01', estimatedAgeYears: number | null = null) {
    people++
    return children.create(
      {
        familyName: `Custodychild${String.fromCharCode(65 + (people % 26))}${people}`,
        givenNames: `Kid${people}`,
        dateOfBirth,
        estimatedAgeYears,
        gender: 'not known',
        ethnicity: 'NS',
      },
      tester,
      { confirmedNotDuplicate: true },
    )
  }
  /** A detention in Brixton, arrested at `arrestedAt`, with events. */
  async function detention(
    arrestedAt: string,
    events: EventInput[] = [],
    options: { pacRef?: string; suite?: string } = {},
  ) {
    const person = await child()
    return kestrel.services.custody.create(
      {
        detention: {
          child: person.ref,
          custodySuite: options.suite ?? brixton.name,
          offences: ['Robbery'],
          arrestedAt: new Date(arrestedAt),
          appearsUnder18: false,
          ...(options.pacRef
            ? { pacRef: options.pacRef, pacLinkedAt: new Date(new Date(arrestedAt).getTime() + 3_600_000) }
            : {}),
        },
        events,
      },
      principal(),
    )
  }
  return { kestrel, force, brixton, wembley, cait, child, detention, boroughId }
}

/** An event at a time given as ISO text: ev('review', '2018-08-01T16:00:00Z', {...}). */
export function ev<K extends EventInput['kind']>(
  kind: K,
  at: string,
  extra: Omit<Extract<EventInput, { kind: K }>, 'kind' | 'at'> | Record<string, never> = {},
): EventInput {
  return { kind, at: new Date(at), ...extra } as EventInput
}
