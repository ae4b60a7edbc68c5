import { describe, expect, it } from 'vitest'
import {
  accountWaitMs,
  countsAfterFailure,
  currentFailures,
  engagedBy,
  type FailureCount,
  isFamiliar,
  refusal,
  retryAfterSeconds,
  type SignInCounts,
} from './sign-in-throttle.ts'

const now = new Date('2024-03-01T10:00:00Z')
const seconds = (n: number) => new Date(now.getTime() + n * 1000)
const minutes = (n: number) => seconds(n * 60)
const days = (n: number) => minutes(n * 24 * 60)

const none: FailureCount = { failures: 0, lastFailureAt: null, lastSuccessAt: null }
const failed = (failures: number, at: Date, lastSuccessAt: Date | null = null): FailureCount => ({
  failures,
  lastFailureAt: at,
  lastSuccessAt,
})
const counts = (c: Partial<SignInCounts>): SignInCounts => ({
  accountAddress: none,
  address: none,
  account: none,
  ...c,
})

describe('the account wait', () => {
  it('is nothing for the first five failures, then 15 seconds doubling to 15 minutes', () => {
    expect([0, 1, 4].map(accountWaitMs)).toEqual([0, 0, 0])
    expect([5, 6, 7, 8, 9, 10].map((n) => accountWaitMs(n) / 1000)).toEqual([15, 30, 60, 120, 240, 480])
    expect([11, 12, 50, 10_000].map((n) => accountWaitMs(n) / 60_000)).toEqual([15, 15, 15, 15])
  })
})

describe('remembered failures', () => {
  it('are forgotten once the last is old enough: 15 minutes for an address, an hour for an account', () => {
    expect(currentFailures(failed(4, minutes(-14)), 'account-address', now)).toBe(4)
    expect(currentFailures(failed(4, minutes(-15)), 'account-address', now)).toBe(0)
    expect(currentFailures(failed(40, minutes(-14)), 'address', now)).toBe(40)
    expect(currentFailures(failed(9, minutes(-59)), 'account', now)).toBe(9)
    expect(currentFailures(failed(9, minutes(-60)), 'account', now)).toBe(0)
    expect(currentFailures(none, 'account', now)).toBe(0)
  })

  it('start again after a forgotten count, not from where it stood', () => {
    const after = countsAfterFailure(counts({ accountAddress: failed(4, minutes(-20)) }), now)
    expect(after.accountAddress).toEqual({ failures: 1, lastFailureAt: now, lastSuccessAt: null })
    expect(after.account).toEqual({ failures: 1, lastFailureAt: now, lastSuccessAt: null })
  })
})

describe('an address the account has signed in from', () => {
  it('is familiar for 30 days', () => {
    expect(isFamiliar(failed(0, now, days(-29)), now)).toBe(true)
    expect(isFamiliar(failed(0, now, days(-30)), now)).toBe(false)
    expect(isFamiliar(none, now)).toBe(false)
  })
})

describe('refusal', () => {
  it('lets an attempt through with nothing counted', () => {
    expect(refusal(counts({}), now)).toBeUndefined()
  })

  it('holds one address at one account for 15 minutes after 5 failures', () => {
    expect(refusal(counts({ accountAddress: failed(4, now) }), now)).toBeUndefined()
    expect(refusal(counts({ accountAddress: failed(5, minutes(-1)) }), now)).toEqual({
      scope: 'account-address',
      retryAt: minutes(14),
    })
    expect(refusal(counts({ accountAddress: failed(5, minutes(-15)) }), now)).toBeUndefined()
  })

  it('holds an address at every account after 50 failures', () => {
    expect(refusal(counts({ address: failed(49, now) }), now)).toBeUndefined()
    expect(refusal(counts({ address: failed(50, minutes(-5)) }), now)).toEqual({
      scope: 'address',
      retryAt: minutes(10),
    })
  })

  it('makes a new address wait after the account has failed 5 times, from anywhere', () => {
    expect(refusal(counts({ account: failed(5, seconds(-10)) }), now)).toEqual({
      scope: 'account',
      retryAt: seconds(5),
    })
    expect(refusal(counts({ account: failed(5, seconds(-15)) }), now)).toBeUndefined()
    expect(refusal(counts({ account: failed(12, minutes(-14)) }), now)).toEqual({
      scope: 'account',
      retryAt: minutes(1),
    })
  })

  it('does not make the owner wait at an address they have signed in from', () => {
    const owner = failed(0, days(-1), days(-1))
    expect(refusal(counts({ accountAddress: owner, account: failed(20, now) }), now)).toBeUndefined()
    // Their own address still has its own limit.
    expect(
      refusal(counts({ accountAddress: failed(5, now, days(-1)), account: failed(20, now) }), now)?.scope,
    ).toBe('account-address')
  })

  it('names the count that holds the attempt back longest', () => {
    const refused = refusal(
      counts({ accountAddress: failed(5, minutes(-10)), account: failed(11, now) }),
      now,
    )
    expect(refused).toEqual({ scope: 'account', retryAt: minutes(15) })
  })
})

describe('the limits a failure sets off', () => {
  it('names each count that now holds back the next attempt', () => {
    const before = counts({
      accountAddress: failed(4, seconds(-1)),
      address: failed(49, seconds(-1)),
      account: failed(4, seconds(-1)),
    })
    expect(engagedBy(countsAfterFailure(before, now), now)).toEqual([
      { scope: 'account-address', until: minutes(15), failures: 5 },
      { scope: 'address', until: minutes(15), failures: 50 },
      { scope: 'account', until: seconds(15), failures: 5 },
    ])
  })

  it('sets off nothing below the limits', () => {
    expect(engagedBy(countsAfterFailure(counts({ account: failed(3, now) }), now), now)).toEqual([])
  })

  it('raises the account wait with each failure past the free ones, even from the owner address', () => {
    const owner = failed(0, days(-1), days(-1))
    const after = countsAfterFailure(counts({ accountAddress: owner, account: failed(7, now) }), now)
    expect(engagedBy(after, now)).toEqual([{ scope: 'account', until: seconds(120), failures: 8 }])
  })
})

describe('Retry-After', () => {
  it('is whole seconds, rounded up, at least one', () => {
    expect(retryAfterSeconds({ scope: 'account', retryAt: seconds(14.2) }, now)).toBe(15)
    expect(retryAfterSeconds({ scope: 'account', retryAt: now }, now)).toBe(1)
  })
})
