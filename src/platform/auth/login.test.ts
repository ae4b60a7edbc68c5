import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { cookieFrom, openLoginPage, postLogin } from '../../../test/login-form.ts'
import { fixedClock } from '../clock.ts'

const password = 'a-long-enough-test-password'

describe('signing in with a local account', () => {
  let kestrel: TestKestrel
  const clock = fixedClock('2024-05-01T09:00:00Z')
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

  // The sign-in throttle's own cases are in login-throttle.test.ts.
  it('forgets wrong passwords once the right one is given from the same computer', async () => {
    const ip = freshIp()
    for (let round = 0; round < 3; round++) {
      for (let i = 0; i < 4; i++) {
        const wrong = await postLogin(kestrel, { username: 'lock.me', password: 'wrong-password!' }, { ip })
        expect(wrong.statusCode).toBe(400)
      }
      expect((await postLogin(kestrel, { username: 'lock.me', password }, { ip })).statusCode).toBe(303)
    }
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
