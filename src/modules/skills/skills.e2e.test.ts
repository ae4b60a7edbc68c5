import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, Journey, startBrowserHarness } from '../../../test/e2e/browser.ts'
import { skillsFixtureIn } from './test-fixtures.ts'

// A force lead reads the skills audit in Chromium: the force's coverage by BCU, a BCU's teams and a team's
// people with their gaps, each checked with axe, with and without JavaScript.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the skills audit $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }

  beforeAll(async () => {
    harness = await startBrowserHarness()
    await skillsFixtureIn(harness.kestrel)
    const password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}-Battery`
    const username = `e2e.skills.${Math.random().toString(36).slice(2, 7)}`
    await harness.kestrel.services.accounts.create(
      { username, displayName: 'Force lead', roles: ['force_lead'], password, staffId: null },
      'e2e-setup',
    )
    account = { username, password }
  }, 120_000)
  afterAll(() => harness.close())

  it('shows the force by BCU, then a BCU’s teams, then a team’s people and their gaps', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.goto('/skills')
      await journey.checkAccessible()
      const heading = () => journey.page.getByRole('heading', { level: 1 }).textContent()
      expect(await heading()).toBe('Skills audit: Metropolitan Police Service')
      // Every BCU of London has a row; the force's own row counts the fixture's 10 people.
      expect(await journey.page.locator('#bcus tbody tr').count()).toBe(13)
      expect(await journey.page.locator('#bcus tbody tr').last().textContent()).toMatch(
        /Force \(every team\)\s+10/,
      )
      await journey.page.getByRole('link', { name: 'Central South' }).click()
      await journey.checkAccessible()
      expect(await heading()).toBe('Skills audit: Central South')
      await journey.page.getByRole('link', { name: 'Lambeth MASH' }).click()
      await journey.checkAccessible()
      expect(await heading()).toBe('Skills audit: Lambeth MASH')
      const people = journey.page.locator('#people tbody tr')
      expect(await people.count()).toBe(4)
      expect(await people.filter({ hasText: 'Officer M1' }).textContent()).toContain('Trained 2019-01-01')
      expect(await people.filter({ hasText: 'Officer M3' }).textContent()).toContain('No plan')
    } finally {
      await journey.close()
    }
  }, 180_000)
})
