import { isRole, type Role } from '../access/roles.ts'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/database.ts'
import type { AreaResolver, Principal } from './principal.ts'
import { hashToken, type SessionEnd, type SessionEnds, type SessionStore } from './sessions.ts'

/** What the web shell learns from a session cookie: who, and until when; or that the session has ended. */
export type SessionPrincipal =
  | { principal: Principal; csrfToken: string; ends?: SessionEnds }
  | { ended: SessionEnd }

/** Loads the principal behind a session or an API token; the request pipeline calls these on every request. */
export function principalLoader(
  db: Database,
  clock: Clock,
  sessions: SessionStore,
  resolveArea: AreaResolver,
) {
  async function principalForUser(userId: string): Promise<Principal | undefined> {
    const user = await db
      .selectFrom('app_user')
      .select(['id', 'username', 'display_name', 'roles', 'staff_id', 'active'])
      .where('id', '=', userId)
      .executeTakeFirst()
    if (!user?.active) return undefined
    const roles = user.roles.filter(isRole) as Role[]
    return {
      kind: 'user',
      id: user.id,
      username: user.username,
      displayName: user.display_name,
      roles,
      staffId: user.staff_id,
      area: await resolveArea(user.staff_id, roles),
    }
  }

  return {
    principalForUser,

    /**
     * The person behind a session cookie, with when their session ends if they do nothing; or why the
     * session presented has ended, so the sign-in page can tell them.
     */
    async principalForSession(token: string): Promise<SessionPrincipal | undefined> {
      const session = await sessions.lookup(token)
      if (!session) return undefined
      if (!session.live) return { ended: session.ended }
      const principal = await principalForUser(session.userId)
      if (!principal) return undefined
      return {
        principal,
        csrfToken: session.csrfToken,
        ends: {
          at: session.endsAt,
          idle: session.endsWhenIdle,
          expiresAt: session.expiresAt,
          seenAt: session.seenAt,
        },
      }
    },

    async principalForApiToken(token: string): Promise<Principal | undefined> {
      const now = clock.now()
      const row = await db
        .selectFrom('api_token')
        .select(['id', 'name', 'roles', 'expires_at', 'revoked_at', 'last_used_at'])
        .where('token_hash', '=', hashToken(token))
        .executeTakeFirst()
      if (!row || row.revoked_at || (row.expires_at && row.expires_at <= now)) return undefined
      if (!row.last_used_at || now.getTime() - row.last_used_at.getTime() > 60_000) {
        await db.updateTable('api_token').set({ last_used_at: now }).where('id', '=', row.id).execute()
      }
      const roles = row.roles.filter(isRole) as Role[]
      return {
        kind: 'token',
        id: row.id,
        username: `token:${row.name}`,
        displayName: row.name,
        roles,
        staffId: null,
        area: await resolveArea(null, roles),
      }
    },
  }
}
