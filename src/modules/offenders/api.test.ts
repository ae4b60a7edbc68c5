import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { RsoRow } from './service/records.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

// The offenders API: the same access as the pages, 400 naming the field on bad input (never a 500), 404 for
// an RSO outside the caller's need to know as for one that does not exist, and nothing written when refused.

type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')
let a: RsoRow
let d: RsoRow
let manager: SignedInUser
let supervisor: SignedInUser
let elsewhere: SignedInUser

beforeAll(async () => {
  fx = await offendersFixture(clock)
  const { organisation } = fx.kestrel.services
  a = await fx.rso('2017-01-01', { riskLevel: 'high' })
  await fx.rso('2019-06-01')
  d = await fx.rso('2017-01-01', { manager: 'J1002', riskLevel: 'low' })
  await fx.kestrel.services.offenders.recordArms(
    { rso: a.ref, assessedOn: '2019-06-01', assessor: 'DC J1001', priority: 'high', keyFactors: 'Isolation' },
    keeper,
    forceWideReach,
  )
  manager = await signIn(fx.kestrel, ['offender_manager'], { staffId: fx.managers[0]?.id })
  supervisor = await signIn(fx.kestrel, ['supervisor'], { staffId: fx.managers[0]?.id })
  const force = await organisation.force()
  const team = await organisation.createTeam(
    force.id,
    {
      name: 'Camden Jigsaw',
      kind: 'jigsaw',
      boroughId: fx.boroughId('Camden'),
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
      staffNumber: 'C1001',
      name: 'DC C1001',
      rank: 'constable',
      role: 'Offender manager',
      teamId: team.id,
      startDate: '2010-01-01',
      active: true,
    },
    'test',
  )
  elsewhere = await signIn(fx.kestrel, ['offender_manager'], { staffId: staff.id })
}, 120_000)
afterAll(() => fx?.kestrel.close())

function call(who: SignedInUser, method: 'GET' | 'POST', url: string, body?: unknown) {
  return fx.kestrel.app.inject({
    method,
    url,
    headers: {
      cookie: who.cookie,
      ...(method === 'POST' ? { 'x-csrf-token': who.csrfToken, 'content-type': 'application/json' } : {}),
    },
    ...(method === 'POST' ? { payload: JSON.stringify(body) } : {}),
  })
}

const fields = (res: { json(): unknown }) =>
  ((res.json() as { errors?: { field: string }[] }).errors ?? []).map((e) => e.field)

async function counts() {
  const { db } = fx.kestrel.services
  const out: Record<string, number> = {}
  for (const t of [
    'rso',
    'rso_arms',
    'rso_plan',
    'rso_visit',
    'rso_notification',
    'rso_allocation',
    'rso_risk_change',
    'rso_information',
  ] as const)
    out[t] = Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return out
}

/** A valid body for each record an RSO's path takes. */
const records: Record<string, { body: Record<string, unknown>; access?: Role[] }> = {
  arms: { body: { assessedOn: '2019-06-10', assessor: 'DC API', priority: 'high', keyFactors: 'API' } },
  'risk-changes': { body: { changedAt: '2019-06-10T10:00:00Z', toLevel: 'very_high', reason: 'Arrested' } },
  information: { body: { receivedAt: '2019-06-11T10:00:00Z', source: 'Partner', summary: 'New partner' } },
  plans: {
    body: {
      agreedAt: '2019-06-12T10:00:00Z',
      author: 'DC API',
      riskLevel: 'very_high',
      actions: [{ action: 'Visit monthly', owner: 'DC API', due: '2019-07-12' }],
    },
  },
  visits: {
    body: { visitedAt: '2019-06-13T10:00:00Z', announced: false, officers: 'DC API', childrenPresent: false },
  },
  notifications: {
    body: { notificationKind: 'periodic', notifiedAt: '2019-06-14T10:00:00Z', details: 'Yearly' },
  },
  allocations: { body: { manager: 'J1002', at: '2019-06-15T09:00:00Z', reason: 'Balancing' } },
}

