import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { forceWideReach, type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import { custodyReach, detentionKind } from './access.ts'
import { custodyFixture, ev, movableClock, principal } from './test-fixtures.ts'

describe('custody-suite staff’s reach', () => {
  const lambeth = 'b0000000-0000-4000-8000-000000000001'
  const brixton = 'a0000000-0000-4000-8000-000000000001'
  const kennington = 'a0000000-0000-4000-8000-000000000002'
  const cait = 'a0000000-0000-4000-8000-000000000003'
  const reach = (teamIds: string[]): Reach => ({
    forceWide: false,
    boroughIds: [lambeth],
    staffId: 'c0000000-0000-4000-8000-000000000001',
    userId: 'd0000000-0000-4000-8000-000000000001',
    teamIds,
  })
  const at = (suite: string) => ({ borough_id: lambeth, custody_suite_team_id: suite })

  it('keeps a suite member to their own suite, even in their own borough', () => {
    const suiteStaff = custodyReach(reach([brixton]), [brixton])
    expect(detentionKind.canSee(suiteStaff, at(brixton))).toBe(true)
    expect(detentionKind.canSee(suiteStaff, at(kennington))).toBe(false)
    expect(suiteStaff.boroughIds).toEqual([])
  })

  it('leaves everyone else need to know’s reach: their area’s boroughs', () => {
    const caitOfficer = custodyReach(reach([cait]), [])
    expect(caitOfficer).toEqual(reach([cait]))
    expect(detentionKind.canSee(caitOfficer, at(kennington))).toBe(true)
    expect(custodyReach(forceWideReach, [brixton])).toBe(forceWideReach)
  })
})

// The first save of a custody user who is not force-wide once hung the whole application on the embedded
// database (a scope lookup on the outer handle inside the write transaction). Each request must answer.
const clock = movableClock('2018-08-01T20:00:00Z')
let fx: Awaited<ReturnType<typeof custodyFixture>>
let detentionId: string
let personId: string
let brixtonSergeant: SignedInUser
let wembleySergeant: SignedInUser
let lambethSupervisor: SignedInUser
let brentSupervisor: SignedInUser
const staffOf = new Map<SignedInUser, string>()

const answered = async <T>(label: string, request: Promise<T>): Promise<T> => {
  let timer: NodeJS.Timeout | undefined
  const hang = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: no answer in 20 s`)), 20_000)
  })
  try {
    return await Promise.race([request, hang])
  } finally {
    clearTimeout(timer)
  }
}

beforeAll(async () => {
  fx = await custodyFixture(clock)
  const { organisation } = fx.kestrel.services
  const brentCait = await organisation.createTeam(
    fx.force.id,
    {
      name: 'Brent CAIT',
      kind: 'cait',
      boroughId: fx.boroughId('Brent'),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  let n = 0
  const person = async (teamId: string, roles: Role[]) => {
    n++
    const staff = await organisation.createStaff(
      fx.force.id,
      {
        staffNumber: `CA${n}`,
        name: `Officer CA${n}`,
        rank: 'sergeant',
        role: 'Sergeant',
        teamId,
        startDate: '2015-01-01',
        active: true,
      },
      'test',
    )
    const user = await signIn(fx.kestrel, roles, { staffId: staff.id })
    staffOf.set(user, staff.id)
    return user
  }
  brixtonSergeant = await person(fx.brixton.id, ['custody'])
  wembleySergeant = await person(fx.wembley.id, ['custody'])
  lambethSupervisor = await person(fx.cait.id, ['supervisor'])
  brentSupervisor = await person(brentCait.id, ['supervisor'])
  const d = await fx.detention('2018-08-01T12:00:00Z', [ev('arrived', '2018-08-01T12:30:00Z')])
  detentionId = d.id
  personId = d.personId
})
afterAll(async () => {
  await fx?.kestrel.close()
})

const requests = requestsTo(() => fx.kestrel.app)
const get = (user: SignedInUser, url: string) => answered(`GET ${url}`, requests.get(user, url))
const postForm = (user: SignedInUser, url: string, fields: Record<string, string>) =>
  answered(`POST ${url}`, requests.postForm(user, url, fields))
const postJson = (user: SignedInUser, url: string, payload: Record<string, unknown>) =>
  answered(`POST ${url}`, requests.postJson(user, url, payload))
const versionOf = async (id: string) =>
  (await fx.kestrel.services.custody.get(id, principal())).detention.version
const detentionCount = async () =>
  (
    await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
  ).n

describe('a custody sergeant’s saves on the embedded database', () => {
  it('records a detention and then an event through the pages, each answering', async () => {
    const child = await fx.child('2004-02-01')
    // The form opens once the child is chosen (the search links to ?child=<ref>).
    const form = await get(brixtonSergeant, `/custody/detentions/new?child=${child.ref}`)
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain('Brixton custody suite')
    expect(form.body).not.toContain('Wembley custody suite')
    // A reference typed into the child search names one child: the form opens with them.
    const byRef = await get(brixtonSergeant, `/custody/detentions/new?q=${child.ref.toLowerCase()}`)
    expect(byRef.body).toContain('Brixton custody suite')
    expect(byRef.body).toContain(`name="child" value="${child.ref}"`)
    const created = await postForm(brixtonSergeant, '/custody/detentions', {
      child: child.ref,
      custodySuite: fx.brixton.id,
      offences: 'Theft',
      'arrestedAt-day': '1',
      'arrestedAt-month': '8',
      'arrestedAt-year': '2018',
      'arrestedAt-time': '15:00',
    })
    expect(created.statusCode).toBe(303)
    const id = /\/custody\/detentions\/([0-9a-f-]{36})$/.exec(created.headers.location as string)?.[1]
    expect(id).toBeDefined()
    const event = await postForm(brixtonSergeant, `/custody/detentions/${id}/events`, {
      kind: 'arrived',
      version: String(await versionOf(id as string)),
      'at-day': '1',
      'at-month': '8',
      'at-year': '2018',
      'at-time': '15:20',
    })
    expect(event.statusCode).toBe(303)
    expect((await get(brixtonSergeant, `/custody/detentions/${id}`)).statusCode).toBe(200)
  }, 90_000)

  it('records a detention and then an event through the API, each answering', async () => {
    const child = await fx.child('2004-03-01')
    const created = await postJson(brixtonSergeant, '/api/v1/custody/detentions', {
      child: child.ref,
      custodySuite: fx.brixton.name,
      offences: ['Theft'],
      arrestedAt: '2018-08-01T14:00:00Z',
    })
    expect(created.statusCode).toBe(201)
    const { id, version } = created.json() as { id: string; version: number }
    const event = await postJson(brixtonSergeant, `/api/v1/custody/detentions/${id}/events`, {
      version,
      event: { kind: 'arrived', at: '2018-08-01T14:20:00Z' },
    })
    expect(event.statusCode).toBe(201)
    expect(event.json().events).toHaveLength(1)
  }, 90_000)

  it('refuses a detention recorded at another suite (403) and keeps nothing of it', async () => {
    const child = await fx.child('2004-04-01')
    const before = await detentionCount()
    const refused = await postJson(wembleySergeant, '/api/v1/custody/detentions', {
      child: child.ref,
      custodySuite: fx.brixton.name,
      offences: ['Theft'],
      arrestedAt: '2018-08-01T14:00:00Z',
    })
    expect(refused.statusCode).toBe(403)
    expect(await detentionCount()).toBe(before)
  }, 60_000)
})

describe('a detention outside need to know', () => {
  const readerReach = async (user: SignedInUser, roles: Role[]) => {
    const staffId = staffOf.get(user) ?? null
    const area = await fx.kestrel.services.organisation.resolveArea(staffId, roles)
    return reachOf({ id: user.userId, staffId, area })
  }
  const onTimeline = async (user: SignedInUser, roles: Role[]) =>
    (await fx.kestrel.services.children.timeline(personId, await readerReach(user, roles))).some(
      (i) => i.href === `/custody/detentions/${detentionId}`,
    )

  it('is a 404 on the page and the API for an officer of another BCU, and absent from their list', async () => {
    expect((await get(lambethSupervisor, `/custody/detentions/${detentionId}`)).statusCode).toBe(200)
    expect((await get(brentSupervisor, `/custody/detentions/${detentionId}`)).statusCode).toBe(404)
    expect((await get(brentSupervisor, `/api/v1/custody/detentions/${detentionId}`)).statusCode).toBe(404)
    expect((await get(brentSupervisor, '/custody')).body).not.toContain(detentionId)
    expect((await get(lambethSupervisor, '/custody')).body).toContain(detentionId)
  }, 60_000)

  it('is a 404 to the sergeant of another suite, and their event is refused with nothing written', async () => {
    expect((await get(wembleySergeant, `/custody/detentions/${detentionId}`)).statusCode).toBe(404)
    const version = await versionOf(detentionId)
    const refused = await postJson(wembleySergeant, `/api/v1/custody/detentions/${detentionId}/events`, {
      version,
      event: { kind: 'detention_authorised', at: '2018-08-01T13:00:00Z' },
    })
    expect(refused.statusCode).toBe(404)
    expect(await versionOf(detentionId)).toBe(version)
  }, 60_000)

  it('is left off the child’s timeline for them, and shown to those whose it is', async () => {
    expect(await onTimeline(lambethSupervisor, ['supervisor'])).toBe(true)
    expect(await onTimeline(brixtonSergeant, ['custody'])).toBe(true)
    expect(await onTimeline(brentSupervisor, ['supervisor'])).toBe(false)
    expect(await onTimeline(wembleySergeant, ['custody'])).toBe(false)
  }, 60_000)
})

describe('list reads in the access log', () => {
  const listRows = async (actorId: string) => {
    const { rows } = await sql<{ subject_id: string; detail: { ids: string[]; count: number } }>`
      select subject_id, detail from access_log
      where actor_id = ${actorId} and action = 'list' and subject_kind = ${detentionKind.kind}
      order by seq`.execute(fx.kestrel.services.db)
    return rows
  }

  it('logs the inspector’s view and the API list as one row each, naming the query and the ids shown', async () => {
    await get(wembleySergeant, '/custody?recent=24')
    await get(lambethSupervisor, '/api/v1/custody/detentions')
    const page = await listRows(wembleySergeant.userId)
    expect(page.map((r) => r.subject_id)).toEqual(['GET /custody?recent=24'])
    expect(page[0]?.detail.ids).not.toContain(detentionId)
    const api = await listRows(lambethSupervisor.userId)
    expect(api.at(-1)?.subject_id).toBe('GET /api/v1/custody/detentions')
    expect(api.at(-1)?.detail.ids).toContain(detentionId)
    expect(api.at(-1)?.detail.count).toBe(api.at(-1)?.detail.ids.length)
  }, 60_000)
})
