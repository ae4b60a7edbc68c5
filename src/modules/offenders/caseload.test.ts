import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

// RSO-05 at its lines, and the caseload the pages show, counted by hand: J1002 takes RSOs one by one.
type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')
let held = 0

beforeAll(async () => {
  fx = await offendersFixture(clock)
})
afterAll(() => fx?.kestrel.close())

/** Gives J1002 RSOs until they hold `n`, each a minute after the last. */
async function holdUntil(n: number) {
  while (held < n) {
    clock.set(new Date(clock.now().getTime() + 60_000))
    await fx.rso('2017-01-01', { manager: 'J1002', riskLevel: held % 4 === 0 ? 'high' : 'low' })
    held++
  }
}

const manager = () => fx.managers[1]?.id as string
const rso05 = () => fx.states('RSO-05', manager(), clock.now().toISOString())

describe('RSO-05 an offender manager’s caseload', () => {
  it('is within the lines at 50, warned at 51 and 100, breached at 101', { timeout: 120_000 }, async () => {
    await holdUntil(50)
    expect(await rso05()).toEqual([])
    await holdUntil(51)
    expect(await rso05()).toEqual(['due'])
    await holdUntil(100)
    expect(await rso05()).toEqual(['due'])
    await holdUntil(101)
    expect(await rso05()).toEqual(['breached'])
    // The stored finding (written by the registering transaction) agrees.
    const stored = await fx.kestrel.services.standards.findingsForSubject('offender-manager', manager())
    expect(stored.map((f) => [f.ruleId, f.status])).toEqual([['RSO-05', 'breached']])
  })

  it('counts each manager’s active RSOs by risk level, as the caseload page shows them', async () => {
    const loads = await fx.kestrel.services.offenders.caseloads({
      kind: 'user',
      id: 'lead',
      username: 'lead',
      displayName: 'Lead',
      roles: ['force_lead'],
      staffId: null,
      area: { forceWide: true },
    })
    const j1002 = loads.find((c) => c.staffNumber === 'J1002')
    // 101 RSOs, every fourth (0, 4, ..., 100) high: 26 high, 75 low.
    expect(j1002).toMatchObject({ active: 101, byRisk: { high: 26, low: 75, medium: 0, very_high: 0 } })
    expect(loads[0]?.staffNumber).toBe('J1002')
  })

  it('marks a manager by their whole caseload for a reader who sees only their area’s share', async () => {
    const { db, offenders } = fx.kestrel.services
    // One of J1002's RSOs lives in Westminster now (how the address changed is not what is tested here).
    const moved = await db
      .selectFrom('rso')
      .select('id')
      .where('manager_staff_id', '=', manager())
      .orderBy('ref')
      .executeTakeFirstOrThrow()
    await db
      .updateTable('rso')
      .set({ borough_id: fx.boroughId('Westminster') })
      .where('id', '=', moved.id)
      .execute()
    const westminster = await offenders.caseloads({
      kind: 'user',
      id: 'lead',
      username: 'lead',
      displayName: 'Westminster lead',
      roles: ['bcu_lead'],
      staffId: null,
      area: {
        forceWide: false,
        bcuId: null,
        boroughId: fx.boroughId('Westminster'),
        boroughIds: [fx.boroughId('Westminster')],
        teamIds: [],
      },
    })
    expect(westminster.map((c) => [c.staffNumber, c.active, c.total])).toEqual([['J1002', 1, 101]])
    await db
      .updateTable('rso')
      .set({ borough_id: fx.boroughId('Lambeth') })
      .where('id', '=', moved.id)
      .execute()
  })

  it('a warning goes when the caseload is rebalanced under the line', { timeout: 60_000 }, async () => {
    const { db, offenders } = fx.kestrel.services
    const theirs = await db
      .selectFrom('rso')
      .select('ref')
      .where('manager_staff_id', '=', manager())
      .orderBy('ref')
      .limit(51)
      .execute()
    for (const r of theirs)
      await offenders.allocate(
        { rso: r.ref, manager: 'J1001', at: clock.now(), reason: 'Rebalanced' },
        keeper,
        forceWideReach,
      )
    expect(await rso05()).toEqual([])
  })
})
