import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, Journey, startBrowserHarness } from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// A force lead reads the dashboard in Chromium: the force view, a BCU's, and one measure's trend and
// comparison, each checked with axe, with and without JavaScript (the filter is a plain GET form).
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the dashboard $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }

  beforeAll(async () => {
    harness = await startBrowserHarness()
    await seedLondon(harness.kestrel.services.db)
    const password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}-Battery`
    const username = `e2e.lead.${Math.random().toString(36).slice(2, 7)}`
    await harness.kestrel.services.accounts.create(
      { username, displayName: 'Force lead', roles: ['force_lead'], password, staffId: null },
      'e2e-setup',
    )
    account = { username, password }
  }, 120_000)
  afterAll(() => harness.close())

  it('shows the force, then a BCU, then one measure across the BCUs', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Performance' })
        .click()
      await journey.checkAccessible()
      const heading = () => journey.page.getByRole('heading', { level: 1 }).textContent()
      expect(await heading()).toMatch(/^Performance: Metropolitan Police Service, /)
      const { organisation } = harness.kestrel.services
      const bcu = (await organisation.bcus((await organisation.force()).id))[0]
      // By value: the chooser adds ' (no records)' to the name of a BCU with none, as every one is here.
      await journey.page.getByLabel('Area').selectOption({ value: `bcu:${bcu?.id}` })
      await journey.page.getByRole('button', { name: 'Show' }).click()
      await journey.checkAccessible()
      expect(await heading()).toContain(`Performance: ${bcu?.name}, `)
      const first = harness.kestrel.services.measures.all()[0]
      await journey.page.getByRole('link', { name: first?.title as string }).click()
      await journey.checkAccessible()
      expect(await heading()).toBe(`${first?.title}: ${bcu?.name}`)
      // The chart is an image with its title; its figures open as a table, with or without JavaScript.
      await expect
        .poll(() =>
          journey.page.getByRole('img', { name: `${first?.title}, ${bcu?.name}, by month` }).count(),
        )
        .toBe(1)
      expect(await journey.page.locator('#trend').isVisible()).toBe(false)
      await journey.page.getByText('The figures by month, as a table').click()
      expect(await journey.page.locator('#trend').isVisible()).toBe(true)
      await journey.checkAccessible()
      expect(await journey.page.locator('#trend tbody tr').count()).toBe(24)
      expect(await journey.page.locator('#comparison tbody tr').count()).toBe(12)
    } finally {
      await journey.close()
    }
  })
})
