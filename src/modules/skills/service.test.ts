import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { tally, tallyBy, tallyByCourse } from './coverage.ts'
import { fixedClock, skillsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof skillsFixture>>
let fx: Fixture
const clock = fixedClock('2026-06-15T12:00:00Z')

beforeAll(async () => {
  fx = await skillsFixture(clock)
}, 60_000)
afterAll(() => fx?.kestrel.close())

const counts = (t: ReturnType<typeof tally> | undefined) => t && [t.people, t.trained, t.scheduled, t.noPlan]

describe('the skills audit on the hand-counted fixture', () => {
  it('counts the force, each BCU, each team and each course as counted by hand', async () => {
    const audit = await fx.kestrel.services.skills.audit()
    expect(audit.day).toBe('2026-06-15')
    const state = Object.fromEntries(audit.coverage.map((c) => [c.person.staffNumber, c.state]))
    expect(state).toEqual({
      M1: 'trained',
      M2: 'scheduled',
      M3: 'no_plan',
      M4: 'no_plan',
      C1: 'trained',
      C2: 'scheduled',
      C3: 'no_plan',
      S1: 'no_plan',
      O1: 'trained',
      O2: 'no_plan',
    })
    expect(counts(tally(audit.coverage.map((c) => c.state)))).toEqual([10, 3, 2, 5])
    const byBcu = tallyBy(audit.coverage, (c) => c.team.bcuId)
    expect(counts(byBcu.get(fx.bcuId('CS')))).toEqual([7, 2, 2, 3])
    expect(counts(byBcu.get(fx.bcuId('CN')))).toEqual([1, 0, 0, 1])
    expect(counts(byBcu.get(null))).toEqual([2, 1, 0, 1])
    const byTeam = tallyBy(audit.coverage, (c) => c.team.id)
    expect(counts(byTeam.get(fx.teams['Lambeth MASH'].id))).toEqual([4, 1, 1, 2])
    expect(counts(byTeam.get(fx.teams['Central South CAIT'].id))).toEqual([3, 1, 1, 1])
    expect(byTeam.has(fx.teams['Lambeth response'].id)).toBe(false)
    const byCourse = tallyByCourse(audit.coverage)
    expect(counts(byCourse.get('safeguarding_1_week'))).toEqual([8, 4, 1, 3])
    expect(counts(byCourse.get('specialist_child_abuse_investigators_development_programme'))).toEqual([
      3, 1, 2, 0,
    ])
    expect(counts(byCourse.get('abe_interviewing'))).toEqual([4, 2, 1, 1])
    expect(counts(byCourse.get('iioc_investigation'))).toEqual([2, 1, 0, 1])
  })

  it('reads an earlier day with the training, bookings and matrix of then', async () => {
    // 2018-03-31: the one-week course was not yet required; C1 held SCAIDP and ABE, S1 ABE (all Sapphire
    // required then); bookings made in December 2025 did not exist yet.
    const audit = await fx.kestrel.services.skills.audit('2018-03-31')
    const state = Object.fromEntries(audit.coverage.map((c) => [c.person.staffNumber, c.state]))
    expect(state).toEqual({
      C1: 'trained',
      C2: 'no_plan',
      C3: 'no_plan',
      S1: 'trained',
      O1: 'no_plan',
      O2: 'no_plan',
    })
  })

  it('books a course, counted as scheduled, refusing the past and a repeat naming the date', async () => {
    const skills = fx.kestrel.services.skills
    const author = { id: 'tester' }
    await expect(
      skills.book(
        fx.staff.M3 as string,
        { course: 'safeguarding_1_week', scheduledOn: '2026-06-14' },
        forceWideReach,
        author,
      ),
    ).rejects.toMatchObject({ errors: [{ field: 'scheduledOn' }] })
    await skills.book(
      fx.staff.M3 as string,
      { course: 'safeguarding_1_week', scheduledOn: '2026-10-01' },
      forceWideReach,
      author,
    )
    await expect(
      skills.book(
        fx.staff.M3 as string,
        { course: 'safeguarding_1_week', scheduledOn: '2026-10-01' },
        forceWideReach,
        author,
      ),
    ).rejects.toMatchObject({ errors: [{ field: 'scheduledOn' }] })
    const audit = await skills.audit()
    expect(audit.coverage.find((c) => c.person.staffNumber === 'M3')?.state).toBe('scheduled')
    await fx.kestrel.services.db
      .deleteFrom('training_booking')
      .where('staff_id', '=', fx.staff.M3 as string)
      .execute()
  })

  it('adds to the matrix and ends a row, each with its history; an overlapping row names the course', async () => {
    const skills = fx.kestrel.services.skills
    const author = { id: 'tester' }
    const input = {
      teamKind: 'response_neighbourhood',
      staffRole: 'Investigator',
      course: 'safeguarding_1_week',
      effectiveFrom: '2026-01-01',
      source: 'Force decision',
    }
    const added = await skills.addRequirement(input, author)
    await expect(
      skills.addRequirement({ ...input, effectiveFrom: '2026-03-01' }, author),
    ).rejects.toMatchObject({
      errors: [{ field: 'course' }],
    })
    expect((await skills.audit()).coverage.some((c) => c.person.staffNumber === 'R1')).toBe(true)
    await expect(skills.endRequirement(added.id, 1, '2025-12-31', author)).rejects.toMatchObject({
      errors: [{ field: 'effectiveTo' }],
    })
    await skills.endRequirement(added.id, 1, '2026-05-31', author)
    expect((await skills.audit()).coverage.some((c) => c.person.staffNumber === 'R1')).toBe(false)
    const history = await fx.kestrel.services.history.historyFor('required_course', added.id)
    expect(history.map((h) => h.action)).toEqual(['create', 'update'])
    expect(history[1]?.changes.effective_to?.[1]).toBeTruthy()
  })
})

describe('the skills measure', () => {
  it('is the trained share of the force, a BCU by its boroughs, and a team, on the last day of the month', async () => {
    const { measures, db, organisation } = fx.kestrel.services
    const measure = measures.get('skills.trained-share')
    if (!measure) throw new Error('skills.trained-share is not registered')
    const month = { from: new Date('2026-05-31T23:00:00Z'), until: new Date('2026-06-30T23:00:00Z') }
    const cs = (await organisation.areasAt(fx.force.id, '2026-06-30')).bcus.find(
      (b) => b.id === fx.bcuId('CS'),
    )
    const take = (scope: { boroughIds: string[] | null; teamId?: string }) =>
      db.transaction().execute((trx) => measure.take(trx, { ...month, ...scope }))
    expect(await take({ boroughIds: null })).toEqual({ value: 3 / 10, over: 10 })
    // Central South's boroughs: the Lambeth MASH and the BCU's own CAIT.
    expect(await take({ boroughIds: cs?.boroughs.map((b) => b.id) ?? [] })).toEqual({ value: 2 / 7, over: 7 })
    // Southwark alone still holds the BCU's CAIT (it serves every borough of the BCU), not Lambeth's MASH.
    expect(await take({ boroughIds: [fx.boroughId('Southwark')] })).toEqual({ value: 1 / 3, over: 3 })
    expect(await take({ boroughIds: null, teamId: fx.teams['Lambeth MASH'].id })).toEqual({
      value: 1 / 4,
      over: 4,
    })
    expect(await take({ boroughIds: [] })).toEqual({ value: null, over: 0 })
  })
})
