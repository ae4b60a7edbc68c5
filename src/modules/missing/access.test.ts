import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { loggedActions, requestsTo } from '../../../test/requests.ts'
import { missingFixture, movableClock } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof missingFixture>>

// Need to know on missing episodes and trigger plans, through the app: Lambeth lies in the Central South
// BCU, Barnet in another. A child's places to search and people to contact are for Lambeth's staff, the
// person who recorded the plan, and the force-wide roles; anyone else is answered as if nothing were there.
describe('missing children: need to know', () => {
  let fx: Fixture
  let lambeth: SignedInUser
  let barnet: SignedInUser & { staffId: string }
  let noArea: SignedInUser
  let token: string
  let child: { id: string; ref: string }
  let planId: string
  let episodeId: string
  const places = 'Brixton station'
  const clock = movableClock('2018-08-01T09:00:00Z')

  beforeAll(async () => {
    fx = await missingFixture(clock)
    lambeth = await fx.userIn('Lambeth', ['officer', 'missing_persons_unit'], 'N100')
    barnet = await fx.userIn('Barnet', ['officer', 'missing_persons_unit'], 'N900')
    noArea = await signIn(fx.kestrel, ['officer'])
    token = (
      await fx.kestrel.services.apiTokens.create(
        { name: 'No area', roles: ['officer'], expiresOn: null },
        { id: 'setup', username: 'setup' },
      )
    ).token
    child = await fx.child('2004-06-01')
    planId = (await fx.plan(child.ref, '2018-07-01')).id
    episodeId = (await fx.episode(child.ref, '2018-07-31T20:00:00Z')).id
  })
  afterAll(() => fx.kestrel.close())

  const { get, postForm: post, postJson } = requestsTo(() => fx.kestrel.app)
  const planRow = () =>
    fx.kestrel.services.db
      .selectFrom('trigger_plan')
      .select(['ended_on', 'version'])
      .where('id', '=', planId)
      .executeTakeFirstOrThrow()
  const plans = async () =>
    (await fx.kestrel.services.db.selectFrom('trigger_plan').select('id').execute()).length
  const planForm = {
    child: '',
    placesToSearch: 'The park',
    peopleToContact: 'Carer',
    risks: 'Exploitation',
    authorName: 'DC Planner',
    agreedWith: ['carers'],
    startDate: '2018-07-15',
    reviewDate: '2018-10-01',
  }

  it('shows a trigger plan’s page only within need to know', async () => {
    const seen = await get(lambeth, `/missing/trigger-plans/${planId}`)
    expect(seen.statusCode).toBe(200)
    expect(seen.body).toContain(places)
    for (const user of [barnet, noArea]) {
      const refused = await get(user, `/missing/trigger-plans/${planId}`)
      expect(refused.statusCode).toBe(404)
      expect(refused.body).not.toContain(places)
    }
  })

  it('answers the trigger plan API only within need to know: another BCU and a token with no area get 404', async () => {
    const url = `/api/v1/missing/trigger-plans/${planId}`
    const seen = await get(lambeth, url)
    expect(seen.statusCode).toBe(200)
    expect(seen.json()).toMatchObject({ id: planId, placesToSearch: expect.stringContaining(places) })
    for (const user of [barnet, token]) {
      const refused = await get(user, url)
      expect(refused.statusCode).toBe(404)
      expect(refused.body).not.toContain(places)
    }
  })

  it('lets no one outside need to know end a plan, and changes nothing', async () => {
    const before = await planRow()
    const form = { version: String(before.version), endedOn: '2018-08-01', endReason: 'No longer needed' }
    for (const user of [barnet, noArea]) {
      const refused = await post(user, `/missing/trigger-plans/${planId}/end`, form)
      expect(refused.statusCode).toBe(404)
      expect(refused.body).not.toContain(places)
    }
    expect(await planRow()).toEqual(before)
  })

  it('refuses a plan its writer could not read, writing nothing; the one who records a plan keeps it in sight', async () => {
    const before = await plans()
    const other = await fx.child('2005-02-01')
    // No area and no staff record: a Lambeth child's plan would be nobody's of theirs.
    expect((await post(noArea, '/missing/trigger-plans', { ...planForm, child: other.ref })).statusCode).toBe(
      403,
    )
    expect(
      (await postJson(token, '/api/v1/missing/trigger-plans', { ...planForm, child: other.ref })).statusCode,
    ).toBe(403)
    expect(await plans()).toBe(before)
    // A Barnet officer recording a plan agreed in Lambeth: theirs, as its recorder, and Lambeth's.
    const made = await postJson(barnet, '/api/v1/missing/trigger-plans', { ...planForm, child: other.ref })
    expect(made.statusCode).toBe(201)
    expect(made.json()).toMatchObject({ authorStaffId: barnet.staffId })
    expect((await get(barnet, `/api/v1/missing/trigger-plans/${made.json().id}`)).statusCode).toBe(200)
    expect((await get(lambeth, `/api/v1/missing/trigger-plans/${made.json().id}`)).statusCode).toBe(200)
    expect(await plans()).toBe(before + 1)
  })

  it('tells a grader outside the plan’s area that a live plan exists, not what it says', async () => {
    const elsewhere = await get(barnet, `/missing/episodes/new?child=${child.ref}`)
    expect(elsewhere.statusCode).toBe(200)
    expect(elsewhere.body).toContain('held by Lambeth')
    expect(elsewhere.body).not.toContain(places)
    // The earlier episode (Lambeth's) is counted, not listed.
    expect(elsewhere.body).not.toContain(`/missing/episodes/${episodeId}`)
    expect(elsewhere.body).toContain('in other areas, counted above but not listed')
    const local = await get(lambeth, `/missing/episodes/new?child=${child.ref}`)
    expect(local.body).toContain(places)
    expect(local.body).toContain(`/missing/episodes/${episodeId}`)
  })

  it('asks the open-case providers with the reader’s reach', async () => {
    const lambethId = fx.boroughId('Lambeth')
    fx.kestrel.services.missing.registerOpenCasesProvider(async (personId, reach) =>
      personId === child.id && (reach.forceWide || reach.boroughIds.includes(lambethId))
        ? [{ ref: 'INV-LAMBETH-1', title: 'Lambeth case' }]
        : [],
    )
    expect((await get(lambeth, `/missing/episodes/new?child=${child.ref}`)).body).toContain('INV-LAMBETH-1')
    expect((await get(barnet, `/missing/episodes/new?child=${child.ref}`)).body).not.toContain(
      'INV-LAMBETH-1',
    )
  })

  it('records staff on duty only for a unit serving the reader’s area', async () => {
    const duty = async () =>
      (await fx.kestrel.services.db.selectFrom('missing_unit_duty').select('id').execute()).length
    const before = await duty()
    const refused = await post(barnet, '/missing/duty', { unit: fx.unit.id, staffOnDuty: '2' })
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain('href="#unit"')
    expect(await duty()).toBe(before)
    expect((await post(lambeth, '/missing/duty', { unit: fx.unit.id, staffOnDuty: '2' })).statusCode).toBe(
      303,
    )
    expect(await duty()).toBe(before + 1)
  })

  it('lists on the child’s timeline only the episodes and plans within reach', async () => {
    const url = `/people/${child.id}/timeline`
    const local = await get(lambeth, url)
    expect(local.statusCode).toBe(200)
    expect(local.body).toContain(`/missing/episodes/${episodeId}`)
    expect(local.body).toContain(`/missing/trigger-plans/${planId}`)
    const elsewhere = await get(barnet, url)
    expect(elsewhere.statusCode).toBe(200)
    expect(elsewhere.body).not.toContain('/missing/episodes/')
    expect(elsewhere.body).not.toContain(`/missing/trigger-plans/${planId}`)
  })

  it('logs the unit view as one list read naming the episodes it shows, and shows another BCU none', async () => {
    const rows = (actorId: string) =>
      fx.kestrel.services.db
        .selectFrom('access_log')
        .select(['subject_id', 'action', 'detail'])
        .where('actor_id', '=', actorId)
        .where('subject_kind', '=', 'missing-episode')
        .where('subject_id', '=', 'GET /missing')
        .where('action', '=', 'list')
        .execute()
    expect((await get(lambeth, '/missing')).body).toContain(`/missing/episodes/${episodeId}`)
    const logged = await rows(lambeth.userId)
    expect(logged).toHaveLength(1)
    expect((logged[0]?.detail as { ids?: string[] } | undefined)?.ids).toContain(episodeId)
    const other = await get(barnet, '/missing')
    expect(other.statusCode).toBe(200)
    expect(other.body).not.toContain(`/missing/episodes/${episodeId}`)
    const barnetLogged = await rows(barnet.userId)
    expect(barnetLogged).toHaveLength(1)
    expect((barnetLogged[0]?.detail as { ids?: string[] } | undefined)?.ids).toEqual([])
  })

  it('downloads the unit view’s episodes within reach, logged as exported: another BCU gets none', async () => {
    const exported = (actorId: string) =>
      fx.kestrel.services.db
        .selectFrom('access_log')
        .select(['detail'])
        .where('actor_id', '=', actorId)
        .where('subject_kind', '=', 'missing-episode')
        .where('action', '=', 'export')
        .execute()
    const csv = await get(lambeth, '/missing.csv')
    expect(csv.statusCode).toBe(200)
    const lines = csv.body.split('\r\n').filter(Boolean)
    expect(lines.length).toBeGreaterThan(1)
    const ids = (await exported(lambeth.userId)).flatMap((r) => (r.detail as { ids: string[] }).ids)
    expect(ids).toContain(episodeId)
    expect(ids).toHaveLength(lines.length - 1)
    expect(await loggedActions(fx.kestrel.services.db, 'GET /missing.csv')).toEqual(['export'])
    const other = await get(barnet, '/missing.xlsx')
    expect(other.statusCode).toBe(200)
    expect(await exported(barnet.userId)).toEqual([])
  })
})
