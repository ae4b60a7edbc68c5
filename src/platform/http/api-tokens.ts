import { randomBytes } from 'node:crypto'
import type { FastifyInstance } from 'fastify'
import { allow } from '../access/access.ts'
import type { AccessLogService, Actor } from '../access/access-log.ts'
import { isRole, type Role, roleLabels, roles } from '../access/roles.ts'
import { hashToken } from '../auth/sessions.ts'
import type { Clock } from '../clock.ts'
import type { Database } from '../db/database.ts'
import { isIsoDate, londonInstant } from '../time.ts'
import type { FieldError } from './errors.ts'
import { NotFoundError } from './errors.ts'
import { formText } from './form-body.ts'

/**
 * API tokens for system clients. A token is shown once when it is made; the database keeps only its
 * sha256 hash (what the request pipeline looks up) and a short prefix so people can tell tokens apart.
 * Each token holds the roles it was given, and creating or revoking one is written to the access log.
 */

export const tokenPrefix = 'kst_'

export function newApiToken(): string {
  return `${tokenPrefix}${randomBytes(32).toString('base64url')}`
}

export interface TokenRequest {
  name: string
  roles: Role[]
  /** The day the token stops working (YYYY-MM-DD), or none. */
  expiresOn: string | null
}

export interface TokenSummary {
  id: string
  name: string
  prefix: string
  roles: Role[]
  createdAt: Date
  expiresAt: Date | null
  revokedAt: Date | null
  lastUsedAt: Date | null
  status: 'active' | 'expired' | 'revoked'
}

/** Checks a request for a new token; each problem names the field it is about. */
export function checkTokenRequest(
  input: { name?: unknown; roles?: unknown; expiresOn?: unknown },
  now: Date,
): { request: TokenRequest; errors: [] } | { request: undefined; errors: FieldError[] } {
  const errors: FieldError[] = []
  const name = typeof input.name === 'string' ? input.name.trim() : ''
  if (!name)
    errors.push({ field: 'name', reason: 'Enter a name for the token, such as the system that will use it' })
  else if (name.length > 100) errors.push({ field: 'name', reason: 'Name must be 100 characters or fewer' })
  const given = input.roles === undefined ? [] : Array.isArray(input.roles) ? input.roles : [input.roles]
  const chosen = [...new Set(given.map(String))]
  const unknown = chosen.filter((r) => !isRole(r))
  if (chosen.length === 0) errors.push({ field: 'roles', reason: 'Select at least one role for the token' })
  else if (unknown.length) errors.push({ field: 'roles', reason: `Unknown role: ${unknown.join(', ')}` })
  let expiresOn: string | null = null
  if (typeof input.expiresOn === 'string' && input.expiresOn.trim()) {
    expiresOn = input.expiresOn.trim()
    if (!isIsoDate(expiresOn)) {
      errors.push({ field: 'expiresOn', reason: 'Expiry date must be a real date' })
    } else if (londonInstant(expiresOn) <= now) {
      errors.push({ field: 'expiresOn', reason: 'Expiry date must be in the future' })
    }
  }
  if (errors.length) return { request: undefined, errors }
  return { request: { name, roles: chosen as Role[], expiresOn }, errors: [] }
}

