/**
 * Account lockout: five wrong passwords in a row lock the account for fifteen minutes. A lock that has
 * run out starts a fresh count, so a person who forgot their password is slowed, not shut out for good.
 */
export const lockoutThreshold = 5
export const lockoutMinutes = 15

export function isLocked(lockedUntil: Date | null, now: Date): boolean {
  return lockedUntil !== null && lockedUntil > now
}

/** The account's counters after one more wrong password. */
export function afterFailedLogin(
  failedLogins: number,
  lockedUntil: Date | null,
  now: Date,
): { failedLogins: number; lockedUntil: Date | null } {
  // A lock that has expired no longer counts towards the next one.
  const previous = lockedUntil && lockedUntil <= now ? 0 : failedLogins
  const failures = previous + 1
  if (failures >= lockoutThreshold) {
    return { failedLogins: 0, lockedUntil: new Date(now.getTime() + lockoutMinutes * 60_000) }
  }
  return { failedLogins: failures, lockedUntil: lockedUntil && lockedUntil <= now ? null : lockedUntil }
}
