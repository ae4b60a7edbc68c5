import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// Changing a person's details, ending a flag and merging two records, through the pages: every page is
// checked with axe, with JavaScript and without.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('changing a person record $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let childId: string
  beforeAll(async () => {
    harness = await startBrowserHarness()
    await seedLondon(harness.kestrel.services.db)
    const setup = { id: 'e2e', username: 'e2e' }
    const children = harness.kestrel.services.children
    const person = (ref: string, familyName: string) =>
      children.create(
        {
          familyName,
          givenNames: 'Ava',
          dateOfBirth: '2009-09-09',
          estimatedAgeYears: null,
          gender: 'female',
          ethnicity: 'W1',
          ref,
        },
        setup,
        { confirmedNotDuplicate: true },
      )
    const child = await person('E2E-M1', 'Merger')
    childId = child.id
    await children.addFlag(
      child.id,
      { flag: 'cse_risk', detail: null, fromDate: '2017-01-01', toDate: null },
      setup,
    )
    const other = await person('E2E-M2', 'Mergar')
    await children.addFlag(
      other.id,
      { flag: 'missing_history', detail: null, fromDate: '2017-06-01', toDate: null },
      setup,
    )
  })
  afterAll(() => harness.close())

  it('edits details, ends a flag and merges a duplicate', async () => {
    const journey = await Journey.start(harness, { javaScript })
    const { page } = journey
    try {
      await journey.signIn(await createAccount(harness, ['officer']))
      await journey.goto(`/people/${childId}`)
      await page.getByRole('link', { name: 'Change details' }).click()
      await journey.checkAccessible()
      await page.getByLabel('Family name').fill('')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter a family name')
      await page.getByLabel('Family name').fill('Merger')
      await page.getByLabel('Given names').fill('Ava Rose')
      await page.getByRole('button', { name: 'Save changes' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.moj-identity-bar').textContent()).toContain('MERGER, Ava Rose')

      await page.getByRole('link', { name: 'End flag CSE risk' }).click()
      await journey.checkAccessible()
      await page.getByLabel('Day').fill('1')
      await page.getByLabel('Month').fill('1')
      await page.getByLabel('Year').fill('2016')
      await page.getByRole('button', { name: 'Save' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-error-summary').textContent()).toContain('after the start date')
      await page.getByLabel('Year').fill('2018')
      await page.getByRole('button', { name: 'Save' }).click()
      await journey.checkAccessible()

      await page.getByRole('link', { name: 'Merge with another record' }).click()
      await journey.checkAccessible()
      await page.getByLabel('Name or reference').fill('Mergar')
      await page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      await page.getByRole('link', { name: /Choose MERGAR, Ava/ }).click()
      await journey.checkAccessible()
      expect(await page.locator('table').first().textContent()).toContain('Missing history')
      await page.getByRole('button', { name: 'Merge E2E-M2 into E2E-M1' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.moj-identity-bar').textContent()).toContain('E2E-M1')
      expect(await page.locator('#flags ~ table').first().textContent()).toContain('Missing history')

      const merged = await harness.kestrel.services.db
        .selectFrom('person')
        .select('id')
        .where('ref', '=', 'E2E-M2')
        .executeTakeFirstOrThrow()
      await journey.goto(`/people/${merged.id}`)
      await journey.checkAccessible()
      expect(await page.locator('.govuk-notification-banner').textContent()).toContain(
        'This record was merged into',
      )
      await page.getByRole('link', { name: /MERGER, Ava Rose/ }).click()
      expect(page.url()).toContain(`/people/${childId}`)
    } finally {
      await journey.close()
    }
  })
})
