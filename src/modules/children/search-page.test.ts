import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { boroughIdOf } from '../../../test/people.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'

/**
 * People search stopped at 50 results with nothing to tell thirteen "CLARKE, Noah" apart. Each result now
 * shows the date of birth, where the person lives today and its borough, and the results are paged.
 */
describe('people search, a page at a time', () => {
  let kestrel: TestKestrel
  let officer: SignedInUser
  const setup = { id: 'setup', username: 'setup' }
  const boroughs = ['Camden', 'Hackney', 'Lambeth']
  const noahs = new Set<string>()

  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock('2018-08-01T09:00:00Z') })
    await seedLondon(kestrel.services.db)
    officer = await signIn(kestrel, ['officer'])
    const { children } = kestrel.services
    for (let i = 0; i < 63; i++) {
      const borough = boroughs[i % 3] as string
      const noah = await children.create(
        {
          familyName: 'Clarke',
          givenNames: 'Noah',
          dateOfBirth: `2008-01-${String((i % 28) + 1).padStart(2, '0')}`,
          estimatedAgeYears: null,
          gender: 'male',
          ethnicity: 'NS',
          address: {
            address: `${i + 1} Test Road`,
            postcode: null,
            boroughId: await boroughIdOf(kestrel, borough),
            fromDate: '2015-01-01',
            toDate: null,
          },
        },
        setup,
        { confirmedNotDuplicate: true },
      )
      noahs.add(noah.id)
    }
  }, 120_000)
  afterAll(() => kestrel?.close())

  const get = (url: string) =>
    kestrel.app.inject({
      method: 'GET',
      url: url.replaceAll('&amp;', '&'),
      headers: { cookie: officer.cookie },
    })
  const listed = (html: string) =>
    [...html.matchAll(/href="\/people\/([0-9a-f-]{36})"/g)].map((m) => m[1] as string)

  it('shows each person’s date of birth, address and borough, and pages past 50 keeping the search', async () => {
    const first = await get('/people?q=Noah+Clarke')
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain('63 people found')
    expect(first.body).toContain('Showing 1 to 50 of 63 people')
    expect(first.body).toContain('Lives at')
    expect(first.body).toMatch(
      /\d+ Test Road<\/td>\s*<td class="govuk-table__cell">(Camden|Hackney|Lambeth)<\/td>/,
    )
    expect(first.body).toContain('1 January 2008')
    const next = /<div class="govuk-pagination__next">\s*<a[^>]*href="([^"]+)"/.exec(
      first.body,
    )?.[1] as string
    expect(next).toBe('/people?q=Noah+Clarke&amp;page=2')
    const second = await get(next)
    expect(second.body).toContain('Showing 51 to 63 of 63 people')
    const all = [...listed(first.body), ...listed(second.body)]
    expect(all).toHaveLength(63)
    expect(new Set(all)).toEqual(noahs)
  })

  it('logs as read only the people the page showed', async () => {
    await get('/people?q=Noah+Clarke&page=2')
    const rows = await kestrel.services.db
      .selectFrom('access_log')
      .select(['detail'])
      .where('subject_id', '=', 'GET /people?q=Noah+Clarke&page=2')
      .where('action', '=', 'search')
      .execute()
    expect((rows.at(-1)?.detail as { ids: string[] } | undefined)?.ids).toHaveLength(13)
  })

  it('a date of birth narrows the search, with its own total', async () => {
    const page = await get('/people?q=Noah+Clarke&dob-day=1&dob-month=1&dob-year=2008')
    expect(page.body).toContain('3 people found')
    expect(listed(page.body)).toHaveLength(3)
  })
})
