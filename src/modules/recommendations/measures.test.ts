import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MeasureScope } from '../../platform/measures.ts'
import { recommendationsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof recommendationsFixture>>
let fx: Fixture

beforeAll(async () => {
  fx = await recommendationsFixture('2019-03-01T12:00:00Z')
})
afterAll(() => fx?.kestrel.close())

const force = (until: string) =>
  ({
    from: new Date('2019-02-01T00:00:00Z'),
    until: new Date(until),
    boroughIds: null,
    bcuId: null,
  }) as MeasureScope
const take = (id: string, scope: MeasureScope) =>
  fx.kestrel.services.measures.get(`recommendations.${id}`)?.take(fx.kestrel.services.db, scope)

describe('the tracker’s measures, counted by hand', () => {
  it('are registered for the dashboard and count the recommendations on track and complete', async () => {
    const { recommendations } = fx.kestrel.services
    // Before 2018's review ended only the nine of 2016 were made; none planned, all red.
    expect(await take('on-track', force('2018-10-01T00:00:00Z'))).toEqual({ value: 0, over: 9 })
    const rec = await fx.byRef('R2018-01')
    const action = await recommendations.addAction(
      rec.id,
      { title: 'Review the improvement activities', ownerStaffId: fx.owners.ada.id },
      fx.author,
    )
    await recommendations.addMilestone(
      rec.id,
      action.id,
      { title: 'Review reported', dueOn: '2019-12-01' },
      fx.author,
    )
    // One of eleven green, none complete.
    expect(await take('on-track', force('2019-03-02T00:00:00Z'))).toEqual({ value: 1 / 11, over: 11 })
    expect(await take('complete', force('2019-03-02T00:00:00Z'))).toEqual({ value: 0, over: 11 })
    await recommendations.addEvidence(
      rec.id,
      action.id,
      {
        kind: 'document',
        reference: 'REVIEW-2019',
        milestoneId: null,
        description: null,
        evidenceOn: '2019-03-01',
      },
      fx.author,
    )
    await recommendations.completeAction(
      rec.id,
      action.id,
      { completedOn: '2019-03-01', version: 1 },
      fx.author,
    )
    expect(await take('complete', force('2019-03-02T00:00:00Z'))).toEqual({ value: 1 / 11, over: 11 })
    expect(await take('on-track', force('2019-03-02T00:00:00Z'))).toEqual({ value: 1 / 11, over: 11 })
    // As the month before stood: nothing recorded yet.
    expect(await take('complete', force('2019-03-01T00:00:00Z'))).toEqual({ value: 0, over: 11 })
  })

  it('have nothing to count for an area: recommendations are the force’s', async () => {
    const area = {
      ...force('2019-03-02T00:00:00Z'),
      boroughIds: [],
      bcuId: '00000000-0000-4000-8000-000000000000',
    }
    expect(await take('complete', area as MeasureScope)).toEqual({ value: null, over: 0 })
  })
})
