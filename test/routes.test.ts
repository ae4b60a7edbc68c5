import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { permits } from '../src/platform/access/access.ts'
import { type Role, roles } from '../src/platform/access/roles.ts'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from './app.ts'

/**
 * The access rules of the whole application: every route declares who may use it, each role gets what
 * the table below says, anonymous callers are sent to sign in (pages) or refused (API), and a form post
 * without the session's CSRF token changes nothing.
 */

let kestrel: TestKestrel
const users = new Map<Role, SignedInUser>()

beforeAll(async () => {
  kestrel = await testKestrel()
  for (const role of roles) users.set(role, await signIn(kestrel, [role]))
})
afterAll(() => kestrel.close())

describe('route declarations', () => {
  it('every registered route declares who may use it', () => {
    const routes = kestrel.app.routeRegistry
    expect(routes.length).toBeGreaterThan(10)
    const undeclared = routes
      .filter((route) => !route.config?.access)
      .map((route) => `${[route.method].flat().join(',')} ${route.url}`)
    expect(undeclared).toEqual([])
  })

  it('the registry holds the routes the app serves', () => {
    const urls = new Set(kestrel.app.routeRegistry.map((r) => r.url))
    for (const url of ['/', '/api/v1/me', '/api/docs', '/metrics', '/admin/api-tokens']) {
      expect(urls, url).toContain(url)
    }
  })
})

const everyone = 'everyone'
const adminOnly: Role[] = ['admin']

/** The explicit expectation: who gets 200; every other role gets 403. */
const matrix: { url: string; allowed: Role[] | typeof everyone; api: boolean }[] = [
  { url: '/', allowed: everyone, api: false },
  { url: '/api/v1/me', allowed: everyone, api: true },
  { url: '/api/docs', allowed: everyone, api: false },
  { url: '/api/docs/openapi.json', allowed: everyone, api: true },
  { url: '/admin/api-tokens', allowed: adminOnly, api: false },
  { url: '/admin/api-tokens/new', allowed: adminOnly, api: false },
  { url: '/metrics', allowed: adminOnly, api: true },
]

describe('role matrix', () => {
  for (const { url, allowed, api } of matrix) {
    it(`GET ${url}`, async () => {
      const outcomes: Record<string, number> = {}
      const expected: Record<string, number> = {}
      for (const role of roles) {
        const response = await kestrel.app.inject({ url, headers: { cookie: users.get(role)?.cookie } })
        outcomes[role] = response.statusCode
        expected[role] = allowed === everyone || allowed.includes(role) ? 200 : 403
      }
      expect(outcomes).toEqual(expected)

      const anonymous = await kestrel.app.inject(url)
      if (api) {
        expect(anonymous.statusCode).toBe(401)
        expect(anonymous.headers['content-type']).toContain('application/problem+json')
      } else {
        expect(anonymous.statusCode).toBe(303)
        expect(anonymous.headers.location).toBe(`/login?returnTo=${encodeURIComponent(url)}`)
      }
    })
  }

  it('every other admin page refuses the roles it does not declare, and opens for one it does', async () => {
    const listed = new Set(matrix.map((m) => m.url))
    const pages = kestrel.app.routeRegistry.filter(
      (r) =>
        [r.method].flat().includes('GET') &&
        r.url.startsWith('/admin/') &&
        !r.url.includes(':') &&
        !r.url.includes('*') &&
        !listed.has(r.url),
    )
    for (const page of pages) {
      const access = page.config?.access
      for (const role of roles) {
        const response = await kestrel.app.inject({
          url: page.url,
          headers: { cookie: users.get(role)?.cookie },
        })
        if (access && permits(access, [role]))
          expect(response.statusCode, `${role} ${page.url}`).not.toBe(403)
        else expect(response.statusCode, `${role} ${page.url}`).toBe(403)
      }
      const anonymous = await kestrel.app.inject(page.url)
      expect(anonymous.statusCode, `anonymous ${page.url}`).toBe(303)
    }
  })
})

