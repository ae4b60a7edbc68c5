import type { Role } from '../src/platform/access/roles.ts'
import { type SignedInUser, signIn, type TestKestrel } from './app.ts'

/** A borough's id in the seeded force, by name. */
export async function boroughIdOf(kestrel: TestKestrel, name: string): Promise<string> {
  const { organisation } = kestrel.services
  const boroughs = await organisation.boroughs((await organisation.force()).id)
  const borough = boroughs.find((b) => b.name === name)
  if (!borough) throw new Error(`No borough named ${name}`)
  return borough.id
}

/** A signed-in user whose area is the BCU holding `borough` today: their staff record is in a team there. */
export async function userIn(
  kestrel: TestKestrel,
  borough: string,
  roles: Role[],
  staffNumber: string,
): Promise<SignedInUser & { staffId: string }> {
  const { organisation } = kestrel.services
  const force = await organisation.force()
  const team = await organisation.createTeam(
    force.id,
    {
      name: `${borough} response ${staffNumber}`,
      kind: 'response_neighbourhood',
      boroughId: await boroughIdOf(kestrel, borough),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  const staff = await organisation.createStaff(
    force.id,
    {
      staffNumber,
      name: `Officer ${staffNumber}`,
      rank: 'constable',
      role: 'Response officer',
      teamId: team.id,
      startDate: '2015-01-01',
      active: true,
    },
    'test',
  )
  return { ...(await signIn(kestrel, roles, { staffId: staff.id })), staffId: staff.id }
}

/** An API token with these roles and no staff record, so no area: its `authorization` header. */
export async function apiToken(kestrel: TestKestrel, roles: Role[]): Promise<{ authorization: string }> {
  const { token } = await kestrel.services.apiTokens.create(
    { name: `test ${roles.join(' ')} ${Math.random().toString(36).slice(2, 8)}`, roles, expiresOn: null },
    { id: 'setup', username: 'setup' },
  )
  return { authorization: `Bearer ${token}` }
}
