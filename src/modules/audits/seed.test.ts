import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seededRandom } from '../../platform/seed/random.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { referralsSeed } from '../referrals/seed.ts'
import { auditsSeed } from './seed.ts'
import { programme, sampleOf } from './service/programmes.ts'

type Line = Record<string, unknown> & { kind: string; ref: string }
// After the 2019 go-live, when every borough lies in a BCU (the calibration's and a demo's end today).
const until = new Date('2026-06-01T00:00:00Z')
const from = new Date(until.getTime() - 365 * 86_400_000)

function generate(scale: number) {
  const root = seededRandom(2018)
  const shared = new Map<string, unknown>()
  const context = (name: string) => ({ scale, random: root.fork(name), until, from, shared })
  void [...organisationSeed.generate(context('organisation'))]
  return [...auditsSeed.generate(context('audits'))] as Line[]
}

describe('demo audits at scale 1, as generated', () => {
  const lines = generate(1)
  const audits = lines.filter((l) => l.kind === 'audit')
  const share = (pick: (l: Line) => boolean) => Math.round((audits.filter(pick).length * 100) / audits.length)

  it('are a programme a quarter for each of the 12 BCUs, 25 sampled cases each, each with its seed', () => {
    const programmes = lines.filter((l) => l.kind === 'audit-programme')
    expect(programmes).toHaveLength(12 * 4)
    expect(new Set(programmes.map((p) => p.seed)).size).toBe(12 * 4)
    expect(programmes.every((p) => p.sampleSize === 25)).toBe(true)
    expect(audits).toHaveLength(12 * 4 * 25)
  })

  it('are graded near the report’s shares and referred back at about its 17 percent', () => {
    expect(Math.abs(share((a) => a.grade === 'good') - 31)).toBeLessThanOrEqual(3)
    expect(Math.abs(share((a) => a.grade === 'requires_improvement') - 42)).toBeLessThanOrEqual(3)
    expect(Math.abs(share((a) => a.grade === 'inadequate') - 27)).toBeLessThanOrEqual(3)
    expect(Math.abs(share((a) => a.referredBack === true) - 17)).toBeLessThanOrEqual(3)
  })

  it('have moderations with disagreements, and learning shared force-wide and left local', () => {
    type Moderation = { auditorGrade: string; grade: string; resolution?: unknown }
    const moderated = audits.flatMap((a) => (a.moderation ? [a.moderation as Moderation] : []))
    expect(Math.abs((moderated.length * 100) / audits.length - 20)).toBeLessThanOrEqual(3)
    expect(moderated.filter((m) => m.auditorGrade !== m.grade && m.resolution).length).toBeGreaterThan(0)
    const learning = audits.flatMap((a) => a.learning as { sharedIn?: string }[])
    expect(learning.filter((l) => l.sharedIn).length).toBeGreaterThan(learning.length / 2)
    expect(learning.filter((l) => !l.sharedIn).length).toBeGreaterThan(0)
  })
})

describe('demo audits imported', () => {
  let kestrel: TestKestrel
  const scale = 0.005
  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock(until) })
    await runSeed(kestrel.services.imports, [organisationSeed, referralsSeed, auditsSeed], {
      scale,
      seed: 2018,
      until,
    })
  }, 120_000)
  afterAll(() => kestrel?.close())

  it('draws each programme’s sample from the demo’s own records, again the same from its stored seed', async () => {
    const { db } = kestrel.services
    const programmes = await db.selectFrom('audit_programme').selectAll().execute()
    expect(programmes.length).toBeGreaterThan(0)
    expect(programmes.length % 4).toBe(0)
    for (const p of programmes.slice(0, 4)) {
      const drawn = await programme(db, p.ref)
      expect(drawn.sample).toHaveLength(p.sample_size)
      const again = await sampleOf(
        db,
        { caseTypes: drawn.caseTypes, bcuIds: p.bcu_ids, from: p.period_from, to: p.period_to },
        p.sample_size,
        p.seed,
        drawn.strata,
      )
      expect(again.map((c) => c.id)).toEqual(drawn.sample.map((s) => s.subject_id))
      // Audited: the audit is of the sampled case, in the programme.
      expect(drawn.sample[0]?.audit_ref).toMatch(/^AUD-DEMO-/)
    }
  })
})
