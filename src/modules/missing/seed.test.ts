import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { referralsSeed } from '../referrals/seed.ts'
import { missingSeed } from './seed.ts'
import { principal } from './test-fixtures.ts'

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

  it('links most episodes to the child’s own Merlin PAC, so MIS-09 finds a minority', async () => {
    const { db, standards } = kestrel.services
    const episodes = await db
      .selectFrom('missing_episode as e')
      .leftJoin('pac as p', 'p.id', 'e.pac_id')
      .select(['e.person_id', 'e.pac_id', 'e.reported_at', 'e.pac_linked_at', 'p.person_id as pac_person'])
      .execute()
    const linked = episodes.filter((e) => e.pac_id)
    const missed = (await standards.findingsAt(until, { ruleId: 'MIS-09' })).findings.filter(
      (f) => f.status !== 'met',
    )
    console.log('missing PAC links:', {
      episodes: episodes.length,
      linked: linked.length,
      mis09: missed.length,
    })
    expect(linked.length / episodes.length).toBeGreaterThan(0.6)
    expect(linked.length).toBeLessThan(episodes.length)
    expect(linked.every((e) => e.pac_person === e.person_id)).toBe(true)
    expect(missed.length / episodes.length).toBeLessThan(0.4)
    expect(missed.length).toBeGreaterThan(0)
  })

  it('reports only children of 11 or more missing, and shows missing now only those whose episode is under way', async () => {
    const { rows } = await sql<{ age: number; reported_at: Date; returned_at: Date | null }>`
      select e.age_at_report as age, e.reported_at, e.returned_at from missing_episode e`.execute(
      kestrel.services.db,
    )
    expect(rows.length).toBeGreaterThan(0)
    expect(Math.min(...rows.map((r) => r.age))).toBeGreaterThanOrEqual(10)
    const out = rows.filter((r) => r.returned_at === null)
    // The live day: a dozen out now, none reported more than a fortnight before the end.
    expect(out.length).toBeGreaterThanOrEqual(10)
    for (const r of out) expect(until.getTime() - r.reported_at.getTime()).toBeLessThan(15 * 86_400_000)
  })

  it('records staff on duty in each missing persons unit, weekdays, for MIS-11', async () => {
    const rows = await kestrel.services.db
      .selectFrom('missing_unit_duty as d')
      .innerJoin('team as t', 't.id', 'd.team_id')
      .select(['t.name', 'd.staff_on_duty', 'd.on_duty_from'])
      .execute()
    const units = new Set(rows.map((r) => r.name))
    expect(units.size).toBeGreaterThan(0)
    expect(rows.length).toBeGreaterThan(units.size * 200)
    expect(rows.every((r) => r.staff_on_duty >= 1 && r.staff_on_duty <= 3)).toBe(true)
    expect(rows.every((r) => ![0, 6].includes(r.on_duty_from.getUTCDay()))).toBe(true)
    const view = await kestrel.services.missing.unitView(
      { ...principal(), area: { forceWide: true } },
      { asOf: new Date('2018-08-29T12:00:00Z') },
    )
    expect(view.units.filter((u) => u.staffOnDuty !== null).length).toBe(units.size)
  })
})
