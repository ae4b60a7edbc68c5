import type { FastifyInstance, FastifyReply } from 'fastify'
import type { Services } from '../../services.ts'
import { allow } from '../access/access.ts'
import { roleLabels, roles } from '../access/roles.ts'
import { ValidationError } from '../http/errors.ts'
import type { Account } from './accounts.ts'
import { inlineErrors, type SummaryError, summaryErrors } from './form-errors.ts'
import { isLocked } from './lockout.ts'

const admin = allow('admin')
const roleOptions = roles.map((value) => ({ value, text: roleLabels[value] }))
// The role checkboxes are one group; the error summary links to the first box.
const fieldIds = { roles: 'roles', displayName: 'displayName', staffId: 'staffId' }

type Form = Record<string, unknown>

function text(body: Form, name: string): string {
  const value = body[name]
  return typeof value === 'string' ? value : ''
}

function list(body: Form, name: string): string[] {
  const value = body[name]
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string')
  return typeof value === 'string' && value ? [value] : []
}

function version(body: Form): number {
  const value = Number.parseInt(text(body, 'version'), 10)
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError([
      { field: 'version', reason: 'The form is missing the record version: reload the page' },
    ])
  }
  return value
}

/** Administrators' pages for accounts: list, create, change roles and status, unlock, reset password. */
export function adminUserRoutes(app: FastifyInstance, services: Services) {
  const { accounts, clock } = services

  function renderEdit(
    reply: FastifyReply,
    account: Account,
    extra: { errors?: SummaryError[]; values?: Record<string, unknown>; saved?: string } = {},
  ) {
    const errors = extra.errors ?? []
    return reply.render('auth/users/edit.njk', {
      pageTitle: `Account: ${account.username}`,
      account,
      locked: isLocked(account.lockedUntil, clock.now()),
      values: extra.values ?? {
        displayName: account.displayName,
        email: account.email ?? '',
        roles: account.roles,
        active: account.active ? 'yes' : 'no',
      },
      roleOptions,
      errors,
      fieldErrors: inlineErrors(errors),
      saved: extra.saved,
    })
  }

  app.get('/admin/users', { config: { access: admin } }, async (_request, reply) => {
    const now = clock.now()
    const all = await accounts.list()
    return reply.render('auth/users/list.njk', {
      pageTitle: 'Users',
      accounts: all.map((a) => ({
        ...a,
        roleNames: a.roles.map((r) => roleLabels[r]),
        locked: isLocked(a.lockedUntil, now),
      })),
    })
  })

  app.get('/admin/users/new', { config: { access: admin } }, async (_request, reply) =>
    reply.render('auth/users/new.njk', {
      pageTitle: 'Create an account',
      roleOptions,
      values: { roles: [] },
    }),
  )

  app.post('/admin/users', { config: { access: admin } }, async (request, reply) => {
    const body = (request.body ?? {}) as Form
    const values = {
      username: text(body, 'username'),
      displayName: text(body, 'displayName'),
      email: text(body, 'email'),
      staffId: text(body, 'staffId'),
      roles: list(body, 'roles'),
    }
    try {
      const { account, password } = await accounts.create(values, request.principal?.id ?? 'unknown')
      // The password is shown on this response only: it is not stored anywhere it could be read again.
      return reply.render('auth/users/password.njk', {
        pageTitle: 'Account created',
        heading: 'Account created',
        account,
        password,
      })
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      const errors = summaryErrors(error.errors, fieldIds)
      return reply.code(400).render('auth/users/new.njk', {
        pageTitle: 'Create an account',
        roleOptions,
        values,
        errors,
        fieldErrors: inlineErrors(errors),
      })
    }
  })

  app.get('/admin/users/:id', { config: { access: admin } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const saved = (request.query as Record<string, unknown>).saved
    return renderEdit(reply, await accounts.get(id), {
      saved: saved === 'unlocked' ? 'Account unlocked' : saved === '1' ? 'Changes saved' : undefined,
    })
  })

  app.post('/admin/users/:id', { config: { access: admin } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const body = (request.body ?? {}) as Form
    const values = {
      displayName: text(body, 'displayName'),
      email: text(body, 'email'),
      roles: list(body, 'roles'),
      active: text(body, 'active'),
    }
    const errors: SummaryError[] = []
    if (values.active !== 'yes' && values.active !== 'no') {
      errors.push({ text: 'Select whether the account is active', href: '#active' })
    }
    try {
      const expected = version(body)
      if (errors.length === 0) {
        await accounts.update(
          id,
          expected,
          {
            displayName: values.displayName,
            email: values.email,
            roles: values.roles,
            active: values.active === 'yes',
          },
          request.principal?.id ?? 'unknown',
        )
        return reply.redirect(`/admin/users/${id}?saved=1`, 303)
      }
    } catch (error) {
      if (!(error instanceof ValidationError)) throw error
      errors.push(...summaryErrors(error.errors, fieldIds))
    }
    return renderEdit(reply.code(400), await accounts.get(id), { errors, values })
  })

  app.post('/admin/users/:id/unlock', { config: { access: admin } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await accounts.unlock(id, version((request.body ?? {}) as Form), request.principal?.id ?? 'unknown')
    return reply.redirect(`/admin/users/${id}?saved=unlocked`, 303)
  })

  app.post('/admin/users/:id/reset-password', { config: { access: admin } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const { account, password } = await accounts.resetPassword(
      id,
      version((request.body ?? {}) as Form),
      request.principal?.id ?? 'unknown',
    )
    return reply.render('auth/users/password.njk', {
      pageTitle: 'Password reset',
      heading: 'Password reset',
      account,
      password,
      reset: true,
    })
  })
}
