import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import {
  bcuToday,
  type SweepFixture,
  type SweepPrincipal,
  sweepFixture,
} from '../../../test/sweep-fixture.ts'
import type { Role } from '../../platform/access/roles.ts'

/**
 * Home as each role's start page, on the need-to-know sweep's world (BCU A holds borough A1; BCU B holds
 * B1, and M, moved from A with its records): each role sees its own panels, counting only its area's
 * records, and each panel's read is in the access log.
 */

let kestrel: TestKestrel
let fixture: SweepFixture

beforeAll(async () => {
  kestrel = await testKestrel()
  fixture = await sweepFixture(kestrel)
}, 300_000)
afterAll(() => kestrel?.close())

const user = (role: Role, bcu: 'A' | 'B') =>
  fixture.principals.find((p) => p.kind === 'user' && p.role === role && p.bcu === bcu) as SweepPrincipal

const get = (url: string, who: SweepPrincipal) => kestrel.app.inject({ url, headers: who.headers })

/** The panels on a start page: each section's id and its counts in order. */
function panelsOf(body: string): Record<string, number[]> {
  const panels: Record<string, number[]> = {}
  for (const section of body.split('<section class="kestrel-start-panel"').slice(1)) {
    const id = /id="([^"]+)"/.exec(section)?.[1] as string
    const end = section.indexOf('</section>')
    panels[id] = [...section.slice(0, end).matchAll(/data-count>([\d,]+)</g)].map((m) =>
      Number((m[1] as string).replace(/,/g, '')),
    )
  }
  return panels
}

const panelsFor: [Role, string[]][] = [
  ['officer', ['my-work']],
  ['supervisor', ['my-work', 'my-team', 'review-queue']],
  ['mash', ['my-work', 'mash-queue']],
  ['missing_persons_unit', ['my-work', 'missing-live']],
  ['custody', ['my-work', 'in-custody']],
  ['offender_manager', ['my-work']],
  ['bcu_lead', ['my-team', 'review-queue']],
  ['force_lead', ['my-team']],
  ['dit_auditor', []],
  ['admin', []],
  ['partner', []],
]

describe('Home, each role’s start page', () => {
  it.each(panelsFor)('%s sees the panels for their work', async (role, ids) => {
    for (const bcu of ['A', 'B'] as const) {
      const page = await get('/', user(role, bcu))
      expect(page.statusCode).toBe(200)
      expect(Object.keys(panelsOf(page.body))).toEqual(ids)
    }
  })

  it('counts only the records of the viewer’s area: BCU A holds A1, BCU B holds B1 and M', async () => {
    const expected: [Role, string, string][] = [
      ['mash', 'mash-queue', 'pac'],
      ['missing_persons_unit', 'missing-live', 'missing-episode'],
      ['custody', 'in-custody', 'custody-detention'],
    ]
    for (const [role, id, kind] of expected) {
      const counts = []
      for (const bcu of ['A', 'B'] as const) {
        const inArea = fixture.records.filter((r) => r.kind === kind && bcuToday[r.borough] === bcu)
        const shown = panelsOf((await get('/', user(role, bcu))).body)[id]?.[0]
        expect([role, bcu, shown]).toEqual([role, bcu, inArea.length])
        counts.push(shown)
      }
      expect(counts[0]).not.toBe(counts[1])
    }
    // Every PAC in the fixture was reviewed: none waits for a supervisor.
    expect(panelsOf((await get('/', user('supervisor', 'A'))).body)['review-queue']).toEqual([0])
  })

  it('names no record of another area', async () => {
    for (const [role] of panelsFor) {
      for (const bcu of ['A', 'B'] as const) {
        const who = user(role, bcu)
        const body = (await get('/', who)).body
        const foreign = fixture.foreignBoroughs(who)
        for (const record of fixture.records.filter((r) => r.sensitive && foreign.includes(r.borough))) {
          if (record.ref) expect([who.label, body.includes(record.ref)]).toEqual([who.label, false])
          for (const name of record.names)
            expect([who.label, body.includes(name)]).toEqual([who.label, false])
        }
      }
    }
  })

  it('My team’s panel counts what the My team page lists, its most urgent first', async () => {
    for (const role of ['supervisor', 'bcu_lead', 'force_lead'] as const) {
      const who = user(role, 'B')
      const [open, breached] = panelsOf((await get('/', who)).body)['my-team'] as number[]
      const list = (await get('/my-team', who)).body
      const listed = Number(/Findings \(([\d,]+)\)/.exec(list)?.[1]?.replace(/,/g, '') ?? 0)
      expect([role, open]).toEqual([role, listed])
      const breachedList = (await get('/my-team?status=breached', who)).body
      expect(breached).toBe(Number(/Findings \(([\d,]+)\)/.exec(breachedList)?.[1]?.replace(/,/g, '') ?? 0))
      expect(open).toBeGreaterThan(0)
      // The panel's first finding is the page's first.
      const home = (await get('/', who)).body
      const panel = home.slice(home.indexOf('id="my-team"'))
      const first = /href="(\/findings\/[^"]+)"/.exec(panel)?.[1]
      expect(first).toBe(/href="(\/findings\/[^"]+)"/.exec(list)?.[1])
    }
  })

  it('logs each panel’s read in the access log, one row per list', async () => {
    const who = user('mash', 'B')
    await get('/', who)
    const logged = async (panel: string) =>
      kestrel.services.db
        .selectFrom('access_log')
        .select(['subject_kind', 'detail'])
        .where('subject_id', '=', `GET / (start page: ${panel})`)
        .where('actor_name', '=', 'sweep.mash.b')
        .orderBy('seq', 'desc')
        .executeTakeFirst()
    const mash = await logged('mash-queue')
    expect(mash?.subject_kind).toBe('pac')
    expect((mash?.detail as { count?: number } | undefined)?.count).toBe(
      fixture.records.filter((r) => r.kind === 'pac' && bcuToday[r.borough] === 'B').length,
    )
    expect((await logged('my-work'))?.subject_kind).toBe('finding')
  })
})
