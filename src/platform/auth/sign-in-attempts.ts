import { sql } from 'kysely'
import type { Clock } from '../clock.ts'
import type { Database, Executor } from '../db/database.ts'
import {
  accountWaitMs,
  countsAfterFailure,
  currentFailures,
  type Engaged,
  engagedBy,
  type FailureCount,
  type Refusal,
  refusal,
  type SignInCounts,
  signInLimits,
} from './sign-in-throttle.ts'

/**
 * The sign-in throttle's counts, kept in the database (sign_in_throttle) so every application process
 * counts the same failures. An attempt is counted as a failure when it begins, under a lock on its three
 * rows, and the count is taken back if the password was right: a burst of attempts sent at once cannot
 * all slip past the check before any of them has failed.
 */

/** Who is trying and from where: the username as typed (normalised) and the client's address. */
export interface AttemptKeys {
  username: string
  address: string
}

export type Begun =
  | { allowed: false; refusal: Refusal }
  /** `engagedIfWrong`: the limits this attempt sets off if the password turns out to be wrong. */
  | { allowed: true; engagedIfWrong: Engaged[] }

interface Row {
  username: string
  address: string
  failures: number
  last_failure_at: Date | null
  last_success_at: Date | null
}

type Key = { username: string; address: string }

export interface AccountHolds {
  /** Wrong passwords in a row still remembered for the account, from any address. */
  failures: number
  /** Until when an address the account has not signed in from must wait; null if none must. */
  slowedUntil: Date | null
  /** Addresses that used up their own wrong passwords for this account, and until when they wait. */
  lockedAddresses: { address: string; until: Date }[]
}

// A username is whatever was typed: bounded so a flood of long names cannot bloat the table.
function keysOf({ username, address }: AttemptKeys) {
  const name = username.slice(0, 100)
  const ip = address.slice(0, 100)
  return {
    account: { username: name, address: '' },
    address: { username: '', address: ip },
    accountAddress: { username: name, address: ip },
  }
}

/** Every process takes the rows in one order, so two attempts never wait on each other's locks crosswise. */
function inLockOrder(keys: Key[]): Key[] {
  return [...keys].sort((a, b) =>
    a.username === b.username ? (a.address < b.address ? -1 : 1) : a.username < b.username ? -1 : 1,
  )
}

function countOf(row: Row | undefined): FailureCount {
  return {
    failures: row?.failures ?? 0,
    lastFailureAt: row?.last_failure_at ?? null,
    lastSuccessAt: row?.last_success_at ?? null,
  }
}

const sameKey = (row: Key, key: Key) => row.username === key.username && row.address === key.address

/** Clears an account's failures at every address, as an administrator's unlock or a password reset does. */
export async function clearSignInFailures(executor: Executor, username: string): Promise<void> {
  await executor
    .updateTable('sign_in_throttle')
    .set({ failures: 0 })
    .where('username', '=', username)
    .execute()
}