export function apiTokenService(db: Database, clock: Clock, accessLog: AccessLogService) {
  return {
    /** checkTokenRequest as of now. */
    check(input: { name?: unknown; roles?: unknown; expiresOn?: unknown }) {
      return checkTokenRequest(input, clock.now())
    },

    async list(): Promise<TokenSummary[]> {
      const now = clock.now()
      const rows = await db
        .selectFrom('api_token')
        .select([
          'id',
          'name',
          'token_prefix',
          'roles',
          'created_at',
          'expires_at',
          'revoked_at',
          'last_used_at',
        ])
        .orderBy('created_at', 'desc')
        .orderBy('name')
        .execute()
      return rows.map((row) => ({
        id: row.id,
        name: row.name,
        prefix: row.token_prefix,
        roles: row.roles.filter(isRole),
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        revokedAt: row.revoked_at,
        lastUsedAt: row.last_used_at,
        status: row.revoked_at ? 'revoked' : row.expires_at && row.expires_at <= now ? 'expired' : 'active',
      }))
    },

    /** Makes a token and returns it: the only time its value exists outside the client that keeps it. */
    async create(
      request: TokenRequest,
      actor: Actor & { kind?: string },
      requestId?: string,
    ): Promise<{ id: string; token: string }> {
      const token = newApiToken()
      // "Expires on 1 March" means from London midnight that day.
      const expiresAt = request.expiresOn ? londonInstant(request.expiresOn) : null
      return db.transaction().execute(async (trx) => {
        const row = await trx
          .insertInto('api_token')
          .values({
            name: request.name,
            token_hash: hashToken(token),
            token_prefix: token.slice(0, tokenPrefix.length + 6),
            roles: request.roles,
            // Only a person's account can be the creator; a CLI operator is named in the access log.
            created_by: actor.kind === 'user' ? actor.id : null,
            created_at: clock.now(),
            expires_at: expiresAt,
          })
          .returning('id')
          .executeTakeFirstOrThrow()
        await accessLog.logChange(
          actor,
          {
            action: 'create',
            subjectKind: 'api_token',
            subjectId: row.id,
            requestId: requestId ?? null,
            detail: { name: request.name, roles: request.roles, expiresAt },
          },
          trx,
        )
        return { id: row.id, token }
      })
    },

    /** Stops a token working at once. Revoking twice is harmless; an unknown id is not found. */
    async revoke(id: string, actor: Actor, requestId?: string): Promise<void> {
      if (!/^[0-9a-f-]{36}$/i.test(id)) throw new NotFoundError('There is no API token with that id')
      await db.transaction().execute(async (trx) => {
        const row = await trx
          .selectFrom('api_token')
          .select(['id', 'name', 'revoked_at'])
          .where('id', '=', id)
          .forUpdate()
          .executeTakeFirst()
        if (!row) throw new NotFoundError('There is no API token with that id')
        if (row.revoked_at) return
        await trx.updateTable('api_token').set({ revoked_at: clock.now() }).where('id', '=', id).execute()
        await accessLog.logChange(
          actor,
          {
            action: 'revoke',
            subjectKind: 'api_token',
            subjectId: id,
            requestId: requestId ?? null,
            detail: { name: row.name },
          },
          trx,
        )
      })
    },
  }
}

export type ApiTokenService = ReturnType<typeof apiTokenService>

const fieldIds: Record<string, string> = { name: 'name', roles: 'roles', expiresOn: 'expires-day' }

function roleItems(selected: readonly string[]) {
  return roles.map((role) => ({ value: role, text: roleLabels[role], checked: selected.includes(role) }))
}

/** The administrator's pages: list tokens, make one (shown once), revoke one. */
export function apiTokenRoutes(app: FastifyInstance, tokens: ApiTokenService) {
  const admin = { config: { access: allow('admin') } }

  app.get('/admin/api-tokens', admin, async (_request, reply) =>
    reply.render('api/tokens.njk', { pageTitle: 'API tokens', tokens: await tokens.list() }),
  )

  app.get('/admin/api-tokens/new', admin, async (_request, reply) =>
    reply.render('api/token-new.njk', {
      pageTitle: 'Create an API token',
      roleItems: roleItems([]),
      values: {},
    }),
  )

  app.post('/admin/api-tokens', admin, async (request, reply) => {
    const body = (request.body ?? {}) as Record<string, unknown>
    const text = (key: string) => formText(body, key)
    const [day, month, year] = [text('expires-day'), text('expires-month'), text('expires-year')]
    const dateGiven = Boolean(day || month || year)
    const expiresOn = dateGiven
      ? `${year.padStart(4, '0')}-${month.padStart(2, '0')}-${day.padStart(2, '0')}`
      : ''
    const checked = tokens.check({ name: body.name, roles: body.roles, expiresOn })
    if (!checked.request) {
      const errors = checked.errors.map((e) => ({ text: e.reason, href: `#${fieldIds[e.field] ?? e.field}` }))
      const selected = body.roles === undefined ? [] : ([] as unknown[]).concat(body.roles).map(String)
      return reply.code(400).render('api/token-new.njk', {
        pageTitle: 'Create an API token',
        errors,
        fieldErrors: Object.fromEntries(checked.errors.map((e) => [e.field, { text: e.reason }])),
        roleItems: roleItems(selected),
        values: { name: body.name, day, month, year },
      })
    }
    const principal = request.principal as NonNullable<typeof request.principal>
    const created = await tokens.create(checked.request, principal, request.id)
    // The token is on this page and nowhere else: keep it out of every cache.
    reply.header('cache-control', 'no-store')
    return reply.render('api/token-created.njk', {
      pageTitle: 'API token created',
      token: created.token,
      name: checked.request.name,
      roles: checked.request.roles.map((r) => roleLabels[r]),
    })
  })

  app.post('/admin/api-tokens/:id/revoke', admin, async (request, reply) => {
    const { id } = request.params as { id: string }
    const principal = request.principal as NonNullable<typeof request.principal>
    await tokens.revoke(id, principal, request.id)
    return reply.redirect('/admin/api-tokens', 303)
  })
}
