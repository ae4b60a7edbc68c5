import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { demoWork } from '../../src/cli/demo.ts'
import { roles } from '../../src/platform/access/roles.ts'
import { fixedClock } from '../../src/platform/clock.ts'
import { type TestKestrel, testKestrel } from '../app.ts'
import { calibration, formatKinds, formatRates, type KindRate, type RuleRate, seedDemo } from './measure.ts'
import { breachTargets, calibrationTargets, kindsOutsideBand, outsideBand, smallestScale } from './targets.ts'

/**
 * The demo force at the demo's scale (0.1), imported as `npm start` imports it and swept at its end: every
 * rule raises at least one finding and stays within its stated band, each kind's share of records with a
 * breach is near the report's, and every demo account opens on live work. About 70 s a database; the same
 * measurement printed as a table, at any scale, is `bench/calibrate.ts`.
 */
const scale = Number(process.env.KESTREL_CALIBRATION_SCALE ?? 0.1)
const seed = 2018
const until = new Date('2026-06-01T00:00:00Z')

describe(`the demo force's rule rates at scale ${scale}`, () => {
  let kestrel: TestKestrel
  let rules: RuleRate[]
  let kinds: KindRate[]

  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock(until) })
    await seedDemo(kestrel.services, { scale, seed, until })
    ;({ rules, kinds } = await calibration(kestrel.services, until))
    console.log(`${formatRates(rules, calibrationTargets)}\n\n${formatKinds(kinds, breachTargets)}`)
  }, 600_000)
  afterAll(async () => {
    await kestrel?.close()
  })

  it('has every rule raise at least one finding, bar those that need a bigger force', () => {
    const silent = rules.filter((r) => r.raising === 0).map((r) => r.ruleId)
    const tooSmall = (id: string) => (smallestScale[id] ?? 0) > scale
    expect(silent.filter((id) => !tooSmall(id))).toEqual([])
    // Every rule that raises anything has a stated band with its source: at most a stated share.
    const unbanded = rules.filter((r) => !calibrationTargets[r.ruleId])
    expect(unbanded.map((r) => r.ruleId)).toEqual([])
    // Every band names a rule that exists.
    const ids = new Set(rules.map((r) => r.ruleId))
    expect(Object.keys(calibrationTargets).filter((id) => !ids.has(id))).toEqual([])
  })

  it('keeps every rule within its stated band', () => {
    expect(outsideBand(rules, scale)).toEqual([])
  })

  it("gives each demo account's My work something due within the week and something overdue", async () => {
    // The demo is live on the day it starts: every role's account opens on work to do, not an empty list.
    const work = await demoWork(kestrel.services)
    console.log(`Demo accounts' My work (due within the day, the week; overdue): ${JSON.stringify(work)}`)
    // A partner agency holds no findings (My work is the force's staff's); its work is the Shared PACs queue.
    const idle = roles
      .filter((role) => role !== 'admin' && role !== 'partner')
      .filter((role) => !work[role] || work[role].week === 0 || work[role].overdue === 0)
    expect(idle.map((role) => `${role} ${JSON.stringify(work[role] ?? null)}`)).toEqual([])
  })

  it("keeps each kind's share of records with a breach near the report's share of cases not good", () => {
    expect(kindsOutsideBand(kinds)).toEqual([])
    for (const kind of Object.keys(breachTargets)) expect(kinds.map((k) => k.kind)).toContain(kind)
  })
})
