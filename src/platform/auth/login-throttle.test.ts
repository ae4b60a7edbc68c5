import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testConfig, testKestrel } from '../../../test/app.ts'
import { postgresAdminUrl } from '../../../test/database.ts'
import { cookieFrom, postLogin } from '../../../test/login-form.ts'
import { buildKestrel, type Kestrel } from '../../kestrel.ts'
import { fixedClock } from '../clock.ts'
import { type DatabaseHandle, openPostgres } from '../db/database.ts'

// Sign-in throttling as a police network needs it (issue 15): failures only count, per account and address
// together; an account attacked from many addresses is slowed for addresses it has not signed in from, not
// locked; a forwarded address is believed only from a configured proxy.

const password = 'a-long-enough-test-password'

async function createAccounts(kestrel: Kestrel, usernames: string[], roles = ['officer']) {
  for (const username of usernames) {
    await kestrel.services.accounts.create(
      { username, displayName: `Name of ${username}`, roles, password },
      'test',
    )
  }
}

describe('sign-in throttling', () => {
  let kestrel: TestKestrel
  const clock = fixedClock('2024-05-01T09:00:00Z')

  beforeAll(async () => {
    kestrel = await testKestrel({ clock })
    await createAccounts(kestrel, ['the.admin'], ['admin'])
    await createAccounts(
      kestrel,
      Array.from({ length: 12 }, (_, i) => `office.${i + 1}`),
    )
    await createAccounts(kestrel, ['pair.user', 'json.user', 'page.user', 'burst.user'])
  })
  afterAll(() => kestrel.close())

  it('does not let five wrong passwords from five addresses keep the owner out of their usual address', async () => {
    // The owner's usual address: one they have signed in from.
    expect(
      (await postLogin(kestrel, { username: 'the.admin', password }, { ip: '10.20.0.1' })).statusCode,
    ).toBe(303)
    for (let i = 1; i <= 5; i++) {
      const attack = await postLogin(
        kestrel,
        { username: 'the.admin', password: `guess-number-${i}` },
        { ip: `192.0.2.${i}` },
      )
      expect(attack.statusCode).toBe(400)
    }
    // The owner, from their usual address, at once.
    const owner = await postLogin(kestrel, { username: 'the.admin', password }, { ip: '10.20.0.1' })
    expect(owner.statusCode).toBe(303)
    // A sixth address it has never signed in from must wait: slowed, not locked.
    const sixth = await postLogin(
      kestrel,
      { username: 'the.admin', password: 'guess-number-6' },
      { ip: '192.0.2.6' },
    )
    expect(sixth.statusCode).toBe(429)
    expect(Number(sixth.headers['retry-after'])).toBeGreaterThan(0)
    clock.advance(Number(sixth.headers['retry-after']) * 1000)
    const later = await postLogin(
      kestrel,
      { username: 'the.admin', password: 'guess-number-7' },
      { ip: '192.0.2.6' },
    )
    expect(later.statusCode).toBe(400)
    // Each wrong guess past the free ones doubles the wait.
    const next = await postLogin(
      kestrel,
      { username: 'the.admin', password: 'guess-number-8' },
      { ip: '192.0.2.7' },
    )
    expect(next.statusCode).toBe(429)
    expect(Number(next.headers['retry-after'])).toBe(2 * Number(sixth.headers['retry-after']))
  })

  it('lets twelve people sign in one after another from one office address', async () => {
    for (let i = 1; i <= 12; i++) {
      const response = await postLogin(kestrel, { username: `office.${i}`, password }, { ip: '10.30.0.1' })
      expect(response.statusCode, `office.${i}`).toBe(303)
    }
    // And again, with a typo each: a mistake corrected at once is not an attack.
    for (let i = 1; i <= 12; i++) {
      await postLogin(kestrel, { username: `office.${i}`, password: 'a-typo-in-it' }, { ip: '10.30.0.1' })
      const response = await postLogin(kestrel, { username: `office.${i}`, password }, { ip: '10.30.0.1' })
      expect(response.statusCode, `office.${i} after a typo`).toBe(303)
    }
  })

  it('stops one address guessing at one account after five wrong passwords, for that address only', async () => {
    expect(
      (await postLogin(kestrel, { username: 'pair.user', password }, { ip: '10.40.0.9' })).statusCode,
    ).toBe(303)
    for (let i = 0; i < 5; i++) {
      const wrong = await postLogin(
        kestrel,
        { username: 'pair.user', password: `wrong-${i}-password` },
        { ip: '10.40.0.1' },
      )
      expect(wrong.statusCode).toBe(400)
    }
    // Even the right password is not tried from that address now.
    const refused = await postLogin(kestrel, { username: 'pair.user', password }, { ip: '10.40.0.1' })
    expect(refused.statusCode).toBe(429)
    expect(Number(refused.headers['retry-after'])).toBe(15 * 60)
    // The person's usual address is not affected.
    expect(
      (await postLogin(kestrel, { username: 'pair.user', password }, { ip: '10.40.0.9' })).statusCode,
    ).toBe(303)
    clock.advance(15 * 60_000)
    expect(
      (await postLogin(kestrel, { username: 'pair.user', password }, { ip: '10.40.0.1' })).statusCode,
    ).toBe(303)
  })

  it('lets no more than five of a burst of wrong passwords sent at once be tried', async () => {
    const burst = await Promise.all(
      Array.from({ length: 12 }, (_, i) =>
        postLogin(kestrel, { username: 'burst.user', password: `burst-guess-${i}` }, { ip: '10.45.0.1' }),
      ),
    )
    const codes = burst.map((r) => r.statusCode).sort()
    expect(codes.filter((c) => c === 400)).toHaveLength(5)
    expect(codes.filter((c) => c === 429)).toHaveLength(7)
  })

  it('says on the sign-in page when to try again, in the error summary', async () => {
    for (let i = 0; i < 5; i++)
      await postLogin(kestrel, { username: 'page.user', password: 'not-the-one!' }, { ip: '10.50.0.1' })
    const refused = await postLogin(kestrel, { username: 'page.user', password }, { ip: '10.50.0.1' })
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['retry-after']).toBe('900')
    expect(refused.body).toContain('govuk-error-summary')
    // The time is rounded up to the minute, so trying again at the time shown is never too early.
    const until = new Date(Math.ceil((clock.now().getTime() + 15 * 60_000) / 60_000) * 60_000)
    const hhmm = new Intl.DateTimeFormat('en-GB', {
      timeZone: 'Europe/London',
      hour: '2-digit',
      minute: '2-digit',
    }).format(until)
    expect(refused.body).toContain(`Try again at ${hhmm}`)
    expect(refused.body).toContain('value="page.user"')
  })

  it('answers a client asking for JSON with problem details and Retry-After', async () => {
    for (let i = 0; i < 5; i++)
      await postLogin(kestrel, { username: 'json.user', password: 'not-the-one!' }, { ip: '10.60.0.1' })
    const refused = await postLogin(
      kestrel,
      { username: 'json.user', password },
      { ip: '10.60.0.1', headers: { accept: 'application/json' } },
    )
    expect(refused.statusCode).toBe(429)
    expect(refused.headers['content-type']).toContain('application/problem+json')
    expect(refused.headers['retry-after']).toBe('900')
    expect(refused.json()).toMatchObject({ status: 429, retryAfterSeconds: 900 })
  })

  it('writes each lockout and slow-down to the access log and counts it in the metrics', async () => {
    const entries = await kestrel.services.accessLog.forSubject('account', 'the.admin')
    expect(entries.map((e) => e.action)).toContain('sign-in-delayed')
    const pair = await kestrel.services.accessLog.forSubject('account', 'pair.user')
    expect(pair.find((e) => e.action === 'sign-in-locked')).toMatchObject({
      action: 'sign-in-locked',
      actorId: 'address:10.40.0.1',
      detail: expect.objectContaining({ scope: 'account-address', address: '10.40.0.1' }),
    })
    const metrics = await kestrel.app.inject({
      url: '/metrics',
      headers: {
        cookie:
          cookieFrom(
            (await postLogin(kestrel, { username: 'the.admin', password }, { ip: '10.20.0.1' })).headers[
              'set-cookie'
            ],
            'kestrel_session',
          ) ?? '',
      },
    })
    expect(metrics.body).toMatch(/kestrel_sign_in_limits_engaged_total\{scope="account-address"\} [1-9]/)
    expect(metrics.body).toMatch(/kestrel_sign_in_refused_total\{scope="account"\} [1-9]/)
  })
})

