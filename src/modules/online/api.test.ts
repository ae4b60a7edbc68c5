import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2018-09-01T12:00:00Z')
const { get, postJson } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await onlineFixture(clock)
})
afterAll(() => fx?.kestrel.close())

describe('the online cases API', () => {
  it('records a case, moves it on, and answers 400 naming the field for a stage out of order', async () => {
    const specialist = await signIn(fx.kestrel, ['online_csae'], { staffId: fx.officers.specialist.id })
    const created = await postJson(specialist, '/api/v1/online-cases', {
      source: 'nca_referral',
      ncaReference: 'NCA-API-1',
      receivedAt: '2018-08-01T09:00:00Z',
      materialCategory: 'category_a',
      materialDescription: 'Images in a cloud account',
      borough: 'Lambeth',
    })
    expect(created.statusCode).toBe(201)
    const { case: c } = created.json() as { case: { id: string; ref: string; stage: string } }
    expect(c.stage).toBe('received')
    const bad = await postJson(specialist, `/api/v1/online-cases/${c.ref}/stages`, {
      stage: 'warrant_executed',
      at: '2018-08-02T06:00:00Z',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([
      { field: 'stage', reason: 'a warrant cannot be executed before the address is confirmed' },
    ])
    const kirat = await postJson(specialist, `/api/v1/online-cases/${c.ref}/kirat`, {
      assessedAt: '2018-08-02T09:00:00Z',
      level: 'extreme',
      answers: [{ question: 'Access to children?', answer: 'Yes' }],
      assessor: 'DC O1001',
    })
    expect(kirat.statusCode).toBe(400)
    expect(kirat.json().errors.map((e: { field: string }) => e.field)).toEqual(['level'])
    const moved = await postJson(specialist, `/api/v1/online-cases/${c.ref}/stages`, {
      stage: 'address_confirmed',
      at: '2018-08-02T10:00:00Z',
    })
    expect(moved.statusCode).toBe(200)
    expect(moved.json().timeline.map((t: { stage: string }) => t.stage)).toEqual([
      'received',
      'address_confirmed',
    ])
  })

  it('a frontline officer cannot see another team’s case, nor record a case; only the specialists read the material', async () => {
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(c.ref, {
      stage: 'allocated',
      at: '2018-08-03T09:00:00Z',
      team: 'Lambeth response',
      officer: 'R1001',
    })
    const mine = await signIn(fx.kestrel, ['officer'], { staffId: fx.officers.lambethResponse.id })
    const other = await signIn(fx.kestrel, ['officer'], { staffId: fx.officers.hackneyResponse.id })
    const seen = await get(mine, `/api/v1/online-cases/${c.ref}`)
    expect(seen.statusCode).toBe(200)
    expect(seen.json().case.materialDescription).toBeNull()
    expect(seen.json().case.materialCategory).toBe('category_a')
    expect((await get(other, `/api/v1/online-cases/${c.ref}`)).statusCode).toBe(404)
    const list = await get(other, '/api/v1/online-cases')
    expect(list.json().cases.map((x: { ref: string }) => x.ref)).not.toContain(c.ref)
    expect(
      (
        await postJson(other, `/api/v1/online-cases/${c.ref}/stages`, {
          stage: 'warrant_executed',
          at: '2018-08-04T06:00:00Z',
        })
      ).statusCode,
    ).toBe(404)
    const refused = await postJson(mine, '/api/v1/online-cases', {
      source: 'public_report',
      receivedAt: '2018-08-01T09:00:00Z',
      materialCategory: 'grooming',
      materialDescription: 'Messages',
    })
    expect(refused.statusCode).toBe(403)
    const specialist = await signIn(fx.kestrel, ['online_csae'], { staffId: fx.officers.specialist.id })
    expect(
      (await get(specialist, `/api/v1/online-cases/${c.ref}`)).json().case.materialDescription,
    ).toContain('Twelve images')
  })
})

describe('the outcomes API', () => {
  it('answers the table for a period, and 400 naming the field for a period that ends before it starts', async () => {
    const c = await fx.onlineCase('2018-04-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'allocated', at: '2018-04-03T09:00:00Z', team: 'Lambeth CAIT' })
    await fx.stage(c.ref, { stage: 'outcome', at: '2018-05-03T09:00:00Z', outcomeCode: '14' })
    const specialist = await signIn(fx.kestrel, ['online_csae'], { staffId: fx.officers.specialist.id })
    const answer = await get(
      specialist,
      '/api/v1/online-outcomes?from=2018-05-01T00:00:00Z&until=2018-06-01T00:00:00Z',
    )
    expect(answer.statusCode).toBe(200)
    expect(answer.json().outcomes[1]).toEqual({
      teamKind: 'child_abuse_team',
      total: 1,
      counts: { no_further_action: 1, no_crime: 0, positive: 0 },
      shares: { no_further_action: 1, no_crime: 0, positive: 0 },
    })
    const bad = await get(
      specialist,
      '/api/v1/online-outcomes?from=2018-06-01T00:00:00Z&until=2018-05-01T00:00:00Z',
    )
    expect(bad.statusCode).toBe(400)
    expect(bad.json().errors).toEqual([{ field: 'until', reason: 'must be after from' }])
  })
})
