import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// Searching for a child, adding one (with the errors and the duplicate warning), and moving round the
// child's page: every page is checked with axe, with JavaScript and without.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the person index $label', ({ javaScript }) => {
  let harness: BrowserHarness
  beforeAll(async () => {
    harness = await startBrowserHarness()
    await seedLondon(harness.kestrel.services.db)
    const setup = { id: 'e2e', username: 'e2e' }
    const children = harness.kestrel.services.children
    const child = await children.create(
      {
        familyName: 'Smith',
        givenNames: 'John',
        dateOfBirth: '2010-05-01',
        estimatedAgeYears: null,
        gender: 'male',
        ethnicity: 'W1',
        ref: 'E2E-1',
      },
      setup,
    )
    await children.addFlag(
      child.id,
      { flag: 'looked_after', detail: 'Camden', fromDate: '2017-01-01', toDate: null },
      setup,
    )
    await children.addMembership(
      child.id,
      { householdRef: 'H-E2E', role: 'child', fromDate: '2017-01-01', toDate: null },
      setup,
    )
  })
  afterAll(() => harness.close())

  it('finds a child by a sound-alike name, shows their page, and adds a person with validation', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(await createAccount(harness, ['officer']))
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'People' })
        .click()
      await journey.checkAccessible()
      await journey.page.getByLabel('Name or reference').fill('Jon Smyth')
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      await journey.page.getByRole('link', { name: 'SMITH, John' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.moj-identity-bar').textContent()).toContain('E2E-1')
      for (const tab of ['Household', 'Timeline', 'Summary']) {
        await journey.page
          .getByRole('navigation', { name: 'Person record' })
          .getByRole('link', { name: tab })
          .click()
        await journey.checkAccessible()
      }
      await journey.page.getByRole('link', { name: 'Add a flag' }).click()
      await journey.checkAccessible()
      await journey.page.getByRole('button', { name: 'Save' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain('Select a flag')

      await journey.goto('/people/new')
      await journey.page.getByLabel('Family name').fill('Smyth')
      await journey.page.getByLabel('Given names').fill('Jon')
      await journey.page.getByLabel('Day').first().fill('1')
      await journey.page.getByLabel('Month').first().fill('5')
      await journey.page.getByLabel('Year').first().fill('2030')
      await journey.page.getByRole('button', { name: 'Add person' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain(
        'Date of birth must be today or in the past',
      )
      await journey.page.getByLabel('Year').first().fill('2010')
      await journey.page.getByRole('button', { name: 'Add person' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('h1').textContent()).toContain('Check this is a new person')
      await journey.page.getByLabel('I have checked the possible matches').check()
      await journey.page.getByRole('button', { name: 'Add person' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.moj-identity-bar').textContent()).toContain('SMYTH, Jon')
    } finally {
      await journey.close()
    }
  })
})
