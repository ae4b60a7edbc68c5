import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import type { Clock } from '../clock.ts'

/** A clock the test moves by hand, to step past lockouts. */
function movableClock(start: Date): Clock & { advance(ms: number): void } {
  let now = start.getTime()
  return {
    now: () => new Date(now),
    advance(ms) {
      now += ms
    },
  }
}

function cookieFrom(setCookie: string | string[] | undefined, name: string): string | undefined {
  const all = Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []
  const found = all.find((c) => c.startsWith(`${name}=`))
  return found?.split(';')[0]
}

/** Loads the sign-in page as a browser would, and returns what its form needs to be posted. */
async function openLoginPage(kestrel: TestKestrel, ip = '10.0.0.1', query = '') {
  const page = await kestrel.app.inject({ url: `/login${query}`, remoteAddress: ip })
  expect(page.statusCode).toBe(200)
  const cookie = cookieFrom(page.headers['set-cookie'], 'kestrel_login_csrf') ?? ''
  const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
  const returnTo = /name="returnTo" value="([^"]*)"/.exec(page.body)?.[1] ?? ''
  return { cookie, csrf, returnTo, body: page.body }
}

async function postLogin(
  kestrel: TestKestrel,
  form: { username: string; password: string; returnTo?: string },
  options: { ip?: string; extraCookie?: string } = {},
) {
  const ip = options.ip ?? '10.0.0.1'
  const page = await openLoginPage(kestrel, ip)
  return kestrel.app.inject({
    method: 'POST',
    url: '/login',
    remoteAddress: ip,
    headers: { cookie: [page.cookie, options.extraCookie].filter(Boolean).join('; ') },
    payload: {
      _csrf: page.csrf,
      returnTo: form.returnTo ?? page.returnTo,
      username: form.username,
      password: form.password,
    },
  })
}

const password = 'a-long-enough-test-password'

