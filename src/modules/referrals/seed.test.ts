import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { pacsPerYearAtScale1, referralsSeed } from './seed.ts'

describe('referrals demo data (database)', () => {
  let kestrel: TestKestrel
  const scale = 0.005
  const until = new Date('2020-06-01T00:00:00Z')
  beforeAll(async () => {
    kestrel = await testKestrel()
    await runSeed(kestrel.services.imports, [organisationSeed, referralsSeed], { scale, seed: 7, until })
  })
  afterAll(() => kestrel.close())

  it('writes a year of PACs at the scale, with the failings at about the stated rates', async () => {
    const from = new Date(until.getTime() - 365 * 86_400_000)
    const { referrals } = kestrel.services
    const { total } = await referrals.list({}, forceWideReach)
    // The year's PACs, and the other children's own PACs beside a little over half of those with siblings.
    const { n } = await kestrel.services.db
      .selectFrom('pac')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .where(sql<boolean>`ref !~ '-S[0-9]+$'`)
      .executeTakeFirstOrThrow()
    expect(Number(n)).toBe(Math.round(pacsPerYearAtScale1 * scale))
    expect(total).toBeGreaterThan(Number(n) * 1.1)
    expect(total).toBeLessThan(Number(n) * 1.6)
    const nfa = await referrals.measures.nfaShare(from, until)
    expect(nfa.share).toBeGreaterThan(0.2)
    expect(nfa.share).toBeLessThan(0.5)
    const median = await referrals.measures.medianHoursToSubmission(from, until)
    expect(median.hours).toBeGreaterThan(1)
    expect(median.hours).toBeLessThan(24)
    const brag = await referrals.measures.bragShares(from, until)
    expect(brag.rated).toBeGreaterThan(0)
    const noFeedback = await referrals.measures.noFeedbackShare(from, until, { asOf: until })
    expect(noFeedback.share).toBeGreaterThan(0.15)
    expect(noFeedback.share).toBeLessThan(0.5)
    const byMonth = await referrals.measures.byAreaAndMonth(from, until)
    expect(new Set(byMonth.map((r) => r.month)).size).toBeGreaterThanOrEqual(11)
    expect(byMonth.every((r) => r.bcuId !== null)).toBe(true)
    const late = await kestrel.services.standards.findingsAt(until, { ruleId: 'REF-01' })
    const share = late.findings.filter((f) => f.status === 'met_late').length / total
    expect(share).toBeGreaterThan(0.05)
    expect(share).toBeLessThan(0.25)
  })
})
