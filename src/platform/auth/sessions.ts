import { createHash, randomBytes } from 'node:crypto'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/database.ts'

/**
 * Sessions live in the database so any application process can serve any request and a sign-out is
 * immediate everywhere. The cookie holds a random token; the table holds only its hash.
 */
export interface SessionRecord {
  userId: string
  csrfToken: string
  expiresAt: Date
}

export function hashToken(token: string): string {
  return createHash('sha256').update(token).digest('hex')
}

export function sessionStore(db: Database, clock: Clock, sessionHours: number) {
  const lifetimeMs = sessionHours * 3600_000
  // Refreshing last_seen_at on every request would turn each page view into a write; once a minute is enough.
  const touchAfterMs = 60_000

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

    async find(token: string): Promise<SessionRecord | undefined> {
      const idHash = hashToken(token)
      const row = await db
        .selectFrom('user_session')
        .select(['user_id', 'csrf_token', 'expires_at', 'last_seen_at'])
        .where('id_hash', '=', idHash)
        .executeTakeFirst()
      const now = clock.now()
      if (!row || row.expires_at <= now) return undefined
      if (now.getTime() - row.last_seen_at.getTime() > touchAfterMs) {
        await db
          .updateTable('user_session')
          .set({ last_seen_at: now })
          .where('id_hash', '=', idHash)
          .execute()
      }
      return { userId: row.user_id, csrfToken: row.csrf_token, expiresAt: row.expires_at }
    },

    async destroy(token: string) {
      await db.deleteFrom('user_session').where('id_hash', '=', hashToken(token)).execute()
    },

    async destroyAllFor(userId: string) {
      await db.deleteFrom('user_session').where('user_id', '=', userId).execute()
    },

    async purgeExpired() {
      await db.deleteFrom('user_session').where('expires_at', '<=', clock.now()).execute()
    },
  }
}

export type SessionStore = ReturnType<typeof sessionStore>
