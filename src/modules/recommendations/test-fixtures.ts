import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { ensureReportRecommendations } from './report-recommendations.ts'

/**
 * The whole application on a fresh database with the reports' recommendations set up as a force's first
 * start does, London, and two members of staff to own actions, on a clock a test can move.
 */
export async function recommendationsFixture(at: string) {
  const clock = fixedClock(at)
  const kestrel: TestKestrel = await testKestrel({ clock })
  await seedLondon(kestrel.services.db)
  await ensureReportRecommendations(kestrel.services.db)
  const { organisation, recommendations } = kestrel.services
  const force = await organisation.force()
  const team = await organisation.createTeam(
    force.id,
    {
      name: 'Safeguarding improvement team',
      kind: 'cait',
      boroughId: null,
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  const staff = (staffNumber: string, name: string) =>
    organisation.createStaff(
      force.id,
      {
        staffNumber,
        name,
        rank: 'superintendent',
        role: 'Improvement lead',
        teamId: team.id,
        startDate: '2010-01-01',
        active: true,
      },
      'test',
    )
  const owners = { ada: await staff('S9001', 'Supt Ada Owner'), bo: await staff('S9002', 'Supt Bo Owner') }
  const byRef = async (ref: string) => {
    const found = (await recommendations.list()).find((r) => r.ref === ref)
    if (!found) throw new Error(`no ${ref}`)
    return found
  }
  const author = { id: 'test.lead' }
  return { kestrel, clock, owners, byRef, author }
}
