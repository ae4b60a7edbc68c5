import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { setUpForce } from '../../force-setup.ts'
import { fixedClock } from '../../platform/clock.ts'
import { runSeed } from '../../platform/seed/seeder.ts'
import { organisationSeed } from '../organisation/seed.ts'
import { recommendationsSeed } from './seed.ts'

/*
 * The demo's action plan imports whatever year the demo ends in, and a demo of today gives each BCU's
 * commanders R2018-01's standing assurance: milestones still to come and some already missed.
 */
for (const until of [new Date('2018-10-01T00:00:00Z'), new Date('2026-06-01T00:00:00Z')])
  describe(`the demo's action plan, a demo ending ${until.toISOString().slice(0, 10)}`, () => {
    let kestrel: TestKestrel
    beforeAll(async () => {
      kestrel = await testKestrel({ clock: fixedClock(until) })
      await setUpForce(kestrel.services.db)
      await runSeed(kestrel.services.imports, [organisationSeed, recommendationsSeed], {
        scale: 0.04,
        seed: 2018,
        until,
      })
    }, 120_000)
    afterAll(() => kestrel?.close())

    it('imports, with the assurance plans only after the 2018 report', async () => {
      const milestones = await kestrel.services.db
        .selectFrom('recommendation_milestone as m')
        .innerJoin('recommendation_action as a', 'a.id', 'm.action_id')
        .innerJoin('staff as s', 's.id', 'a.owner_staff_id')
        .select(['a.ref', sql<string>`m.due_on::text`.as('due_on'), 's.rank'])
        .where('a.ref', 'like', 'R2018-01-%')
        .execute()
      if (until.getUTCFullYear() === 2018) {
        expect(milestones).toEqual([])
        return
      }
      const today = until.toISOString().slice(0, 10)
      const superintendents = milestones.filter((m) => m.rank === 'superintendent')
      // A weekly drift review: the next within the week.
      const next = superintendents.map((m) => m.due_on).filter((d) => d >= today)
      expect(next.length).toBeGreaterThan(0)
      expect(
        (next.sort()[0] as string) < new Date(until.getTime() + 7 * 86_400_000).toISOString().slice(0, 10),
      ).toBe(true)
      expect(superintendents.filter((m) => m.due_on < today).length).toBeGreaterThan(40)
    })
  })
