import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// Raising a PAC through the question pages, with validation errors on the way, then the PAC page: every
// page is checked with axe, with JavaScript and without.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('raising a PAC $label', ({ javaScript }) => {
  let harness: BrowserHarness
  beforeAll(async () => {
    harness = await startBrowserHarness()
    await seedLondon(harness.kestrel.services.db)
    await harness.kestrel.services.children.create(
      {
        familyName: 'Okafor',
        givenNames: 'Ada',
        dateOfBirth: '2009-05-01',
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'B2',
        ref: 'E2E-PAC-1',
      },
      { id: 'e2e', username: 'e2e' },
    )
  })
  afterAll(() => harness.close())

  const errorSummary = async (journey: Journey) =>
    (await journey.page.locator('.govuk-error-summary').textContent()) ?? ''

  it('asks one thing a page, shows each error and keeps the answers, then sends the PAC', async () => {
    const journey = await Journey.start(harness, { javaScript })
    const { page } = journey
    try {
      await journey.signIn(await createAccount(harness, ['officer']))
      await page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'PACs' }).click()
      await journey.checkAccessible()
      await page.getByRole('link', { name: 'Raise a PAC' }).click()
      await journey.checkAccessible()
      // Continue without choosing a child.
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      expect(await errorSummary(journey)).toContain('Select the child the PAC is about')
      await page.getByLabel('Search by name, date of birth or reference').fill('Ada Okafor')
      await page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      await page.getByLabel('OKAFOR, Ada').check()
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()

      // What brought the child to notice: "what happened" left empty.
      await page.getByLabel('An incident', { exact: true }).check()
      await page.getByLabel('Reference of that record (optional)').fill('CAD-E2E-1')
      await page.getByLabel('Borough where the concern arose').selectOption({ label: 'Camden' })
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      expect(await errorSummary(journey)).toContain('Enter what happened')
      expect(await page.getByLabel('Reference of that record (optional)').inputValue()).toBe('CAD-E2E-1')
      await page.getByLabel('What happened').fill('Found alone at a bus stop at 2 am')
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()

      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      expect(await errorSummary(journey)).toContain('Select at least one concern')
      await page.getByLabel('Child sexual exploitation', { exact: true }).check()
      await page.getByLabel('Missing people', { exact: true }).check()
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()

      await page.getByLabel('High', { exact: true }).check()
      await page.getByLabel('Why you assess the risk at this level').fill('Older men seen with her')
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()

      await page.getByLabel('Yes', { exact: true }).check()
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      expect(await errorSummary(journey)).toContain('Enter what the child said')
      await page
        .getByLabel("The child's own words, or why they were not spoken to")
        .fill('My boyfriend picks me up')
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()

      // A date that does not exist, then a time in the future.
      await page.getByLabel('Day').fill('31')
      await page.getByLabel('Month').fill('2')
      await page.getByLabel('Year').fill('2018')
      await page.getByLabel('Time').fill('09:30')
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      expect(await errorSummary(journey)).toContain('must be a real date')
      await page.getByLabel('Day').fill('1')
      await page.getByLabel('Month').fill('1')
      await page.getByLabel('Year').fill('2099')
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      expect(await errorSummary(journey)).toContain('must not be in the future')
      await page.getByLabel('Year').fill('2018')
      await page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()

      expect(await page.locator('h1').textContent()).toContain('Check your answers')
      expect(await page.locator('.govuk-summary-list').textContent()).toContain('My boyfriend picks me up')
      await page.getByRole('button', { name: 'Send PAC' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-panel').textContent()).toContain('PAC sent for supervisor review')
      expect(await page.locator('.moj-timeline').textContent()).toContain('PAC raised')
    } finally {
      await journey.close()
    }
  })
})
