import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { custodyFixture, ev, movableClock } from './test-fixtures.ts'

// The PACE clock on the custody pages is timed by CUS-04's and CUS-13's configured parameters, not by
// PACE's hours written into the page: change a parameter as the admin rule-parameters page does and the
// pages follow.
const clock = movableClock('2018-08-01T20:00:00Z')
let fx: Awaited<ReturnType<typeof custodyFixture>>
let detentionId: string

beforeAll(async () => {
  fx = await custodyFixture(clock)
  const d = await fx.detention('2018-08-01T12:00:00Z', [
    ev('arrived', '2018-08-01T12:30:00Z'),
    ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
  ])
  detentionId = d.id
})
afterAll(async () => {
  await fx?.kestrel.close()
})

async function pages() {
  const admin = await signIn(fx.kestrel, ['admin'])
  const get = async (url: string) => {
    const res = await fx.kestrel.app.inject({ url, headers: { cookie: admin.cookie } })
    expect(res.statusCode).toBe(200)
    return res.body
  }
  return { detention: await get(`/custody/detentions/${detentionId}`), list: await get('/custody') }
}

/** The PACE clock's next deadline as the detention page words it. */
const deadlineOf = (page: string) => page.match(/id="deadline-remaining">([\s\S]*?)<\/span>/)?.[1] ?? ''

const setParameter = (ruleId: string, name: string, value: number, effectiveFrom: string) =>
  fx.kestrel.services.standards.parameters.set({
    ruleId,
    name,
    boroughId: null,
    value,
    effectiveFrom: new Date(effectiveFrom),
    reason: 'Testing that the clock follows the configuration',
    setBy: 'tester',
  })

describe('the custody clock reads the configured PACE hours', () => {
  it('times the first review by CUS-04 and the limit by CUS-13', async () => {
    // PACE's own hours: the first review 6 h after 13:00Z was due at 19:00Z; the limit 24 h from 12:30Z.
    const before = await pages()
    expect(deadlineOf(before.detention)).toContain('Overdue by 1 h 00 min')
    expect(before.detention).toContain('24 hours from the relevant time')
    expect(before.list).toContain('Overdue by 1 h 00 min')

    await setParameter('CUS-04', 'firstReviewHours', 8, '2018-01-01T00:00:00Z')
    await setParameter('CUS-13', 'limitHours', 20, '2018-01-01T00:00:00Z')
    // A value effective after the clock's time is not yet in force.
    await setParameter('CUS-04', 'firstReviewHours', 2, '2018-09-01T00:00:00Z')

    // Now the first review is due at 21:00Z (an hour left) and the limit is 20 h from the relevant time.
    const after = await pages()
    // The clock's own words: the page's open findings count down to their own stored due times.
    expect(deadlineOf(after.detention)).not.toContain('Overdue by')
    expect(deadlineOf(after.detention)).toContain('1 h 00 min left')
    expect(after.detention).toContain('20 hours from the relevant time')
    expect(after.list).toContain('1 h 00 min left')
    expect(after.list).not.toContain('Overdue by')
  })

  it('names the configured limit when it is the next deadline', async () => {
    // Not yet authorised: no review is owed, so the limit (20 h from 15:00Z, as set above) comes next.
    const d = await fx.detention('2018-08-01T14:30:00Z', [ev('arrived', '2018-08-01T15:00:00Z')])
    const admin = await signIn(fx.kestrel, ['admin'])
    const res = await fx.kestrel.app.inject({
      url: `/custody/detentions/${d.id}`,
      headers: { cookie: admin.cookie },
    })
    expect(res.body).toContain('20-hour limit (detention without charge)')
    expect(res.body).toContain('15 h 00 min left')
  })
})
