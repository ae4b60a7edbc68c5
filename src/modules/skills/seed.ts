import type { SeedGenerator } from '../../platform/seed/seeder.ts'
import { addDays } from '../../platform/time.ts'
import type { TeamKind } from '../organisation/organisation.ts'
import { type SeededTeam, seededTeamsKey } from '../organisation/seed.ts'
import { bookingRef } from './service/bookings.ts'

/** The safeguarding teams the one-week course is required of (migration 0038's defaults). */
const oneWeekKinds: ReadonlySet<TeamKind> = new Set([
  'mash',
  'cait',
  'sapphire',
  'missing_persons_unit',
  'jigsaw',
])

/**
 * The report: the one-week safeguarding course "is scheduled to provide training to 1,101 members of staff,
 * which will be 40 percent of staff deployed in those teams. There is currently no plan to train the
 * remaining 60 percent." The organisation's seed has already trained some of the MASH and Jigsaw staff;
 * this books enough of the others that trained and scheduled together are 40% of the safeguarding teams,
 * leaving 60% with no plan. Course dates fall in the year after the demo's last day.
 */
export const scheduledShare = 0.4

export const skillsSeed: SeedGenerator = {
  name: 'skills',
  *generate({ random, until, shared }) {
    const teams = (shared.get(seededTeamsKey) as SeededTeam[] | undefined) ?? []
    const people = teams
      .filter((t) => oneWeekKinds.has(t.kind))
      .flatMap((t) => t.staff)
      .map((s) => ({ ref: s.ref, trained: s.training.some((c) => c.course === 'safeguarding_1_week') }))
    const untrained = people.filter((p) => !p.trained)
    const wanted = Math.max(
      0,
      Math.round(people.length * scheduledShare) - (people.length - untrained.length),
    )
    // Each untrained person is booked with the chance that books `wanted` of them, taken in turn so the
    // count is exact: the k-th of n left is booked with probability (wanted left) / (n left).
    let left = wanted
    const day = until.toISOString().slice(0, 10)
    for (let i = 0; i < untrained.length && left > 0; i++) {
      if (!random.chance(left / (untrained.length - i))) continue
      left--
      const person = untrained[i] as (typeof untrained)[number]
      const scheduledOn = addDays(day, random.int(7, 330))
      yield {
        kind: 'training-booking',
        ref: bookingRef(person.ref, 'safeguarding_1_week', scheduledOn),
        staff: person.ref,
        course: 'safeguarding_1_week',
        scheduledOn,
      }
    }
  },
}
