import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { requestsTo } from '../../../test/requests.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seedLondon } from './london-seed.ts'

describe('organisation admin pages', () => {
  let kestrel: TestKestrel
  let admin: SignedInUser
  let officer: SignedInUser
  let lead: SignedInUser
  let teamId: string
  let staffId: string

  const requests = requestsTo(() => kestrel.app)
  const get = (url: string, user: SignedInUser) => requests.get(user, url)
  const post = (url: string, user: SignedInUser, form: Record<string, string>) =>
    requests.postForm(user, url, form)

  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock('2024-05-01T10:00:00Z') })
    await seedLondon(kestrel.services.db)
    admin = await signIn(kestrel, ['admin'])
    officer = await signIn(kestrel, ['officer'])
    lead = await signIn(kestrel, ['bcu_lead'])
    const organisation = kestrel.services.organisation
    const force = await organisation.force()
    const team = await organisation.createTeam(
      force.id,
      {
        name: 'Islington CAIT',
        kind: 'cait',
        boroughId: null,
        bcuId: null,
        capacity: 8,
        reviewCadenceDays: 28,
        active: true,
      },
      'setup',
    )
    teamId = team.id
    const staff = await organisation.createStaff(
      force.id,
      {
        staffNumber: 'IS100',
        name: 'Priya Shah',
        rank: 'sergeant',
        role: 'DS',
        teamId,
        startDate: '2020-06-01',
        active: true,
      },
      'setup',
    )
    staffId = staff.id
  })
  afterAll(() => kestrel.close())

  const pages = () => [
    '/admin/organisation',
    '/admin/organisation?date-day=1&date-month=6&date-year=2018',
    '/admin/organisation/reorganise',
    '/admin/organisation/teams',
    '/admin/organisation/teams/new',
    `/admin/organisation/teams/${teamId}/edit`,
    '/admin/organisation/staff',
    `/admin/organisation/staff?team=${teamId}`,
    '/admin/organisation/staff/new',
    `/admin/organisation/staff/${staffId}`,
    `/admin/organisation/staff/${staffId}/edit`,
    `/admin/organisation/staff/${staffId}/training/new`,
  ]

  it('shows every page to an admin and none to an officer', async () => {
    for (const url of pages()) {
      const asAdmin = await get(url, admin)
      expect(asAdmin.statusCode, url).toBe(200)
      expect(asAdmin.body.match(/<h1/g), url).toHaveLength(1)
      expect((await get(url, officer)).statusCode, url).toBe(403)
    }
  })

  it('lets a BCU lead read the lists but not change anything', async () => {
    expect((await get('/admin/organisation', lead)).statusCode).toBe(200)
    expect((await get('/admin/organisation/teams', lead)).statusCode).toBe(200)
    expect((await get(`/admin/organisation/staff/${staffId}`, lead)).statusCode).toBe(200)
    expect((await get('/admin/organisation/teams/new', lead)).statusCode).toBe(403)
    expect((await post('/admin/organisation/teams', lead, { name: 'X', kind: 'mash' })).statusCode).toBe(403)
  })

  it('shows the structure at a date: pathfinders in 2018, all twelve in 2020', async () => {
    const before = await get('/admin/organisation?date-day=1&date-month=6&date-year=2018', admin)
    expect(before.body).toContain('These boroughs were not in a BCU')
    expect(before.body).toContain('Camden, Islington')
    const after = await get('/admin/organisation?date-day=1&date-month=1&date-year=2020', admin)
    expect(after.body).toContain('Every borough was in a BCU on this date')
    const bad = await get('/admin/organisation?date-day=31&date-month=2&date-year=2020', admin)
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('Date must be a real date')
  })

  it('re-renders a bad team form with the error summary and what was typed, writing nothing', async () => {
    const before = await kestrel.services.db.selectFrom('change_history').select('id').execute()
    const response = await post('/admin/organisation/teams', admin, {
      name: 'Hackney MASH',
      kind: '',
      capacity: 'lots',
      active: 'yes',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('govuk-error-summary')
    expect(response.body).toContain('href="#kind"')
    expect(response.body).toContain('Capacity must be a whole number')
    expect(response.body).toContain('value="Hackney MASH"')
    expect(response.body).toContain('value="lots"')
    const force = await kestrel.services.organisation.force()
    expect((await kestrel.services.organisation.teams(force.id)).map((t) => t.name)).toEqual([
      'Islington CAIT',
    ])
    expect(await kestrel.services.db.selectFrom('change_history').select('id').execute()).toHaveLength(
      before.length,
    )
  })

  it('re-renders a bad staff form with the date error linked to its box', async () => {
    const response = await post('/admin/organisation/staff', admin, {
      staffNumber: 'IS100',
      name: 'Another Person',
      rank: 'constable',
      teamId,
      'startDate-day': '',
      'startDate-month': '4',
      'startDate-year': '2021',
    })
    expect(response.statusCode).toBe(400)
    expect(response.body).toContain('href="#startDate-day"')
    expect(response.body).toContain('Start date must include a day')
    const duplicate = await post('/admin/organisation/staff', admin, {
      staffNumber: 'IS100',
      name: 'Another Person',
      rank: 'constable',
      teamId,
      'startDate-day': '1',
      'startDate-month': '4',
      'startDate-year': '2021',
    })
    expect(duplicate.statusCode).toBe(400)
    expect(duplicate.body).toContain('Another member of staff already has this staff number')
  })

  it("lists the staff and training forms' errors in the order the fields appear", async () => {
    const links = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])
    const staff = await post('/admin/organisation/staff', admin, {
      staffNumber: '',
      name: '',
      rank: '',
      'startDate-day': '',
      'startDate-month': '4',
      'startDate-year': '2021',
    })
    expect(staff.statusCode).toBe(400)
    expect(links(staff.body)).toEqual(['#staffNumber', '#name', '#rank', '#startDate-day'])
    const training = await post(`/admin/organisation/staff/${staffId}/training`, admin, { course: '' })
    expect(links(training.body)).toEqual(['#course', '#completedOn-day'])
  })

  it('creates a team, edits it, and answers a stale edit with 409', async () => {
    const created = await post('/admin/organisation/teams', admin, {
      name: 'Hackney MASH',
      kind: 'mash',
      capacity: '10',
      reviewCadenceDays: '',
      active: 'yes',
    })
    expect(created.statusCode).toBe(303)
    const force = await kestrel.services.organisation.force()
    const team = (await kestrel.services.organisation.teams(force.id)).find((t) => t.name === 'Hackney MASH')
    expect(team).toMatchObject({ kind: 'mash', capacity: 10, reviewCadenceDays: null, active: true })
    const form = { name: 'Hackney MASH', kind: 'mash', capacity: '11', version: '1' }
    expect((await post(`/admin/organisation/teams/${team?.id}`, admin, form)).statusCode).toBe(303)
    const stale = await post(`/admin/organisation/teams/${team?.id}`, admin, { ...form, capacity: '12' })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else changed this record')
    expect((await kestrel.services.organisation.team(team?.id ?? ''))?.active).toBe(false)
  })

  it('adds a training record through the form', async () => {
    const bad = await post(`/admin/organisation/staff/${staffId}/training`, admin, { course: '' })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#course"')
    const good = await post(`/admin/organisation/staff/${staffId}/training`, admin, {
      course: 'safeguarding_1_week',
      'completedOn-day': '3',
      'completedOn-month': '3',
      'completedOn-year': '2023',
    })
    expect(good.statusCode).toBe(303)
    const page = await get(`/admin/organisation/staff/${staffId}`, admin)
    expect(page.body).toContain('Safeguarding 1-week course')
    expect(page.body).toContain('3 March 2023')
  })

  it('moves a borough through the reorganise form', async () => {
    const force = await kestrel.services.organisation.force()
    const boroughs = await kestrel.services.organisation.boroughs(force.id)
    const bcus = await kestrel.services.organisation.bcus(force.id)
    const harrow = boroughs.find((b) => b.name === 'Harrow')?.id ?? ''
    const wa = bcus.find((b) => b.code === 'WA')?.id ?? ''
    const backdated = await post('/admin/organisation/reorganise', admin, {
      boroughId: harrow,
      toBcuId: wa,
      'effectiveFrom-day': '1',
      'effectiveFrom-month': '1',
      'effectiveFrom-year': '2019',
    })
    expect(backdated.statusCode).toBe(400)
    expect(backdated.body).toContain('href="#effectiveFrom-day"')
    const moved = await post('/admin/organisation/reorganise', admin, {
      boroughId: harrow,
      toBcuId: wa,
      'effectiveFrom-day': '1',
      'effectiveFrom-month': '4',
      'effectiveFrom-year': '2024',
    })
    expect(moved.statusCode).toBe(303)
    expect((await kestrel.services.organisation.bcuForBorough(harrow, '2024-04-01'))?.code).toBe('WA')
  })
})
