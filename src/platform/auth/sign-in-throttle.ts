/**
 * Sign-in throttling that fits a police network, where a whole station signs in from one address and an
 * account's name is easy to guess. Only wrong passwords count, and a success clears its own count, so an
 * office signing in at the start of a shift is never refused. Three counts, each of failures:
 *  - one account from one address: five, then that address waits 15 minutes for that account;
 *  - one address at any account: fifty, then that address waits 15 minutes (guessing one password at
 *    many accounts);
 *  - one account from any address: after five, each further attempt from an address the account has not
 *    signed in from waits, 15 seconds doubling to at most 15 minutes. The owner at an address they have
 *    signed in from in the last 30 days is not made to wait, so an attack from many addresses slows the
 *    attacker and cannot lock the owner out.
 * A refused attempt is not checked and not counted, so waiting is always enough. These are the decisions;
 * sign-in-attempts.ts keeps the counts in the database.
 */

export const signInLimits = {
  accountAddress: { failures: 5, waitMinutes: 15 },
  address: { failures: 50, waitMinutes: 15 },
  account: { freeFailures: 5, firstWaitSeconds: 15, longestWaitMinutes: 15, forgetMinutes: 60 },
  /** An address the account signed in from this recently is the owner's own. */
  familiarDays: 30,
} as const

/** Which count refused or engaged: the names the access log and the metrics use. */
export type ThrottleScope = 'account-address' | 'address' | 'account'
export const throttleScopes: readonly ThrottleScope[] = ['account-address', 'address', 'account']

export interface FailureCount {
  failures: number
  lastFailureAt: Date | null
  lastSuccessAt: Date | null
}

export interface SignInCounts {
  accountAddress: FailureCount
  address: FailureCount
  account: FailureCount
}

export interface Refusal {
  scope: ThrottleScope
  retryAt: Date
}

const minute = 60_000

const forgetMs: Record<ThrottleScope, number> = {
  'account-address': signInLimits.accountAddress.waitMinutes * minute,
  address: signInLimits.address.waitMinutes * minute,
  account: signInLimits.account.forgetMinutes * minute,
}

/** The failures still remembered: a count is forgotten once its last failure is `forgetMs` old. */
export function currentFailures(count: FailureCount, scope: ThrottleScope, now: Date): number {
  if (!count.lastFailureAt || now.getTime() - count.lastFailureAt.getTime() >= forgetMs[scope]) return 0
  return count.failures
}

/** How long an unfamiliar address waits after the account's last failure, with `failures` remembered. */
export function accountWaitMs(failures: number): number {
  const { freeFailures, firstWaitSeconds, longestWaitMinutes } = signInLimits.account
  if (failures < freeFailures) return 0
  const doublings = Math.min(failures - freeFailures, 20) // 2^20 already far beyond the longest wait
  return Math.min(firstWaitSeconds * 1000 * 2 ** doublings, longestWaitMinutes * minute)
}

export function isFamiliar(accountAddress: FailureCount, now: Date): boolean {
  const since = accountAddress.lastSuccessAt
  return since !== null && now.getTime() - since.getTime() < signInLimits.familiarDays * 24 * 60 * minute
}

/** When each count would let the next attempt through; `undefined` where it does not hold it back. */
function holds(counts: SignInCounts, now: Date): Refusal[] {
  const held: Refusal[] = []
  const pair = counts.accountAddress
  if (
    pair.lastFailureAt &&
    currentFailures(pair, 'account-address', now) >= signInLimits.accountAddress.failures
  )
    held.push({
      scope: 'account-address',
      retryAt: new Date(pair.lastFailureAt.getTime() + forgetMs['account-address']),
    })
  const address = counts.address
  if (address.lastFailureAt && currentFailures(address, 'address', now) >= signInLimits.address.failures)
    held.push({ scope: 'address', retryAt: new Date(address.lastFailureAt.getTime() + forgetMs.address) })
  const account = counts.account
  const wait = accountWaitMs(currentFailures(account, 'account', now))
  if (account.lastFailureAt && wait > 0)
    held.push({ scope: 'account', retryAt: new Date(account.lastFailureAt.getTime() + wait) })
  return held.filter((h) => h.retryAt > now)
}

/**
 * Whether an attempt may go ahead. Refused, it names the count that holds it back longest and when to try
 * again; the account's wait does not apply at an address the account has signed in from.
 */
export function refusal(counts: SignInCounts, now: Date): Refusal | undefined {
  const familiar = isFamiliar(counts.accountAddress, now)
  const held = holds(counts, now).filter((h) => h.scope !== 'account' || !familiar)
  return held.sort((a, b) => b.retryAt.getTime() - a.retryAt.getTime())[0]
}

/** A count after one more failure at `now`. */
export function afterFailure(count: FailureCount, scope: ThrottleScope, now: Date): FailureCount {
  return { ...count, failures: currentFailures(count, scope, now) + 1, lastFailureAt: now }
}

/** The counts after one more failure at `now`. */
export function countsAfterFailure(counts: SignInCounts, now: Date): SignInCounts {
  return {
    accountAddress: afterFailure(counts.accountAddress, 'account-address', now),
    address: afterFailure(counts.address, 'address', now),
    account: afterFailure(counts.account, 'account', now),
  }
}

export interface Engaged {
  scope: ThrottleScope
  until: Date
  failures: number
}

/**
 * The limits a failure set off: each count that now holds back the next attempt (the account's, whatever
 * the address, as it holds back every address the account has not signed in from). The attempt was let
 * through, so each is a lockout just begun or the account's wait just raised: for the access log and the
 * metrics.
 */
export function engagedBy(after: SignInCounts, now: Date): Engaged[] {
  const failures: Record<ThrottleScope, number> = {
    'account-address': after.accountAddress.failures,
    address: after.address.failures,
    account: after.account.failures,
  }
  return holds(after, now).map((h) => ({ scope: h.scope, until: h.retryAt, failures: failures[h.scope] }))
}

/** Whole seconds to wait, at least one: the Retry-After header's value. */
export function retryAfterSeconds(refused: Refusal, now: Date): number {
  return Math.max(1, Math.ceil((refused.retryAt.getTime() - now.getTime()) / 1000))
}
