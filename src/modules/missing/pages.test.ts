import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SignedInUser } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { missingFixture, movableClock } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof missingFixture>>

/** The hrefs of the error summary, in the order it lists them. */
const summaryLinks = (html: string) => {
  const summary = /<div class="govuk-error-summary[\s\S]*?<\/ul>/.exec(html)?.[0] ?? ''
  return [...summary.matchAll(/href="(#[^"]+)"/g)].map((m) => m[1])
}

describe('missing pages on the page handler', () => {
  let fx: Fixture
  let unitUser: SignedInUser
  let childRef: string
  let episodeId: string
  let episodeVersion: number
  const clock = movableClock('2018-08-01T09:00:00Z')
  const { get, postForm } = requestsTo(() => fx.kestrel.app)

  beforeAll(async () => {
    fx = await missingFixture(clock)
    unitUser = await fx.userIn('Lambeth', ['missing_persons_unit'], 'P100')
    childRef = (await fx.child('2005-03-01')).ref
    const episode = await fx.episode(childRef, '2018-07-31T20:00:00Z')
    episodeId = episode.id
    episodeVersion = episode.version
  })
  afterAll(() => fx.kestrel.close())

  it('says what is missing when the find-the-child form is sent empty (issue 17)', async () => {
    const first = await get(unitUser, '/missing/episodes/new')
    expect(first.statusCode).toBe(200)
    expect(first.body).not.toContain('govuk-error-summary')
    // The search sent with nothing typed, as the browser sends it.
    const empty = await get(unitUser, '/missing/episodes/new?q=&dob-day=&dob-month=&dob-year=')
    expect(empty.statusCode).toBe(400)
    expect(summaryLinks(empty.body)).toEqual(['#q'])
    expect(empty.body).toContain('Enter the child’s name or reference, or their date of birth, to find them')
    expect(empty.body).toContain('id="q-error"')
    // A reference typed into the search names one child: the grading page opens with them.
    const byRef = await get(unitUser, `/missing/episodes/new?q=${childRef.toLowerCase()}`)
    expect(byRef.statusCode).toBe(200)
    expect(byRef.body).toContain('Grade the risk to a missing child')
    for (const search of ['?child=', '?child=%20%20', '?q=%20']) {
      const spaces = await get(unitUser, `/missing/episodes/new${search}`)
      expect(spaces.statusCode, search).toBe(400)
      expect(summaryLinks(spaces.body)).toEqual(['#q'])
    }
  })

  it('lists the grading form’s problems in the order the page shows the fields', async () => {
    const before = await fx.kestrel.services.db
      .selectFrom('missing_episode')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    const empty = await postForm(unitUser, '/missing/episodes', {
      child: childRef,
      reportedAt: '',
      lastSeenPlace: 'Bus stop',
    })
    expect(empty.statusCode).toBe(400)
    expect(summaryLinks(empty.body)).toEqual([
      '#borough',
      '#reportedAt',
      '#reportedByKind',
      '#lastSeenAt',
      '#circumstances',
      '#grade',
      '#gradedBy',
    ])
    expect(empty.body).toContain('Enter the report time')
    expect(empty.body).toContain('Bus stop')
    const badTime = await postForm(unitUser, '/missing/episodes', {
      child: childRef,
      reportedAt: '2018-13-01T10:00',
    })
    expect(badTime.body).toContain('Enter the report time as a date and time, like 2018-08-01 21:30')
    const after = await fx.kestrel.services.db
      .selectFrom('missing_episode')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(after.n)).toBe(Number(before.n))
  })

  it('lists every problem with a return at once, keeping what was typed', async () => {
    const returned = await postForm(unitUser, `/missing/episodes/${episodeId}/return`, {
      version: String(episodeVersion),
      returnedAt: '',
      foundPlace: '',
      foundBy: '',
      foundWith: 'A friend',
    })
    expect(returned.statusCode).toBe(400)
    expect(summaryLinks(returned.body)).toEqual(['#returnedAt', '#foundPlace', '#foundBy'])
    expect(returned.body).toContain('Enter where the child was found')
    expect(returned.body).toContain('value="A friend"')
  })

  it('answers a form without its record version as a bad request, not a form to correct', async () => {
    const returned = await postForm(unitUser, `/missing/episodes/${episodeId}/return`, {
      returnedAt: '2018-08-01T08:00',
      foundPlace: 'Home',
      foundBy: 'Carer',
    })
    expect(returned.statusCode).toBe(400)
    expect(returned.body).not.toContain('Record the return')
    const view = await get(unitUser, `/missing/episodes/${episodeId}`)
    expect(view.body).toContain('Still missing')
  })

  it('keeps what was typed when ending a trigger plan is refused', async () => {
    const plan = await fx.plan(childRef, '2018-07-01')
    const refused = await postForm(unitUser, `/missing/trigger-plans/${plan.id}/end`, {
      version: String(plan.version),
      endedOn: '2018-06-01',
      endReason: 'Moved out of London',
    })
    expect(refused.statusCode).toBe(400)
    expect(summaryLinks(refused.body)).toEqual(['#endedOn'])
    expect(refused.body).toContain('The plan ends before it starts')
    expect(refused.body).toContain('value="2018-06-01"')
    expect(refused.body).toContain('Moved out of London')
    const ended = await postForm(unitUser, `/missing/trigger-plans/${plan.id}/end`, {
      version: String(plan.version),
      endedOn: '2018-08-01',
      endReason: 'Moved out of London',
    })
    expect(ended.statusCode).toBe(303)
    expect(ended.headers.location).toBe(`/missing/trigger-plans/${plan.id}`)
  })
})