describe('signing in with a local account', () => {
  let kestrel: TestKestrel
  const clock = movableClock(new Date('2024-05-01T09:00:00Z'))
  let ipCounter = 0
  const freshIp = () => `10.1.0.${++ipCounter}`

  beforeAll(async () => {
    kestrel = await testKestrel({
      clock,
      env: { KESTREL_SECURE_COOKIES: 'true', KESTREL_SESSION_HOURS: '8' },
    })
    for (const username of ['jo.bloggs', 'lock.me', 'asleep']) {
      await kestrel.services.accounts.create(
        { username, displayName: `Name of ${username}`, roles: ['officer'], password },
        'test',
      )
    }
    const asleep = await kestrel.services.accounts.findByUsername('asleep')
    await kestrel.services.accounts.update(asleep?.id ?? '', undefined, { active: false }, 'test')
  })
  afterAll(() => kestrel.close())

  it('shows the sign-in form', async () => {
    const page = await openLoginPage(kestrel)
    expect(page.body).toContain('Sign in to Kestrel')
    expect(page.body).toContain('autocomplete="current-password"')
    expect(page.body).not.toContain('Sign in with your force account')
  })

  it('signs in, sets a secure session cookie and shows the person their name', async () => {
    const response = await postLogin(kestrel, { username: 'Jo.Bloggs', password }, { ip: freshIp() })
    expect(response.statusCode).toBe(303)
    expect(response.headers.location).toBe('/')
    const setCookie = [response.headers['set-cookie']].flat().find((c) => c?.startsWith('kestrel_session='))
    expect(setCookie).toMatch(/HttpOnly/i)
    expect(setCookie).toMatch(/SameSite=Lax/i)
    expect(setCookie).toMatch(/Path=\//)
    expect(setCookie).toMatch(/Secure/)
    expect(setCookie).toMatch(/Max-Age=28800/)
    const cookie = cookieFrom(response.headers['set-cookie'], 'kestrel_session') ?? ''
    const home = await kestrel.app.inject({ url: '/', headers: { cookie } })
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('Name of jo.bloggs')
  })

  it('replaces a session token the browser already held', async () => {
    const first = await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip: freshIp() })
    const oldCookie = cookieFrom(first.headers['set-cookie'], 'kestrel_session') ?? ''
    const page = await kestrel.app.inject({ url: '/login?returnTo=/x', headers: { cookie: oldCookie } })
    expect(page.statusCode).toBe(303) // already signed in: straight on
    // A token planted in the browser is never promoted to a signed-in session.
    const planted = await postLogin(
      kestrel,
      { username: 'jo.bloggs', password },
      { ip: freshIp(), extraCookie: 'kestrel_session=planted' },
    )
    expect(cookieFrom(planted.headers['set-cookie'], 'kestrel_session')).not.toBe('kestrel_session=planted')
    // Signing in again over a live session ends that session (the form then carries the session's token).
    const home = await kestrel.app.inject({ url: '/', headers: { cookie: oldCookie } })
    const sessionCsrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? ''
    const second = await kestrel.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: freshIp(),
      headers: { cookie: oldCookie },
      payload: { _csrf: sessionCsrf, username: 'jo.bloggs', password },
    })
    expect(second.statusCode).toBe(303)
    const newCookie = cookieFrom(second.headers['set-cookie'], 'kestrel_session')
    expect(newCookie).toBeDefined()
    expect(newCookie).not.toBe(oldCookie)
    expect((await kestrel.app.inject({ url: '/', headers: { cookie: oldCookie } })).statusCode).toBe(303)
    expect((await kestrel.app.inject({ url: '/', headers: { cookie: newCookie } })).statusCode).toBe(200)
  })

  it('honours a returnTo path on this site only', async () => {
    const ok = await postLogin(
      kestrel,
      { username: 'jo.bloggs', password, returnTo: '/admin/users?page=2' },
      { ip: freshIp() },
    )
    expect(ok.headers.location).toBe('/admin/users?page=2')
    for (const evil of ['//evil.example', 'https://evil.example', '/\\evil.example', ' //evil.example']) {
      const response = await postLogin(
        kestrel,
        { username: 'jo.bloggs', password, returnTo: evil },
        { ip: freshIp() },
      )
      expect(response.statusCode).toBe(303)
      expect(response.headers.location).toBe('/')
    }
    const page = await openLoginPage(kestrel, freshIp(), `?returnTo=${encodeURIComponent('//evil.example')}`)
    expect(page.returnTo).toBe('/')
  })

  it('asks for missing fields by name', async () => {
    const response = await postLogin(kestrel, { username: '', password: '' }, { ip: freshIp() })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('Enter your username')
    expect(response.body).toContain('Enter your password')
  })

  it('refuses a post without the sign-in form token', async () => {
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: freshIp(),
      payload: { username: 'jo.bloggs', password },
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['set-cookie']?.toString()).not.toContain('kestrel_session=')
  })

  it('gives one message for a wrong password, an unknown user and an inactive account', async () => {
    const wrong = await postLogin(
      kestrel,
      { username: 'jo.bloggs', password: 'not-the-password' },
      { ip: freshIp() },
    )
    const unknown = await postLogin(kestrel, { username: 'no.such.person', password }, { ip: freshIp() })
    const inactive = await postLogin(kestrel, { username: 'asleep', password }, { ip: freshIp() })
    const strip = (body: string) =>
      body.replace(/value="[^"]*"/g, '').replace(/nonce-[^'"]+|nonce="[^"]*"/g, '')
    for (const response of [wrong, unknown, inactive]) {
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('Enter a correct username and password')
    }
    expect(strip(wrong.body)).toBe(strip(unknown.body))
    expect(strip(wrong.body)).toBe(strip(inactive.body))
    // A wrong password was not a reason to forget the right one: jo.bloggs can still sign in.
    expect(
      (await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip: freshIp() })).statusCode,
    ).toBe(303)
  })

  it('locks an account after 5 wrong passwords in a row, for 15 minutes', async () => {
    for (let i = 0; i < 5; i++) {
      const response = await postLogin(
        kestrel,
        { username: 'lock.me', password: `wrong-password-${i}` },
        { ip: freshIp() },
      )
      expect(response.statusCode).toBe(400)
    }
    const account = await kestrel.services.accounts.findByUsername('lock.me')
    expect(account?.lockedUntil).toEqual(new Date(clock.now().getTime() + 15 * 60_000))

    // While locked even the right password is refused, with the same message.
    const locked = await postLogin(kestrel, { username: 'lock.me', password }, { ip: freshIp() })
    expect(locked.statusCode).toBe(400)
    expect(locked.body).toContain('Enter a correct username and password')

    clock.advance(14 * 60_000)
    expect((await postLogin(kestrel, { username: 'lock.me', password }, { ip: freshIp() })).statusCode).toBe(
      400,
    )
    clock.advance(60_000)
    const after = await postLogin(kestrel, { username: 'lock.me', password }, { ip: freshIp() })
    expect(after.statusCode).toBe(303)
    const reset = await kestrel.services.accounts.findByUsername('lock.me')
    expect(reset?.failedLogins).toBe(0)
    expect(reset?.lockedUntil).toBeNull()
  })

  it('resets the failure count on a successful sign-in', async () => {
    for (let i = 0; i < 4; i++)
      await postLogin(kestrel, { username: 'jo.bloggs', password: 'wrong-password!' }, { ip: freshIp() })
    expect(
      (await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip: freshIp() })).statusCode,
    ).toBe(303)
    await postLogin(kestrel, { username: 'jo.bloggs', password: 'wrong-password!' }, { ip: freshIp() })
    const account = await kestrel.services.accounts.findByUsername('jo.bloggs')
    expect(account?.failedLogins).toBe(1)
    expect(account?.lockedUntil).toBeNull()
  })

  it('answers 429 after 10 attempts from one address in 5 minutes', async () => {
    const ip = freshIp()
    for (let i = 0; i < 10; i++) {
      expect(
        (await postLogin(kestrel, { username: 'nobody.here', password: 'wrong-password!' }, { ip }))
          .statusCode,
      ).toBe(400)
    }
    const limited = await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip })
    expect(limited.statusCode).toBe(429)
    expect(limited.headers['retry-after']).toBeDefined()
    expect(limited.body).toContain('Too many attempts to sign in')
    // Another address is not affected.
    expect(
      (await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip: freshIp() })).statusCode,
    ).toBe(303)
    clock.advance(5 * 60_000)
    expect((await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip })).statusCode).toBe(303)
  })

  it('signs out: the old cookie no longer opens a page', async () => {
    const signedIn = await postLogin(kestrel, { username: 'jo.bloggs', password }, { ip: freshIp() })
    const cookie = cookieFrom(signedIn.headers['set-cookie'], 'kestrel_session') ?? ''
    const home = await kestrel.app.inject({ url: '/', headers: { cookie } })
    const csrf = /name="_csrf" value="([^"]+)"/.exec(home.body)?.[1] ?? ''

    const forged = await kestrel.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie },
      payload: {},
    })
    expect(forged.statusCode).toBe(403)

    const out = await kestrel.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie },
      payload: { _csrf: csrf },
    })
    expect(out.statusCode).toBe(303)
    expect(out.headers.location).toBe('/login?signedOut=1')
    expect(String(out.headers['set-cookie'])).toMatch(/kestrel_session=;/)
    const after = await kestrel.app.inject({ url: '/', headers: { cookie } })
    expect(after.statusCode).toBe(303)
    expect(after.headers.location).toBe('/login?returnTo=%2F')
    const notice = await kestrel.app.inject({ url: '/login?signedOut=1' })
    expect(notice.body).toContain('You have signed out')
  })
})
