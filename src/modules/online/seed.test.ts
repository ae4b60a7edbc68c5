import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { seededRandom } from '../../platform/seed/random.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import type { OutcomeCode } from '../investigations/investigation.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { outcomeKindOf } from './online-case.ts'
import { onlineSeed } from './seed.ts'

type Line = Record<string, unknown> & { kind: string; ref: string }
type StageLine = { stage: string; at: string; team?: string; outcomeCode?: string }
const until = new Date('2018-09-01T00:00:00Z')
const from = new Date(until.getTime() - 365 * 86_400_000)

function generate(scale: number, seed = 2018) {
  const root = seededRandom(seed)
  const shared = new Map<string, unknown>()
  const context = (name: string) => ({ scale, random: root.fork(name), until, from, shared })
  const organisation = [...organisationSeed.generate(context('organisation'))] as Line[]
  const online = [...onlineSeed.generate(context('online'))] as Line[]
  return { organisation, online }
}

describe('online demo data at scale 1, as generated', () => {
  const { organisation, online } = generate(1)
  const cases = online.filter((l) => l.kind === 'online-case')
  const teamKind = new Map(
    organisation.filter((l) => l.kind === 'team').map((l) => [l.ref, l.teamKind as string]),
  )
  const allocations = cases.flatMap((c) => (c.stages as StageLine[]).filter((s) => s.stage === 'allocated'))
  const kindOf = (team: string) =>
    teamKind.get(team) === 'online_csae'
      ? 'specialist'
      : teamKind.get(team) === 'cait'
        ? 'child_abuse_team'
        : 'frontline'

  it('has about 1,387 NCA referrals over 20 months and 100 Bellona cases a month', () => {
    expect(cases.filter((c) => c.source === 'nca_referral')).toHaveLength(1387)
    expect(cases.filter((c) => c.source === 'bellona')).toHaveLength(1200)
    const earliest = Math.min(...cases.map((c) => Date.parse(c.receivedAt as string)))
    expect((until.getTime() - earliest) / 86_400_000).toBeGreaterThan(590)
  })

  it('allocates in the report’s 77/17/6 shares', () => {
    const share = (k: string) =>
      allocations.filter((a) => kindOf(a.team as string) === k).length / allocations.length
    expect(share('frontline')).toBeCloseTo(0.77, 1)
    expect(share('child_abuse_team')).toBeCloseTo(0.17, 1)
    expect(share('specialist')).toBeCloseTo(0.06, 1)
  })

  it('gives outcomes by team kind near the report’s table', () => {
    const outcomes = cases.flatMap((c) => {
      const stages = c.stages as StageLine[]
      const outcome = stages.find((s) => s.stage === 'outcome')
      const allocated = stages.findLast((s) => s.stage === 'allocated')
      return outcome && allocated
        ? [
            {
              kind: kindOf(allocated.team as string),
              outcome: outcomeKindOf(outcome.outcomeCode as OutcomeCode),
            },
          ]
        : []
    })
    const share = (k: string, o: string) => {
      const of = outcomes.filter((x) => x.kind === k)
      return of.filter((x) => x.outcome === o).length / of.length
    }
    expect(share('frontline', 'no_further_action')).toBeCloseTo(0.86, 1)
    expect(share('frontline', 'positive')).toBeCloseTo(0.11, 1)
    // The specialists' few cases: near 29 / 12 / 59 within sampling error.
    expect(Math.abs(share('specialist', 'positive') - 0.59)).toBeLessThan(0.15)
  })

  it('is the same for the same seed', () => {
    expect(JSON.stringify(generate(0.05).online)).toBe(JSON.stringify(generate(0.05).online))
  })
})

describe('online demo data at a small scale, through the import', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel({ clock: { now: () => until } })
    await seedLondon(kestrel.services.db)
    await runSeed(kestrel.services.imports, [organisationSeed, onlineSeed], {
      scale: 0.05,
      seed: 2018,
      until,
    })
  }, 300_000)
  afterAll(() => kestrel?.close())

  it('imports whole and fills the queue, with stage ages and breaches of the online rules', async () => {
    const { db } = kestrel.services
    const n = await db
      .selectFrom('online_case')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(n.n)).toBe(Math.round(1387 * 0.05) + 12 * Math.round(100 * 0.05))
    const rules = await db
      .selectFrom('finding')
      .select(['rule_id', 'status'])
      .where('rule_id', 'like', 'ONL-%')
      .execute()
    const breached = new Set(rules.filter((r) => r.status === 'breached').map((r) => r.rule_id))
    expect([...breached].sort()).toEqual(expect.arrayContaining(['ONL-01', 'ONL-02', 'ONL-03']))
  })
})
