import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, Journey, startBrowserHarness } from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { ensureReportRecommendations } from './report-recommendations.ts'

// A force lead reads the recommendations tracker in Chromium: the list, one recommendation, its action form
// and a milestone refused for its date, each checked with axe, with and without JavaScript.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the recommendations tracker $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { organisation, accounts } = harness.kestrel.services
    await seedLondon(harness.kestrel.services.db)
    // As a force's first start sets them up (the tests' databases start without them).
    await ensureReportRecommendations(harness.kestrel.services.db)
    const force = await organisation.force()
    const team = await organisation.createTeam(
      force.id,
      {
        name: 'Improvement team',
        kind: 'cait',
        boroughId: null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'e2e-setup',
    )
    await organisation.createStaff(
      force.id,
      {
        staffNumber: 'S7001',
        name: 'Supt Eve Owner',
        rank: 'superintendent',
        role: 'Improvement lead',
        teamId: team.id,
        startDate: '2010-01-01',
        active: true,
      },
      'e2e-setup',
    )
    const password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}-Battery`
    const username = `e2e.lead.${Math.random().toString(36).slice(2, 7)}`
    await accounts.create(
      { username, displayName: 'Force lead', roles: ['force_lead'], password, staffId: null },
      'e2e-setup',
    )
    account = { username, password }
  }, 120_000)
  afterAll(() => harness.close())

  it('lists the recommendations, opens one, adds an action and refuses an early milestone', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      // The menu is being rearranged (a row and "More"): the tracker is reached by its address here.
      await journey.goto('/recommendations')
      await journey.checkAccessible()
      const heading = () => journey.page.getByRole('heading', { level: 1 }).textContent()
      expect(await heading()).toBe('Inspection recommendations')
      expect(await journey.page.locator('#group-2016-six_months tbody tr').count()).toBe(3)

      await journey.page.getByRole('link', { name: 'R2016-08' }).click()
      await journey.checkAccessible()
      expect(await heading()).toContain('Recommendation R2016-08')
      expect(await journey.page.locator('#recommendation-text li').count()).toBe(5)

      await journey.page.getByRole('link', { name: 'Add an action' }).click()
      await journey.checkAccessible()
      await journey.page
        .getByLabel('What the force will do')
        .fill('Review the detention of children with the boroughs')
      await journey.page
        .getByLabel('Owner')
        .selectOption({ label: 'Supt Eve Owner (S7001, Improvement team)' })
      await journey.page.getByRole('button', { name: 'Add the action' }).click()
      expect(await heading()).toContain('Recommendation R2016-08')
      await journey.checkAccessible()

      await journey.page.getByRole('link', { name: 'Add a milestone to action 1' }).click()
      await journey.page.getByLabel('Milestone', { exact: true }).fill('Review begun')
      await journey.page.getByLabel('Day').fill('1')
      await journey.page.getByLabel('Month').fill('1')
      await journey.page.getByLabel('Year').fill('2016')
      await journey.page.getByRole('button', { name: 'Add the milestone' }).click()
      await journey.checkAccessible()
      const problems = journey.page.locator('.govuk-error-summary__list a')
      expect(await problems.allTextContents()).toEqual([
        'The milestone’s date must be on or after 1 November 2016, when R2016-08 was made',
      ])
    } finally {
      await journey.close()
    }
  })
})
