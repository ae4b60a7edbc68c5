import type { FastifyInstance } from 'fastify'
import { z } from 'zod'
import type { Services } from '../../services.ts'
import { allow } from '../access/access.ts'
import { roleLabels, roles } from '../access/roles.ts'
import { ValidationError } from '../http/errors.ts'
import { type FormBody, formText } from '../http/form-body.ts'
import { checkboxes, recordVersion, text, yesNo } from '../http/form-fields.ts'
import { page, view } from '../http/page.ts'
import type { Account } from './accounts.ts'

const admin = allow('admin')
const roleOptions = roles.map((value) => ({ value, text: roleLabels[value] }))

const missingVersion = 'The form is missing the record version: reload the page'

// The fields in the order the pages show them (auth/users/new.njk and edit.njk with fields.njk); the
// accounts service checks each value and names the field it refuses.
const newAccountForm = z.object({
  username: text(),
  displayName: text(),
  email: text(),
  roles: checkboxes(),
  staffId: text(),
})

const accountForm = z.object({
  displayName: text(),
  email: text(),
  roles: checkboxes(),
  active: yesNo('Select whether the account is active'),
  version: recordVersion(missingVersion),
})

function version(body: FormBody): number {
  const value = Number.parseInt(formText(body, 'version'), 10)
  if (!Number.isInteger(value) || value < 1) {
    throw new ValidationError([{ field: 'version', reason: missingVersion }])
  }
  return value
}

const savedMessages = new Map([
  ['unlocked', 'Wrong passwords cleared: sign-in is no longer held back'],
  ['1', 'Changes saved'],
])

/** Administrators' pages for accounts: list, create, change roles and status, unlock, reset password. */
export function adminUserRoutes(app: FastifyInstance, services: Services) {
  const { accounts, signIns } = services

  page(app, '/admin/users', {
    access: admin,
    get: async () => {
      const all = await accounts.list()
      const slowed = await signIns.slowedAccounts()
      return view('auth/users/list.njk', {
        pageTitle: 'Users',
        accounts: all.map((a) => ({
          ...a,
          roleNames: a.roles.map((r) => roleLabels[r]),
          slowed: slowed.has(a.username),
        })),
      })
    },
  })

  page(app, '/admin/users/new', {
    access: admin,
    form: newAccountForm,
    action: '/admin/users',
    get: async ({ form }) =>
      view('auth/users/new.njk', {
        pageTitle: 'Create an account',
        roleOptions,
        values: form?.values ?? { roles: [] },
      }),
    post: async ({ input, principal }) => {
      const { account, password } = await accounts.create(input, principal.id)
      // The password is shown on this response only: it is not stored anywhere it could be read again,
      // so this answer is a page rather than a redirect.
      return view('auth/users/password.njk', {
        pageTitle: 'Account created',
        heading: 'Account created',
        account,
        password,
      })
    },
  })

  const valuesOf = (account: Account) => ({
    displayName: account.displayName,
    email: account.email ?? '',
    roles: account.roles,
    active: account.active ? 'yes' : 'no',
  })

  page(app, '/admin/users/:id', {
    access: admin,
    form: accountForm,
    get: async ({ params, query, form }) => {
      const account = await accounts.get(params.id as string)
      const holds = await signIns.holdsOn(account.username)
      return view('auth/users/edit.njk', {
        pageTitle: `Account: ${account.username}`,
        account,
        holds,
        held: holds.slowedUntil !== null || holds.lockedAddresses.length > 0,
        values: form?.values ?? valuesOf(account),
        roleOptions,
        saved: form ? undefined : savedMessages.get(formText(query, 'saved')),
      })
    },
    post: async ({ params, input: { version: expected, ...input }, principal }) => {
      await accounts.update(params.id as string, expected, input, principal.id)
      return `/admin/users/${params.id}?saved=1`
    },
  })

  app.post('/admin/users/:id/unlock', { config: { access: admin } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    await accounts.unlock(id, version(request.body as FormBody), request.principal?.id ?? 'unknown')
    return reply.redirect(`/admin/users/${id}?saved=unlocked`, 303)
  })

  app.post('/admin/users/:id/reset-password', { config: { access: admin } }, async (request, reply) => {
    const { id } = request.params as { id: string }
    const { account, password } = await accounts.resetPassword(
      id,
      version(request.body as FormBody),
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
