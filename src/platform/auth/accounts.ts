import { roles as allRoles, isRole, type Role } from '../access/roles.ts'
import type { Clock } from '../clock.ts'
import type { Database, Executor } from '../db/database.ts'
import { recordMany } from '../db/history.ts'
import { ConflictError, type FieldError, NotFoundError, ValidationError } from '../http/errors.ts'
import { isUuid } from '../ids.ts'
import { generatePassword, passwordProblem } from './password-policy.ts'
import { hashPassword, needsRehash, spendVerifyTime, verifyPassword } from './passwords.ts'
import { clearSignInFailures } from './sign-in-attempts.ts'

/** Who made a change, as change_history records it: a user's id, or 'system:cli' and the like. */
export type Actor = string

export interface Account {
  id: string
  username: string
  displayName: string
  email: string | null
  roles: Role[]
  staffId: string | null
  oidcSubject: string | null
  active: boolean
  hasPassword: boolean
  lastLoginAt: Date | null
  createdAt: Date
  version: number
}

export interface NewAccount {
  username: string
  displayName: string
  roles: readonly string[]
  staffId?: string | null
  email?: string | null
  /** A chosen password (checked against the policy); when absent a strong one is generated. */
  password?: string
}

export interface AccountChanges {
  displayName?: string
  email?: string | null
  roles?: readonly string[]
  active?: boolean
}

/**
 * Why a sign-in was refused. Only logs see this: the person sees one message whatever the reason. Guessing
 * is held back before the password is checked, by the sign-in throttle (sign-in-throttle.ts).
 */
export type SignInRefusal = 'unknown-user' | 'no-password' | 'inactive' | 'wrong-password'

export type SignInResult = { ok: true; userId: string } | { ok: false; reason: SignInRefusal }

const usernamePattern = /^[a-z0-9._-]{3,64}$/
const emailPattern = /^[^\s@]+@[^\s@]+\.[^\s@]+$/

export function normaliseUsername(username: string): string {
  return username.trim().toLowerCase()
}

const accountColumns = [
  'id',
  'username',
  'display_name',
  'email',
  'password_hash',
  'roles',
  'staff_id',
  'oidc_subject',
  'active',
  'last_login_at',
  'created_at',
  'version',
] as const

type AccountRow = {
  id: string
  username: string
  display_name: string
  email: string | null
  password_hash: string | null
  roles: string[]
  staff_id: string | null
  oidc_subject: string | null
  active: boolean
  last_login_at: Date | null
  created_at: Date
  version: number
}

// schema.ts types defaulted timestamptz columns as Generated<ColumnType<Date, ...>>, which Kysely reads
// as the ColumnType wrapper itself rather than Date; the row type is therefore stated here.
function toAccount(selected: unknown): Account {
  const row = selected as AccountRow
  return {
    id: row.id,
    username: row.username,
    displayName: row.display_name,
    email: row.email,
    roles: row.roles.filter(isRole),
    staffId: row.staff_id,
    oidcSubject: row.oidc_subject,
    active: row.active,
    hasPassword: row.password_hash !== null,
    lastLoginAt: row.last_login_at,
    createdAt: row.created_at,
    version: row.version,
  }
}

function checkRoles(values: readonly string[], errors: FieldError[]): Role[] {
  const unknown = values.filter((r) => !isRole(r))
  if (unknown.length) {
    errors.push({
      field: 'roles',
      reason: `Unknown role ${unknown.map((r) => `"${r}"`).join(', ')}. Roles are: ${allRoles.join(', ')}`,
    })
  } else if (values.length === 0) {
    errors.push({ field: 'roles', reason: 'Select at least one role' })
  }
  return [...new Set(values.filter(isRole))].sort((a, b) => allRoles.indexOf(a) - allRoles.indexOf(b))
}

function checkDisplayName(value: string, errors: FieldError[]): string {
  const name = value.trim()
  if (!name) errors.push({ field: 'displayName', reason: "Enter the person's name" })
  else if (name.length > 200)
    errors.push({ field: 'displayName', reason: 'Name must be 200 characters or fewer' })
  return name
}

