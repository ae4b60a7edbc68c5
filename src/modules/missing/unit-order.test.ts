import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SignedInUser } from '../../../test/app.ts'
import { missingFixture, movableClock, principal } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof missingFixture>>

/**
 * The missing children page listed reviews due and children missing now oldest first (a high-risk child
 * fourth), and the returned children owing a prevention interview with a "Review by" column. Each list now
 * puts what needs doing soonest first, with countdowns as the custody page shows them.
 */
describe('the missing children page, most urgent first', () => {
  let fx: Fixture
  let unitUser: SignedInUser
  const clock = movableClock('2018-08-01T09:00:00Z')
  const hours = (n: number) => new Date(Date.parse('2018-08-01T09:00:00Z') + n * 3_600_000)
  const names = new Map<string, string>()

  async function episodeOf(name: string, reportedHoursAgo: number, reviewInHours: number, grade = 'high') {
    const child = await fx.child('2005-03-01')
    names.set(child.ref, name)
    return fx.episode(child.ref, hours(-reportedHoursAgo).toISOString(), {
      reviewDueAt: hours(reviewInHours),
      grade: grade as 'high',
    })
  }

  beforeAll(async () => {
    fx = await missingFixture(clock)
    unitUser = await fx.userIn('Lambeth', ['missing_persons_unit'], 'M100')
    // Reported oldest first: the page listed them in this order.
    await episodeOf('overdue 11 days', 24 * 12, -24 * 11)
    await episodeOf('overdue 1 h', 13, -1)
    await episodeOf('due in 3 h', 2, 3)
    await episodeOf('due in 30 min', 1, 0.5, 'medium')
    for (const [name, returnedHoursAgo] of [
      ['returned 7 days ago', 24 * 7],
      ['returned 23 h ago', 23],
    ] as const) {
      const e = await episodeOf(name, returnedHoursAgo + 5, -returnedHoursAgo - 1)
      await fx.kestrel.services.missing.recordReturn(
        e.id,
        e.version,
        { returnedAt: hours(-returnedHoursAgo), foundPlace: 'Home', foundBy: 'Carer' },
        principal(),
      )
    }
  }, 60_000)
  afterAll(() => fx?.kestrel.close())

  /** The children a table lists, in its order, with the last cell's words. */
  function table(html: string, caption: string) {
    const start = html.indexOf(caption)
    expect(start, caption).toBeGreaterThan(-1)
    const body = html.slice(start, html.indexOf('</table>', start))
    return [
      ...body.matchAll(
        /<span class="govuk-body-s">(KP[^<]*|[A-Z]+-?\d+)<\/span>[\s\S]*?<strong class="govuk-tag[^"]*">([^<]*)<\/strong>/g,
      ),
    ].map((m) => `${names.get(m[1] as string)}: ${m[2]}`)
  }

  it('lists reviews due, children missing now and returns owing an interview by urgency, with countdowns', async () => {
    const page = await fx.kestrel.app.inject({
      method: 'GET',
      url: '/missing',
      headers: { cookie: unitUser.cookie },
    })
    expect(page.statusCode).toBe(200)
    expect(table(page.body, 'Reviews due in the next hour or overdue')).toEqual([
      'due in 30 min: 0 h 30 min left',
      'overdue 1 h: Overdue by 1 h 00 min',
      'overdue 11 days: Overdue by 11 days',
    ])
    expect(table(page.body, 'Children missing now</caption>')).toEqual([
      'due in 30 min: 0 h 30 min left',
      'due in 3 h: 3 h 00 min left',
      'overdue 1 h: Overdue by 1 h 00 min',
      'overdue 11 days: Overdue by 11 days',
    ])
    // The prevention interview is due MIS-06's 72 hours after the return: 49 hours left, and 4 days late.
    expect(table(page.body, 'without a prevention interview')).toEqual([
      'returned 23 h ago: 2 days left',
      'returned 7 days ago: Overdue by 4 days',
    ])
    expect(page.body).toContain('Prevention interview due')
    expect(page.body).not.toContain('Review by')
    expect(page.body).toContain('Missing for 12 days')
  })
})