describe('the address a sign-in comes from', () => {
  const clock = fixedClock('2024-05-01T09:00:00Z')

  it('reads the trusted proxies as addresses and CIDR ranges, none by default, and refuses anything else', () => {
    expect(testConfig().trustedProxies).toEqual([])
    expect(
      testConfig({ KESTREL_TRUSTED_PROXIES: ' 10.0.0.0/8, 192.0.2.7,fd00::/8 ,' }).trustedProxies,
    ).toEqual(['10.0.0.0/8', '192.0.2.7', 'fd00::/8'])
    for (const bad of ['proxy.example', '10.0.0.0/33', '10.0.0.1/8/8', '300.1.1.1', '*'])
      expect(() => testConfig({ KESTREL_TRUSTED_PROXIES: bad }), bad).toThrow(/KESTREL_TRUSTED_PROXIES/)
  })

  it('ignores X-Forwarded-For in production unless a configured proxy sent it', async () => {
    const kestrel = await testKestrel({
      clock,
      env: { NODE_ENV: 'production', DATABASE_URL: 'postgres://unused.invalid/kestrel' },
    })
    try {
      // Fifty wrong passwords from one machine, each claiming another address, at fifty accounts.
      for (let i = 0; i < 50; i++) {
        const response = await postLogin(
          kestrel,
          { username: `nobody.${i}`, password: 'a-wrong-password' },
          { ip: '10.70.0.1', headers: { 'x-forwarded-for': `198.51.100.${i + 1}` } },
        )
        expect(response.statusCode).toBe(400)
      }
      const next = await postLogin(
        kestrel,
        { username: 'nobody.50', password: 'a-wrong-password' },
        { ip: '10.70.0.1', headers: { 'x-forwarded-for': '198.51.100.200' } },
      )
      expect(next.statusCode).toBe(429)
    } finally {
      await kestrel.close()
    }
  })

  it('takes the client address from X-Forwarded-For sent by a trusted proxy, and only then', async () => {
    const kestrel = await testKestrel({ clock, env: { KESTREL_TRUSTED_PROXIES: '10.9.0.0/16, 10.8.0.7' } })
    try {
      await createAccounts(kestrel, ['behind.proxy'])
      const sessionIps = async () =>
        (
          await kestrel.services.db.selectFrom('user_session').select('ip').orderBy('created_at').execute()
        ).map((r) => r.ip)
      const via = async (ip: string) => {
        clock.advance(1000)
        const response = await postLogin(
          kestrel,
          { username: 'behind.proxy', password },
          { ip, headers: { 'x-forwarded-for': '203.0.113.7' } },
        )
        expect(response.statusCode).toBe(303)
      }
      await via('10.9.3.4')
      await via('10.8.0.7')
      await via('10.8.0.8')
      expect(await sessionIps()).toEqual(['203.0.113.7', '203.0.113.7', '10.8.0.8'])
    } finally {
      await kestrel.close()
    }
  })
})

