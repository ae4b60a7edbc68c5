import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { movableClock, type ReferralsFixture, referralsFixture } from './test-fixtures.ts'

/**
 * The PAC list kept only `stage` on its page links, so Camden's "Page 1 of 32" became every borough's
 * "Page 2 of 96". Every link the list makes (the next page, another order) now keeps every filter: the
 * borough, the stage, the search and the order, followed here as a reader would follow them.
 */
const clock = movableClock('2018-09-01T09:00:00Z')

describe('the PAC list keeps its filters and order across pages', () => {
  let f: ReferralsFixture
  let reader: SignedInUser
  let camden: string
  /** Camden's PACs about Ruby, by id, with their refs. */
  const rubyInCamden = new Map<string, string>()
  const samInCamden = new Set<string>()

  async function insertPacs(count: number, boroughId: string, personId: string) {
    const { rows } = await sql<{ id: string; ref: string }>`
      insert into pac (person_id, about_kind, about_summary, concerns, risk_level, risk_assessment,
        child_spoken_to, voice_of_child, police_first_knew_at, created_at, submitted_at, raised_by_name,
        created_by, borough_id, updated_at)
      select ${personId}::uuid, 'incident', 'Test concern', array['child_abuse'], 'medium', 'Test',
        true, 'Test', t, t, t, 'PC Test', 'tester', ${boroughId}::uuid, t
      from generate_series(1, ${count}) as i,
        lateral (select '2018-01-01T00:00:00Z'::timestamptz + i * interval '1 hour' as t) as at
      returning id, ref`.execute(f.kestrel.services.db)
    return rows
  }

  beforeAll(async () => {
    f = await referralsFixture(clock)
    camden = f.boroughId('Camden')
    const ruby = await f.child('Ruby', '2008-05-01', 'Clarke')
    const sam = await f.child('Sam', '2009-02-03', 'Okafor')
    for (const r of await insertPacs(70, camden, ruby.id)) rubyInCamden.set(r.id, r.ref)
    for (const r of await insertPacs(20, camden, sam.id)) samInCamden.add(r.id)
    await insertPacs(90, f.boroughId('Hackney'), ruby.id)
    reader = await signIn(f.kestrel, ['supervisor', 'force_lead'])
  }, 60_000)
  afterAll(() => f?.kestrel.close())

  const get = (url: string) =>
    f.kestrel.app.inject({
      method: 'GET',
      url: url.replaceAll('&amp;', '&'),
      headers: { cookie: reader.cookie },
    })
  const listed = (html: string) =>
    [...html.matchAll(/href="\/pacs\/([0-9a-f-]{36})"/g)].map((m) => m[1] as string)
  const nextLink = (html: string) =>
    /<div class="govuk-pagination__next">\s*<a[^>]*href="([^"]+)"/.exec(html)?.[1] as string

  it('the next page of a borough, stage and search goes on within them', async () => {
    const first = await get(`/pacs?borough=${camden}&stage=submitted&q=ruby+clarke`)
    expect(first.statusCode).toBe(200)
    expect(first.body).toContain('Showing 1 to 50 of 70 PACs')
    const next = nextLink(first.body)
    expect(next).toContain(`borough=${camden}`)
    expect(next).toContain('stage=submitted')
    expect(next).toContain('q=ruby+clarke')
    const second = await get(next)
    expect(second.body).toContain('Showing 51 to 70 of 70 PACs')
    const ids = [...listed(first.body), ...listed(second.body)]
    expect(new Set(ids)).toEqual(new Set(rubyInCamden.keys()))
  })

  it('finds a PAC by its ref', async () => {
    const [id, ref] = [...rubyInCamden][3] as [string, string]
    const page = await get(`/pacs?q=${ref.toLowerCase()}`)
    expect(listed(page.body)).toEqual([id])
  })

  it('sorts by ref, and the order and the filters hold on the next page', async () => {
    const first = await get(`/pacs?borough=${camden}`)
    expect(first.body).toContain('Showing 1 to 50 of 90 PACs')
    // The header links to the list in ref order, the borough kept, from the first page.
    const byRef = /<th[^>]*aria-sort="none"><a[^>]*href="([^"]+)">PAC<\/a>/.exec(first.body)?.[1] as string
    expect(byRef).toBe(`/pacs?borough=${camden}&amp;sort=ref&amp;direction=asc`)
    const sorted = await get(byRef)
    expect(sorted.body).toMatch(/aria-sort="ascending"><a[^>]*>PAC<\/a>/)
    const next = nextLink(sorted.body)
    expect(next).toBe(`/pacs?borough=${camden}&amp;sort=ref&amp;direction=asc&amp;page=2`)
    const ids = [...listed(sorted.body), ...listed((await get(next)).body)]
    expect(ids).toHaveLength(90)
    const refOf = (id: string) => rubyInCamden.get(id) ?? (samInCamden.has(id) ? 'sam' : 'not Camden’s')
    expect(ids.every((id) => refOf(id) !== 'not Camden’s')).toBe(true)
    const refs = ids.filter((id) => rubyInCamden.has(id)).map(refOf)
    expect(refs).toEqual([...refs].sort())
  })

  it('sorts by the child’s name: Clarke before Okafor, and turned round', async () => {
    const ascending = listed((await get(`/pacs?borough=${camden}&sort=child&direction=asc`)).body)
    expect(ascending.slice(0, 50).every((id) => rubyInCamden.has(id))).toBe(true)
    const descending = listed((await get(`/pacs?borough=${camden}&sort=child&direction=desc`)).body)
    expect(descending.slice(0, 20).every((id) => samInCamden.has(id))).toBe(true)
  })
})
