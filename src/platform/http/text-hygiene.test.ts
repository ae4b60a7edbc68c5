import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'

/**
 * Text PostgreSQL cannot store (a NUL, half of a surrogate pair) is refused wherever it comes in: a JSON
 * body, a query string, a path, a form, an import. Each answers 400 naming the field, never 500, and
 * writes nothing.
 */
describe('text the database cannot store', () => {
  let kestrel: TestKestrel
  let mash: SignedInUser
  let admin: SignedInUser

  beforeAll(async () => {
    kestrel = await testKestrel()
    mash = await signIn(kestrel, ['mash', 'force_lead'])
    admin = await signIn(kestrel, ['admin'])
  })
  afterAll(() => kestrel.close())

  const count = async (table: string) =>
    Number(
      (
        await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(
          kestrel.services.db,
        )
      ).rows[0]?.n,
    )
  const json = (user: SignedInUser, body?: unknown) => ({
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })
  const form = (user: SignedInUser, fields: Record<string, string>) => ({
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: user.csrfToken, ...fields }).toString(),
  })

  it('a NUL in a JSON body field: 400 naming the field, nothing written', async () => {
    const before = await count('person')
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      ...json(mash, { familyName: 'Smith\u0000', givenNames: 'Amy', dateOfBirth: '2010-01-01' }),
    })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toContain('application/problem+json')
    expect(response.json().errors).toEqual([{ field: 'familyName', reason: expect.stringContaining('NUL') }])
    expect(await count('person')).toBe(before)
  })

  it('half of a surrogate pair in a nested JSON field: 400 naming its path', async () => {
    const before = await count('person')
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/api/v1/people',
      // JSON.stringify writes a lone surrogate as the escape \ud800, which JSON.parse reads back as one.
      ...json(mash, {
        familyName: 'Smith',
        address: { address: '1 High St \ud800', borough: 'Camden', from: '2018-01-01' },
      }),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([
      { field: 'address.address', reason: expect.stringContaining('surrogate') },
    ])
    expect(await count('person')).toBe(before)
  })

  it('a NUL in a query string: 400 naming the parameter', async () => {
    const logged = await count('access_log')
    const response = await kestrel.app.inject({
      method: 'GET',
      url: '/api/v1/people?q=Sm%00ith',
      ...json(mash),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([{ field: 'q', reason: expect.stringContaining('NUL') }])
    expect(await count('access_log')).toBe(logged)
  })

  it('a NUL in a path parameter: 400 naming the parameter', async () => {
    const logged = await count('access_log')
    const response = await kestrel.app.inject({ method: 'GET', url: '/api/v1/people/KP%00', ...json(mash) })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([{ field: 'ref', reason: expect.stringContaining('NUL') }])
    expect(await count('access_log')).toBe(logged)
  })

  it('a NUL in a form field: the error summary names it and the form is shown again', async () => {
    const before = await count('person')
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/people/new',
      ...form(mash, { familyName: 'Smi\u0000th', givenNames: 'Amy', estimatedAgeYears: '8' }),
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toMatch(/<a href="#familyName">[^<]*null character/)
    // Shown again without it: the character is invisible, so the person is asked to check the answer.
    expect(response.body).toContain('value="Smith"')
    expect(response.body).not.toContain('\u0000')
    expect(await count('person')).toBe(before)
  })

  it('a NUL in a box of a date input: the summary links to that box', async () => {
    const before = await count('person')
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/people/new',
      ...form(mash, {
        familyName: 'Smith',
        'dateOfBirth-day': '1',
        'dateOfBirth-month': '2\u0000',
        'dateOfBirth-year': '2010',
      }),
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toMatch(/<a href="#dateOfBirth-month">[^<]*null character/)
    expect(await count('person')).toBe(before)
  })

  it('a NUL in a form field the page set (not one to correct): a 400 page naming it', async () => {
    const before = await count('person')
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/people/new',
      ...form(mash, { familyName: 'Smith', estimatedAgeYears: '8', 'sneaky\u0000': 'x' }),
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('There is a problem with your request')
    expect(await count('person')).toBe(before)
  })

  it('a NUL in a page query string: a 400 page, not a 500', async () => {
    const response = await kestrel.app.inject({
      method: 'GET',
      url: '/people?q=a%00b',
      headers: { cookie: mash.cookie },
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('There is a problem with your request')
  })

  it('a NUL in a form outside the page handler (sign in): a 400 page, not a 500', async () => {
    const page = await kestrel.app.inject({ url: '/login', remoteAddress: '10.9.9.9' })
    const setCookie = ([] as string[]).concat(page.headers['set-cookie'] ?? [])
    const cookie = setCookie.find((c) => c.startsWith('kestrel_login_csrf='))?.split(';')[0] ?? ''
    const csrf = /name="_csrf" value="([^"]+)"/.exec(page.body)?.[1] ?? ''
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/login',
      remoteAddress: '10.9.9.9',
      headers: { cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: csrf, username: 'ad\u0000min', password: 'x' }).toString(),
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('username')
  })

  it('a NUL in an import line: 400 naming the line and the field, nothing written', async () => {
    const before = await count('person')
    const lines = [
      { kind: 'person', ref: 'NUL-1', familyName: 'Good', givenNames: 'One', dateOfBirth: '2010-01-01' },
      { kind: 'person', ref: 'NUL-2', familyName: 'Bad\u0000', givenNames: 'Two', dateOfBirth: '2010-01-01' },
    ]
    const response = await kestrel.app.inject({
      method: 'POST',
      url: '/api/v1/imports',
      headers: {
        cookie: admin.cookie,
        'x-csrf-token': admin.csrfToken,
        'content-type': 'application/x-ndjson',
      },
      payload: lines.map((l) => JSON.stringify(l)).join('\n'),
    })
    expect(response.statusCode).toBe(400)
    expect(response.json().errors).toEqual([
      { line: 2, field: 'familyName', reason: expect.stringContaining('NUL') },
    ])
    expect(await count('person')).toBe(before)
  })
})
