import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seededRandom } from '../../platform/seed/random.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { organisationSeed, type SeededTeam, seededTeamsKey } from '../organisation/seed.ts'
import { tallyByCourse } from './coverage.ts'
import { ensureDefaultRequirements } from './default-requirements.ts'
import { scheduledShare, skillsSeed } from './seed.ts'

type Line = Record<string, unknown> & { kind: string; ref: string }
const until = new Date('2026-12-06T00:00:00Z')
const from = new Date(until.getTime() - 365 * 86_400_000)

/** The organisation's and the skills generator's lines at a scale, made in memory as runSeed makes them. */
function generate(scale: number, seed = 2018) {
  const root = seededRandom(seed)
  const shared = new Map<string, unknown>()
  const context = (name: string) => ({ scale, random: root.fork(name), until, from, shared })
  const organisation = [...organisationSeed.generate(context('organisation'))] as Line[]
  const skills = [...skillsSeed.generate(context('skills'))] as Line[]
  return { organisation, skills, teams: shared.get(seededTeamsKey) as SeededTeam[] }
}

describe('the skills demo data, as the report describes the one-week course', () => {
  it.each([0.1, 1])(
    'at scale %s: trained or scheduled for 40% of the safeguarding teams, no plan for the other 60%',
    (scale) => {
      const { skills, teams } = generate(scale)
      const kinds = new Set(['mash', 'cait', 'sapphire', 'missing_persons_unit', 'jigsaw'])
      const staff = teams.filter((t) => kinds.has(t.kind)).flatMap((t) => t.staff)
      const trained = staff.filter((s) => s.training.some((c) => c.course === 'safeguarding_1_week'))
      const booked = new Set(skills.map((l) => l.staff as string))
      // Nobody is booked on a course they hold, and nobody twice.
      expect(trained.filter((s) => booked.has(s.ref))).toEqual([])
      expect(booked.size).toBe(skills.length)
      const planned = trained.length + booked.size
      expect(planned).toBe(Math.round(staff.length * scheduledShare))
      expect(1 - planned / staff.length).toBeCloseTo(0.6, 1)
      // Booked for the year after the demo's last day, on the one-week course.
      for (const line of skills) {
        expect(line.course).toBe('safeguarding_1_week')
        expect((line.scheduledOn as string) > '2026-12-06').toBe(true)
        expect((line.scheduledOn as string) < '2027-12-06').toBe(true)
      }
      if (scale === 1) expect(staff.length).toBeGreaterThan(400)
    },
  )
})

describe('the skills demo data, imported at scale 0.1', () => {
  let kestrel: TestKestrel
  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock('2026-12-06T12:00:00Z') })
    await seedLondon(kestrel.services.db)
    await ensureDefaultRequirements(kestrel.services.db)
    await runSeed(kestrel.services.imports, [organisationSeed, skillsSeed], { scale: 0.1, seed: 2018, until })
  }, 300_000)
  afterAll(() => kestrel?.close())

  it('reads as the report: the one-week course held or booked by 40% of the safeguarding teams', async () => {
    const audit = await kestrel.services.skills.audit()
    const week = tallyByCourse(audit.coverage).get('safeguarding_1_week')
    if (!week) throw new Error('nobody requires the one-week course')
    expect(week.scheduled).toBeGreaterThan(0)
    expect((week.trained + week.scheduled) / week.people).toBeCloseTo(0.4, 1)
    expect(week.noPlan / week.people).toBeCloseTo(0.6, 1)
  })
})
