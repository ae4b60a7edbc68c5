import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { Principal } from '../../platform/auth/principal.ts'
import { currentBriefings, generateBriefings, viewBriefing } from './service/briefings.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

// Lambeth's neighbourhood team is briefed on every active RSO living in Lambeth, at every risk level.
type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')
let officer: Principal
let lambethRsos: { id: string; ref: string }[]

beforeAll(async () => {
  fx = await offendersFixture(clock)
  const { organisation } = fx.kestrel.services
  const force = await organisation.force()
  const snt = await organisation.createTeam(
    force.id,
    {
      name: 'Lambeth SNT',
      kind: 'neighbourhood',
      boroughId: fx.boroughId('Lambeth'),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  const pc = await organisation.createStaff(
    force.id,
    {
      staffNumber: 'N1001',
      name: 'PC Neighbour',
      rank: 'constable',
      role: 'Neighbourhood officer',
      teamId: snt.id,
      startDate: '2012-01-01',
      active: true,
    },
    'test',
  )
  officer = {
    kind: 'user',
    id: 'pc-neighbour',
    username: 'pc.neighbour',
    displayName: 'PC Neighbour',
    roles: ['officer'],
    staffId: pc.id,
    area: {
      forceWide: false,
      bcuId: null,
      boroughId: null,
      boroughIds: [fx.boroughId('Lambeth')],
      teamIds: [snt.id],
    },
  }
  lambethRsos = [
    await fx.rso('2017-01-01', { riskLevel: 'low' }),
    await fx.rso('2017-01-01', { riskLevel: 'very_high' }),
  ]
  await fx.rso('2017-01-01', { borough: 'Camden', riskLevel: 'high' })
})
afterAll(() => fx?.kestrel.close())

const deps = () => ({
  clock,
  accessLog: fx.kestrel.services.accessLog,
  afterWrite: (trx: never, kind: string, ids: readonly string[]) =>
    fx.kestrel.services.standards.afterWrite(trx, kind, ids),
})
const generate = () =>
  fx.kestrel.services.db.transaction().execute((trx) => generateBriefings(trx, deps() as never, keeper))
const now = () => clock.now().toISOString()

describe('neighbourhood briefings and RSO-08', () => {
  it('breaches RSO-08 for an RSO on no briefing, and is met once their borough is briefed at every level', async () => {
    const low = lambethRsos[0] as { id: string }
    expect(await fx.states('RSO-08', low.id, now())).toEqual(['breached'])
    clock.set('2019-06-15T13:00:00Z')
    const made = await generate()
    expect(made.map((b) => b.entries).sort()).toEqual([1, 2])
    for (const r of lambethRsos) expect(await fx.states('RSO-08', r.id, now())).toEqual(['met'])
    // Nothing changed: no new version.
    expect(await generate()).toEqual([])
  })

  it('is read by the officers of its area, who are recorded as having read it; others are told it does not exist', async () => {
    const lambeth = (await currentBriefings(fx.kestrel.services.db, deps() as never, officer)).filter(
      (b) => b.borough === 'Lambeth',
    )
    expect(lambeth).toHaveLength(1)
    expect(lambeth[0]).toMatchObject({ entries: 2, sent: 1, read: 0 })
    const seen = await viewBriefing(
      fx.kestrel.services.db,
      deps() as never,
      lambeth[0]?.ref as string,
      officer,
    )
    expect(seen.entries.map((e) => e.risk_level)).toEqual(['very_high', 'low'])
    expect(seen.receipts).toEqual([expect.objectContaining({ name: 'PC Neighbour', read_at: clock.now() })])
    const logged = await fx.kestrel.services.accessLog.forSubject('rso-briefing', seen.briefing.id)
    expect(logged.map((l) => [l.action, l.actorName])).toContainEqual(['read', 'pc.neighbour'])

    const camden = (
      await currentBriefings(fx.kestrel.services.db, deps() as never, {
        ...officer,
        roles: ['force_lead'],
        area: { forceWide: true },
      })
    ).find((b) => b.borough === 'Camden')
    await expect(
      viewBriefing(fx.kestrel.services.db, deps() as never, camden?.ref as string, officer),
    ).rejects.toMatchObject({
      statusCode: 404,
    })
  })

  it('a new RSO moving in is breached until the next briefing lists them', async () => {
    clock.set('2019-06-16T09:00:00Z')
    const newcomer = await fx.rso('2017-01-01', { riskLevel: 'medium' })
    expect(await fx.states('RSO-08', newcomer.id, now())).toEqual(['breached'])
    clock.set('2019-06-16T10:00:00Z')
    const made = await generate()
    expect(made).toHaveLength(1)
    expect(await fx.states('RSO-08', newcomer.id, now())).toEqual(['met'])
  })

  it("lists an RSO whose address began today on the next day's scheduled briefing, or on one generated now", async () => {
    clock.set('2019-06-17T09:00:00Z')
    const byDay = () =>
      fx.kestrel.services.db
        .transaction()
        .execute((trx) => generateBriefings(trx, deps() as never, keeper, { cut: 'day' }))
    // Registered today: the day's briefing (what parade reads) keeps the list it began the day with.
    const today = await fx.rso('2019-06-17', { riskLevel: 'high' })
    expect(await byDay()).toEqual([])
    expect(await fx.states('RSO-08', today.id, now())).toEqual(['breached'])
    // The next day's run lists them.
    clock.set('2019-06-18T00:30:00Z')
    expect((await byDay()).map((b) => b.entries)).toEqual([lambethRsos.length + 2])
    expect(await fx.states('RSO-08', today.id, now())).toEqual(['met'])

    // Briefed now by hand, a newcomer stays on the day's briefing: the scheduled run does not drop them.
    clock.set('2019-06-18T10:00:00Z')
    const another = await fx.rso('2019-06-18', { riskLevel: 'low' })
    expect((await generate()).map((b) => b.entries)).toEqual([lambethRsos.length + 3])
    expect(await fx.states('RSO-08', another.id, now())).toEqual(['met'])
    expect(await byDay()).toEqual([])
  })
})

describe('an RSO on their chronology', () => {
  it('shows a Lambeth reader that the person is an RSO and who manages them; a Camden reader sees nothing of it', async () => {
    const rso = lambethRsos[1] as { id: string; ref: string }
    const row = await fx.kestrel.services.db
      .selectFrom('rso')
      .select('person_id')
      .where('id', '=', rso.id)
      .executeTakeFirstOrThrow()
    const { children } = fx.kestrel.services
    const lambeth = await children.timeline(row.person_id, {
      forceWide: false,
      boroughIds: [fx.boroughId('Lambeth')],
      staffId: null,
      userId: 'mash-lambeth',
      teamIds: [],
    })
    expect(lambeth.filter((i) => i.kind === 'rso').map((i) => i.title)).toEqual([
      `Registered sex offender ${rso.ref}: very high risk, MAPPA category 1 level 1`,
    ])
    const camden = await children.timeline(row.person_id, {
      forceWide: false,
      boroughIds: [fx.boroughId('Camden')],
      staffId: null,
      userId: 'mash-camden',
      teamIds: [],
    })
    expect(camden.filter((i) => i.kind.startsWith('rso'))).toEqual([])
  })
})