describe('API tokens', () => {
  async function token(roleList: Role[], expiresOn: string | null = null) {
    const created = await kestrel.services.apiTokens.create(
      { name: `client ${roleList.join(' ')}`, roles: roleList, expiresOn },
      { id: 'test', username: 'test' },
    )
    return created
  }
  const bearer = (value: string) => ({ authorization: `Bearer ${value}` })

  it('identifies a token holder on the API with the token’s roles only', async () => {
    const { token: value } = await token(['officer'])
    const me = await kestrel.app.inject({ url: '/api/v1/me', headers: bearer(value) })
    expect(me.statusCode).toBe(200)
    expect(me.json()).toMatchObject({ kind: 'token', roles: ['officer'], displayName: 'client officer' })
    expect((await kestrel.app.inject({ url: '/metrics', headers: bearer(value) })).statusCode).toBe(403)
  })

  it('lets a token with the admin role read metrics, including request durations by route', async () => {
    const { token: value } = await token(['admin'])
    await kestrel.app.inject({ url: '/api/v1/me', headers: bearer(value) })
    const response = await kestrel.app.inject({ url: '/metrics', headers: bearer(value) })
    expect(response.statusCode).toBe(200)
    expect(response.body).toContain('kestrel_process_cpu_user_seconds_total')
    expect(response.body).toMatch(/kestrel_http_request_duration_seconds_count\{[^}]*route="\/api\/v1\/me"/)
  })

  it('refuses an unknown, revoked or expired token', async () => {
    expect(
      (await kestrel.app.inject({ url: '/api/v1/me', headers: bearer('kst_nonsense') })).statusCode,
    ).toBe(401)
    const revoked = await token(['officer'])
    await kestrel.services.apiTokens.revoke(revoked.id, { id: 'test', username: 'test' })
    expect((await kestrel.app.inject({ url: '/api/v1/me', headers: bearer(revoked.token) })).statusCode).toBe(
      401,
    )
    const expired = await token(['officer'], '2099-01-01')
    await kestrel.services.db
      .updateTable('api_token')
      .set({ expires_at: new Date(Date.now() - 1000) })
      .where('id', '=', expired.id)
      .execute()
    expect((await kestrel.app.inject({ url: '/api/v1/me', headers: bearer(expired.token) })).statusCode).toBe(
      401,
    )
  })

  it('does not accept a token on the web pages', async () => {
    const { token: value } = await token(['admin'])
    const response = await kestrel.app.inject({ url: '/admin/api-tokens', headers: bearer(value) })
    expect(response.statusCode).toBe(303)
  })
})

describe('CSRF', () => {
  it('refuses a signed-in form post without the session’s token, and changes nothing', async () => {
    const admin = users.get('admin') as SignedInUser
    const before = await kestrel.services.apiTokens.list()
    const forged = await kestrel.app.inject({
      method: 'POST',
      url: '/admin/api-tokens',
      headers: { cookie: admin.cookie },
      payload: { name: 'forged', roles: 'admin' },
    })
    expect(forged.statusCode).toBe(403)
    const wrong = await kestrel.app.inject({
      method: 'POST',
      url: '/admin/api-tokens',
      headers: { cookie: admin.cookie },
      payload: { name: 'forged', roles: 'admin', _csrf: 'not-the-token' },
    })
    expect(wrong.statusCode).toBe(403)
    expect(await kestrel.services.apiTokens.list()).toHaveLength(before.length)

    const genuine = await kestrel.app.inject({
      method: 'POST',
      url: '/admin/api-tokens',
      headers: { cookie: admin.cookie },
      payload: { name: 'genuine', roles: 'admin', _csrf: admin.csrfToken },
    })
    expect(genuine.statusCode).toBe(200)
    expect(await kestrel.services.apiTokens.list()).toHaveLength(before.length + 1)
  })

  it('refuses sign-out without the token', async () => {
    const user = await signIn(kestrel, ['officer'])
    const forged = await kestrel.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: user.cookie },
      payload: {},
    })
    expect(forged.statusCode).toBe(403)
    expect((await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })).statusCode).toBe(200)
    const genuine = await kestrel.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: user.cookie },
      payload: { _csrf: user.csrfToken },
    })
    expect(genuine.statusCode).toBe(303)
    expect((await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })).statusCode).toBe(303)
  })
})
