import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { seedLondon } from '../organisation/seed.ts'
import { organisationSeed } from '../organisation/seed-generator.ts'
import { referralsSeed } from '../referrals/seed.ts'
import { missingSeed } from './seed.ts'

let kestrel: TestKestrel
const until = new Date('2018-09-01T00:00:00Z')

beforeAll(async () => {
  kestrel = await testKestrel()
  await seedLondon(kestrel.services.db)
  await runSeed(kestrel.services.imports, [organisationSeed, referralsSeed, missingSeed], {
    scale: 0.02,
    seed: 7,
    until,
  })
}, 400_000)
afterAll(async () => {
  await kestrel?.close()
})

describe('missing demo data', () => {
  it('writes a year of episodes and plans through the import path, with the report’s failings', async () => {
    const { n } = await kestrel.services.db
      .selectFrom('missing_episode')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(n)).toBeGreaterThanOrEqual(240)
    const from = new Date(until.getTime() - 365 * 86_400_000)
    const m = kestrel.services.missing.measures
    const absent = await m.absentWithRiskFactorsShare(from, until)
    const interviews = await m.preventionInterviewsWithin(from, until)
    const plans = await m.livePlansByBorough(until)
    const repeat = await m.repeatMissingByBorough(until)
    console.log('missing measures:', JSON.stringify({ absent, interviews, plans, repeat }))
    expect(absent.withTwoOrMoreFactors).toBeGreaterThan(0)
    expect(interviews.gradedLowest.share ?? 0).toBeLessThan(interviews.gradedAbove.share ?? 1)
    expect(plans.length).toBeGreaterThan(0)
  })
})
