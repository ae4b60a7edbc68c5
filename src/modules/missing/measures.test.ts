import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Measure, MeasureScope } from '../../platform/measures.ts'
import { missingFixture, movableClock } from './test-fixtures.ts'

// The prevention interview measure on hand-counted episodes: three children returned on 2 August 2019 (Lambeth in its BCU since February), one
// interviewed after 26 hours, one after 98 hours, one not at all.
type Fixture = Awaited<ReturnType<typeof missingFixture>>
let fx: Fixture
let measure: Measure
let boroughId: string
const august: MeasureScope = {
  from: new Date('2019-08-01T00:00:00Z'),
  until: new Date('2019-09-01T00:00:00Z'),
  boroughIds: null,
}
const returned = { returnedAt: new Date('2019-08-02T08:00:00Z'), foundPlace: 'Home', foundBy: 'PC Find' }

beforeAll(async () => {
  fx = await missingFixture(movableClock('2019-08-20T09:00:00Z'))
  const interviewed = async (at?: string) => {
    const c = await fx.child()
    const extra = at ? { preventionInterviewAt: new Date(at), preventionInterviewBy: 'PC Safe' } : {}
    return fx.episode(c.ref, '2019-08-01T20:00:00Z', { ...returned, ...extra })
  }
  const first = await interviewed('2019-08-03T10:00:00Z')
  await interviewed('2019-08-06T10:00:00Z')
  await interviewed()
  measure = fx.kestrel.services.measures.get('missing.prevention-interview-in-time') as Measure
  const row = await fx.kestrel.services.db
    .selectFrom('missing_episode')
    .select('borough_id')
    .where('id', '=', first.id)
    .executeTakeFirstOrThrow()
  boroughId = row.borough_id
})
afterAll(() => fx?.kestrel.close())

const take = (scope: MeasureScope) => measure.take(fx.kestrel.services.db, scope)

describe('missing.prevention-interview-in-time', () => {
  it('counts the returns interviewed within MIS-06’s hours, force-wide and in the borough', async () => {
    expect(await take(august)).toEqual({ value: 1 / 3, over: 3 })
    expect(await take({ ...august, boroughIds: [boroughId] })).toEqual({ value: 1 / 3, over: 3 })
    expect(await take({ ...august, boroughIds: ['00000000-0000-4000-8000-000000000000'] })).toEqual({
      value: null,
      over: 0,
    })
  })

  it('follows MIS-06 as configured, not its default', async () => {
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'MIS-06',
      name: 'hours',
      boroughId: null,
      value: 120,
      effectiveFrom: new Date('2018-01-01T00:00:00Z'),
      reason: 'Testing that the measure follows the configuration',
      setBy: 'tester',
    })
    expect(await take(august)).toEqual({ value: 2 / 3, over: 3 })
  })
})
