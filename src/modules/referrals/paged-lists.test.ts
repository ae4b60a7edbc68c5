import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { movableClock, type ReferralsFixture, referralsFixture } from './test-fixtures.ts'

/**
 * The PAC lists that stopped at 500 (or 1,000) rows with a caption counting only what was shown: the
 * partner's shared PACs, the supervisor's review queue and the MASH queue are paged, each with a caption
 * stating the true total, in their order across every page, within the reader's need to know.
 */
const clock = movableClock('2018-09-01T09:00:00Z')

describe('paged PAC lists', () => {
  let f: ReferralsFixture
  let camden: string
  let hackney: string
  let camdenPartner: SignedInUser
  let hackneyPartner: SignedInUser
  let supervisor: SignedInUser
  let mash: SignedInUser
  /** Camden's shared PACs: whether each awaits the partner's outcome, and when it was shared. */
  const shared = new Map<string, { awaiting: boolean; at: number }>()

  async function partnerIn(boroughId: string, name: string) {
    const { organisation } = f.kestrel.services
    const force = await organisation.force()
    const team = await organisation.createTeam(
      force.id,
      {
        name: `${name} children's social care`,
        kind: 'mash',
        boroughId,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'tester',
    )
    const staff = await organisation.createStaff(
      force.id,
      {
        staffNumber: `PL${name.slice(0, 4).toUpperCase()}`,
        name: `${name} social worker`,
        rank: 'police_staff',
        role: 'Social worker',
        teamId: team.id,
        startDate: '2017-01-01',
        active: true,
      },
      'tester',
    )
    return signIn(f.kestrel, ['partner'], { staffId: staff.id })
  }

  /**
   * `count` PACs written straight to the table, an hour apart from `from`, for the child given: `stage`
   * says how far each has gone; every fourth shared one has the partner's outcome.
   */
  async function insertPacs(
    count: number,
    options: { boroughId: string; personId: string; from: string; stage: 'submitted' | 'shared' },
  ) {
    const shared = options.stage === 'shared'
    const { rows } = await sql<{ id: string; outcome: string | null; shared_with_mash_at: Date | null }>`
      insert into pac (person_id, about_kind, about_summary, concerns, risk_level, risk_assessment,
        child_spoken_to, voice_of_child, police_first_knew_at, created_at, submitted_at, raised_by_name,
        created_by, borough_id, reviewed_at, review_decision, shared_with_mash_at, mash_brag, outcome,
        feedback_at, updated_at)
      select ${options.personId}::uuid, 'incident', 'Test concern', array['child_abuse'], 'medium', 'Test',
        true, 'Test', t, t, t, 'PC Test', 'tester', ${options.boroughId}::uuid,
        case when ${shared} then t + interval '10 minutes' end,
        case when ${shared} then 'approved' end,
        case when ${shared} then t + interval '20 minutes' end,
        case when ${shared} and i % 4 = 0 then 'green' end,
        case when ${shared} and i % 4 = 0 then 'early_help' end,
        case when ${shared} and i % 4 = 0 then t + interval '30 minutes' end,
        t
      from generate_series(1, ${count}) as i,
        lateral (select ${new Date(options.from)}::timestamptz + i * interval '1 hour' as t) as at
      returning id, outcome, shared_with_mash_at`.execute(f.kestrel.services.db)
    return rows
  }

  beforeAll(async () => {
    f = await referralsFixture(clock)
    camden = f.boroughId('Camden')
    hackney = f.boroughId('Hackney')
    const ruby = await f.child('Ruby')
    const sam = await f.child('Sam')
    for (const row of await insertPacs(530, {
      boroughId: camden,
      personId: ruby.id,
      from: '2018-01-01T00:00:00Z',
      stage: 'shared',
    })) {
      shared.set(row.id, { awaiting: row.outcome === null, at: (row.shared_with_mash_at as Date).getTime() })
    }
    // Not Camden's partner's: Hackney's shared PACs, and Camden's not yet shared.
    await insertPacs(20, {
      boroughId: hackney,
      personId: sam.id,
      from: '2018-01-01T00:00:00Z',
      stage: 'shared',
    })
    await insertPacs(510, {
      boroughId: camden,
      personId: sam.id,
      from: '2018-06-01T00:00:00Z',
      stage: 'submitted',
    })
    await sql`analyze pac`.execute(f.kestrel.services.db)
    camdenPartner = await partnerIn(camden, 'Camden')
    hackneyPartner = await partnerIn(hackney, 'Hackney')
    supervisor = await signIn(f.kestrel, ['supervisor', 'force_lead'])
    mash = await signIn(f.kestrel, ['mash', 'force_lead'])
  })
  afterAll(() => f.kestrel.close())

  const get = (user: SignedInUser, url: string) =>
    f.kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
  /** The PACs a page lists, in its order. */
  const listed = (html: string, prefix: string) =>
    [...html.matchAll(new RegExp(`href="${prefix}/([0-9a-f-]{36})"`, 'g'))].map((m) => m[1] as string)
  const caption = (html: string) =>
    /<caption[^>]*>([^<]*)<\/caption>/.exec(html)?.[1]?.replace(/\s+/g, ' ').trim()

  /** Awaiting the outcome first, then most recently shared first within each. */
  function inPartnerOrder(ids: string[]) {
    for (let i = 1; i < ids.length; i++) {
      const a = shared.get(ids[i - 1] as string)
      const b = shared.get(ids[i] as string)
      if (!a || !b) return false
      if (a.awaiting !== b.awaiting ? !a.awaiting : a.at < b.at) return false
    }
    return true
  }

  describe('the partner’s shared PACs', () => {
    it('states the true total past 500, and lists a page of 50, awaiting the outcome first', async () => {
      const page = await get(camdenPartner, '/partner/pacs')
      expect(page.statusCode).toBe(200)
      expect(caption(page.body)).toBe('530 PACs shared with Camden, 398 awaiting your outcome')
      const ids = listed(page.body, '/partner/pacs')
      expect(ids).toHaveLength(50)
      expect(ids.every((id) => shared.get(id)?.awaiting)).toBe(true)
      expect(inPartnerOrder(ids)).toBe(true)
      expect(page.body).toContain('Showing 1 to 50 of 530 PACs')
      expect(page.body).toContain('govuk-pagination')
      expect(page.body).toContain('href="/partner/pacs?page=2"')
      expect(page.body).toContain('href="/partner/pacs?page=11"')
    })

    it('page 2 goes on where page 1 stopped; the last page holds the rest; the order holds across pages', async () => {
      const all: string[] = []
      for (let n = 1; n <= 11; n++) {
        const page = await get(camdenPartner, `/partner/pacs?page=${n}`)
        expect(page.statusCode).toBe(200)
        all.push(...listed(page.body, '/partner/pacs'))
      }
      expect(all).toHaveLength(530)
      expect(new Set(all)).toEqual(new Set(shared.keys()))
      expect(inPartnerOrder(all)).toBe(true)
      const last = await get(camdenPartner, '/partner/pacs?page=11')
      expect(last.body).toContain('Showing 501 to 530 of 530 PACs')
      // Past the last page: nothing listed, the total still true.
      const beyond = await get(camdenPartner, '/partner/pacs?page=12')
      expect(listed(beyond.body, '/partner/pacs')).toEqual([])
      expect(caption(beyond.body)).toBe('530 PACs shared with Camden, 398 awaiting your outcome')
    })

    it('filters by outcome, each with its own total and pages', async () => {
      const awaiting = await get(camdenPartner, '/partner/pacs?outcome=awaiting&page=8')
      expect(caption(awaiting.body)).toBe('398 PACs awaiting your outcome')
      const ids = listed(awaiting.body, '/partner/pacs')
      expect(ids).toHaveLength(48)
      expect(ids.every((id) => shared.get(id)?.awaiting)).toBe(true)
      // The filter is kept on the pages' links.
      expect(awaiting.body).toContain('href="/partner/pacs?outcome=awaiting&amp;page=7"')
      const recorded = await get(camdenPartner, '/partner/pacs?outcome=recorded')
      expect(caption(recorded.body)).toBe('132 PACs with your outcome recorded')
      expect(listed(recorded.body, '/partner/pacs').every((id) => shared.get(id)?.awaiting === false)).toBe(
        true,
      )
      // A choice not offered is named, and nothing is listed.
      const unknown = await get(camdenPartner, '/partner/pacs?outcome=maybe')
      expect(unknown.statusCode).toBe(400)
      expect(unknown.body).toContain('Select which PACs to show')
      expect(listed(unknown.body, '/partner/pacs')).toEqual([])
    })

    it('keeps to the partner’s own borough: Hackney’s partner sees their 20, none of Camden’s', async () => {
      const page = await get(hackneyPartner, '/partner/pacs')
      expect(caption(page.body)).toBe('20 PACs shared with Hackney, 15 awaiting your outcome')
      const ids = listed(page.body, '/partner/pacs')
      expect(ids).toHaveLength(20)
      expect(ids.some((id) => shared.has(id))).toBe(false)
      expect(page.body).not.toContain('govuk-pagination')
    })

    it('logs each page as one list read naming the PACs it showed', async () => {
      const { rows: head } = await sql<{
        seq: number
      }>`select coalesce(max(seq), 0)::int as seq from access_log`.execute(f.kestrel.services.db)
      const page = await get(camdenPartner, '/partner/pacs?page=3')
      const { rows } = await sql<{ detail: { ids: string[] } }>`
        select detail from access_log where actor_id = ${camdenPartner.userId} and action = 'list'
          and subject_id = 'GET /partner/pacs?page=3' and seq > ${head[0]?.seq ?? 0}`.execute(
        f.kestrel.services.db,
      )
      expect(rows).toHaveLength(1)
      expect(rows[0]?.detail.ids).toEqual(listed(page.body, '/partner/pacs'))
    })

    it('the API pages the same way, with the true total', async () => {
      const api = (url: string, user = camdenPartner) =>
        f.kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
      const first = (await api('/api/v1/partner/pacs')).json()
      expect(first.total).toBe(530)
      expect(first.pacs).toHaveLength(50)
      expect(inPartnerOrder(first.pacs.map((p: { id: string }) => p.id))).toBe(true)
      const end = (await api('/api/v1/partner/pacs?offset=500&limit=100')).json()
      expect(end.total).toBe(530)
      expect(end.pacs).toHaveLength(30)
      expect(end.pacs.every((p: { id: string }) => !shared.get(p.id)?.awaiting)).toBe(true)
      const awaiting = (await api('/api/v1/partner/pacs?awaitingOutcome=true&limit=500')).json()
      expect(awaiting.total).toBe(398)
      expect(awaiting.pacs).toHaveLength(398)
      expect((await api('/api/v1/partner/pacs?outcome=recorded')).json().total).toBe(132)
      expect((await api('/api/v1/partner/pacs?limit=501')).statusCode).toBe(400)
      expect((await api('/api/v1/partner/pacs', hackneyPartner)).json().total).toBe(20)
    })
  })

  describe('the queues', () => {
    it('the review queue states the true total past 500 and pages, the most recently overdue first', async () => {
      const page = await get(supervisor, '/pacs/review?all=yes')
      expect(page.statusCode).toBe(200)
      expect(caption(page.body)).toBe('510 waiting')
      // Waits past 48 hours in days (was "Hours waiting 2184"), each review's lateness as custody shows it.
      expect(page.body).not.toContain('Hours waiting')
      expect(page.body).toMatch(
        /\b\d{2} days<br><strong class="govuk-tag govuk-tag--red">Overdue by \d{2} days</,
      )
      const first = listed(page.body, '/pacs')
      expect(first).toHaveLength(50)
      const second = listed((await get(supervisor, '/pacs/review?all=yes&page=2')).body, '/pacs')
      expect(second).toHaveLength(50)
      expect(second.some((id) => first.includes(id))).toBe(false)
      const last = await get(supervisor, '/pacs/review?all=yes&page=11')
      expect(listed(last.body, '/pacs')).toHaveLength(10)
      expect(last.body).toContain('Showing 501 to 510 of 510 PACs')
      // Every review is overdue (REF-02's 24 hours have passed for each): the most recently overdue first.
      const { rows } = await sql<{ id: string }>`
        select id from pac where reviewed_at is null order by submitted_at desc, id limit 50 offset 50`.execute(
        f.kestrel.services.db,
      )
      expect(second).toEqual(rows.map((r) => r.id))
    })

    it('the MASH queue ranks across every page: unrated first, then red before green, however long', async () => {
      // All 550 shared PACs wait for a decision (none is decided); the one shared last is rated red now.
      const { rows } = await sql<{ id: string }>`
        update pac set mash_brag = 'red', mash_rated_at = shared_with_mash_at
        where id = (select id from pac where shared_with_mash_at is not null
          order by shared_with_mash_at desc limit 1)
        returning id`.execute(f.kestrel.services.db)
      const red = rows[0]?.id as string
      const { rows: rated } = await sql<{ id: string; mash_brag: string | null }>`
        select id, mash_brag from pac where shared_with_mash_at is not null`.execute(f.kestrel.services.db)
      const brag = new Map(rated.map((r) => [r.id, r.mash_brag]))
      const page = await get(mash, '/pacs/mash')
      expect(caption(page.body)).toBe('550 waiting for a decision')
      const all = listed(page.body, '/pacs')
      expect(all).toHaveLength(50)
      for (let n = 2; n <= 11; n++)
        all.push(...listed((await get(mash, `/pacs/mash?page=${n}`)).body, '/pacs'))
      expect(new Set(all).size).toBe(550)
      const unrated = all.filter((id) => brag.get(id) === null).length
      expect(all.slice(0, unrated).every((id) => brag.get(id) === null)).toBe(true)
      expect(all[unrated]).toBe(red)
      expect(all.slice(unrated + 1).every((id) => brag.get(id) === 'green')).toBe(true)
    })
  })
})