describe('reading RSOs', () => {
  it('lists the RSOs the caller may see, what needs doing soonest first, and logs the list', async () => {
    const res = await call(manager, 'GET', '/api/v1/rsos')
    expect(res.statusCode).toBe(200)
    const body = res.json() as { rsos: { ref: string; openFindings: { breached: number } }[]; total: number }
    expect(body.total).toBe(3)
    expect(body.rsos.map((r) => r.ref)).toContain(d.ref)
    const breached = body.rsos.map((r) => r.openFindings.breached)
    expect(breached).toEqual([...breached].sort((x, y) => y - x))
    const low = await call(manager, 'GET', `/api/v1/rsos?riskLevel=low&manager=J1002`)
    expect((low.json() as { rsos: { ref: string }[] }).rsos.map((r) => r.ref)).toEqual([d.ref])
    expect((await call(elsewhere, 'GET', '/api/v1/rsos')).json()).toMatchObject({ rsos: [], total: 0 })
  })

  it('refuses a bad filter with 400 naming it', async () => {
    for (const [query, field] of [
      ['riskLevel=extreme', 'riskLevel'],
      ['status=gone', 'status'],
      ['page=0', 'page'],
      ['page=x', 'page'],
      ['colour=red', 'query'],
    ]) {
      const res = await call(manager, 'GET', `/api/v1/rsos?${query}`)
      expect(res.statusCode, query).toBe(400)
      expect(fields(res), query).toEqual([field])
    }
  })

  it('gives one RSO by ref or id with their records and open findings; the read is logged', async () => {
    for (const key of [a.ref, a.id, a.ref.toLowerCase()]) {
      const res = await call(manager, 'GET', `/api/v1/rsos/${key}`)
      expect(res.statusCode, key).toBe(200)
      expect(res.json()).toMatchObject({ ref: a.ref, riskLevel: 'high', arms: [{ keyFactors: 'Isolation' }] })
    }
    const findings = (
      (await call(manager, 'GET', `/api/v1/rsos/${a.ref}`)).json() as { findings: { ruleId: string }[] }
    ).findings.map((f) => f.ruleId)
    expect(findings).toContain('RSO-03')
    const read = await fx.kestrel.services.db
      .selectFrom('access_log')
      .select(['subject_id', 'actor_name'])
      .where('action', '=', 'read')
      .where('subject_kind', '=', 'rso')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect(read.subject_id).toBe(a.id)
  })

  it('answers 404 for an RSO outside the caller’s area, as for one that does not exist', async () => {
    expect((await call(elsewhere, 'GET', `/api/v1/rsos/${a.ref}`)).statusCode).toBe(404)
    expect((await call(manager, 'GET', '/api/v1/rsos/RSO-999999')).statusCode).toBe(404)
    expect((await call(manager, 'GET', '/api/v1/rsos/00000000-0000-4000-8000-000000000000')).statusCode).toBe(
      404,
    )
    // An API token has no area: an offender manager's token sees no RSO.
    const { token } = await fx.kestrel.services.apiTokens.create(
      { name: 'jigsaw client', roles: ['offender_manager'], expiresOn: null },
      { id: 'test', username: 'test' },
    )
    const res = await fx.kestrel.app.inject({
      url: `/api/v1/rsos/${a.ref}`,
      headers: { authorization: `Bearer ${token}` },
    })
    expect(res.statusCode).toBe(404)
  })

  it('refuses a caller without an offenders role', async () => {
    const officer = await signIn(fx.kestrel, ['officer'], { staffId: fx.officer.id })
    expect((await call(officer, 'GET', '/api/v1/rsos')).statusCode).toBe(403)
    expect((await call(officer, 'GET', `/api/v1/rsos/${a.ref}`)).statusCode).toBe(403)
  })
})

