import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../../test/app.ts'
import { fixedClock } from '../../platform/clock.ts'
import { seedLondon } from '../organisation/london-seed.ts'

/**
 * A journey that starts from a child (reporting them missing, recording a detention) sends a person it could
 * not find to be added, with the duplicate check, and takes them back with the child chosen. Only those
 * journeys: any other `returnTo` is ignored, so the form cannot send anyone elsewhere.
 */
describe('adding the child a journey could not find', () => {
  let kestrel: TestKestrel
  let officer: SignedInUser
  let existingRef: string

  beforeAll(async () => {
    kestrel = await testKestrel({ clock: fixedClock('2018-08-01T09:00:00Z') })
    await seedLondon(kestrel.services.db)
    officer = await signIn(kestrel, ['officer', 'missing_persons_unit', 'custody'])
    existingRef = (
      await kestrel.services.children.create(
        {
          familyName: 'Clarke',
          givenNames: 'Noah',
          dateOfBirth: '2005-02-03',
          estimatedAgeYears: null,
          gender: 'male',
          ethnicity: 'NS',
        },
        { id: 'setup', username: 'setup' },
      )
    ).ref
  }, 60_000)
  afterAll(() => kestrel?.close())

  const add = (form: Record<string, string>) =>
    kestrel.app.inject({
      method: 'POST',
      url: '/people/new',
      headers: { cookie: officer.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: officer.csrfToken,
        gender: 'male',
        ethnicity: 'NS',
        'dateOfBirth-day': '3',
        'dateOfBirth-month': '2',
        'dateOfBirth-year': '2005',
        ...form,
      }).toString(),
    })

  it('offers the possible match to choose instead, then goes back to the journey with the new child', async () => {
    const form = { familyName: 'Clarke', givenNames: 'Noah', returnTo: '/missing/episodes/new' }
    const check = await add(form)
    expect(check.statusCode).toBe(200)
    expect(check.body).toContain('Possible matches')
    expect(check.body).toContain(`href="/missing/episodes/new?child=${existingRef}"`)
    expect(check.body).toContain('name="returnTo" value="/missing/episodes/new"')
    const added = await add({ ...form, confirmNotDuplicate: 'yes' })
    expect(added.statusCode).toBe(303)
    expect(added.headers.location).toMatch(/^\/missing\/episodes\/new\?child=[A-Z]+-\d+$/)
    expect(added.headers.location).not.toContain(existingRef)
  })

  it('goes to the person’s page when the form came from elsewhere, whatever returnTo says', async () => {
    const custody = await add({
      familyName: 'Okafor',
      givenNames: 'Sam',
      returnTo: '/custody/detentions/new',
    })
    expect(custody.headers.location).toMatch(/^\/custody\/detentions\/new\?child=/)
    const elsewhere = await add({
      familyName: 'Adeyemi',
      givenNames: 'Tolu',
      returnTo: 'https://example.com/',
    })
    expect(elsewhere.statusCode).toBe(303)
    expect(elsewhere.headers.location).toMatch(/^\/people\/[0-9a-f-]{36}$/)
  })

  it('goes back to a PAC draft’s "which child?" question, which finds the child by their reference', async () => {
    const step = '/pacs/new/00000000-0000-4000-8000-000000000001/child'
    const added = await add({
      familyName: 'Mensah',
      givenNames: 'Kofi',
      returnTo: step,
      'dateOfBirth-day': '9',
    })
    expect(added.statusCode, added.body.slice(0, 2000)).toBe(303)
    expect(added.headers.location).toMatch(new RegExp(`^${step}\\?q=[A-Z]+-\\d+$`))
    const notADraft = await add({
      familyName: 'Boateng',
      givenNames: 'Ama',
      returnTo: '/pacs/new/x/child',
      'dateOfBirth-day': '17',
    })
    expect(notADraft.headers.location).toMatch(/^\/people\//)
  })

  it('starts the form from the name the search was given', async () => {
    const page = await kestrel.app.inject({
      url: '/people/new?givenNames=Ruby&familyName=Okonjo&returnTo=%2Fmissing%2Fepisodes%2Fnew',
      headers: { cookie: officer.cookie },
    })
    expect(page.body).toContain('value="Okonjo"')
    expect(page.body).toContain('name="returnTo" value="/missing/episodes/new"')
  })
})
