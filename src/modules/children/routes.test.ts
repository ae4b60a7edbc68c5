import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { apiToken, boroughIdOf, userIn } from '../../../test/people.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { Person } from './service.ts'

describe('people pages and API', () => {
  let kestrel: TestKestrel
  /** An officer with no staff record: no area. */
  let officer: SignedInUser
  /** Officers of Central North (Camden, Islington) and of East Area (Barking and Dagenham...). */
  let camdenOfficer: SignedInUser
  let barkingOfficer: SignedInUser
  let mash: SignedInUser
  let partner: SignedInUser
  let auditor: SignedInUser
  let child: Person

  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock('2018-08-01T09:00:00Z') })
    await seedLondon(kestrel.services.db)
    officer = await signIn(kestrel, ['officer'])
    camdenOfficer = await userIn(kestrel, 'Camden', ['officer'], 'C100')
    barkingOfficer = await userIn(kestrel, 'Barking and Dagenham', ['officer'], 'B100')
    mash = await signIn(kestrel, ['mash'])
    partner = await signIn(kestrel, ['partner'])
    auditor = await signIn(kestrel, ['dit_auditor'])
    child = await kestrel.services.children.create(
      {
        familyName: 'Page',
        givenNames: 'Polly',
        dateOfBirth: '2008-02-02',
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'W1',
        ref: 'PAGE-1',
      },
      { id: 'setup', username: 'setup' },
    )
    await kestrel.services.children.addFlag(
      child.id,
      { flag: 'looked_after', detail: 'Camden', fromDate: '2017-01-01', toDate: null },
      { id: 'setup', username: 'setup' },
    )
  })
  afterAll(() => kestrel.close())

  const get = (user: SignedInUser, url: string) =>
    kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
  const post = (user: SignedInUser, url: string, form: Record<string, string>) =>
    kestrel.app.inject({
      method: 'POST',
      url,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: user.csrfToken, ...form }).toString(),
    })

  it('lets staff search and see the results; partners get 403', async () => {
    const page = await get(officer, '/people?q=Paige')
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('PAGE, Polly')
    expect((await get(officer, '/people?dob-day=2&dob-month=2&dob-year=2008')).body).toContain('PAGE, Polly')
    const badDate = await get(officer, '/people?dob-day=31&dob-month=2&dob-year=2008')
    expect(badDate.body).toContain('Date of birth must be a real date')
    expect((await get(partner, '/people?q=Page')).statusCode).toBe(403)
    expect((await get(officer, '/')).body).toContain('href="/people"')
  })

  it('shows the child page with identity bar and flags, writes an access log read, and refuses partners', async () => {
    const before = await kestrel.services.accessLog.forSubject('person', child.id)
    for (const suffix of ['', '/household', '/timeline']) {
      const page = await get(officer, `/people/${child.id}${suffix}`)
      expect(page.statusCode, suffix).toBe(200)
      expect(page.body).toContain('moj-identity-bar')
      expect(page.body).toContain('Looked after: Camden')
      expect(page.body).toContain('Age 10')
    }
    const after = await kestrel.services.accessLog.forSubject('person', child.id)
    expect(after.length - before.length).toBe(3)
    expect(after[0]).toMatchObject({ action: 'read', actorId: officer.userId })
    expect((await get(partner, `/people/${child.id}`)).statusCode).toBe(403)
    expect((await get(auditor, `/people/${child.id}`)).statusCode).toBe(200)
    expect((await get(officer, `/people/${child.id}/timeline`)).body).toContain('Flag started: Looked after')
    // A ref in the address finds the person's page.
    expect((await get(officer, '/people/PAGE-1')).headers.location).toBe(`/people/${child.id}`)
  })

  it('creates a person through the form, warning of a possible duplicate until confirmed', async () => {
    const form = {
      familyName: 'Paige',
      givenNames: 'Polly',
      'dateOfBirth-day': '2',
      'dateOfBirth-month': '2',
      'dateOfBirth-year': '2008',
      gender: 'female',
      ethnicity: 'W1',
    }
    const warned = await post(officer, '/people/new', form)
    expect(warned.statusCode).toBe(200)
    expect(warned.body).toContain('Check this is a new person')
    expect(warned.body).toContain('PAGE-1')
    const created = await post(officer, '/people/new', { ...form, confirmNotDuplicate: 'yes' })
    expect(created.statusCode).toBe(303)
    expect(created.headers.location).toMatch(/^\/people\/[0-9a-f-]{36}$/)
  })

  it('shows errors for a future date of birth and re-shows what was typed; auditors may not create', async () => {
    const page = await post(officer, '/people/new', {
      familyName: 'Later',
      givenNames: 'Lou',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': '2030',
    })
    expect(page.statusCode).toBe(400)
    expect(page.body).toContain('govuk-error-summary')
    expect(page.body).toContain('Date of birth must be today or in the past')
    expect(page.body).toContain('value="Later"')
    expect((await get(auditor, '/people/new')).statusCode).toBe(403)
  })

  it('lists every problem with a new person at once, in the order the form asks', async () => {
    const summaryLinks = (body: string) =>
      [...body.matchAll(/<a href="(#[^"]+)">([^<]+)<\/a>/g)].map((m) => `${m[1]} ${m[2]?.trim()}`)
    const broken = await post(officer, '/people/new', {
      familyName: 'Order',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '1',
      estimatedAgeYears: 'ten',
      address: '2 Order Street',
      'addressFrom-day': '',
    })
    expect(broken.statusCode).toBe(400)
    expect(summaryLinks(broken.body)).toEqual([
      '#dateOfBirth-year Date of birth must include a year',
      '#estimatedAgeYears Estimated age must be a whole number of years',
      '#addressFrom-day Enter date they started living there',
    ])
    // Both a date of birth and an age, and an address with no date: each listed, whatever else is wrong.
    const both = await post(officer, '/people/new', {
      familyName: 'Order',
      'dateOfBirth-day': '1',
      'dateOfBirth-month': '1',
      'dateOfBirth-year': '2010',
      estimatedAgeYears: '8',
      address: '2 Order Street',
    })
    expect(both.statusCode).toBe(400)
    expect(summaryLinks(both.body)).toEqual([
      '#estimatedAgeYears Give a date of birth or an estimated age, not both',
      '#addressFrom-day Enter date they started living there',
    ])
    expect(both.body).toContain('value="2 Order Street"')
  })

  it('adds a flag, an address and a household membership through their forms', async () => {
    // Polly has no address yet, so any writer may add to her record, even one with no area.
    const flag = await post(officer, `/people/${child.id}/flags/new`, {
      flag: 'child_protection_plan',
      detail: 'neglect',
      'fromDate-day': '1',
      'fromDate-month': '6',
      'fromDate-year': '2018',
    })
    expect(flag.statusCode).toBe(303)
    const badFlag = await post(officer, `/people/${child.id}/flags/new`, {
      flag: 'cse_risk',
      'fromDate-day': '1',
      'fromDate-month': '6',
    })
    expect(badFlag.statusCode).toBe(400)
    expect(badFlag.body).toContain('Start date must include a year')
    const empty = await post(officer, `/people/${child.id}/flags/new`, {})
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Select a flag')
    expect(empty.body).toContain('Enter start date')
    const boroughs = await kestrel.services.organisation.boroughs(
      (await kestrel.services.organisation.force()).id,
    )
    const address = await post(officer, `/people/${child.id}/addresses/new`, {
      address: '1 Test Street',
      postcode: 'NW1 1AA',
      boroughId: boroughs.find((b) => b.name === 'Camden')?.id as string,
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2018',
    })
    expect(address.statusCode).toBe(303)
    // Now she lives in Camden: her record is Central North's to change, not an officer's with no area.
    const membership = {
      householdRef: 'H-PAGE',
      role: 'child',
      'fromDate-day': '1',
      'fromDate-month': '1',
      'fromDate-year': '2018',
    }
    expect((await post(officer, `/people/${child.id}/households/new`, membership)).statusCode).toBe(403)
    expect(await kestrel.services.children.memberships(child.id)).toEqual([])
    const household = await post(camdenOfficer, `/people/${child.id}/households/new`, membership)
    expect(household.statusCode).toBe(303)
    const summary = await get(officer, `/people/${child.id}`)
    expect(summary.body).toContain('Child protection plan: neglect')
    expect(summary.body).toContain('1 Test Street')
    expect((await get(officer, `/people/${child.id}/household`)).body).toContain('H-PAGE')
    expect(await kestrel.services.children.boroughOn(child.id)).toBe(
      boroughs.find((b) => b.name === 'Camden')?.id,
    )
  })

  describe('API', () => {
    const api = (user: SignedInUser, method: 'GET' | 'POST' | 'PATCH', url: string, body?: unknown) =>
      kestrel.app.inject({
        method,
        url,
        headers: {
          cookie: user.cookie,
          'x-csrf-token': user.csrfToken,
          ...(body ? { 'content-type': 'application/json' } : {}),
        },
        ...(body ? { payload: JSON.stringify(body) } : {}),
      })

    it('searches, reads (logging the read), creates and updates with optimistic locking', async () => {
      const found = await api(officer, 'GET', '/api/v1/people?q=Polly%20Paige')
      expect(found.statusCode).toBe(200)
      expect(found.json().people.map((p: Person) => p.ref)).toContain('PAGE-1')

      const read = await api(officer, 'GET', '/api/v1/people/PAGE-1')
      expect(read.statusCode).toBe(200)
      expect(read.json()).toMatchObject({
        ref: 'PAGE-1',
        flags: expect.arrayContaining([expect.objectContaining({ flag: 'looked_after', detail: 'Camden' })]),
      })
      expect((await kestrel.services.accessLog.forSubject('person', child.id))[0]).toMatchObject({
        action: 'read',
        actorId: officer.userId,
      })

      const created = await api(officer, 'POST', '/api/v1/people', {
        ref: 'API-1',
        familyName: 'Interface',
        givenNames: 'Ivy',
        dateOfBirth: '2011-11-11',
        address: { address: '5 Api Road', borough: 'Barking & Dagenham', from: '2018-01-01' },
      })
      expect(created.statusCode).toBe(201)
      expect(created.json()).toMatchObject({ ref: 'API-1', version: 1 })

      const duplicate = await api(officer, 'POST', '/api/v1/people', {
        familyName: 'Interfase',
        givenNames: 'Ivy',
        dateOfBirth: '2011-11-11',
      })
      expect(duplicate.statusCode).toBe(409)
      expect(duplicate.json().possibleDuplicates.map((p: Person) => p.ref)).toEqual(['API-1'])

      const badBorough = await api(officer, 'POST', '/api/v1/people', {
        familyName: 'Nowhere',
        dateOfBirth: '2011-11-11',
        address: { address: 'x', borough: 'Atlantis', from: '2018-01-01' },
      })
      expect(badBorough.statusCode).toBe(400)
      expect(badBorough.json().errors[0]).toMatchObject({ field: 'address.borough' })

      const future = await api(officer, 'POST', '/api/v1/people', {
        familyName: 'Future',
        dateOfBirth: '2019-01-01',
      })
      expect(future.statusCode).toBe(400)
      expect(future.json().errors[0]).toMatchObject({ field: 'dateOfBirth' })

      // Ivy lives in Barking and Dagenham: East Area changes her record.
      const patched = await api(barkingOfficer, 'PATCH', '/api/v1/people/API-1', {
        version: 1,
        givenNames: 'Ivy May',
      })
      expect(patched.statusCode).toBe(200)
      expect(patched.json()).toMatchObject({ givenNames: 'Ivy May', version: 2 })
      const stale = await api(barkingOfficer, 'PATCH', '/api/v1/people/API-1', {
        version: 1,
        givenNames: 'Ivy June',
      })
      expect(stale.statusCode).toBe(409)
    })

    it('lets only the area holding a person, the MASH or an admin change them: 403 for others, nothing changed', async () => {
      const { children } = kestrel.services
      const camden = await boroughIdOf(kestrel, 'Camden')
      const held = await children.create(
        {
          ref: 'EDIT-A',
          familyName: 'Heldin',
          givenNames: 'Hana',
          dateOfBirth: '2009-09-09',
          estimatedAgeYears: null,
          gender: 'female',
          ethnicity: 'W1',
          address: {
            address: '1 Camden Street',
            postcode: null,
            boroughId: camden,
            fromDate: '2018-01-01',
            toDate: null,
          },
        },
        { id: 'setup', username: 'setup' },
      )
      const stored = async () => (await children.get('EDIT-A')) as Person
      const patch = (version: number, givenNames: string) => ({ version, givenNames })

      const crossBcu = await api(barkingOfficer, 'PATCH', '/api/v1/people/EDIT-A', patch(1, 'Other'))
      expect(crossBcu.statusCode).toBe(403)
      const noAreaToken = await apiToken(kestrel, ['officer'])
      const byToken = await kestrel.app.inject({
        method: 'PATCH',
        url: '/api/v1/people/EDIT-A',
        headers: { ...noAreaToken, 'content-type': 'application/json' },
        payload: JSON.stringify(patch(1, 'Token')),
      })
      expect(byToken.statusCode).toBe(403)
      expect(await stored()).toMatchObject({ givenNames: 'Hana', version: 1 })
      // The token may still read the force-wide index.
      expect(
        (await kestrel.app.inject({ method: 'GET', url: '/api/v1/people/EDIT-A', headers: noAreaToken }))
          .statusCode,
      ).toBe(200)

      const byMash = await api(mash, 'PATCH', '/api/v1/people/EDIT-A', patch(1, 'Mash'))
      expect(byMash.statusCode).toBe(200)
      const own = await api(camdenOfficer, 'PATCH', '/api/v1/people/EDIT-A', patch(2, 'Own'))
      expect(own.statusCode).toBe(200)
      expect(await stored()).toMatchObject({ givenNames: 'Own', version: 3 })

      // The page forms ask the same: another BCU's officer is refused the form and the save.
      const flag = {
        flag: 'cse_risk',
        'fromDate-day': '1',
        'fromDate-month': '6',
        'fromDate-year': '2018',
      }
      expect((await get(barkingOfficer, `/people/${held.id}/flags/new`)).statusCode).toBe(403)
      expect((await post(barkingOfficer, `/people/${held.id}/flags/new`, flag)).statusCode).toBe(403)
      expect((await post(barkingOfficer, `/people/${held.id}/edit`, { familyName: 'X' })).statusCode).toBe(
        403,
      )
      expect(await children.flags(held.id)).toEqual([])
      expect((await get(camdenOfficer, `/people/${held.id}/flags/new`)).statusCode).toBe(200)
      expect((await post(camdenOfficer, `/people/${held.id}/flags/new`, flag)).statusCode).toBe(303)
      expect(
        (await post(mash, `/people/${held.id}/flags/new`, { ...flag, flag: 'cce_risk' })).statusCode,
      ).toBe(303)
      expect((await children.flags(held.id)).map((f) => f.flag).sort()).toEqual(['cce_risk', 'cse_risk'])

      // Everyone reads the page; only those who may change it are offered the forms.
      const theirs = await get(barkingOfficer, `/people/${held.id}`)
      expect(theirs.statusCode).toBe(200)
      expect(theirs.body).not.toContain(`/people/${held.id}/edit"`)
      expect(theirs.body).toContain('Only that area')
      expect((await get(camdenOfficer, `/people/${held.id}`)).body).toContain(`/people/${held.id}/edit"`)
    })

    it('logs a list read as one row naming the query and every person listed', async () => {
      const listRows = async (actorId: string) =>
        (
          await kestrel.services.db
            .selectFrom('access_log')
            .selectAll()
            .where('actor_id', '=', actorId)
            .where('action', 'in', ['search', 'list'])
            .orderBy('seq')
            .execute()
        ).map((r) => ({
          query: r.subject_id,
          action: r.action,
          detail: r.detail as { ids: string[]; count: number },
        }))
      const reader = await signIn(kestrel, ['officer'])
      const found = await api(reader, 'GET', '/api/v1/people?q=Polly')
      expect(found.statusCode).toBe(200)
      const ids = found.json().people.map((p: Person) => p.id)
      expect(ids.length).toBeGreaterThan(1)
      const page = await get(reader, '/people?q=Polly')
      expect(page.statusCode).toBe(200)
      const duplicate = await api(reader, 'POST', '/api/v1/people', {
        familyName: 'Page',
        givenNames: 'Polly',
        dateOfBirth: '2008-02-02',
      })
      expect(duplicate.statusCode).toBe(409)
      expect(await listRows(reader.userId)).toEqual([
        {
          query: 'GET /api/v1/people?q=Polly',
          action: 'search',
          detail: expect.objectContaining({ ids, count: ids.length }),
        },
        { query: 'GET /people?q=Polly', action: 'search', detail: expect.objectContaining({ ids }) },
        {
          query: 'POST /api/v1/people',
          action: 'list',
          detail: expect.objectContaining({
            ids: duplicate.json().possibleDuplicates.map((p: Person) => p.id),
          }),
        },
      ])
      // Not a row per person listed.
      expect(await kestrel.services.accessLog.forSubject('person', child.id)).not.toContainEqual(
        expect.objectContaining({ actorId: reader.userId }),
      )

      // The household tab lists the others living with the child: one list row naming them.
      const sibling = await kestrel.services.children.create(
        {
          familyName: 'Page',
          givenNames: 'Peter',
          dateOfBirth: '2011-01-01',
          estimatedAgeYears: null,
          gender: 'male',
          ethnicity: 'W1',
        },
        { id: 'setup', username: 'setup' },
        { confirmedNotDuplicate: true },
      )
      await kestrel.services.children.addMembership(
        sibling.id,
        { householdRef: 'H-PAGE', role: 'child', fromDate: '2018-01-01', toDate: null },
        { id: 'setup', username: 'setup' },
      )
      expect((await get(reader, `/people/${child.id}/household`)).body).toContain('PAGE, Peter')
      expect((await listRows(reader.userId)).at(-1)).toEqual({
        query: `GET /people/${child.id}/household`,
        action: 'list',
        detail: expect.objectContaining({ ids: [sibling.id], count: 1 }),
      })
      expect((await kestrel.services.accessLog.verify()).ok).toBe(true)
    })

    it('refuses partners and unknown refs', async () => {
      expect((await api(partner, 'GET', '/api/v1/people?q=Page')).statusCode).toBe(403)
      expect((await api(partner, 'GET', '/api/v1/people/PAGE-1')).statusCode).toBe(403)
      expect(
        (await api(partner, 'POST', '/api/v1/people', { familyName: 'X', dateOfBirth: '2010-01-01' }))
          .statusCode,
      ).toBe(403)
      expect((await api(officer, 'GET', '/api/v1/people/NOPE-404')).statusCode).toBe(404)
    })
  })
})
