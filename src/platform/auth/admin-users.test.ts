import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Role } from '../access/roles.ts'

describe('admin pages for users', () => {
  let kestrel: TestKestrel
  let admin: SignedInUser

  beforeAll(async () => {
    kestrel = await testKestrel()
    admin = await signIn(kestrel, ['admin'])
  })
  afterAll(() => kestrel.close())

  const post = (url: string, form: Record<string, string | string[]>, user: SignedInUser = admin) =>
    kestrel.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams(
        Object.entries({ ...form, _csrf: user.csrfToken }).flatMap(([k, v]) =>
          (Array.isArray(v) ? v : [v]).map((one): [string, string] => [k, one]),
        ),
      ).toString(),
    })

  it.each<Role[]>([['officer'], ['supervisor'], ['force_lead'], ['partner']])(
    'refuses %s with 403',
    async (role) => {
      const user = await signIn(kestrel, [role])
      for (const url of ['/admin/users', '/admin/users/new', `/admin/users/${admin.userId}`]) {
        expect((await kestrel.app.inject({ url, headers: { cookie: user.cookie } })).statusCode).toBe(403)
      }
      const created = await post(
        '/admin/users',
        { username: 'sneaky', displayName: 'S', roles: 'admin' },
        user,
      )
      expect(created.statusCode).toBe(403)
      expect(await kestrel.services.accounts.findByUsername('sneaky')).toBeUndefined()
    },
  )

  it('shows the Users menu item to administrators only', async () => {
    const home = await kestrel.app.inject({ url: '/', headers: { cookie: admin.cookie } })
    expect(home.body).toContain('href="/admin/users"')
    const officer = await signIn(kestrel, ['officer'])
    const theirs = await kestrel.app.inject({ url: '/', headers: { cookie: officer.cookie } })
    expect(theirs.body).not.toContain('href="/admin/users"')
  })

  it('creates an account and shows its generated password once', async () => {
    const response = await post('/admin/users', {
      username: 'Sam.Sergeant',
      displayName: 'Sam Sergeant',
      email: 'sam@example.police.uk',
      roles: ['supervisor', 'officer'],
    })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('Account created')
    const password = /<code[^>]*>([^<]+)<\/code>/.exec(response.body)?.[1] ?? ''
    expect(password).toMatch(/^([a-z2-9]{4}-){5}[a-z2-9]{4}$/)
    expect(await kestrel.services.accounts.signIn('sam.sergeant', password)).toMatchObject({ ok: true })
    const account = await kestrel.services.accounts.findByUsername('sam.sergeant')
    expect(account).toMatchObject({
      roles: ['officer', 'supervisor'],
      email: 'sam@example.police.uk',
      version: 1,
    })
    const listing = await kestrel.app.inject({ url: '/admin/users', headers: { cookie: admin.cookie } })
    expect(listing.body).toContain('sam.sergeant')
    expect(listing.body).toContain('Sam Sergeant')
    expect(listing.body).not.toContain(password)
  })

  it('re-shows the form with errors naming each field, and writes nothing', async () => {
    const response = await post('/admin/users', {
      username: 'x',
      displayName: '',
      roles: ['wizard'],
      email: 'nope',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('There is a problem')
    expect(response.body).toContain('href="#username"')
    expect(response.body).toContain('href="#displayName"')
    expect(response.body).toContain('href="#roles"')
    expect(response.body).toContain('href="#email"')
    expect(response.body).toContain('Unknown role &quot;wizard&quot;')
    expect(response.body).toContain('value="x"')
    expect(await kestrel.services.accounts.findByUsername('x')).toBeUndefined()

    const duplicate = await post('/admin/users', {
      username: 'sam.sergeant',
      displayName: 'Another Sam',
      roles: 'officer',
    })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toContain('An account with the username sam.sergeant already exists')
  })

  it('lists the errors in the order the fields appear on the create and edit forms', async () => {
    const links = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])
    const created = await post('/admin/users', {
      username: 'x',
      displayName: '',
      roles: ['wizard'],
      email: 'nope',
    })
    expect(created.statusCode).toBe(400)
    expect(links(created.body)).toEqual(['#username', '#displayName', '#email', '#roles'])
    const account = await kestrel.services.accounts.create(
      { username: 'order.check', displayName: 'Order Check', roles: ['officer'] },
      admin.userId,
    )
    const edited = await post(`/admin/users/${account.account.id}`, {
      displayName: '',
      email: 'nope',
      active: 'no',
      version: '1',
    })
    expect(edited.statusCode).toBe(400)
    expect(links(edited.body)).toEqual(['#displayName', '#email', '#roles'])
    expect(await kestrel.services.accounts.get(account.account.id)).toMatchObject({
      version: 1,
      active: true,
    })
  })

  it('edits roles and status with the version the editor saw, and refuses a stale one with 409', async () => {
    const account = await kestrel.services.accounts.findByUsername('sam.sergeant')
    const id = account?.id ?? ''
    const page = await kestrel.app.inject({ url: `/admin/users/${id}`, headers: { cookie: admin.cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('name="version" value="1"')

    const saved = await post(`/admin/users/${id}`, {
      version: '1',
      displayName: 'Sam Sergeant',
      email: '',
      roles: ['supervisor', 'mash'],
      active: 'no',
    })
    expect(saved.statusCode).toBe(303)
    const after = await kestrel.services.accounts.get(id)
    expect(after).toMatchObject({ roles: ['supervisor', 'mash'], active: false, email: null, version: 2 })

    const stale = await post(`/admin/users/${id}`, {
      version: '1',
      displayName: 'Sam',
      roles: 'officer',
      active: 'yes',
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else changed this record')
    expect((await kestrel.services.accounts.get(id)).roles).toEqual(['supervisor', 'mash'])

    const history = await kestrel.services.db
      .selectFrom('change_history')
      .select(['version', 'action', 'changed_by'])
      .where('record_table', '=', 'app_user')
      .where('record_id', '=', id)
      .orderBy('id')
      .execute()
    expect(history).toEqual([
      { version: 1, action: 'create', changed_by: admin.userId },
      { version: 2, action: 'update', changed_by: admin.userId },
    ])
  })

  it('does not let an administrator remove their own admin role', async () => {
    const me = await kestrel.services.accounts.get(admin.userId)
    const response = await post(`/admin/users/${admin.userId}`, {
      version: String(me.version),
      displayName: me.displayName,
      roles: 'officer',
      active: 'yes',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('You cannot remove the administrator role from your own account')
  })

  it('clears the wrong passwords that slow an account, and resets a password, each bumping the version', async () => {
    const { account } = await kestrel.services.accounts.create(
      {
        username: 'locked.out',
        displayName: 'Locked Out',
        roles: ['officer'],
        password: 'the-first-password',
      },
      'test',
    )
    // Five attempts from five addresses that never succeed: each counts as a wrong password.
    for (let i = 1; i <= 5; i++)
      await kestrel.services.signIns.begin({ username: 'locked.out', address: `192.0.2.${i}` })
    const slowed = await kestrel.app.inject({
      url: `/admin/users/${account.id}`,
      headers: { cookie: admin.cookie },
    })
    expect(slowed.body).toContain('After 5 wrong passwords in a row')
    expect(slowed.body).toContain('Clear wrong passwords')
    const listing = await kestrel.app.inject({ url: '/admin/users', headers: { cookie: admin.cookie } })
    expect(listing.body).toContain('Sign-in slowed')

    const unlocked = await post(`/admin/users/${account.id}/unlock`, { version: '1' })
    expect(unlocked.statusCode).toBe(303)
    expect(await kestrel.services.accounts.get(account.id)).toMatchObject({ version: 2 })
    expect(await kestrel.services.signIns.holdsOn('locked.out')).toEqual({
      failures: 0,
      slowedUntil: null,
      lockedAddresses: [],
    })
    expect((await post(`/admin/users/${account.id}/unlock`, { version: '1' })).statusCode).toBe(409)

    const session = await kestrel.services.sessions.create(account.id, {})
    const reset = await post(`/admin/users/${account.id}/reset-password`, { version: '2' })
    expect(reset.statusCode).toBe(200)
    expect(reset.body).toContain('Password reset')
    const password = /<code[^>]*>([^<]+)<\/code>/.exec(reset.body)?.[1] ?? ''
    expect(await kestrel.services.accounts.signIn('locked.out', 'the-first-password')).toMatchObject({
      ok: false,
    })
    expect(await kestrel.services.accounts.signIn('locked.out', password)).toMatchObject({ ok: true })
    expect(await kestrel.services.sessions.find(session.token)).toBeUndefined()
    expect((await kestrel.services.accounts.get(account.id)).version).toBe(3)
    expect((await post(`/admin/users/${account.id}/reset-password`, { version: '2' })).statusCode).toBe(409)
  })

  it('answers 404 for an unknown account', async () => {
    const missing = await kestrel.app.inject({
      url: '/admin/users/00000000-0000-0000-0000-000000000000',
      headers: { cookie: admin.cookie },
    })
    expect(missing.statusCode).toBe(404)
    expect(
      (await kestrel.app.inject({ url: '/admin/users/not-a-uuid', headers: { cookie: admin.cookie } }))
        .statusCode,
    ).toBe(404)
  })
})
