import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import type { NewPerson, Person } from './service.ts'

const setup = { id: 'setup', username: 'setup' }

describe('changing a person record: edit details, end a flag or membership, merge', () => {
  let kestrel: TestKestrel
  let officer: SignedInUser
  let partner: SignedInUser
  let auditor: SignedInUser
  let child: Person
  let duplicate: Person
  let flagId: string
  let membershipId: string

  const person = (input: Partial<NewPerson> & { ref: string; familyName: string }) =>
    kestrel.services.children.create(
      {
        givenNames: 'Ruby',
        dateOfBirth: '2007-03-03',
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'W1',
        ...input,
      },
      setup,
      { confirmedNotDuplicate: true },
    )

  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock('2018-08-01T09:00:00Z') })
    await seedLondon(kestrel.services.db)
    officer = await signIn(kestrel, ['officer'])
    partner = await signIn(kestrel, ['partner'])
    auditor = await signIn(kestrel, ['dit_auditor'])
    const { children } = kestrel.services
    child = await person({ ref: 'REC-1', familyName: 'Record' })
    duplicate = await person({ ref: 'REC-2', familyName: 'Rekord', givenNames: 'Rubie' })
    flagId = (
      await children.addFlag(
        child.id,
        { flag: 'cse_risk', detail: null, fromDate: '2018-01-10', toDate: null },
        setup,
      )
    ).id
    membershipId = (
      await children.addMembership(
        child.id,
        { householdRef: 'H-REC', role: 'child', fromDate: '2017-05-01', toDate: null },
        setup,
      )
    ).id
    await children.addFlag(
      duplicate.id,
      { flag: 'missing_history', detail: null, fromDate: '2018-02-01', toDate: null },
      setup,
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
  const historyRows = async (table: string, id: string) =>
    (
      await kestrel.services.db
        .selectFrom('change_history')
        .selectAll()
        .where('record_table', '=', table)
        .where('record_id', '=', id)
        .execute()
    ).length

  it('shows each page to an officer, refuses partners and read-only staff', async () => {
    const pages = [
      `/people/${child.id}/edit`,
      `/people/${child.id}/flags/${flagId}/end`,
      `/people/${child.id}/households/${membershipId}/end`,
      `/people/${child.id}/merge`,
      `/people/${child.id}/merge?q=Rekord`,
      `/people/${child.id}/merge/${duplicate.id}`,
    ]
    for (const url of pages) {
      const page = await get(officer, url)
      expect(page.statusCode, url).toBe(200)
      expect(page.body, url).toContain(`name="_csrf" value="`)
      expect((await get(partner, url)).statusCode, url).toBe(403)
      expect((await get(auditor, url)).statusCode, url).toBe(403)
    }
    for (const url of pages.filter((u) => !u.includes('?') && !u.endsWith('/merge')))
      expect((await post(partner, url, {})).statusCode, url).toBe(403)
    const summary = await get(officer, `/people/${child.id}`)
    expect(summary.body).toContain(`href="/people/${child.id}/edit"`)
    expect(summary.body).toContain('Merge with another record')
    expect(summary.body).toContain(`href="/people/${child.id}/flags/${flagId}/end"`)
    expect((await get(officer, `/people/${child.id}/household`)).body).toContain(
      `/households/${membershipId}/end`,
    )
    expect((await get(auditor, `/people/${child.id}`)).body).not.toContain('/edit"')
    expect((await get(officer, `/people/${child.id}/flags/${duplicate.id}/end`)).statusCode).toBe(404)
  })

  it('edits the details, keeping what was typed on an error and writing nothing', async () => {
    const form = {
      version: String(child.version),
      familyName: 'Record',
      givenNames: 'Ruby May',
      'dateOfBirth-day': '3',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2030',
      gender: 'female',
      ethnicity: 'W2',
    }
    const future = await post(officer, `/people/${child.id}/edit`, form)
    expect(future.statusCode).toBe(400)
    expect(future.body).toContain('govuk-error-summary')
    expect(future.body).toContain('Date of birth must be today or in the past')
    expect(future.body).toContain('value="Ruby May"')
    const both = await post(officer, `/people/${child.id}/edit`, {
      ...form,
      'dateOfBirth-year': '2007',
      estimatedAgeYears: '11',
    })
    expect(both.statusCode).toBe(400)
    expect(both.body).toContain('Give a date of birth or an estimated age, not both')
    const neither = await post(officer, `/people/${child.id}/edit`, {
      ...form,
      familyName: '',
      'dateOfBirth-day': '',
      'dateOfBirth-month': '',
      'dateOfBirth-year': '',
    })
    expect(neither.statusCode).toBe(400)
    expect(neither.body).toContain('Enter a family name')
    expect(neither.body).toContain('Enter a date of birth or an estimated age')
    expect((await kestrel.services.children.get(child.id)).version).toBe(child.version)

    const saved = await post(officer, `/people/${child.id}/edit`, { ...form, 'dateOfBirth-year': '2007' })
    expect(saved.statusCode).toBe(303)
    expect(saved.headers.location).toBe(`/people/${child.id}`)
    const after = await kestrel.services.children.get(child.id)
    expect(after).toMatchObject({ givenNames: 'Ruby May', ethnicity: 'W2', version: child.version + 1 })
    expect(await historyRows('person', child.id)).toBeGreaterThanOrEqual(2)
  })

  it('answers a stale version with 409, the typed values and the record as it now is', async () => {
    const current = await kestrel.services.children.get(child.id)
    await kestrel.services.children.update(current.id, current.version, { givenNames: 'Rubina' }, setup)
    const stale = await post(officer, `/people/${child.id}/edit`, {
      version: String(current.version),
      familyName: 'Record',
      givenNames: 'Ruby Mine',
      'dateOfBirth-day': '3',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2007',
      gender: 'female',
      ethnicity: 'W1',
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else changed this record')
    expect(stale.body).toContain('value="Ruby Mine"')
    expect(stale.body).toContain('RECORD, Rubina')
    // The form now carries the stored version, so saving again is deliberate.
    expect(stale.body).toContain(`name="version" value="${current.version + 1}"`)
    expect((await kestrel.services.children.get(child.id)).givenNames).toBe('Rubina')
    // A form that carries no version is answered the same way, not saved over whatever is stored.
    const unversioned = await post(officer, `/people/${child.id}/edit`, {
      familyName: 'Record',
      givenNames: 'Ruby None',
      'dateOfBirth-day': '3',
      'dateOfBirth-month': '3',
      'dateOfBirth-year': '2007',
    })
    expect(unversioned.statusCode).toBe(409)
    expect(unversioned.body).toContain('value="Ruby None"')
    expect((await kestrel.services.children.get(child.id)).givenNames).toBe('Rubina')
  })

  it('ends a flag: the date is required, real and not before the start; a stale version is 409', async () => {
    const url = `/people/${child.id}/flags/${flagId}/end`
    const missing = await post(officer, url, { version: '1' })
    expect(missing.statusCode).toBe(400)
    expect(missing.body).toContain('govuk-error-summary')
    expect(missing.body).toContain('href="#toDate-day"')
    const before = await post(officer, url, {
      version: '1',
      'toDate-day': '9',
      'toDate-month': '1',
      'toDate-year': '2018',
    })
    expect(before.statusCode).toBe(400)
    expect(before.body).toContain('End date must be the same as or after the start date')
    expect(before.body).toContain('value="9"')
    const unreal = await post(officer, url, {
      version: '1',
      'toDate-day': '31',
      'toDate-month': '2',
      'toDate-year': '2018',
    })
    expect(unreal.statusCode).toBe(400)
    expect((await kestrel.services.children.flags(child.id)).find((f) => f.id === flagId)?.toDate).toBeNull()
    const stale = await post(officer, url, {
      version: '7',
      'toDate-day': '30',
      'toDate-month': '6',
      'toDate-year': '2018',
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('value="30"')
    const ended = await post(officer, url, {
      version: '1',
      'toDate-day': '30',
      'toDate-month': '6',
      'toDate-year': '2018',
    })
    expect(ended.statusCode).toBe(303)
    const flag = (await kestrel.services.children.flags(child.id)).find((f) => f.id === flagId)
    expect(flag).toMatchObject({ toDate: '2018-06-30', version: 2 })
    expect((await get(officer, `/people/${child.id}`)).body).not.toContain('CSE risk</li>')
  })

  it('ends a household membership, refusing a date before they moved in', async () => {
    const url = `/people/${child.id}/households/${membershipId}/end`
    const early = await post(officer, url, {
      version: '1',
      'toDate-day': '30',
      'toDate-month': '4',
      'toDate-year': '2017',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('End date must be the same as or after the start date')
    expect((await kestrel.services.children.memberships(child.id))[0]?.toDate).toBeNull()
    const ended = await post(officer, url, {
      version: '1',
      'toDate-day': '1',
      'toDate-month': '5',
      'toDate-year': '2017',
    })
    expect(ended.statusCode).toBe(303)
    expect(ended.headers.location).toBe(`/people/${child.id}/household`)
    expect((await kestrel.services.children.memberships(child.id))[0]?.toDate).toBe('2017-05-01')
  })

  it('merges two records after a side-by-side check, moving flags with history kept', async () => {
    const search = await get(officer, `/people/${child.id}/merge?q=Rekord`)
    expect(search.body).toContain(`href="/people/${child.id}/merge/${duplicate.id}"`)
    const check = await get(officer, `/people/${child.id}/merge/${duplicate.id}`)
    expect(check.body).toContain('Record kept')
    expect(check.body).toContain('REKORD, Rubie')
    expect(check.body).toContain('Missing history')
    expect(check.body).toContain(`name="survivorId" value="${child.id}"`)
    expect(check.body).toContain(`?keep=other`)
    const swapped = await get(officer, `/people/${child.id}/merge/${duplicate.id}?keep=other`)
    expect(swapped.body).toContain(`name="survivorId" value="${duplicate.id}"`)

    const survivor = await kestrel.services.children.get(child.id)
    const form = {
      survivorId: child.id,
      survivorVersion: String(survivor.version),
      mergedVersion: String(duplicate.version),
    }
    const noChoice = await post(officer, `/people/${child.id}/merge/${duplicate.id}`, {
      ...form,
      survivorId: '',
    })
    expect(noChoice.statusCode).toBe(400)
    expect(noChoice.body).toContain('Choose which record to keep')
    const stale = await post(officer, `/people/${child.id}/merge/${duplicate.id}`, {
      ...form,
      mergedVersion: String(duplicate.version + 5),
    })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else changed this record')
    expect((await kestrel.services.children.findRecord(duplicate.id))?.mergedInto).toBeNull()

    const movedFlag = (await kestrel.services.children.flags(duplicate.id))[0]
    const merged = await post(officer, `/people/${child.id}/merge/${duplicate.id}`, form)
    expect(merged.statusCode).toBe(303)
    expect(merged.headers.location).toBe(`/people/${child.id}`)
    const flags = await kestrel.services.children.flags(child.id)
    expect(flags.map((f) => f.flag)).toContain('missing_history')
    expect(await kestrel.services.children.flags(duplicate.id)).toEqual([])
    // The flag's move and the merged record's change are each a history row.
    expect(await historyRows('person_flag', movedFlag?.id as string)).toBeGreaterThanOrEqual(2)
    expect(await historyRows('person', duplicate.id)).toBeGreaterThanOrEqual(2)

    const old = await get(officer, `/people/${duplicate.id}`)
    expect(old.statusCode).toBe(200)
    expect(old.body).toContain('This record was merged into')
    expect(old.body).toContain(`href="/people/${child.id}"`)
    expect((await get(officer, `/people/${duplicate.id}/household`)).headers.location).toBe(
      `/people/${child.id}/household`,
    )
    expect((await get(partner, `/people/${duplicate.id}`)).statusCode).toBe(403)
    // A record already merged cannot be chosen again.
    expect((await get(officer, `/people/${child.id}/merge/${duplicate.id}`)).statusCode).toBe(409)
  })
})