describe('registering RSOs', () => {
  const valid = async () => ({
    person: (await fx.person()).ref,
    notificationBasis: 'conviction',
    notificationStart: '2019-01-10',
    mappaCategory: 1,
    mappaLevel: 2,
    riskLevel: 'medium',
    address: '3 Api Road',
    borough: 'Lambeth',
    manager: 'J1001',
    offences: [{ offence: 'Exposure', convictedOn: '2018-12-01', court: 'Camberwell Green' }],
  })

  it('registers one and answers with it', async () => {
    const res = await call(manager, 'POST', '/api/v1/rsos', await valid())
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({
      address: '3 Api Road',
      borough: 'Lambeth',
      manager: 'DC J1001',
      offences: [{ court: 'Camberwell Green' }],
    })
  })

  it('refuses bad input with 400 naming each field, and writes nothing', async () => {
    const before = await counts()
    const bad = await call(manager, 'POST', '/api/v1/rsos', {
      ...(await valid()),
      notificationBasis: 'rumour',
      mappaCategory: 4,
      riskLevel: 'extreme',
      notificationStart: '1 June',
    })
    expect(bad.statusCode).toBe(400)
    expect(fields(bad).sort()).toEqual([
      'mappaCategory',
      'notificationBasis',
      'notificationStart',
      'riskLevel',
    ])
    const refused = await call(manager, 'POST', '/api/v1/rsos', {
      ...(await valid()),
      notificationStart: '2019-07-01',
      manager: 'R1001',
      person: 'KP-9999999',
    })
    expect(refused.statusCode).toBe(400)
    expect(fields(refused).sort()).toEqual(['manager', 'notificationStart', 'person'])
    // Living outside the caller's area, with no manager of theirs: not theirs to register.
    const { manager: _theirs, ...unmanaged } = await valid()
    const foreign = await call(manager, 'POST', '/api/v1/rsos', { ...unmanaged, borough: 'Camden' })
    expect(foreign.statusCode).toBe(403)
    expect(await counts()).toEqual(before)
  })
})

