import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'

/** The London day some days ago as the boxes want it: [day, month, year]. */
const daysAgo = (n: number) =>
  new Date(Date.now() - n * 86_400_000)
    .toLocaleDateString('en-GB', { timeZone: 'Europe/London' })
    .split('/')
    .map((p) => String(Number(p)))

// An officer opens an investigation from the team list, finding the child by name, then records police
// protection kept nearly four days: first with the end before the start, then right, and sees INV-09 on the case.
// Every page, and each of the other recording forms, is checked with axe, with JavaScript and without.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('opening an investigation and recording police protection $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let staffId: string
  let childRef: string
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
        name: 'E2E Pages CAIT',
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
          staffNumber: 'E2EP1',
          name: 'DC Amber',
          rank: 'constable',
          role: 'Investigator',
          teamId: team.id,
          startDate: '2010-01-01',
          active: true,
        },
        'e2e',
      )
    ).id
    const child = await services.children.create(
      {
        familyName: 'Lindqvist',
        givenNames: 'Noor',
        dateOfBirth: '2013-02-01',
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'W9',
      },
      { id: 'e2e', username: 'e2e' },
      { confirmedNotDuplicate: true },
    )
    childRef = child.ref
  })
  afterAll(() => harness.close())

  it('opens the case, refuses the end before the start, then shows INV-09', async () => {
    const journey = await Journey.start(harness, { javaScript })
    const { page } = journey
    try {
      const account = await createAccount(harness, ['officer'])
      await harness.kestrel.services.db
        .updateTable('app_user')
        .set({ staff_id: staffId })
        .where('username', '=', account.username)
        .execute()
      await journey.signIn(account)
      await journey.goto('/investigations')
      await page.getByRole('button', { name: 'Open an investigation' }).click()
      await journey.checkAccessible()

      await page
        .getByLabel('Case type')
        .selectOption({ label: 'Enquiry under section 47 of the Children Act 1989' })
      await page.getByLabel('Child abuse', { exact: true }).check()
      await page.getByLabel('High').check()
      await page.getByLabel('Summary of the concern').fill('Noor told her teacher she was hit')
      await page.getByLabel('Borough').selectOption({ label: 'Camden' })
      const [d, m, y] = daysAgo(5)
      await page.locator('#openedAt-day').fill(d as string)
      await page.locator('#openedAt-month').fill(m as string)
      await page.locator('#openedAt-year').fill(y as string)
      await page.getByLabel('Time the investigation was opened').fill('09:00')
      await page.getByLabel('Find a person by name, date of birth or reference').fill('Lindqvist')
      await page.getByRole('button', { name: 'Find', exact: true }).click()
      await journey.checkAccessible()
      await page.getByRole('button', { name: /^Add .*Noor/ }).click()
      expect(await page.locator('#people-0-person').inputValue()).toBe(childRef)
      expect(await page.getByLabel('Summary of the concern').inputValue()).toContain('hit')
      await page.getByLabel('Person 1 role').selectOption({ label: 'Child the investigation is about' })
      await page.getByRole('button', { name: 'Open the investigation' }).last().click()
      await journey.checkAccessible()
      await expect.poll(() => page.locator('h1').textContent()).toContain('Summary')
      const caseUrl = new URL(page.url()).pathname

      for (const path of ['child-seen', 'conference', 'crime', 'action']) {
        await journey.goto(`${caseUrl}/${path}`)
        await journey.checkAccessible()
      }

      await journey.goto(`${caseUrl}/people`)
      await page.getByRole('button', { name: 'Record police protection' }).click()
      await journey.checkAccessible()
      await page.getByLabel('Child', { exact: true }).selectOption({ index: 1 })
      const [sd, sm, sy] = daysAgo(5)
      const [ed, em, ey] = daysAgo(6)
      const fill = async (name: string, parts: (string | undefined)[], time: string) => {
        await page.locator(`#${name}-day`).fill(parts[0] as string)
        await page.locator(`#${name}-month`).fill(parts[1] as string)
        await page.locator(`#${name}-year`).fill(parts[2] as string)
        await page.locator(`#${name}-time`).fill(time)
      }
      await fill('startedAt', [sd, sm, sy], '10:00')
      await fill('endedAt', [ed, em, ey], '10:00')
      await page.getByLabel('Designated officer (optional)').fill('Insp Shah')
      await page.getByRole('button', { name: 'Save police protection' }).click()
      await journey.checkAccessible()
      expect(await page.locator('.govuk-error-summary').textContent()).toContain(
        'The end must be after the start',
      )
      expect(await page.getByLabel('Designated officer (optional)').inputValue()).toBe('Insp Shah')

      // Ended yesterday: an end later today could still be ahead of the clock, which the page refuses.
      await fill('endedAt', daysAgo(1), '09:00')
      await page.getByRole('button', { name: 'Save police protection' }).click()
      await journey.checkAccessible()
      expect(await page.locator('main').textContent()).toContain('Insp Shah')
      await page.getByRole('link', { name: 'Summary' }).click()
      await journey.checkAccessible()
      const findings = (await page.locator('.kestrel-findings').textContent()) ?? ''
      expect(findings).toContain('INV-09')
    } finally {
      await journey.close()
    }
  }, 120_000)
})
