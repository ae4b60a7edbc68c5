import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/database.ts'
import { londonTime } from '../time.ts'

/**
 * Sessions live in the database so any application process can serve any request and a sign-out is
 * immediate everywhere. The cookie holds a random token; the table holds only its hash. A session ends at
 * its absolute limit (KESTREL_SESSION_HOURS after sign-in) or when nobody has used it for the idle limit
 * (KESTREL_SESSION_IDLE_MINUTES), whichever comes first.
 */
export interface SessionRecord {
  userId: string
  csrfToken: string
  expiresAt: Date
  /** When the session ends if nothing more is asked of it: the idle limit, or the absolute one if sooner. */
  endsAt: Date
  /** Whether `endsAt` is the idle limit, which another request would push back. */
  endsWhenIdle: boolean
  /** The clock's time when the session was looked up, to say how long is left. */
  seenAt: Date
}

/** Why a session that was presented no longer counts, so the sign-in page can say so. */
export type SessionEnd = 'idle' | 'expired'

export type SessionLookup = ({ live: true } & SessionRecord) | { live: false; ended: SessionEnd }

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

/** Whether a session has ended at `now`, and why: the absolute limit is checked first. */
export function sessionEnd(
  session: { expiresAt: Date; lastSeenAt: Date },
  idleMs: number,
  now: Date,
): SessionEnd | undefined {
  if (session.expiresAt <= now) return 'expired'
  if (now.getTime() - session.lastSeenAt.getTime() >= idleMs) return 'idle'
  return undefined
}

/** When a session ends, as the layout shows it: the time, and for the script the seconds left from now. */
export interface SessionEnds {
  at: Date
  idle: boolean
  expiresAt: Date
  seenAt: Date
}

/**
 * The layout's sign-out notice: "You will be signed out at 14:32 if you do nothing". Rendered by the server,
 * so it works without JavaScript; public/session-timeout.js turns it into the warning near the end.
 */
export function timeoutNotice(ends: SessionEnds, idleMinutes: number) {
  const secondsFrom = (at: Date) => Math.max(0, Math.floor((at.getTime() - ends.seenAt.getTime()) / 1000))
  return {
    time: londonTime(ends.at),
    idle: ends.idle,
    secondsLeft: secondsFrom(ends.at),
    expiresSecondsLeft: secondsFrom(ends.expiresAt),
    idleSeconds: Math.round(idleMinutes * 60),
  }
}

export function sessionStore(db: Database, clock: Clock, sessionHours: number, idleMinutes: number) {
  const lifetimeMs = sessionHours * 3600_000
  const idleMs = idleMinutes * 60_000
  // Refreshing last_seen_at on every request would turn each page view into a write; once a minute is
  // enough, and makes the idle limit exact to the minute.
  const touchAfterMs = 60_000

  /**
   * The live session behind a token, recording that it was used; a session that has ended is removed
   * (so it cannot be revived) and answered with the reason. Runs on every request, outside any
   * transaction, so it uses the database handle itself.
   */
  async function lookup(token: string): Promise<SessionLookup | undefined> {
    const idHash = hashToken(token)
    const row = await db
      .selectFrom('user_session')
      .select(['user_id', 'csrf_token', 'expires_at', 'last_seen_at'])
      .where('id_hash', '=', idHash)
      .executeTakeFirst()
    if (!row) return undefined
    const now = clock.now()
    const ended = sessionEnd({ expiresAt: row.expires_at, lastSeenAt: row.last_seen_at }, idleMs, now)
    if (ended) {
      await db.deleteFrom('user_session').where('id_hash', '=', idHash).execute()
      return { live: false, ended }
    }
    let lastSeen = row.last_seen_at
    if (now.getTime() - lastSeen.getTime() > touchAfterMs) {
      await db.updateTable('user_session').set({ last_seen_at: now }).where('id_hash', '=', idHash).execute()
      lastSeen = now
    }
    const idleEnd = new Date(lastSeen.getTime() + idleMs)
    const endsWhenIdle = idleEnd < row.expires_at
    return {
      live: true,
      userId: row.user_id,
      csrfToken: row.csrf_token,
      expiresAt: row.expires_at,
      endsAt: endsWhenIdle ? idleEnd : row.expires_at,
      endsWhenIdle,
      seenAt: now,
    }
  }

  return {
    async create(userId: string, meta: { ip?: string; userAgent?: string }) {
      const token = randomBytes(32).toString('base64url')
      const now = clock.now()
      const csrfToken = randomBytes(24).toString('base64url')
      await db
        .insertInto('user_session')
        .values({
          id_hash: hashToken(token),
          user_id: userId,
          csrf_token: csrfToken,
          created_at: now,
          last_seen_at: now,
          expires_at: new Date(now.getTime() + lifetimeMs),
          ip: meta.ip ?? null,
          user_agent: meta.userAgent?.slice(0, 300) ?? null,
        })
        .execute()
      return { token, csrfToken }
    },

    lookup,

    /** The live session behind a token, or undefined if there is none (or it has ended). */
    async find(token: string): Promise<SessionRecord | undefined> {
      const found = await lookup(token)
      if (!found?.live) return undefined
      const { live: _live, ...session } = found
      return session
    },

    async destroy(token: string) {
      await db.deleteFrom('user_session').where('id_hash', '=', hashToken(token)).execute()
    },

    async destroyAllFor(userId: string) {
      await db.deleteFrom('user_session').where('user_id', '=', userId).execute()
    },

    /** Removes every session that has ended, at its absolute limit or its idle one. */
    async purgeExpired() {
      const now = clock.now()
      await db
        .deleteFrom('user_session')
        .where((eb) =>
          eb.or([eb('expires_at', '<=', now), eb('last_seen_at', '<=', new Date(now.getTime() - idleMs))]),
        )
        .execute()
    },
  }
}

export type SessionStore = ReturnType<typeof sessionStore>