describe('keeping an RSO’s records', () => {
  it('adds each kind of record to an RSO in the caller’s area', async () => {
    for (const [path, { body }] of Object.entries(records)) {
      const who = path === 'allocations' ? supervisor : manager
      const res = await call(who, 'POST', `/api/v1/rsos/${a.ref}/${path}`, body)
      expect(res.statusCode, `${path}: ${res.body}`).toBe(201)
      expect((res.json() as { ref: string }).ref, path).toMatch(/^[A-Z]+-\d+$/)
    }
    const after = (await call(manager, 'GET', `/api/v1/rsos/${a.ref}`)).json() as {
      riskLevel: string
      manager: string
      plans: unknown[]
      visits: unknown[]
    }
    expect(after).toMatchObject({ riskLevel: 'very_high', manager: 'DC J1002' })
    expect(after.plans).toHaveLength(1)
  })

  it('lets only those who balance caseloads reallocate', async () => {
    const res = await call(manager, 'POST', `/api/v1/rsos/${a.ref}/allocations`, records.allocations?.body)
    expect(res.statusCode).toBe(403)
  })

  it('answers 404 for an RSO outside the caller’s area or none, and writes nothing', async () => {
    const before = await counts()
    for (const [path, { body }] of Object.entries(records)) {
      if (path === 'allocations') continue
      expect((await call(elsewhere, 'POST', `/api/v1/rsos/${d.ref}/${path}`, body)).statusCode, path).toBe(
        404,
      )
      expect((await call(manager, 'POST', `/api/v1/rsos/RSO-999999/${path}`, body)).statusCode, path).toBe(
        404,
      )
    }
    expect(await counts()).toEqual(before)
  })

  it('refuses bad input with 400 naming the field, and writes nothing', async () => {
    const before = await counts()
    const cases: [string, Record<string, unknown>, string[]][] = [
      ['arms', { ...records.arms?.body, assessedOn: '2019-06-16' }, ['assessedOn']],
      ['arms', { ...records.arms?.body, priority: 'extreme' }, ['priority']],
      ['arms', { ...records.arms?.body, rso: a.ref }, ['body']],
      ['risk-changes', { ...records['risk-changes']?.body, changedAt: 'yesterday' }, ['changedAt']],
      ['plans', { ...records.plans?.body, actions: [] }, ['actions']],
      ['plans', { ...records.plans?.body, arms: 'ARMS-999999' }, ['arms']],
      ['visits', { ...records.visits?.body, visitedAt: '2016-12-31T10:00:00Z' }, ['visitedAt']],
      ['visits', { announced: true, officers: 'DC API' }, ['visitedAt']],
      [
        'notifications',
        { ...records.notifications?.body, notificationKind: 'postcard' },
        ['notificationKind'],
      ],
      ['allocations', { ...records.allocations?.body, manager: 'R1001' }, ['manager']],
    ]
    for (const [path, body, expected] of cases) {
      const res = await call(supervisor, 'POST', `/api/v1/rsos/${d.ref}/${path}`, body)
      expect(res.statusCode, `${path} ${JSON.stringify(body)}`).toBe(400)
      const named = fields(res)
      // An unknown key is named by zod as the body's; the others by their field.
      if (expected[0] === 'body') expect(res.body).toContain('rso')
      else expect(named, path).toEqual(expected)
    }
    expect(await counts()).toEqual(before)
  })

  it('never answers 500 to odd input', async () => {
    const odd: unknown[] = [
      null,
      [],
      'text',
      42,
      {},
      { assessedOn: 20190610, assessor: ['x'], priority: null, keyFactors: {} },
      { changedAt: '0000-01-01T00:00:00Z', toLevel: 'low', reason: 'x' },
      { changedAt: '-271821-04-20T00:00:00Z', toLevel: 'low', reason: 'x' },
      { receivedAt: '1899-12-31T23:59:59Z', source: 'x', summary: 'x' },
      { visitedAt: 8.64e15, announced: 'yes', officers: 'x' },
      { plannedOn: '2019-02-30', announced: true, officers: 'x' },
      { notificationKind: 'periodic', notifiedAt: '2019-06-14T10:00:00Z', details: 'x'.repeat(5000) },
      { manager: '\u0000', at: '2019-06-15T09:00:00Z', reason: 'x' },
    ]
    for (const path of Object.keys(records))
      for (const body of odd) {
        const res = await call(supervisor, 'POST', `/api/v1/rsos/${d.ref}/${path}`, body)
        expect(res.statusCode, `${path} ${JSON.stringify(body)}: ${res.body.slice(0, 200)}`).toBeLessThan(500)
        expect(res.statusCode, `${path} ${JSON.stringify(body)}`).toBeGreaterThanOrEqual(400)
      }
    for (const body of odd) {
      const res = await call(manager, 'POST', '/api/v1/rsos', body)
      expect(res.statusCode, JSON.stringify(body)).toBe(400)
    }
  })
})

describe('caseloads', () => {
  it('gives each manager’s caseload against RSO-05’s lines', async () => {
    const res = await call(manager, 'GET', '/api/v1/rso-caseloads')
    expect(res.statusCode).toBe(200)
    const body = res.json() as {
      lines: { warnAbove: number; breachAbove: number }
      caseloads: { staffNumber: string; active: number; band: string }[]
    }
    expect(body.lines).toEqual({ warnAbove: 50, breachAbove: 100 })
    expect(body.caseloads.map((c) => c.band)).toEqual(body.caseloads.map(() => 'within'))
    expect(body.caseloads.reduce((n, c) => n + c.active, 0)).toBe(4)
    expect((await call(elsewhere, 'GET', '/api/v1/rso-caseloads')).json()).toMatchObject({ caseloads: [] })
    const bad = await call(manager, 'GET', '/api/v1/rso-caseloads?manager=J1001')
    expect(bad.statusCode).toBe(400)
    expect(fields(bad)).toEqual(['manager'])
  })
})
