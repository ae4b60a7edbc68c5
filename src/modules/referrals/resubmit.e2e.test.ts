import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// A PAC returned for more work, amended and resubmitted by a supervisor on the officer's behalf: the page is
// checked with axe, with an error on the way, with JavaScript and without.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('resubmitting a returned PAC $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let pacId: string
  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { services } = harness.kestrel
    await seedLondon(services.db)
    const child = await services.children.create(
      {
        familyName: 'Mensah',
        givenNames: 'Kofi',
        dateOfBirth: '2010-02-03',
        estimatedAgeYears: null,
        gender: 'male',
        ethnicity: 'B2',
        ref: 'E2E-RESUBMIT-1',
      },
      { id: 'e2e', username: 'e2e' },
    )
    const { rows } = await sql<{ id: string }>`select id from borough where name = 'Camden'`.execute(
      services.db,
    )
    const raiser = { id: 'e2e-raiser', username: 'pc.raiser', displayName: 'PC Raiser', staffId: null }
    const pac = await services.referrals.create(
      {
        personId: child.id,
        aboutKind: 'incident',
        aboutRef: 'CAD-E2E-9',
        aboutSummary: 'Found alone at night',
        concerns: ['child_abuse'],
        riskLevel: 'medium',
        riskAssessment: 'Neglect',
        childSpokenTo: true,
        voiceOfChild: 'I was scared',
        policeFirstKnewAt: new Date(Date.now() - 3_600_000),
        boroughId: rows[0]?.id as string,
      },
      raiser,
    )
    await services.referrals.review(
      pac.id,
      pac.version,
      { decision: 'returned', note: 'Add the checks on the other children in the household' },
      { id: 'e2e-supervisor', username: 'ps.review', displayName: 'PS Review', staffId: null },
      forceWideReach,
    )
    pacId = pac.id
  })
  afterAll(() => harness.close())

  it('shows the note, refuses an empty risk assessment, then sends the PAC back for review', async () => {
    const journey = await Journey.start(harness, { javaScript })
    const { page } = journey
    try {
      await journey.signIn(await createAccount(harness, ['supervisor', 'force_lead']))
      await journey.goto(`/pacs/${pacId}`)
      await journey.checkAccessible()
      await page.getByRole('link', { name: 'Amend the PAC and resubmit it' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-inset-text').textContent()).toContain('Add the checks')

      await page.getByLabel('Risk assessment').fill('')
      await page.getByRole('button', { name: 'Resubmit for supervisor review' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-error-summary').textContent()).toMatch(/risk assessment/i)

      await page.getByLabel('Risk assessment').fill('Neglect; two younger siblings at home, checked')
      await page.getByRole('button', { name: 'Resubmit for supervisor review' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-panel').textContent()).toContain(
        'PAC resubmitted for supervisor review',
      )
    } finally {
      await journey.close()
    }
  })
})