function checkEmail(value: string | null | undefined, errors: FieldError[]): string | null {
  const email = value?.trim() || null
  if (email && (!emailPattern.test(email) || email.length > 320)) {
    errors.push({
      field: 'email',
      reason: 'Enter an email address in the correct format, like name@example.com',
    })
  }
  return email
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505'
}

async function recordChange(
  db: Executor,
  entry: {
    id: string
    version: number
    action: 'create' | 'update'
    actor: Actor
    at: Date
    changes: object
  },
) {
  await recordMany(db, [
    {
      table: 'app_user',
      id: entry.id,
      version: entry.version,
      action: entry.action,
      changedBy: entry.actor,
      changedAt: entry.at,
      changes: entry.changes as Record<string, unknown>,
    },
  ])
}

/**
 * Local accounts: creating and changing them, and checking a password at sign-in. Sign-in bookkeeping
 * (last sign-in, a re-hashed password) does not bump `version`: it is not an edit, and an administrator's
 * open form should not go stale because the person signed in.
 */
export function accountService(db: Database, clock: Clock) {
  async function load(executor: Executor, id: string, lock = false): Promise<AccountRow> {
    if (!isUuid(id)) throw new NotFoundError('No such account')
    let query = executor.selectFrom('app_user').select(accountColumns).where('id', '=', id)
    if (lock) query = query.forUpdate()
    const row = await query.executeTakeFirst()
    if (!row) throw new NotFoundError('No such account')
    return row as unknown as AccountRow
  }

  async function findByUsername(username: string): Promise<Account | undefined> {
    const row = await db
      .selectFrom('app_user')
      .select(accountColumns)
      .where('username', '=', normaliseUsername(username))
      .executeTakeFirst()
    return row ? toAccount(row) : undefined
  }

  function checkVersion(row: AccountRow, expected: number | undefined) {
    if (expected !== undefined && row.version !== expected) throw new ConflictError()
  }

  return {
    async count(): Promise<number> {
      const row = await db
        .selectFrom('app_user')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
      return Number(row.n)
    },

    async list(): Promise<Account[]> {
      const rows = await db.selectFrom('app_user').select(accountColumns).orderBy('username').execute()
      return rows.map(toAccount)
    },

    async get(id: string): Promise<Account> {
      return toAccount(await load(db, id))
    },

    findByUsername,

    /** Creates an account; returns it with its password (generated unless one was given) to show once. */
    async create(input: NewAccount, actor: Actor): Promise<{ account: Account; password: string }> {
      const errors: FieldError[] = []
      const username = normaliseUsername(input.username)
      if (!username) errors.push({ field: 'username', reason: 'Enter a username' })
      else if (!usernamePattern.test(username)) {
        errors.push({
          field: 'username',
          reason:
            'Username must be 3 to 64 characters: lower-case letters, digits, full stops, hyphens or underscores',
        })
      }
      const displayName = checkDisplayName(input.displayName, errors)
      const roles = checkRoles(input.roles, errors)
      const email = checkEmail(input.email, errors)
      const staffId = input.staffId?.trim() || null
      if (staffId && !isUuid(staffId)) errors.push({ field: 'staffId', reason: 'Staff id must be a UUID' })
      if (input.password !== undefined) {
        const problem = passwordProblem(input.password, username)
        if (problem) errors.push({ field: 'password', reason: problem })
      }
      if (errors.length) throw new ValidationError(errors)
      const duplicate = new ValidationError([
        { field: 'username', reason: `An account with the username ${username} already exists` },
      ])
      if (await findByUsername(username)) throw duplicate

      const password = input.password ?? generatePassword(username)
      const passwordHash = await hashPassword(password)
      const now = clock.now()
      try {
        const row = await db.transaction().execute(async (trx) => {
          const created = await trx
            .insertInto('app_user')
            .values({
              username,
              display_name: displayName,
              email,
              password_hash: passwordHash,
              roles,
              staff_id: staffId,
              created_at: now as never, // see toAccount on the schema's type for this column
            })
            .returning(accountColumns)
            .executeTakeFirstOrThrow()
          await recordChange(trx, {
            id: created.id,
            version: created.version,
            action: 'create',
            actor,
            at: now,
            changes: { username, displayName, email, roles, staffId, active: true },
          })
          return created
        })
        return { account: toAccount(row), password }
      } catch (error) {
        if (isUniqueViolation(error)) throw duplicate // created by someone else a moment ago
        throw error
      }
    },

    /** Changes name, email, roles or active; `version` is the one the editor saw. */
    async update(
      id: string,
      version: number | undefined,
      changes: AccountChanges,
      actor: Actor,
    ): Promise<Account> {
      const errors: FieldError[] = []
      const displayName =
        changes.displayName === undefined ? undefined : checkDisplayName(changes.displayName, errors)
      const email = changes.email === undefined ? undefined : checkEmail(changes.email, errors)
      const roles = changes.roles === undefined ? undefined : checkRoles(changes.roles, errors)
      if (actor === id && roles && !roles.includes('admin')) {
        errors.push({
          field: 'roles',
          reason: 'You cannot remove the administrator role from your own account',
        })
      }
      if (actor === id && changes.active === false) {
        errors.push({ field: 'active', reason: 'You cannot deactivate your own account' })
      }
      if (errors.length) throw new ValidationError(errors)
      const now = clock.now()
      const row = await db.transaction().execute(async (trx) => {
        const before = await load(trx, id, true)
        checkVersion(before, version)
        const diff: Record<string, { from: unknown; to: unknown }> = {}
        if (displayName !== undefined && displayName !== before.display_name) {
          diff.displayName = { from: before.display_name, to: displayName }
        }
        if (email !== undefined && email !== before.email) diff.email = { from: before.email, to: email }
        if (roles && roles.join(',') !== before.roles.join(','))
          diff.roles = { from: before.roles, to: roles }
        if (changes.active !== undefined && changes.active !== before.active) {
          diff.active = { from: before.active, to: changes.active }
        }
        if (Object.keys(diff).length === 0) return before
        const after = await trx
          .updateTable('app_user')
          .set({
            ...(displayName !== undefined ? { display_name: displayName } : {}),
            ...(email !== undefined ? { email } : {}),
            ...(roles ? { roles } : {}),
            ...(changes.active !== undefined ? { active: changes.active } : {}),
            version: before.version + 1,
          })
          .where('id', '=', id)
          .returning(accountColumns)
          .executeTakeFirstOrThrow()
        // A deactivated account is signed out everywhere at once, not at its sessions' expiry.
        if (changes.active === false) await trx.deleteFrom('user_session').where('user_id', '=', id).execute()
        await recordChange(trx, {
          id,
          version: after.version,
          action: 'update',
          actor,
          at: now,
          changes: diff,
        })
        return after
      })
      return toAccount(row)
    },

    /**
     * Forgets the account's wrong passwords at every address, so the sign-in throttle no longer slows it:
     * for an administrator who knows the attempts were the person's own.
     */
    async unlock(id: string, version: number | undefined, actor: Actor): Promise<Account> {
      const now = clock.now()
      const row = await db.transaction().execute(async (trx) => {
        const before = await load(trx, id, true)
        checkVersion(before, version)
        const after = await trx
          .updateTable('app_user')
          .set({ version: before.version + 1 })
          .where('id', '=', id)
          .returning(accountColumns)
          .executeTakeFirstOrThrow()
        await clearSignInFailures(trx, before.username)
        await recordChange(trx, {
          id,
          version: after.version,
          action: 'update',
          actor,
          at: now,
          changes: { signInFailures: 'cleared' },
        })
        return after
      })
      return toAccount(row)
    },

    /**
     * Sets a new password (generated unless given), forgets its wrong passwords and signs the account out
     * everywhere.
     * Returns the password so it can be shown once.
     */
    async resetPassword(
      id: string,
      version: number | undefined,
      actor: Actor,
      chosen?: string,
    ): Promise<{ account: Account; password: string }> {
      const current = await load(db, id)
      checkVersion(current, version)
      if (chosen !== undefined) {
        const problem = passwordProblem(chosen, current.username)
        if (problem) throw new ValidationError([{ field: 'password', reason: problem }])
      }
      const password = chosen ?? generatePassword(current.username)
      const passwordHash = await hashPassword(password)
      const now = clock.now()
      const row = await db.transaction().execute(async (trx) => {
        const before = await load(trx, id, true)
        checkVersion(before, version ?? current.version)
        const after = await trx
          .updateTable('app_user')
          .set({ password_hash: passwordHash, version: before.version + 1 })
          .where('id', '=', id)
          .returning(accountColumns)
          .executeTakeFirstOrThrow()
        await trx.deleteFrom('user_session').where('user_id', '=', id).execute()
        await clearSignInFailures(trx, before.username)
        // The history says that the password changed, never what to.
        await recordChange(trx, {
          id,
          version: after.version,
          action: 'update',
          actor,
          at: now,
          changes: { password: 'reset' },
        })
        return after
      })
      return { account: toAccount(row), password }
    },

    /**
     * Checks a username and password. An unknown account takes as long to refuse as a wrong password, so
     * timing does not tell them apart; the sign-in throttle counts the failures.
     */
    async signIn(username: string, password: string): Promise<SignInResult> {
      const name = normaliseUsername(username)
      const row = await db
        .selectFrom('app_user')
        .select(['id', 'password_hash', 'active'])
        .where('username', '=', name)
        .executeTakeFirst()
      if (!row) {
        await spendVerifyTime(password)
        return { ok: false, reason: 'unknown-user' }
      }
      if (!row.password_hash) {
        await spendVerifyTime(password)
        return { ok: false, reason: 'no-password' }
      }
      if (!(await verifyPassword(row.password_hash, password))) return { ok: false, reason: 'wrong-password' }
      if (!row.active) return { ok: false, reason: 'inactive' }
      const rehashed = needsRehash(row.password_hash) ? await hashPassword(password) : undefined
      await db
        .updateTable('app_user')
        .set({ last_login_at: clock.now(), ...(rehashed ? { password_hash: rehashed } : {}) })
        .where('id', '=', row.id)
        .execute()
      return { ok: true, userId: row.id }
    },

    /**
     * The account behind an OpenID Connect sign-in: by subject, or on the first sign-in by username, which
     * links the subject. Roles from the identity provider replace the account's when the claim is present.
     */
    async signInWithOidc(claims: {
      subject: string
      preferredUsername: string | undefined
      roles: Role[] | undefined
    }): Promise<{ ok: true; userId: string } | { ok: false; reason: 'unknown-user' | 'inactive' }> {
      const now = clock.now()
      return db.transaction().execute(async (trx) => {
        let row = await trx
          .selectFrom('app_user')
          .select(accountColumns)
          .where('oidc_subject', '=', claims.subject)
          .forUpdate()
          .executeTakeFirst()
        if (!row && claims.preferredUsername) {
          row = await trx
            .selectFrom('app_user')
            .select(accountColumns)
            .where('username', '=', normaliseUsername(claims.preferredUsername))
            .where('oidc_subject', 'is', null)
            .forUpdate()
            .executeTakeFirst()
        }
        if (!row) return { ok: false, reason: 'unknown-user' }
        if (!row.active) return { ok: false, reason: 'inactive' }
        const diff: Record<string, { from: unknown; to: unknown }> = {}
        if (row.oidc_subject !== claims.subject)
          diff.oidcSubject = { from: row.oidc_subject, to: claims.subject }
        if (claims.roles && claims.roles.join(',') !== row.roles.join(',')) {
          diff.roles = { from: row.roles, to: claims.roles }
        }
        const changed = Object.keys(diff).length > 0
        await trx
          .updateTable('app_user')
          .set({
            last_login_at: now,
            ...(changed
              ? { oidc_subject: claims.subject, roles: claims.roles ?? row.roles, version: row.version + 1 }
              : {}),
          })
          .where('id', '=', row.id)
          .execute()
        if (changed) {
          await recordChange(trx, {
            id: row.id,
            version: row.version + 1,
            action: 'update',
            actor: 'system:oidc',
            at: now,
            changes: diff,
          })
        }
        return { ok: true, userId: row.id }
      })
    },
  }
}

export type AccountService = ReturnType<typeof accountService>
