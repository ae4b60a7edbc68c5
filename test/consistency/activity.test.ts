import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fixedClock } from '../../src/platform/clock.ts'
import { checkConsistency } from '../../src/standards/consistency.ts'
import { type TestKestrel, testKestrel } from '../app.ts'
import { seedDemo } from '../calibration/measure.ts'

/*
 * A stretch of a force's life driven the way the server runs it: writes evaluated in their own transactions,
 * the clock moving in hours and days across the August bank holiday, the steady sweep after each step (as the
 * schedule runs it, the rules swept by their due times reading only the findings that fell due), and rule
 * parameters changed on the admin page, one at once and one dated to take effect
 * later. Then the consistency check re-derives every rule: a stored finding the writes, the sweeps or the
 * parameter changes left wrong is a difference, and there must be none.
 */

const hour = 3_600_000
// Thursday 27 August 2026; Monday 31 August is the summer bank holiday.
const start = new Date('2026-08-27T09:00:00Z')
const clock = fixedClock(start)

describe('writes, clock steps and parameter changes leave nothing for the consistency check', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel({ clock })
    // The demo force's history up to the start, through the import path.
    await seedDemo(kestrel.services, { scale: 0.02, seed: 2018, until: start })
  }, 600_000)
  afterAll(async () => {
    await kestrel?.close()
  })

  it('finds no difference after a week of steps', async () => {
    const { standards, imports, db } = kestrel.services
    const later = new Date(start.getTime() + 4 * 24 * hour)
    const { rows } = await sql<{ ref: string }>`
      select p.ref from person p join missing_episode e on e.person_id = p.id
      group by p.ref order by count(*) desc, p.ref limit 1`.execute(db)
    const child = rows[0]?.ref
    if (!child) throw new Error('the demo has no missing child')
    const steps: { hours: number; act?: () => Promise<unknown> }[] = [
      { hours: 1 },
      {
        hours: 5,
        // MIS-03 changes only on a write, but it reads this: a parameter in force at once.
        act: () =>
          standards.parameters.set({
            ruleId: 'MIS-03',
            name: 'repeatEpisodes',
            boroughId: null,
            value: 2,
            effectiveFrom: clock.now(),
            reason: 'Two episodes make a child repeat missing',
            setBy: 'tester',
          }),
      },
      {
        hours: 24,
        act: async () => {
          // And one dated to take effect on Monday, the bank holiday.
          await standards.parameters.set({
            ruleId: 'MIS-03',
            name: 'repeatDays',
            boroughId: null,
            value: 60,
            effectiveFrom: later,
            reason: 'Within 60 days',
            setBy: 'tester',
          })
          // The child goes missing again, reported from another system.
          const at = clock.now().toISOString()
          await imports.run(
            JSON.stringify({
              kind: 'missing-episode',
              ref: 'ACTIVITY-1',
              child,
              borough: 'Lambeth',
              reportedAt: at,
              reportedByKind: 'carer',
              lastSeenAt: new Date(clock.now().getTime() - 2 * hour).toISOString(),
              lastSeenPlace: 'Home',
              circumstances: 'Did not come home',
              grade: 'medium',
              riskFactors: ['looked_after'],
              gradedBy: 'PC Grader',
            }),
            'tester',
          )
        },
      },
      { hours: 24 },
      // To Monday 31 August, 09:00 BST: the second parameter takes effect as the sweep runs.
      { hours: (later.getTime() - start.getTime()) / hour - 54 },
      { hours: 24 },
      { hours: 72 },
    ]
    let elapsed = 0
    // Records the rules swept by their due times read from the index: the check covers that path too.
    let readByDueTimes = 0
    for (const step of steps) {
      elapsed += step.hours
      clock.set(new Date(start.getTime() + elapsed * hour))
      await step.act?.()
      const swept = await standards.sweep({ timeBasedOnly: true })
      expect(swept.filter((r) => !r.ok)).toEqual([])
      for (const r of swept) readByDueTimes += r.dueRecords ?? 0
    }
    expect(readByDueTimes).toBeGreaterThan(0)
    const report = await checkConsistency(standards, { asOf: clock.now() })
    expect(report.failed).toEqual([])
    expect(report.differences).toEqual([])
  }, 600_000)
})
