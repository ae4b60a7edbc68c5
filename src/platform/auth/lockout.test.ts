import { describe, expect, it } from 'vitest'
import { afterFailedLogin, isLocked } from './lockout.ts'

const now = new Date('2024-03-01T10:00:00Z')
const minutes = (n: number) => new Date(now.getTime() + n * 60_000)

describe('lockout', () => {
  it('counts failures below the threshold without locking', () => {
    expect(afterFailedLogin(0, null, now)).toEqual({ failedLogins: 1, lockedUntil: null })
    expect(afterFailedLogin(3, null, now)).toEqual({ failedLogins: 4, lockedUntil: null })
  })

  it('locks for 15 minutes on the fifth failure in a row', () => {
    expect(afterFailedLogin(4, null, now)).toEqual({ failedLogins: 0, lockedUntil: minutes(15) })
  })

  it('starts a fresh count once a lock has run out', () => {
    expect(afterFailedLogin(4, minutes(-1), now)).toEqual({ failedLogins: 1, lockedUntil: null })
  })

  it('tells a live lock from an expired one', () => {
    expect(isLocked(null, now)).toBe(false)
    expect(isLocked(minutes(1), now)).toBe(true)
    expect(isLocked(now, now)).toBe(false)
    expect(isLocked(minutes(-1), now)).toBe(false)
  })
})
