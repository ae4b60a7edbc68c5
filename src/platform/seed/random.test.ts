import { describe, expect, it } from 'vitest'
import { seededRandom } from './random.ts'

describe('seeded random', () => {
  it('gives the same sequence for the same seed and a different one for another', () => {
    const a = seededRandom(42)
    const b = seededRandom(42)
    const c = seededRandom(43)
    const first = Array.from({ length: 5 }, () => a.next())
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(first)
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(first)
  })

  it('forks independent streams that do not depend on each other', () => {
    const one = seededRandom(7).fork('children')
    const two = seededRandom(7)
    two.fork('custody').next()
    expect(two.fork('children').next()).not.toBe(undefined)
    expect(seededRandom(7).fork('children').next()).toBe(one.next())
  })

  it('keeps integers inside their bounds and weights roughly as asked', () => {
    const random = seededRandom(1)
    const counts = { a: 0, b: 0 }
    for (let i = 0; i < 10_000; i++) {
      const n = random.int(3, 5)
      expect(n).toBeGreaterThanOrEqual(3)
      expect(n).toBeLessThanOrEqual(5)
      counts[
        random.weighted([
          ['a', 3],
          ['b', 1],
        ] as const)
      ]++
    }
    expect(counts.a / 10_000).toBeGreaterThan(0.72)
    expect(counts.a / 10_000).toBeLessThan(0.78)
  })
})
