import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, Journey, startBrowserHarness } from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { themes } from './criteria.ts'

const jsonl = (...lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n')

// An auditor audits a sampled case in Chromium and reads Figure 1, each page checked with axe, with and
// without JavaScript: the form's error summary, the saved audit, and the figure counting it.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('case file audits $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }
  let programme: string

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, imports, accounts, audits } = harness.kestrel.services
    await seedLondon(db)
    await imports.run(
      jsonl(
        { kind: 'person', ref: 'E2E-CHILD-1', familyName: 'Example', givenNames: 'Child', estimatedAge: 9 },
        {
          kind: 'investigation',
          ref: 'E2E-S47-1',
          caseType: 'section_47',
          strands: ['child_abuse'],
          riskLevel: 'high',
          summary: 'Bruising reported by school',
          borough: 'Lambeth',
          openedAt: '2018-08-01T09:00:00Z',
          people: [{ person: 'E2E-CHILD-1', role: 'child' }],
          pacs: [],
          allocations: [],
        },
      ),
      'e2e-setup',
    )
    const password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}-Battery`
    const username = `e2e.dit.${Math.random().toString(36).slice(2, 7)}`
    await accounts.create(
      { username, displayName: 'DIT auditor', roles: ['dit_auditor'], password, staffId: null },
      'e2e-setup',
    )
    account = { username, password }
    programme = (
      await audits.createProgramme(
        {
          name: 'E2E',
          caseTypes: ['section_47'],
          from: '2018-08-01',
          to: '2018-08-31',
          sampleSize: 1,
          seed: 'e2e',
        },
        { username: 'e2e-setup' },
      )
    ).ref
  }, 120_000)
  afterAll(() => harness.close())

  it('audits a sampled case on the form, then Figure 1 counts it', async () => {
    const journey = await Journey.start(harness, { javaScript })
    const heading = () => journey.page.getByRole('heading', { level: 1 }).textContent()
    try {
      await journey.signIn(account)
      await journey.goto(`/audits/programmes/${programme}`)
      await journey.checkAccessible()
      await journey.page.getByRole('link', { name: /Audit this case/ }).click()
      expect(await heading()).toBe('Audit of E2E-S47-1')
      await journey.checkAccessible()
      // Sent with nothing chosen: the error summary lists each theme in the form's order.
      await journey.page.getByRole('button', { name: 'Save the audit' }).click()
      await journey.checkAccessible()
      const summary = journey.page.locator('.govuk-error-summary__list a')
      expect(await summary.first().getAttribute('href')).toBe('#initial_response')
      for (const theme of themes) await journey.page.locator(`#${theme}`).check()
      await journey.page.getByLabel('Inadequate').check()
      await journey.page.getByLabel('Reasons for the grade').fill('The child was not seen alone')
      await journey.page.getByLabel('Refer the case back to its owner for action').check()
      await journey.page.getByLabel('Action required of the case’s owner').fill('See the child alone')
      await journey.page.getByRole('button', { name: 'Save the audit' }).click()
      expect(await heading()).toMatch(/^Audit AUD-/)
      await journey.checkAccessible()
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Case file audits' })
        .click()
      expect(await heading()).toBe('Figure 1: cases assessed, by grade and case type')
      await journey.checkAccessible()
      const row = journey.page.locator('#figure-1 tr[data-case-type="section_47"] td')
      expect(await row.allTextContents()).toEqual(['0 (0%)', '0 (0%)', '1 (100%)', '1', '1 (100%)'])
    } finally {
      await journey.close()
    }
  }, 180_000)
})
