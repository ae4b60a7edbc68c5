import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { missingFixture, movableClock } from './test-fixtures.ts'

// The grading page suggests by MIS-02's configured repeat threshold, not by its defaults: change a parameter
// as the admin rule-parameters page does and the suggestion follows.
type Fixture = Awaited<ReturnType<typeof missingFixture>>
const clock = movableClock('2018-08-01T09:00:00Z')
let fx: Fixture
let childRef: string

beforeAll(async () => {
  fx = await missingFixture(clock)
  childRef = (await fx.child('2004-06-01')).ref
  await fx.episode(childRef, '2018-06-01T20:00:00Z', { grade: 'low' })
  await fx.episode(childRef, '2018-07-15T20:00:00Z', { grade: 'low' })
})
afterAll(() => fx?.kestrel.close())

let user: Awaited<ReturnType<Fixture['userIn']>>
async function gradingPage() {
  user ??= await fx.userIn('Lambeth', ['missing_persons_unit'], 'M900')
  const res = await fx.kestrel.app.inject({
    url: `/missing/episodes/new?child=${childRef}`,
    headers: { cookie: user.cookie },
  })
  expect(res.statusCode).toBe(200)
  return res.body
}

// Each value from a later day: values set at one instant (this test's clock stands still) tie otherwise.
const setMis02 = (name: 'repeatEpisodes' | 'repeatDays', value: number, effectiveFrom: string) =>
  fx.kestrel.services.standards.parameters.set({
    ruleId: 'MIS-02',
    name,
    boroughId: null,
    value,
    effectiveFrom: new Date(effectiveFrom),
    reason: 'Testing that the grading page follows the configuration',
    setBy: 'tester',
  })

describe('the grading page counts repeat missing as MIS-02 is configured', () => {
  it('follows the number of episodes and the window', async () => {
    // By default (3 in 90 days) a third report is repeat missing: cumulative risk, at least medium.
    const byDefault = await gradingPage()
    expect(byDefault).toContain('2 in 90 days')
    expect(byDefault).toContain('Episode 3 in 90 days: cumulative risk')
    expect(byDefault).toContain('Suggested minimum grade: Medium')

    // Four episodes make a child repeat missing: the third is not yet.
    await setMis02('repeatEpisodes', 4, '2018-01-01T00:00:00Z')
    const four = await gradingPage()
    expect(four).not.toContain('cumulative risk')
    expect(four).not.toContain('Suggested minimum grade: Medium')

    // Two in 30 days: only the episode of 15 July is in the window, and with this one it makes two.
    await setMis02('repeatEpisodes', 2, '2018-02-01T00:00:00Z')
    await setMis02('repeatDays', 30, '2018-02-01T00:00:00Z')
    const thirty = await gradingPage()
    expect(thirty).toContain('1 in 30 days')
    expect(thirty).toContain('Episode 2 in 30 days: cumulative risk')
    expect(thirty).toContain('Suggested minimum grade: Medium')
  })
})

describe('saving a report checks the grade against MIS-02 as configured for the borough reporting', () => {
  it('asks for a supervisor below the suggestion, and follows the borough’s own threshold', async () => {
    // Left by the test above: two episodes in 30 days, force-wide. One earlier episode this month makes
    // the next report repeat missing: at least medium, so a low grade needs a supervisor and a reason.
    const ref = (await fx.child('2005-03-01')).ref
    await fx.episode(ref, '2018-07-20T20:00:00Z', { grade: 'low' })
    const before = await fx.kestrel.services.db.selectFrom('missing_episode').select('id').execute()
    const low = { grade: 'low' as const }
    await expect(fx.episode(ref, '2018-07-25T20:00:00Z', low)).rejects.toMatchObject({
      errors: expect.arrayContaining([expect.objectContaining({ field: 'supervisorName' })]),
    })
    expect(await fx.kestrel.services.db.selectFrom('missing_episode').select('id').execute()).toHaveLength(
      before.length,
    )

    // Lambeth sets its own number: five episodes. The same report is no longer repeat missing there.
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'MIS-02',
      name: 'repeatEpisodes',
      boroughId: fx.boroughId('Lambeth'),
      value: 5,
      effectiveFrom: new Date('2018-03-01T00:00:00Z'),
      reason: 'Testing the check on saving',
      setBy: 'tester',
    })
    await expect(fx.episode(ref, '2018-07-25T20:00:00Z', low)).resolves.toBeDefined()
  })
})
