import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import type { Role } from '../../platform/access/roles.ts'
import { missingFixture, movableClock } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof missingFixture>>

describe('missing pages and API', () => {
  let fx: Fixture
  let unitUser: SignedInUser
  let officer: SignedInUser
  let partner: SignedInUser
  let childRef: string
  let adultRef: string
  let episodeId: string
  let episodeVersion: number
  const clock = movableClock('2018-08-01T09:00:00Z')

  const count = async (table: 'missing_episode' | 'trigger_plan') =>
    Number(
      (
        await fx.kestrel.services.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  const userIn = (borough: string, roles: Role[], staffNumber: string) =>
    fx.userIn(borough, roles, staffNumber)

  beforeAll(async () => {
    fx = await missingFixture(clock)
    // The unit's staff see the episodes of their own area: Lambeth, in the Central South BCU.
    unitUser = await userIn('Lambeth', ['missing_persons_unit'], 'M100')
    officer = await signIn(fx.kestrel, ['officer'])
    partner = await signIn(fx.kestrel, ['partner'])
    childRef = (await fx.child('2004-06-01')).ref
    adultRef = (await fx.child('1990-01-01')).ref
    const episode = await fx.episode(childRef, '2018-07-31T20:00:00Z')
    episodeId = episode.id
    episodeVersion = episode.version
  })
  afterAll(() => fx.kestrel.close())

  const get = (user: SignedInUser, url: string) =>
    fx.kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
  const post = (user: SignedInUser, url: string, form: Record<string, string | string[]>) => {
    const params = new URLSearchParams({ _csrf: user.csrfToken })
    for (const [key, value] of Object.entries(form))
      for (const v of Array.isArray(value) ? value : [value]) params.append(key, v)
    return fx.kestrel.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    })
  }
  const api = (user: SignedInUser, method: 'GET' | 'POST', url: string, body?: unknown) =>
    fx.kestrel.app.inject({
      method,
      url,
      headers: {
        cookie: user.cookie,
        'x-csrf-token': user.csrfToken,
        ...(body ? { 'content-type': 'application/json' } : {}),
      },
      ...(body ? { payload: JSON.stringify(body) } : {}),
    })

  it('shows the unit view to the missing persons unit and refuses partners', async () => {
    const page = await get(unitUser, '/missing')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('<h1')
    expect((await get(partner, '/missing')).statusCode).toBe(403)
    expect((await get(partner, `/missing/episodes/${episodeId}`)).statusCode).toBe(403)
    expect((await get(partner, '/missing/episodes/new')).statusCode).toBe(403)
    expect((await post(partner, '/missing/episodes', {})).statusCode).toBe(403)
    expect((await get(unitUser, `/missing/episodes/${episodeId}`)).statusCode).toBe(200)
  })

  const episodeForm = (extra: Record<string, string | string[]> = {}) => ({
    child: childRef,
    borough: fx.boroughId('Lambeth'),
    reportedAt: '2018-08-01T08:00',
    reportedByKind: 'carer',
    lastSeenAt: '2018-08-01T06:00',
    lastSeenPlace: 'School gates',
    circumstances: 'Did not come home from school',
    grade: 'high',
    gradedBy: 'PS Grader',
    riskFactors: ['vulnerable_age'],
    ...extra,
  })

  it('re-shows the grading form with the error summary for a bad grade, writing nothing', async () => {
    const before = await count('missing_episode')
    const badGrade = await post(unitUser, '/missing/episodes', episodeForm({ grade: 'catastrophic' }))
    expect(badGrade.statusCode).toBe(400)
    expect(badGrade.body).toContain('govuk-error-summary')
    expect(badGrade.body).toContain('href="#grade"')
    expect(badGrade.body).toContain('is not a grade on this force')
    // What the user typed is still there.
    expect(badGrade.body).toContain('School gates')
    const noGrade = await post(unitUser, '/missing/episodes', episodeForm({ grade: '' }))
    expect(noGrade.statusCode).toBe(400)
    expect(noGrade.body).toContain('Choose the risk grade')
    const lastSeenAfter = await post(
      unitUser,
      '/missing/episodes',
      episodeForm({ lastSeenAt: '2018-08-01T08:30' }),
    )
    expect(lastSeenAfter.statusCode).toBe(400)
    expect(lastSeenAfter.body).toContain('The child was last seen after the report was made')
    expect(await count('missing_episode')).toBe(before)
    const opened = await post(unitUser, '/missing/episodes', episodeForm())
    expect(opened.statusCode).toBe(303)
    expect(await count('missing_episode')).toBe(before + 1)
  })

  it('refuses a return recorded before the report, with the error summary and nothing written', async () => {
    const returned = await post(unitUser, `/missing/episodes/${episodeId}/return`, {
      version: String(episodeVersion),
      returnedAt: '2018-07-31T20:30',
      foundPlace: 'Home',
      foundBy: 'Returned by themselves',
    })
    expect(returned.statusCode).toBe(400)
    expect(returned.body).toContain('govuk-error-summary')
    expect(returned.body).toContain('returned before reported')
    const view = await fx.kestrel.services.missing.get(episodeId, {
      kind: 'user',
      id: 'x',
      username: 'x',
      displayName: 'x',
      roles: ['missing_persons_unit'],
      staffId: null,
      area: { forceWide: true },
    })
    expect(view.episode.returnedAt).toBeNull()
    expect(view.episode.version).toBe(episodeVersion)
  })

  it('sends an unknown or missing child back to finding the child, with the reason', async () => {
    const unknown = await post(unitUser, '/missing/episodes', episodeForm({ child: 'NOPE-1' }))
    expect(unknown.statusCode).toBe(400)
    expect(unknown.body).toContain('govuk-error-summary')
    expect(unknown.body).toContain('href="#q"')
    expect(unknown.body).toContain('There is no person with the reference NOPE-1')
    expect(unknown.body).toContain('value="NOPE-1"')
    const none = await post(unitUser, '/missing/episodes', {})
    expect(none.statusCode).toBe(400)
    expect(none.body).toContain('href="#q"')
    expect(none.body).not.toContain('href="#reportedAt"')
  })

  it('links a review’s bad grade to the review’s own grade box', async () => {
    const review = await post(unitUser, `/missing/episodes/${episodeId}/review`, {
      version: String(episodeVersion),
      reviewedAt: '2018-07-31T22:00',
      reviewerName: 'Insp Review',
      reviewGrade: 'nonsense',
      reason: 'Seen on CCTV',
    })
    expect(review.statusCode).toBe(400)
    expect(review.body).toContain('href="#reviewGrade"')
    expect(review.body).toContain('is not a grade on this force')
  })

  it('re-shows the unit view with errors for an empty or bad staff-on-duty count, writing nothing', async () => {
    const duty = () =>
      fx.kestrel.services.db
        .selectFrom('missing_unit_duty')
        .select('id')
        .execute()
        .then((rows) => rows.length)
    const before = await duty()
    const empty = await post(unitUser, '/missing/duty', { unit: fx.unit.id, staffOnDuty: '' })
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('href="#staffOnDuty"')
    const words = await post(unitUser, '/missing/duty', { unit: fx.unit.id, staffOnDuty: 'three' })
    expect(words.statusCode).toBe(400)
    expect(words.body).toContain('value="three"')
    expect(await duty()).toBe(before)
    expect((await post(unitUser, '/missing/duty', { unit: fx.unit.id, staffOnDuty: '3' })).statusCode).toBe(
      303,
    )
    expect(await duty()).toBe(before + 1)
  })

  it('starts a new trigger plan on the London day, not the UTC one', async () => {
    clock.set('2018-07-31T23:30:00Z')
    try {
      const form = await get(unitUser, '/missing/trigger-plans/new')
      expect(form.body).toMatch(/name="startDate"[^>]*value="2018-08-01"/)
    } finally {
      clock.set('2018-08-01T09:00:00Z')
    }
  })

  it('refuses a trigger plan for an adult and writes nothing', async () => {
    const before = await count('trigger_plan')
    const form = {
      child: adultRef,
      placesToSearch: 'The park',
      peopleToContact: 'Carer',
      risks: 'Exploitation',
      authorName: 'DC Planner',
      agreedWith: ['carers'],
      startDate: '2018-07-01',
      reviewDate: '2018-10-01',
    }
    const refused = await post(officer, '/missing/trigger-plans', form)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('govuk-error-summary')
    expect(refused.body).toContain('href="#child"')
    expect(refused.body).toContain('a trigger plan is for a child')
    expect(refused.body).toContain('The park')
    const viaApi = await api(officer, 'POST', '/api/v1/missing/trigger-plans', form)
    expect(viaApi.statusCode).toBe(400)
    expect(viaApi.json().errors[0]).toMatchObject({ field: 'child' })
    expect(await count('trigger_plan')).toBe(before)
    // The child's plan lies in Lambeth: agreed there by someone whose area it is.
    expect((await post(unitUser, '/missing/trigger-plans', { ...form, child: childRef })).statusCode).toBe(
      303,
    )
  })

  it('answers bad API input with 400 problem details naming the field, writing nothing', async () => {
    const before = await count('missing_episode')
    const body = {
      child: childRef,
      borough: 'Lambeth',
      reportedAt: '2018-08-01T07:00:00Z',
      reportedByKind: 'carer',
      lastSeenAt: '2018-08-01T05:00:00Z',
      lastSeenPlace: 'Home',
      circumstances: 'Left after an argument',
      grade: 'high',
      gradedBy: 'PS Grader',
    }
    const badKind = await api(unitUser, 'POST', '/api/v1/missing/episodes', {
      ...body,
      reportedByKind: 'neighbour',
    })
    expect(badKind.statusCode).toBe(400)
    expect(badKind.headers['content-type']).toContain('application/problem+json')
    expect(badKind.json()).toMatchObject({ status: 400 })
    expect(badKind.json().errors).toEqual([expect.objectContaining({ field: 'reportedByKind' })])
    const badGrade = await api(unitUser, 'POST', '/api/v1/missing/episodes', { ...body, grade: 'dire' })
    expect(badGrade.statusCode).toBe(400)
    expect(badGrade.json().errors).toEqual([expect.objectContaining({ field: 'grade' })])
    const early = await api(unitUser, 'POST', '/api/v1/missing/episodes', {
      ...body,
      returnedAt: '2018-08-01T06:00:00Z',
    })
    expect(early.statusCode).toBe(400)
    expect(early.json().errors).toEqual([expect.objectContaining({ field: 'returnedAt' })])
    const adult = await api(unitUser, 'POST', '/api/v1/missing/episodes', { ...body, child: adultRef })
    expect(adult.statusCode).toBe(400)
    expect(adult.json().errors[0]).toMatchObject({ field: 'child' })
    expect(await count('missing_episode')).toBe(before)
    expect((await api(partner, 'POST', '/api/v1/missing/episodes', body)).statusCode).toBe(403)
    const created = await api(unitUser, 'POST', '/api/v1/missing/episodes', body)
    expect(created.statusCode).toBe(201)
    expect(created.json()).toMatchObject({ grade: 'high', version: 1 })
  })

  it('refuses another BCU’s episode to a BCU-scoped user and shows it to one in its area', async () => {
    const elsewhere = await userIn('Barnet', ['officer'], 'M900')
    const local = await userIn('Lambeth', ['officer'], 'M901')
    const read = (user: SignedInUser) => api(user, 'GET', `/api/v1/missing/episodes/${episodeId}`)
    const refused = await read(elsewhere)
    expect(refused.statusCode).toBe(404)
    expect(refused.json()).not.toHaveProperty('ref')
    expect((await get(elsewhere, `/missing/episodes/${episodeId}`)).statusCode).toBe(404)
    expect((await get(elsewhere, '/missing')).body).not.toContain(episodeId)
    const allowed = await read(local)
    expect(allowed.statusCode).toBe(200)
    expect(allowed.json()).toMatchObject({ id: episodeId })
    // Changing it is refused as well, and nothing is written.
    const change = await post(elsewhere, `/missing/episodes/${episodeId}/return`, {
      version: String(episodeVersion),
      returnedAt: '2018-08-01T08:30',
      foundPlace: 'Home',
      foundBy: 'Carer',
    })
    expect(change.statusCode).toBe(404)
    expect((await read(local)).json().returnedAt).toBeNull()
  })
})
