import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../clock.ts'
import { loadConfig } from '../config.ts'

const minute = 60_000

describe('a session left idle', () => {
  let kestrel: TestKestrel
  // 09:00 UTC is 10:00 in London in May.
  const clock = fixedClock('2024-05-01T09:00:00Z')

  beforeAll(async () => {
    kestrel = await testKestrel({
      clock,
      env: { KESTREL_SESSION_HOURS: '8', KESTREL_SESSION_IDLE_MINUTES: '30' },
    })
  })
  afterAll(() => kestrel.close())

  const lastSeen = async (userId: string) =>
    (
      await kestrel.services.db
        .selectFrom('user_session')
        .select('last_seen_at')
        .where('user_id', '=', userId)
        .executeTakeFirst()
    )?.last_seen_at

  it('lasts 30 minutes without a request by default', () => {
    expect(loadConfig({}).sessionIdleMinutes).toBe(30)
    expect(loadConfig({ KESTREL_SESSION_IDLE_MINUTES: '15' }).sessionIdleMinutes).toBe(15)
    expect(() => loadConfig({ KESTREL_SESSION_IDLE_MINUTES: 'soon' })).toThrow(/KESTREL_SESSION_IDLE_MINUTES/)
  })

  it('tells the person, on every page, when they will be signed out if they do nothing', async () => {
    const user = await signIn(kestrel, ['officer'])
    const home = await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })
    expect(home.statusCode).toBe(200)
    expect(home.body).toContain('You will be signed out at 10:30 if you do nothing')
    clock.advance(20 * minute)
    const later = await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })
    expect(later.body).toContain('You will be signed out at 10:50 if you do nothing')
    clock.advance(10 * minute)
  })

  it('keeps a session in use alive, and ends it after 30 minutes with no request', async () => {
    const user = await signIn(kestrel, ['officer'])
    for (let i = 0; i < 4; i++) {
      clock.advance(29 * minute)
      expect((await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })).statusCode).toBe(200)
    }
    clock.advance(30 * minute + 1000)
    const ended = await kestrel.app.inject({ url: '/people', headers: { cookie: user.cookie } })
    expect(ended.statusCode).toBe(303)
    expect(ended.headers.location).toBe('/login?returnTo=%2Fpeople&ended=idle')
    expect(String(ended.headers['set-cookie'])).toMatch(/kestrel_session=;/)
    const login = await kestrel.app.inject({ url: ended.headers.location as string })
    expect(login.body).toContain('You were signed out after 30 minutes of inactivity')
    // Ended for good: the row is gone, so coming back later does not revive it.
    expect(await lastSeen(user.userId)).toBeUndefined()
    const api = await kestrel.app.inject({ url: '/api/v1/people', headers: { cookie: user.cookie } })
    expect(api.statusCode).toBe(401)
  })

  it('refuses an idle session on a form post as it refuses an expired one', async () => {
    const user = await signIn(kestrel, ['officer'])
    clock.advance(31 * minute)
    const post = await kestrel.app.inject({
      method: 'POST',
      url: '/logout',
      headers: { cookie: user.cookie },
      payload: { _csrf: user.csrfToken },
    })
    expect(post.statusCode).toBe(303)
    expect(post.headers.location).toBe('/login?ended=idle')
  })

  it('records activity at most once a minute, so a page view is not a write', async () => {
    const user = await signIn(kestrel, ['officer'])
    const start = await lastSeen(user.userId)
    clock.advance(30_000)
    await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })
    expect(await lastSeen(user.userId)).toEqual(start)
    clock.advance(31_000)
    await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })
    expect(await lastSeen(user.userId)).toEqual(clock.now())
  })

  it('still ends a busy session at its absolute limit, and says so', async () => {
    const user = await signIn(kestrel, ['officer'])
    for (let i = 0; i < 23; i++) {
      clock.advance(20 * minute)
      expect((await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })).statusCode).toBe(200)
    }
    clock.advance(10 * minute) // 7 h 50 min in: the absolute end comes before the idle one
    const near = await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })
    expect(near.body).toMatch(/You will be signed out at \d\d:\d\d\b(?! if you do nothing)/)
    clock.advance(10 * minute)
    const ended = await kestrel.app.inject({ url: '/', headers: { cookie: user.cookie } })
    expect(ended.headers.location).toBe('/login?returnTo=%2F&ended=expired')
    const login = await kestrel.app.inject({ url: ended.headers.location as string })
    expect(login.body).toContain('You were signed out because you signed in 8 hours ago')
  })

  it('honours a shorter idle limit from the configuration', async () => {
    const short = await testKestrel({ clock, env: { KESTREL_SESSION_IDLE_MINUTES: '5' } })
    try {
      const user = await signIn(short, ['officer'])
      clock.advance(4 * minute)
      expect((await short.app.inject({ url: '/', headers: { cookie: user.cookie } })).statusCode).toBe(200)
      clock.advance(5 * minute + 1000)
      const ended = await short.app.inject({ url: '/', headers: { cookie: user.cookie } })
      expect(ended.statusCode).toBe(303)
      const login = await short.app.inject({ url: ended.headers.location as string })
      expect(login.body).toContain('You were signed out after 5 minutes of inactivity')
    } finally {
      await short.close()
    }
  })
})
