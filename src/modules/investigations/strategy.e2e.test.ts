import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// A supervisor records a strategy discussion held without health, first forgetting the participants, and
// sees the INV-02 finding on the case: every page checked with axe, with JavaScript and without.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('recording a strategy discussion $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let investigationId: string
  let staffId: string
  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { services } = harness.kestrel
    await seedLondon(services.db)
    const force = await services.organisation.force()
    const camden = (await services.organisation.boroughs(force.id)).find((b) => b.name === 'Camden')
      ?.id as string
    const team = await services.organisation.createTeam(
      force.id,
      {
        name: 'E2E CAIT',
        kind: 'cait',
        boroughId: camden,
        bcuId: null,
        capacity: 10,
        reviewCadenceDays: 28,
        active: true,
      },
      'e2e',
    )
    staffId = (
      await services.organisation.createStaff(
        force.id,
        {
          staffNumber: 'E2E1',
          name: 'DS Grey',
          rank: 'sergeant',
          role: 'Supervisor',
          teamId: team.id,
          startDate: '2010-01-01',
          active: true,
        },
        'e2e',
      )
    ).id
    const child = await services.children.create(
      {
        familyName: 'Okafor',
        givenNames: 'Ada',
        dateOfBirth: '2012-05-01',
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'B2',
      },
      { id: 'e2e', username: 'e2e' },
      { confirmedNotDuplicate: true },
    )
    const opened = await services.investigations.open(
      {
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: 'Bruises seen at school',
        boroughId: camden,
        openedAt: new Date(Date.now() - 2 * 86_400_000),
        people: [{ personIdOrRef: child.id, role: 'child' }],
      },
      { id: 'e2e', username: 'e2e', displayName: 'E2E', staffId: null },
    )
    investigationId = opened.id
  })
  afterAll(() => harness.close())

  it('shows the missing-participants error, then the INV-02 finding', async () => {
    const journey = await Journey.start(harness, { javaScript })
    const { page } = journey
    try {
      const account = await createAccount(harness, ['supervisor'])
      await harness.kestrel.services.db
        .updateTable('app_user')
        .set({ staff_id: staffId })
        .where('username', '=', account.username)
        .execute()
      await journey.signIn(account)
      await page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Investigations' })
        .click()
      await journey.checkAccessible()
      await page.locator(`a[href="/investigations/${investigationId}"]`).click()
      await journey.checkAccessible()
      await page.getByRole('button', { name: 'Record a strategy discussion' }).click()
      await journey.checkAccessible()
      const yesterday = new Date(Date.now() - 86_400_000)
      const parts = yesterday.toLocaleDateString('en-GB', { timeZone: 'Europe/London' }).split('/')
      await page.getByLabel('Day').fill(parts[0] as string)
      await page.getByLabel('Month').fill(parts[1] as string)
      await page.getByLabel('Year').fill(parts[2] as string)
      await page.getByLabel('Time (24-hour clock)').fill('10:00')
      await page.getByLabel('Decisions').fill('Begin section 47 enquiries; joint visit tomorrow')
      await page.getByLabel('Joint safety plan').fill('Ada to stay with her grandmother')
      await page.getByRole('button', { name: 'Save strategy discussion' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-error-summary').textContent()).toContain(
        'Add at least one participant',
      )
      expect(await page.getByLabel('Decisions').inputValue()).toContain('Begin section 47 enquiries')

      await page.getByLabel('Participant 1 agency').selectOption({ label: 'Police' })
      await page.getByLabel('Participant 1 name').fill('DS Grey')
      await page.getByLabel('Participant 2 agency').selectOption({ label: "Children's social care" })
      await page.getByLabel('Participant 2 name').fill('Sam Social')
      await page.getByRole('button', { name: 'Save strategy discussion' }).click()
      await journey.checkAccessible()
      const findings = (await page.locator('.kestrel-findings').textContent()) ?? ''
      expect(findings).toContain('INV-02')
      expect(findings).toContain('without health')
    } finally {
      await journey.close()
    }
  })
})
