import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { movableClock, type ReferralsFixture, referralsFixture, tester } from './test-fixtures.ts'

/**
 * The PAC pages on the page handler: each form's problems listed in the order the page shows its inputs,
 * each linking to its input; the question pages keep what was typed in the draft even when it is wrong;
 * the later steps' forms show their problems on the PAC page, and a form without its record version is
 * a bad request.
 */
const clock = movableClock('2018-08-01T09:00:00Z')

describe('PAC pages on the page handler', () => {
  let f: ReferralsFixture
  let camden: string
  let childId: string
  let officer: SignedInUser
  let supervisor: SignedInUser
  let mash: SignedInUser

  const form = (user: SignedInUser, fields: Record<string, string>) => ({
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: user.csrfToken, ...fields }).toString(),
  })
  const summaryLinks = (html: string) =>
    [...html.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => [m[1], m[2]?.trim()])

  /** A draft as the first answer starts it: the child chosen. */
  async function newDraft() {
    const start = await f.kestrel.app.inject({
      method: 'POST',
      url: '/pacs/new',
      ...form(officer, { personId: childId }),
    })
    return (start.headers.location as string).replace(/\/about$/, '')
  }

  beforeAll(async () => {
    f = await referralsFixture(clock)
    camden = f.boroughId('Camden')
    childId = (await f.child('Ruby')).id
    officer = await signIn(f.kestrel, ['officer', 'force_lead'])
    supervisor = await signIn(f.kestrel, ['supervisor', 'force_lead'])
    mash = await signIn(f.kestrel, ['mash', 'force_lead'])
  })
  afterAll(() => f.kestrel.close())

  it('raising a PAC writes no draft until the first answer is sent, and none for an answer refused', async () => {
    const drafts = async () =>
      Number(
        (
          await f.kestrel.services.db
            .selectFrom('pac_draft')
            .select((e) => e.fn.countAll<number>().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const child = await f.kestrel.services.children.get(childId)
    const before = await drafts()
    // However often the first question is visited, searched or started from a child's record: nothing kept.
    for (const url of ['/pacs/new', '/pacs/new', '/pacs/new?q=Ruby', `/pacs/new?child=${child.ref}`]) {
      const visit = await f.kestrel.app.inject({ url, headers: { cookie: officer.cookie } })
      expect(visit.statusCode, url).toBe(200)
      expect(visit.body, url).toContain('Which child is the PAC about?')
    }
    expect(await drafts()).toBe(before)
    // Started from the child's record, the child is chosen already.
    const fromRecord = await f.kestrel.app.inject({
      url: `/pacs/new?child=${child.ref}`,
      headers: { cookie: officer.cookie },
    })
    expect(fromRecord.body).toMatch(new RegExp(`value="${childId}"[^>]*checked`))
    // Sent with no child chosen: the question again with its problem, and still no draft.
    const none = await f.kestrel.app.inject({ method: 'POST', url: '/pacs/new', ...form(officer, {}) })
    expect(none.statusCode).toBe(400)
    expect(summaryLinks(none.body)).toEqual([['#personId', 'Select the child the PAC is about']])
    expect(await drafts()).toBe(before)
    // The first answer starts the draft, and the journey goes on to the next question.
    const chosen = await f.kestrel.app.inject({
      method: 'POST',
      url: '/pacs/new',
      ...form(officer, { personId: childId }),
    })
    expect(chosen.statusCode).toBe(303)
    expect(chosen.headers.location).toMatch(/^\/pacs\/new\/[0-9a-f-]{36}\/about$/)
    expect(await drafts()).toBe(before + 1)
    const draft = (chosen.headers.location as string).replace(/\/about$/, '')
    const back = await f.kestrel.app.inject({ url: `${draft}/child`, headers: { cookie: officer.cookie } })
    expect(back.body).toMatch(new RegExp(`value="${childId}"[^>]*checked`))
  })

  it('a question lists every problem in the order of its inputs, each linking to its input', async () => {
    const draft = await newDraft()
    const about = await f.kestrel.app.inject({ method: 'POST', url: `${draft}/about`, ...form(officer, {}) })
    expect(about.statusCode).toBe(400)
    expect(summaryLinks(about.body)).toEqual([
      ['#aboutKind', 'Select what brought the child to police notice'],
      ['#aboutSummary', 'Enter what happened'],
      ['#boroughId', 'Select the borough'],
    ])
    // A date that is not one and no time: both at once, the date's link to its first box in error.
    const when = await f.kestrel.app.inject({
      method: 'POST',
      url: `${draft}/when`,
      ...form(officer, { 'firstKnew-day': '31', 'firstKnew-month': '2', 'firstKnew-year': '2018' }),
    })
    expect(when.statusCode).toBe(400)
    expect(summaryLinks(when.body)).toEqual([
      ['#firstKnew-day', 'Date must be a real date'],
      ['#firstKnewTime', 'Enter the time as hours and minutes on the 24-hour clock, like 14:30'],
    ])
    expect(when.body).toContain('value="31"')
    const year = await f.kestrel.app.inject({
      method: 'POST',
      url: `${draft}/when`,
      ...form(officer, {
        'firstKnew-day': '1',
        'firstKnew-month': '8',
        'firstKnew-year': '18',
        firstKnewTime: '08:00',
      }),
    })
    expect(summaryLinks(year.body)).toEqual([['#firstKnew-year', 'Year must include 4 numbers']])
    // The child not chosen: the link reaches the radios.
    const child = await f.kestrel.app.inject({ method: 'POST', url: `${draft}/child`, ...form(officer, {}) })
    expect(summaryLinks(child.body)).toEqual([['#personId', 'Select the child the PAC is about']])
  })

  it('an answer the service refuses is kept in the draft, so going back to it shows what was typed', async () => {
    const draft = await newDraft()
    const refused = await f.kestrel.app.inject({
      method: 'POST',
      url: `${draft}/about`,
      ...form(officer, { aboutKind: 'incident', aboutRef: 'CAD-KEPT-1', boroughId: camden }),
    })
    expect(refused.statusCode).toBe(400)
    const again = await f.kestrel.app.inject({ url: `${draft}/about`, headers: { cookie: officer.cookie } })
    expect(again.statusCode).toBe(200)
    expect(again.body).toContain('CAD-KEPT-1')
    // A time in the future is the service's to refuse: the date is marked, its link to the first box.
    const future = await f.kestrel.app.inject({
      method: 'POST',
      url: `${draft}/when`,
      ...form(officer, {
        'firstKnew-day': '2',
        'firstKnew-month': '8',
        'firstKnew-year': '2018',
        firstKnewTime: '9.30',
      }),
    })
    expect(future.statusCode).toBe(400)
    expect(summaryLinks(future.body).map(([href]) => href)).toEqual(['#firstKnew-day'])
    expect(future.body).toContain('must not be in the future')
  })

  it('a later step’s form shows its problems on the PAC page; no record version is a bad request', async () => {
    const { referrals } = f.kestrel.services
    const pac = await referrals.create(
      {
        personId: childId,
        aboutKind: 'incident',
        aboutRef: null,
        aboutSummary: 'Found alone at night',
        concerns: ['child_abuse'],
        riskLevel: 'medium',
        riskAssessment: 'Neglect',
        childSpokenTo: true,
        voiceOfChild: 'I was scared',
        policeFirstKnewAt: new Date('2018-08-01T07:00:00Z'),
        boroughId: camden,
      },
      tester,
    )
    const post = (user: SignedInUser, step: string, fields: Record<string, string>) =>
      f.kestrel.app.inject({ method: 'POST', url: `/pacs/${pac.id}/${step}`, ...form(user, fields) })

    const noDecision = await post(supervisor, 'review', { version: '1', note: 'Looked at it' })
    expect(noDecision.statusCode).toBe(400)
    expect(noDecision.body).toContain(`PAC ${pac.ref}`)
    expect(summaryLinks(noDecision.body)).toEqual([
      ['#decision', 'Select approved or returned for more work'],
    ])
    expect(noDecision.body).toContain('Looked at it') // what was typed

    const noNote = await post(supervisor, 'review', { version: '1', decision: 'returned' })
    expect(summaryLinks(noNote.body)).toEqual([['#note', 'Enter what more work is needed']])

    const noVersion = await post(supervisor, 'review', { decision: 'approved' })
    expect(noVersion.statusCode).toBe(400)
    expect(noVersion.body).not.toContain('govuk-error-summary')
    expect((await referrals.get(pac.id))?.version).toBe(1)

    // Rated before it is shared: the service's problem with the rating is the BRAG radios', first; its
    // problem with the time the rating was given (no input of its own) follows.
    const early = await post(mash, 'mash', { version: '1', brag: 'red' })
    expect(early.statusCode).toBe(400)
    expect(summaryLinks(early.body)).toEqual([
      ['#brag', 'the PAC has not been shared with the MASH'],
      ['#mashRatedAt', 'the PAC has not been shared with the MASH'],
    ])

    const approved = await post(supervisor, 'review', { version: '1', decision: 'approved' })
    expect(approved.statusCode).toBe(303)
    expect(approved.headers.location).toBe(`/pacs/${pac.id}`)
    expect(await referrals.get(pac.id)).toMatchObject({ version: 2, reviewDecision: 'approved' })
    // Reviewed already (a second tab): the service says so on the decision.
    const twice = await post(supervisor, 'review', { version: '2', decision: 'approved' })
    expect(summaryLinks(twice.body)).toEqual([['#decision', 'This PAC has already been reviewed']])

    const noFollowUp = await post(officer, 'follow-up', { version: '2', followUp: '  ' })
    expect(noFollowUp.statusCode).toBe(400)
    expect(summaryLinks(noFollowUp.body)).toEqual([['#followUp', 'Enter what you did to follow up']])
  })
})
