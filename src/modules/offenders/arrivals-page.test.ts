import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { movableClock, offendersFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-14T12:00:00Z')
let manager: SignedInUser
let elsewhere: SignedInUser
const { get, postForm } = requestsTo(() => fx.kestrel.app)

beforeAll(async () => {
  fx = await offendersFixture(clock)
  manager = await signIn(fx.kestrel, ['offender_manager'], { staffId: fx.managers[0]?.id ?? null })
  const { organisation } = fx.kestrel.services
  const force = await organisation.force()
  const team = await organisation.createTeam(
    force.id,
    {
      name: 'Westminster Jigsaw',
      kind: 'jigsaw',
      boroughId: fx.boroughId('Westminster'),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  const w = await organisation.createStaff(
    force.id,
    {
      staffNumber: 'W1001',
      name: 'DC W1001',
      rank: 'constable',
      role: 'Offender manager',
      teamId: team.id,
      startDate: '2010-01-01',
      active: true,
    },
    'test',
  )
  elsewhere = await signIn(fx.kestrel, ['offender_manager'], { staffId: w.id })
}, 60_000)
afterAll(() => fx?.kestrel.close())

const when = (prefix: string, day: string, time: string) => {
  const [y, m, d] = day.split('-')
  return {
    [`${prefix}-day`]: String(Number(d)),
    [`${prefix}-month`]: String(Number(m)),
    [`${prefix}-year`]: y as string,
    [`${prefix}-time`]: time,
  }
}

describe('deportee arrivals pages', () => {
  const base = () => ({
    name: 'John Example',
    country: 'Thailand',
    flight: 'TG910',
    ...when('expectedAt', '2019-06-14', '06:35'),
    borough: fx.boroughId('Lambeth'),
    officers: 'DC J1001',
  })

  it('refuses a result with no application, in field order, and writes nothing', async () => {
    const refused = await postForm(manager, '/offenders/arrivals', {
      ...base(),
      orderResult: 'granted',
      ...when('orderResultAt', '2019-06-14', '11:00'),
    })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain(
      'give when the notification order was applied for first'.replace(/^g/, 'G'),
    )
    expect(await fx.kestrel.services.db.selectFrom('deportee_arrival').select('id').execute()).toEqual([])
  })

  it('records an arrival met at the airport with the order granted that day, seen in its area only', async () => {
    const saved = await postForm(manager, '/offenders/arrivals', {
      ...base(),
      ...when('metAt', '2019-06-14', '07:20'),
      ...when('orderAppliedAt', '2019-06-14', '09:00'),
      orderResult: 'granted',
      ...when('orderResultAt', '2019-06-14', '11:30'),
    })
    expect(saved.statusCode).toBe(303)
    const list = await get(manager, '/offenders/arrivals')
    expect(list.body).toContain('John Example')
    expect(list.body).toContain('Granted')
    expect((await get(elsewhere, '/offenders/arrivals')).body).not.toContain('John Example')
  })
})