export function signInAttempts(db: Database, clock: Clock) {
  return {
    /** Checks an attempt against the counts and, if it may go ahead, counts it as a failure for now. */
    async begin(attempt: AttemptKeys): Promise<Begun> {
      const now = clock.now()
      const keys = keysOf(attempt)
      return db.transaction().execute(async (trx) => {
        // The do-nothing update makes the insert lock and return the rows that were already there.
        const rows = (await trx
          .insertInto('sign_in_throttle')
          .values(inLockOrder(Object.values(keys)))
          .onConflict((oc) =>
            oc.columns(['username', 'address']).doUpdateSet({ failures: sql`sign_in_throttle.failures` }),
          )
          .returning(['username', 'address', 'failures', 'last_failure_at', 'last_success_at'])
          .execute()) as Row[]
        const counts: SignInCounts = {
          account: countOf(rows.find((r) => sameKey(r, keys.account))),
          address: countOf(rows.find((r) => sameKey(r, keys.address))),
          accountAddress: countOf(rows.find((r) => sameKey(r, keys.accountAddress))),
        }
        const refused = refusal(counts, now)
        if (refused) return { allowed: false, refusal: refused }
        const after = countsAfterFailure(counts, now)
        for (const key of inLockOrder(Object.values(keys))) {
          const count = sameKey(key, keys.account)
            ? after.account
            : sameKey(key, keys.address)
              ? after.address
              : after.accountAddress
          await trx
            .updateTable('sign_in_throttle')
            .set({ failures: count.failures, last_failure_at: now })
            .where('username', '=', key.username)
            .where('address', '=', key.address)
            .execute()
        }
        return { allowed: true, engagedIfWrong: engagedBy(after, now) }
      })
    },

    /**
     * The password was right: this account's count at this address starts again and the address becomes
     * one the account has signed in from; the failure `begin` counted is taken back from the others.
     * (Their last failure stays at the moment of this attempt: at worst a count is forgotten a little later.)
     */
    async succeeded(attempt: AttemptKeys): Promise<void> {
      const now = clock.now()
      const keys = keysOf(attempt)
      await db.transaction().execute(async (trx) => {
        for (const key of inLockOrder(Object.values(keys))) {
          const query = trx
            .updateTable('sign_in_throttle')
            .where('username', '=', key.username)
            .where('address', '=', key.address)
          if (sameKey(key, keys.accountAddress))
            await query.set({ failures: 0, last_success_at: now }).execute()
          else await query.set({ failures: sql`greatest(failures - 1, 0)` }).execute()
        }
      })
    },

    /** Accounts whose sign-in from unfamiliar addresses is slowed now, with until when and after how many failures. */
    async slowedAccounts(): Promise<Map<string, { until: Date; failures: number }>> {
      const now = clock.now()
      const rows = await db
        .selectFrom('sign_in_throttle')
        .select(['username', 'failures', 'last_failure_at'])
        .where('address', '=', '')
        .where('failures', '>=', signInLimits.account.freeFailures)
        .execute()
      const slowed = new Map<string, { until: Date; failures: number }>()
      for (const row of rows) {
        const failures = currentFailures(
          countOf({ ...row, address: '', last_success_at: null }),
          'account',
          now,
        )
        const until = row.last_failure_at && new Date(row.last_failure_at.getTime() + accountWaitMs(failures))
        if (until && until > now) slowed.set(row.username, { until, failures })
      }
      return slowed
    },

    /**
     * What holds this account's sign-in back now, for its administrator: the wait at addresses it has not
     * signed in from, and each address that has used up its own wrong passwords for it.
     */
    async holdsOn(username: string): Promise<AccountHolds> {
      const now = clock.now()
      const rows = (await db
        .selectFrom('sign_in_throttle')
        .select(['username', 'address', 'failures', 'last_failure_at', 'last_success_at'])
        .where('username', '=', username)
        .execute()) as Row[]
      const account = countOf(rows.find((r) => r.address === ''))
      const failures = currentFailures(account, 'account', now)
      const wait = accountWaitMs(failures)
      const slowedUntil =
        account.lastFailureAt && wait > 0 && account.lastFailureAt.getTime() + wait > now.getTime()
          ? new Date(account.lastFailureAt.getTime() + wait)
          : null
      const lockedAddresses = rows
        .filter((r) => r.address !== '')
        .map((r) => ({
          address: r.address,
          refused: refusal(
            { accountAddress: countOf(r), account: countOf(undefined), address: countOf(undefined) },
            now,
          ),
        }))
        .filter((r) => r.refused)
        .map((r) => ({ address: r.address, until: r.refused?.retryAt as Date }))
      return { failures, slowedUntil, lockedAddresses }
    },

    /** Forgets counts with nothing left to remember: no failure for a day, no sign-in for the familiar period. */
    async purgeStale(): Promise<void> {
      const now = clock.now().getTime()
      const failedBefore = new Date(now - 24 * 3600_000)
      const signedInBefore = new Date(now - signInLimits.familiarDays * 24 * 3600_000)
      await db
        .deleteFrom('sign_in_throttle')
        .where((eb) =>
          eb.and([
            eb.or([eb('last_failure_at', 'is', null), eb('last_failure_at', '<', failedBefore)]),
            eb.or([eb('last_success_at', 'is', null), eb('last_success_at', '<', signedInBefore)]),
          ]),
        )
        .execute()
    },
  }
}

export type SignInAttempts = ReturnType<typeof signInAttempts>