describe('two application processes on one database', () => {
  const clock = fixedClock('2024-05-01T09:00:00Z')
  let first: TestKestrel
  let second: Kestrel
  let secondHandle: DatabaseHandle | undefined

  beforeAll(async () => {
    first = await testKestrel({ clock })
    // On PostgreSQL the second instance has its own connection pool, as a second process would; the
    // embedded database is one process's, so there the two instances share its handle.
    if (first.handle.kind === 'postgres') {
      const url = new URL(postgresAdminUrl())
      url.pathname = `/${first.handle.location.split('/').pop()}`
      secondHandle = await openPostgres(url.toString(), 2)
    }
    second = await buildKestrel(testConfig(), secondHandle ?? first.handle, clock)
    await createAccounts(first, ['two.places'])
  })
  afterAll(async () => {
    await second.close()
    await secondHandle?.close()
    await first.close()
  })

  it('share the count: failures at either add up, and either refuses', async () => {
    for (const [i, app] of [first, second, first, second, first].entries()) {
      const wrong = await postLogin(
        app,
        { username: 'two.places', password: `wrong-${i}-pass` },
        { ip: '10.80.0.1' },
      )
      expect(wrong.statusCode).toBe(400)
    }
    for (const app of [first, second]) {
      const refused = await postLogin(app, { username: 'two.places', password }, { ip: '10.80.0.1' })
      expect(refused.statusCode).toBe(429)
    }
    // The account's own count is shared too: a new address waits at either.
    const elsewhere = await postLogin(second, { username: 'two.places', password }, { ip: '10.80.0.2' })
    expect(elsewhere.statusCode).toBe(429)
    // After the wait, a success through one resets the count the other sees: four more wrong passwords
    // through either, and the right one still gets in.
    clock.advance(15 * 60_000)
    expect(
      (await postLogin(first, { username: 'two.places', password }, { ip: '10.80.0.1' })).statusCode,
    ).toBe(303)
    for (let i = 0; i < 4; i++) {
      const wrong = await postLogin(
        i % 2 ? first : second,
        { username: 'two.places', password: 'wrong-again!' },
        { ip: '10.80.0.1' },
      )
      expect(wrong.statusCode).toBe(400)
    }
    expect(
      (await postLogin(second, { username: 'two.places', password }, { ip: '10.80.0.1' })).statusCode,
    ).toBe(303)
  })
})
