import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { londonDate, londonTime } from '../../platform/time.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { principal } from './test-fixtures.ts'

// The custody inspector's view and a detention's live timeline: the PACE clock counting down, recording
// events through the forms (with an error for an event out of order), every page checked with axe.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the custody timeline $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let detentionId: string

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, organisation, children, custody } = harness.kestrel.services
    await seedLondon(db)
    const force = await organisation.force()
    const lambeth = (await organisation.boroughs(force.id)).find((b) => b.name === 'Lambeth')
    const suite = await organisation.createTeam(
      force.id,
      {
        name: 'Brixton custody suite',
        kind: 'custody_suite',
        boroughId: lambeth?.id ?? null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'e2e',
    )
    const child = await children.create(
      {
        familyName: 'Example',
        givenNames: 'Jayden',
        // A child of 15 or 16, whatever the date the test runs.
        dateOfBirth: `${new Date().getUTCFullYear() - 16}-01-01`,
        estimatedAgeYears: null,
        gender: 'male',
        ethnicity: 'NS',
        ref: 'E2E-CUST-1',
      },
      { id: 'e2e', username: 'e2e' },
      { confirmedNotDuplicate: true },
    )
    const now = Date.now()
    const ago = (hours: number) => new Date(now - hours * 3_600_000)
    const detention = await custody.create(
      {
        detention: {
          child: child.ref,
          custodySuite: suite.id,
          offences: ['Robbery'],
          arrestedAt: ago(3),
          appearsUnder18: false,
        },
        events: [
          { kind: 'arrived', at: ago(2.75) },
          { kind: 'detention_authorised', at: ago(2.5), officerName: 'PS Custody' },
          { kind: 'aa_contacted', at: ago(2.4), personName: 'Mother', aaRelationship: 'parent' },
        ],
      },
      principal(),
    )
    detentionId = detention.id
  })
  afterAll(() => harness.close())

  it('shows the clocks, records a review in the child’s absence, and refuses one out of order', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(await createAccount(harness, ['admin']))
      // An administrator's Custody is under the menu's "More".
      await journey.page.getByRole('navigation', { name: 'Menu' }).getByRole('link', { name: 'More' }).click()
      await journey.checkAccessible()
      await journey.page.locator('main').getByRole('link', { name: 'Custody', exact: true }).click()
      await journey.checkAccessible()
      await expect
        .poll(() => journey.page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Children in custody')
      await journey.page.getByRole('link', { name: /Jayden EXAMPLE/ }).click()
      await journey.checkAccessible()
      const body = () => journey.page.locator('main').textContent()
      expect(await body()).toContain('Next detention review due')
      // Detention authorised 2 h 30 ago: the first review is due in about 3 h 30.
      expect(await body()).toMatch(/3 h (2\d|3\d) min left/)
      expect(await body()).toMatch(/Waiting 2 h (2\d|3\d) min/)
      expect(await body()).toContain('CUS-01')

      // A review held before detention was authorised is refused, naming the time.
      await journey.page.getByLabel('What happened').selectOption('review')
      await journey.page.getByRole('button', { name: 'Continue' }).click()
      await journey.checkAccessible()
      const early = new Date(Date.now() - 2.9 * 3_600_000)
      const [year, month, day] = londonDate(early).split('-')
      await journey.page.locator('#at-day').fill(String(Number(day)))
      await journey.page.locator('#at-month').fill(String(Number(month)))
      await journey.page.locator('#at-year').fill(year as string)
      await journey.page.locator('#at-time').fill(londonTime(early))
      await journey.page.getByLabel('Reviewing officer').fill('Inspector Review')
      await journey.page.getByLabel('Rank').selectOption('inspector')
      await journey.page
        .getByRole('group', { name: /review held in the child’s presence/ })
        .getByLabel('No')
        .check()
      await journey.page.getByLabel('If not, why').selectOption('asleep')
      await journey.page.getByRole('button', { name: 'Record' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain(
        'before detention was authorised',
      )

      // Now at the right time: it lands on the timeline.
      const now = new Date()
      const [y2, m2, d2] = londonDate(now).split('-')
      await journey.page.locator('#at-day').fill(String(Number(d2)))
      await journey.page.locator('#at-month').fill(String(Number(m2)))
      await journey.page.locator('#at-year').fill(y2 as string)
      await journey.page.locator('#at-time').fill(londonTime(now))
      await journey.page.getByRole('button', { name: 'Record' }).click()
      await journey.checkAccessible()
      expect(new URL(journey.page.url()).pathname).toBe(`/custody/detentions/${detentionId}`)
      const timeline = await journey.page.locator('.moj-timeline').textContent()
      expect(timeline).toContain('Detention review')
      expect(timeline).toContain('In the child’s absence: Child asleep')
      // The next review now runs 9 hours from this one.
      expect(await body()).toMatch(/8 h 5\d min left|9 h 00 min left/)

      await journey.page.getByRole('link', { name: /Refresh/ }).click()
      await journey.checkAccessible()
      expect(await body()).toContain('CUS-04')

      // Recording a new detention: the child found by name first (issue 17), then the form, and its errors
      // when sent empty.
      await journey.goto('/custody/detentions/new')
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain(
        'Enter the child’s name',
      )
      await journey.page.getByLabel('Name or reference').fill('jayden example')
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      await journey.page.getByRole('link', { name: /EXAMPLE, Jayden/ }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('#child').textContent()).toContain('EXAMPLE, Jayden')
      await journey.page.locator('#arrestedAt-time').fill('')
      await journey.page.getByRole('button', { name: 'Record detention' }).click()
      await journey.checkAccessible()
      const summary = await journey.page.locator('.govuk-error-summary').textContent()
      expect(summary).toContain('Enter at least one offence')
      expect(summary).not.toContain('person reference')
    } finally {
      await journey.close()
    }
  })
})
