import { describe, expect, it } from 'vitest'
import { SlidingWindowLimiter } from './rate-limit.ts'

describe('sliding window limiter', () => {
  it('allows the limit in a window and refuses the next', () => {
    const limiter = new SlidingWindowLimiter(3, 60_000)
    expect(limiter.attempt('a', 0).allowed).toBe(true)
    expect(limiter.attempt('a', 1000).allowed).toBe(true)
    expect(limiter.attempt('a', 2000).allowed).toBe(true)
    expect(limiter.attempt('a', 3000)).toEqual({ allowed: false, retryAfterSeconds: 57 })
  })

  it('counts each key on its own', () => {
    const limiter = new SlidingWindowLimiter(1, 60_000)
    expect(limiter.attempt('a', 0).allowed).toBe(true)
    expect(limiter.attempt('b', 0).allowed).toBe(true)
    expect(limiter.attempt('a', 1).allowed).toBe(false)
  })

  it('slides: an attempt leaves the window once windowMs has passed', () => {
    const limiter = new SlidingWindowLimiter(2, 10_000)
    limiter.attempt('a', 0)
    limiter.attempt('a', 5000)
    expect(limiter.attempt('a', 9999).allowed).toBe(false)
    expect(limiter.attempt('a', 10_000).allowed).toBe(true)
    expect(limiter.attempt('a', 14_999).allowed).toBe(false)
    expect(limiter.attempt('a', 15_000).allowed).toBe(true)
  })

  it('does not let refused attempts extend the wait', () => {
    const limiter = new SlidingWindowLimiter(1, 10_000)
    limiter.attempt('a', 0)
    for (let t = 1; t < 10_000; t += 1000) limiter.attempt('a', t)
    expect(limiter.attempt('a', 10_000).allowed).toBe(true)
  })

  it('forgets the least recently seen keys beyond its capacity', () => {
    const limiter = new SlidingWindowLimiter(1, 60_000, 2)
    limiter.attempt('a', 0)
    limiter.attempt('b', 0)
    limiter.attempt('c', 0)
    expect(limiter.attempt('a', 1).allowed).toBe(true)
    expect(limiter.attempt('c', 1).allowed).toBe(false)
  })
})
