import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// Reporting a missing child started with "the child's person reference" ("There is no person with the
// reference Noah Clarke"). It starts, as the PAC wizard does, by finding the child: by name, told apart by
// date of birth and address; and when no one is the child, by adding them (with the duplicate check) and
// coming back. With and without JavaScript, every page checked with axe.
describe.each([
  { javaScript: false, label: 'without JavaScript' },
  { javaScript: true, label: 'with JavaScript' },
])('reporting a missing child found by name $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, organisation, children } = harness.kestrel.services
    await seedLondon(db)
    const force = await organisation.force()
    const boroughs = await organisation.boroughs(force.id)
    const boroughId = (name: string) => boroughs.find((b) => b.name === name)?.id ?? null
    const year = new Date().getUTCFullYear()
    // Two children of one name, told apart by date of birth and where they live.
    for (const [day, street, borough] of [
      ['03', '12 Acre Lane', 'Lambeth'],
      ['21', '4 Mare Street', 'Hackney'],
    ] as const) {
      await children.create(
        {
          familyName: 'Clarke',
          givenNames: 'Noah',
          dateOfBirth: `${year - 13}-02-${day}`,
          estimatedAgeYears: null,
          gender: 'male',
          ethnicity: 'NS',
          address: {
            address: street,
            postcode: null,
            boroughId: boroughId(borough),
            fromDate: '2015-01-01',
            toDate: null,
          },
        },
        { id: 'e2e', username: 'e2e' },
        { confirmedNotDuplicate: true },
      )
    }
    account = await createAccount(harness, ['missing_persons_unit'])
  })
  afterAll(() => harness?.close())

  it('finds the child by name and goes on to grade the risk', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.goto('/missing/episodes/new')
      // Sent empty, the search says what to do.
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain(
        'Enter the child’s name or reference, or their date of birth',
      )
      await journey.page.getByLabel('Name or reference').fill('Noah Clarke')
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      const results = (await journey.page.locator('main table').textContent()) ?? ''
      expect(results).toContain('12 Acre Lane, Lambeth')
      expect(results).toContain('4 Mare Street, Hackney')
      await journey.page
        .getByRole('row', { name: /Acre Lane/ })
        .getByRole('link')
        .click()
      await journey.checkAccessible()
      expect(await journey.page.locator('h1').textContent()).toContain('Grade the risk')
      expect(await journey.page.locator('.moj-identity-bar').textContent()).toContain('CLARKE, Noah')
    } finally {
      await journey.close()
    }
  })

  it('adds the child when no one matches, checking for duplicates, and comes back to the report', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.goto('/missing/episodes/new')
      const name = javaScript ? 'Ruby Okonjo' : 'Ruby Adeyemi'
      await journey.page.getByLabel('Name or reference').fill(name)
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('main').textContent()).toContain('No one matches')
      await journey.page.getByRole('link', { name: 'Add them to the person index' }).click()
      await journey.checkAccessible()
      // The name typed is where the form starts.
      expect(await journey.page.getByLabel('Family name').inputValue()).toBe(name.split(' ')[1])
      expect(await journey.page.getByLabel('Given names').inputValue()).toBe('Ruby')
      await journey.page.getByLabel('Estimated age in years').fill('14')
      await journey.page.getByRole('button', { name: 'Add person' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('h1').textContent()).toContain('Grade the risk')
      expect(await journey.page.locator('.moj-identity-bar').textContent()).toContain(
        `${(name.split(' ')[1] as string).toUpperCase()}, Ruby`,
      )
    } finally {
      await journey.close()
    }
  })
})
