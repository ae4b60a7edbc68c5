import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { seededRandom } from '../../platform/seed/random.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { auditsSeed } from './seed.ts'

type Line = Record<string, unknown> & { kind: string; ref: string }
const until = new Date('2018-09-01T00:00:00Z')
const from = new Date(until.getTime() - 365 * 86_400_000)

function generate(scale: number) {
  const root = seededRandom(2018)
  const shared = new Map<string, unknown>()
  const context = (name: string) => ({ scale, random: root.fork(name), until, from, shared })
  void [...organisationSeed.generate(context('organisation'))]
  return [...auditsSeed.generate(context('audits'))] as Line[]
}

describe('demo audits at scale 1, as generated', () => {
  const audits = generate(1)
  const share = (pick: (l: Line) => boolean) => Math.round((audits.filter(pick).length * 100) / audits.length)

  it('are a round a quarter for each of the 12 BCUs, 25 cases each', () => {
    expect(audits).toHaveLength(12 * 4 * 25)
    expect(new Set(audits.map((a) => String(a.caseReference).slice(0, 11))).size).toBe(12 * 4)
  })

  it('are graded near the report’s shares and referred back at about its 17 percent', () => {
    expect(Math.abs(share((a) => a.grade === 'good') - 31)).toBeLessThanOrEqual(3)
    expect(Math.abs(share((a) => a.grade === 'requires_improvement') - 42)).toBeLessThanOrEqual(3)
    expect(Math.abs(share((a) => a.grade === 'inadequate') - 27)).toBeLessThanOrEqual(3)
    expect(Math.abs(share((a) => a.referredBack === true) - 17)).toBeLessThanOrEqual(3)
  })
})

describe('demo audits imported', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel()
    await seedLondon(kestrel.services.db)
  })
  afterAll(() => kestrel?.close())

  it('import through the audit kind', async () => {
    await runSeed(kestrel.services.imports, [organisationSeed, auditsSeed], {
      scale: 0.04,
      seed: 2018,
      until,
    })
    const n = await kestrel.services.db
      .selectFrom('audit')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow()
    // A round a quarter for each BCU the small demo's boroughs fall in.
    expect(Number(n.n)).toBeGreaterThan(0)
    expect(Number(n.n) % 4).toBe(0)
  })
})
