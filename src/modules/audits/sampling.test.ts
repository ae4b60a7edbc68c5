import { describe, expect, it } from 'vitest'
import { allocate, drawSample, SampleTooLarge } from './sampling.ts'

const cases = (caseType: string, bcuId: string, n: number) =>
  Array.from({ length: n }, (_, i) => ({ key: `${caseType}:${bcuId}:${i}`, caseType, bcuId }))
const scope = [...cases('missing', 'A', 60), ...cases('missing', 'B', 30), ...cases('custody', 'A', 10)]

describe('stratified random sampling', () => {
  it('gives the same sample for the same seed and scope, whatever order the scope comes in', () => {
    const first = drawSample(scope, 20, 'seed-1', 'case_type_bcu').map((c) => c.key)
    const again = drawSample([...scope].reverse(), 20, 'seed-1', 'case_type_bcu').map((c) => c.key)
    expect(again).toEqual(first)
    expect(new Set(first).size).toBe(20)
    expect(drawSample(scope, 20, 'seed-2', 'case_type_bcu').map((c) => c.key)).not.toEqual(first)
  })

  it('shares the sample among the strata in proportion to their size', () => {
    const drawn = drawSample(scope, 20, 'seed-1', 'case_type_bcu')
    const count = (caseType: string, bcu: string) =>
      drawn.filter((c) => c.caseType === caseType && c.bcuId === bcu).length
    expect([count('missing', 'A'), count('missing', 'B'), count('custody', 'A')]).toEqual([12, 6, 2])
    const byType = drawSample(scope, 10, 'seed-1', 'case_type')
    expect(byType.filter((c) => c.caseType === 'custody')).toHaveLength(1)
  })

  it('gives the rounding to the largest remainders, and every case when the sample is the scope', () => {
    expect(
      allocate(
        new Map([
          ['a', 5],
          ['b', 3],
          ['c', 2],
        ]),
        5,
      ),
    ).toEqual(
      new Map([
        ['a', 3],
        ['b', 1],
        ['c', 1],
      ]),
    )
    expect(drawSample(scope, 100, 's', 'bcu')).toHaveLength(100)
  })

  it('refuses a sample larger than the scope', () => {
    expect(() => drawSample(scope, 101, 's', 'none')).toThrow(SampleTooLarge)
  })
})
