import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { fixedClock, skillsFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof skillsFixture>>
let fx: Fixture
const clock = fixedClock('2026-06-15T12:00:00Z')
const { get, postForm } = requestsTo(() => fx.kestrel.app)
let admin: SignedInUser
let forceLead: SignedInUser
let csLead: SignedInUser
let cnLead: SignedInUser
let mashSupervisor: SignedInUser
let officer: SignedInUser

beforeAll(async () => {
  fx = await skillsFixture(clock)
  const k = fx.kestrel
  admin = await signIn(k, ['admin'])
  forceLead = await signIn(k, ['force_lead'])
  // A BCU lead is placed by their team: M1's MASH is in Central South, S1's Sapphire in Central North.
  csLead = await signIn(k, ['bcu_lead'], { staffId: fx.staff.M1 ?? null })
  cnLead = await signIn(k, ['bcu_lead'], { staffId: fx.staff.S1 ?? null })
  mashSupervisor = await signIn(k, ['supervisor'], { staffId: fx.staff.M2 ?? null })
  officer = await signIn(k, ['officer'], { staffId: fx.staff.M3 ?? null })
}, 60_000)
afterAll(() => fx?.kestrel.close())

const dateFields = (name: string, day: string) => {
  const [y, m, d] = day.split('-')
  return {
    [`${name}-day`]: String(Number(d)),
    [`${name}-month`]: String(Number(m)),
    [`${name}-year`]: y as string,
  }
}

describe('the skills audit pages', () => {
  it('shows the force with each BCU’s coverage, and the course table', async () => {
    const page = await get(forceLead, '/skills')
    expect(page.statusCode).toBe(200)
    const body = page.body
    expect(body).toContain('Central South')
    expect(body).toContain(`/skills/bcus/${fx.bcuId('CS')}`)
    // The force row: 10 need training, 3 trained, 2 scheduled, 5 no plan, 30%.
    expect(body.replace(/\s+/g, ' ')).toMatch(/Force \(every team\)<\/th>.*?>10<.*?>3<.*?>2<.*?>5<.*?>30%</)
    expect(body).toContain('Online CSAE')
  })

  it('refuses a role without access, and shows each BCU lead only their BCU’s teams and people', async () => {
    expect((await get(officer, '/skills')).statusCode).toBe(403)
    expect((await get(csLead, `/skills/bcus/${fx.bcuId('CS')}`)).statusCode).toBe(200)
    expect((await get(cnLead, `/skills/bcus/${fx.bcuId('CS')}`)).statusCode).toBe(404)
    const mash = `/skills/teams/${fx.teams['Lambeth MASH'].id}`
    const team = await get(csLead, mash)
    expect(team.statusCode).toBe(200)
    expect(team.body).toContain('Officer M3')
    expect(team.body).toContain('Scheduled 2026-09-01')
    expect((await get(cnLead, mash)).statusCode).toBe(404)
    // The force view lists every BCU's figures for comparison, but links only those the reader may open.
    const force = await get(cnLead, '/skills')
    expect(force.statusCode).toBe(200)
    expect(force.body).not.toContain(`/skills/bcus/${fx.bcuId('CS')}`)
    expect(force.body).toContain(`/skills/bcus/${fx.bcuId('CN')}`)
  })

  it('shows a supervisor their own team only', async () => {
    expect((await get(mashSupervisor, `/skills/teams/${fx.teams['Lambeth MASH'].id}`)).statusCode).toBe(200)
    expect((await get(mashSupervisor, `/skills/teams/${fx.teams['Central South CAIT'].id}`)).statusCode).toBe(
      404,
    )
    const bcu = await get(mashSupervisor, `/skills/bcus/${fx.bcuId('CS')}`)
    expect(bcu.statusCode).toBe(200)
    expect(bcu.body).toContain('Lambeth MASH')
    expect(bcu.body).not.toContain('Central South CAIT')
  })

  it('logs the people a team page showed', async () => {
    await get(forceLead, `/skills/teams/${fx.teams['Central South CAIT'].id}`)
    const row = await fx.kestrel.services.db
      .selectFrom('access_log')
      .select(['subject_kind', 'detail'])
      .where('subject_id', '=', `GET /skills/teams/${fx.teams['Central South CAIT'].id}`)
      .executeTakeFirstOrThrow()
    expect(row.subject_kind).toBe('staff')
    expect((row.detail as { ids: string[] }).ids.sort()).toEqual(
      [fx.staff.C1, fx.staff.C2, fx.staff.C3].sort(),
    )
  })

  it('shows a person’s gaps on their staff page, to readers in reach', async () => {
    const page = await get(csLead, `/admin/organisation/staff/${fx.staff.C3}`)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Training their team requires')
    expect(page.body).toContain('Scheduled for 2026-07-01')
    expect(page.body).toContain('No plan')
    const elsewhere = await get(cnLead, `/admin/organisation/staff/${fx.staff.C3}`)
    expect(elsewhere.statusCode).toBe(200)
    expect(elsewhere.body).not.toContain('Training their team requires')
  })

  it('shows one person’s courses within reach, their read logged, and not found outside it', async () => {
    const url = `/skills/people/${fx.staff.C3}`
    const page = await get(csLead, url)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Scheduled 2026-07-01')
    expect(page.body).toContain('No plan')
    expect((await get(cnLead, url)).statusCode).toBe(404)
    expect((await get(mashSupervisor, url)).statusCode).toBe(404)
    const logged = await fx.kestrel.services.db
      .selectFrom('access_log')
      .select('action')
      .where('subject_id', '=', fx.staff.C3 as string)
      .where('subject_kind', '=', 'staff')
      .execute()
    expect(logged.map((r) => r.action)).toContain('read')
  })

  it('books a course, with the errors in the form’s order, and refuses a person outside reach', async () => {
    const url = `/skills/people/${fx.staff.M3}/bookings`
    expect((await get(mashSupervisor, `${url}/new`)).statusCode).toBe(200)
    const wrong = await postForm(mashSupervisor, url, {
      course: 'juggling',
      ...dateFields('scheduledOn', '2026-02-30'),
    })
    expect(wrong.statusCode).toBe(400)
    const summary = wrong.body.slice(wrong.body.indexOf('govuk-error-summary'))
    expect(summary.indexOf('Select the course')).toBeGreaterThan(-1)
    expect(summary.indexOf('Select the course')).toBeLessThan(summary.indexOf('real date'))
    // The service's own check, shown against its field on the form.
    const past = await postForm(mashSupervisor, url, {
      course: 'safeguarding_1_week',
      ...dateFields('scheduledOn', '2026-06-01'),
    })
    expect(past.statusCode).toBe(400)
    expect(past.body).toContain('The course date must be today or in the future')
    const done = await postForm(mashSupervisor, url, {
      course: 'safeguarding_1_week',
      ...dateFields('scheduledOn', '2026-10-05'),
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`/skills/teams/${fx.teams['Lambeth MASH'].id}`)
    const before = await fx.kestrel.services.db.selectFrom('training_booking').select('id').execute()
    const refused = await postForm(cnLead, url, {
      course: 'safeguarding_1_week',
      ...dateFields('scheduledOn', '2026-10-06'),
    })
    expect(refused.statusCode).toBe(404)
    expect(await fx.kestrel.services.db.selectFrom('training_booking').select('id').execute()).toHaveLength(
      before.length,
    )
  })

  it('lets an admin add to the matrix with errors in field order, and end a row', async () => {
    const matrix = await get(csLead, '/skills/requirements')
    expect(matrix.statusCode).toBe(200)
    expect(matrix.body).toContain('Safeguarding 1-week course')
    expect(matrix.body).not.toContain('Add a training requirement')
    expect((await get(csLead, '/skills/requirements/new')).statusCode).toBe(403)
    const wrong = await postForm(admin, '/skills/requirements', {
      teamKind: '',
      staffRole: 'x'.repeat(201),
      course: '',
      ...dateFields('effectiveFrom', '2026-02-30'),
      source: '',
    })
    expect(wrong.statusCode).toBe(400)
    const summary = wrong.body.slice(wrong.body.indexOf('govuk-error-summary'))
    const order = ['Select the kind of team', 'Role must be 200', 'Select the course', 'real date'].map((t) =>
      summary.indexOf(t),
    )
    expect(order.every((i) => i > -1)).toBe(true)
    expect([...order].sort((a, b) => a - b)).toEqual(order)
    const added = await postForm(admin, '/skills/requirements', {
      teamKind: 'custody_suite',
      staffRole: '',
      course: 'safeguarding_1_week',
      ...dateFields('effectiveFrom', '2026-01-01'),
      source: 'Force decision',
    })
    expect(added.statusCode).toBe(303)
    const row = await fx.kestrel.services.db
      .selectFrom('required_course')
      .select(['id', 'version'])
      .where('team_kind', '=', 'custody_suite')
      .executeTakeFirstOrThrow()
    const endUrl = `/skills/requirements/${row.id}/end`
    expect((await get(admin, endUrl)).statusCode).toBe(200)
    const early = await postForm(admin, endUrl, { ...dateFields('effectiveTo', '2025-12-31'), version: '1' })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('on or after the day the requirement started')
    expect(
      (await postForm(admin, endUrl, { ...dateFields('effectiveTo', '2026-03-31'), version: '1' }))
        .statusCode,
    ).toBe(303)
  })

  it('answers the coverage API for the force and a BCU, and names a bad BCU', async () => {
    const force = await get(forceLead, '/api/v1/skills/coverage')
    expect(force.statusCode).toBe(200)
    const body = force.json()
    expect(body.total.people).toBeGreaterThanOrEqual(10)
    expect(body.rows.find((r: { id: string }) => r.id === fx.bcuId('CN'))).toMatchObject({
      people: 1,
      noPlan: 1,
    })
    const bcu = await get(csLead, `/api/v1/skills/coverage?bcu=${fx.bcuId('CS')}`)
    expect(bcu.statusCode).toBe(200)
    expect(
      bcu
        .json()
        .rows.map((r: { name: string }) => r.name)
        .sort(),
    ).toEqual(['Central South CAIT', 'Lambeth MASH'])
    const foreign = await get(cnLead, `/api/v1/skills/coverage?bcu=${fx.bcuId('CS')}`)
    expect(foreign.statusCode).toBe(400)
    expect(foreign.body).toContain('bcu')
    expect((await get(forceLead, '/api/v1/skills/coverage?bcu=nope')).statusCode).toBe(400)
  })
})
