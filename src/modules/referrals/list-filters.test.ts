import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { movableClock, type ReferralsFixture, referralsFixture } from './test-fixtures.ts'

/**
 * Found by sqlmap against a local instance (docs/security-testing.md): the PAC list's filters went to the
 * database as they came, so a borough that is not an id (`?borough=x`) failed its uuid cast and a page past
 * any number (`?page=99999999999999999999`) its offset, each a 500. A borough the list does not offer is no
 * filter (as an unknown stage already was), and the page is read as every other list reads it.
 */
const clock = movableClock('2018-09-01T09:00:00Z')

describe('the PAC list with a filter that was not offered', () => {
  let f: ReferralsFixture
  let reader: SignedInUser

  beforeAll(async () => {
    f = await referralsFixture(clock)
    reader = await signIn(f.kestrel, ['supervisor', 'force_lead'])
  }, 60_000)
  afterAll(() => f?.kestrel.close())

  it.each([
    ['a borough that is not an id', '?borough=x'],
    [
      'a borough with SQL after it',
      `?borough=${encodeURIComponent("00000000-0000-4000-8000-000000000000') OR ('1'='1")}`,
    ],
    ['a page past any number', '?page=99999999999999999999'],
    ['a page that is not a number', '?page=1e400'],
  ])('%s lists PACs as with no such filter', async (_what, search) => {
    const response = await f.kestrel.app.inject({
      method: 'GET',
      url: `/pacs${search}`,
      headers: { cookie: reader.cookie },
    })
    expect(response.statusCode, response.body.slice(0, 300)).toBe(200)
  })
})

describe("the PAC list's borough filter", () => {
  it('offers the boroughs with PACs first, then the others saying they have none', async () => {
    const f = await referralsFixture(clock)
    try {
      const reader = await signIn(f.kestrel, ['force_lead'])
      const child = await f.child('Filterchild')
      await f.insertPac({
        personId: child.id,
        boroughId: f.boroughId('Sutton'),
        firstKnew: '2018-08-31T09:00:00Z',
        created: '2018-08-31T10:00:00Z',
      })
      const page = await f.kestrel.app.inject({
        method: 'GET',
        url: '/pacs',
        headers: { cookie: reader.cookie },
      })
      expect(page.statusCode).toBe(200)
      const select = page.body.slice(
        page.body.indexOf('id="borough"'),
        page.body.indexOf('</select>', page.body.indexOf('id="borough"')),
      )
      const options = [...select.matchAll(/<option value="[^"]*"[^>]*>([^<]*)<\/option>/g)].map((m) =>
        m[1]?.trim(),
      )
      expect(options.slice(0, 2)).toEqual(['Any borough', 'Sutton'])
      expect(options).toContain('Camden (no records)')
      expect(options).toHaveLength(1 + f.boroughs.length)
    } finally {
      await f.kestrel.close()
    }
  }, 60_000)
})
