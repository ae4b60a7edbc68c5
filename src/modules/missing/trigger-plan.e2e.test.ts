import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { principal } from './test-fixtures.ts'

// A child with a live trigger plan goes missing again: the plan is shown prominently while the episode is
// graded, the officer records that they read it, and the episode page says so. Every page is checked with axe.
describe('the trigger plan on a new episode', () => {
  let harness: BrowserHarness
  let childRef: string
  let lambethStaffId: string

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, organisation, children, missing } = harness.kestrel.services
    await seedLondon(db)
    const force = await organisation.force()
    const lambeth = (await organisation.boroughs(force.id)).find((b) => b.name === 'Lambeth')
    // The unit's officer works in Lambeth, where the plan was agreed: it is theirs to read.
    const team = await organisation.createTeam(
      force.id,
      {
        name: 'Lambeth missing persons unit',
        kind: 'missing_persons_unit',
        boroughId: lambeth?.id ?? null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'e2e',
    )
    lambethStaffId = (
      await organisation.createStaff(
        force.id,
        {
          staffNumber: 'E2EMIS1',
          name: 'DC Missing',
          rank: 'constable',
          role: 'Missing persons officer',
          teamId: team.id,
          startDate: '2015-01-01',
          active: true,
        },
        'e2e',
      )
    ).id
    const child = await children.create(
      {
        familyName: 'Example',
        givenNames: 'Maya',
        dateOfBirth: `${new Date().getUTCFullYear() - 14}-03-01`,
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'NS',
        ref: 'E2E-MIS-1',
        address: {
          address: '1 Test Road',
          postcode: null,
          boroughId: lambeth?.id ?? null,
          fromDate: '2010-01-01',
          toDate: null,
        },
      },
      { id: 'e2e', username: 'e2e' },
      { confirmedNotDuplicate: true },
    )
    childRef = child.ref
    await missing.createPlan(
      {
        child: child.ref,
        placesToSearch: 'Brixton McDonald’s; her friend’s flat on Acre Lane',
        peopleToContact: 'Foster carer; social worker',
        risks: 'Seen with older males',
        authorName: 'DC Planner',
        agreedWith: ['carers', 'social_worker'],
        startDate: new Date(Date.now() - 30 * 86_400_000).toISOString().slice(0, 10),
        reviewDate: new Date(Date.now() + 60 * 86_400_000).toISOString().slice(0, 10),
      },
      principal(),
    )
  })
  afterAll(() => harness.close())

  it('shows the plan when an episode is opened and records the acknowledgement', async () => {
    const journey = await Journey.start(harness, { javaScript: false })
    try {
      const account = await createAccount(harness, ['missing_persons_unit'])
      await harness.kestrel.services.db
        .updateTable('app_user')
        .set({ staff_id: lambethStaffId })
        .where('username', '=', account.username)
        .execute()
      await journey.signIn(account)
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Missing' })
        .click()
      await journey.checkAccessible()
      await journey.page.getByRole('link', { name: 'Report a missing child' }).click()
      await journey.checkAccessible()
      // The child found by name, as every journey from a child starts (issue 17).
      await journey.page.getByLabel('Name or reference').fill('maya example')
      await journey.page.getByRole('button', { name: 'Search' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('main').textContent()).toContain(childRef)
      await journey.page.getByRole('link', { name: /EXAMPLE, Maya/ }).click()
      await journey.checkAccessible()
      const banner = journey.page.getByRole('region', { name: /Trigger plan KT-/ })
      expect(await banner.textContent()).toContain('Acre Lane')
      expect(await journey.page.locator('.govuk-warning-text').textContent()).toContain('live trigger plan')

      // Graded absent with CSE indicators and nothing else: refused, the plan still shown.
      const lastSeen = new Date(Date.now() - 3 * 3_600_000)
      const local = (d: Date) =>
        new Intl.DateTimeFormat('sv-SE', {
          timeZone: 'Europe/London',
          dateStyle: 'short',
          timeStyle: 'short',
        })
          .format(d)
          .replace(' ', 'T')
      await journey.page.getByLabel('Borough the child went missing from').selectOption({ label: 'Lambeth' })
      await journey.page.getByLabel('Reported by', { exact: true }).selectOption('carer')
      await journey.page.getByLabel('Last seen at').fill(local(lastSeen))
      await journey.page.getByLabel('Where last seen').fill('Foster home')
      await journey.page.getByLabel('Circumstances').fill('Did not return from school')
      await journey.page.getByLabel(/Indicators of child sexual or criminal exploitation/).check()
      await journey.page.getByLabel('No apparent risk (absent)').check()
      await journey.page.getByLabel('Graded by').fill('PC Grader')
      await journey.page.getByLabel('I have read the trigger plan').check()
      await journey.page.getByRole('button', { name: 'Open the episode' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain('needs a supervisor')
      expect(await journey.page.locator('#suggestion').textContent()).toContain('Medium risk')

      await journey.page.getByLabel('Medium risk').check()
      await journey.page.getByRole('button', { name: 'Open the episode' }).click()
      await journey.checkAccessible()
      expect(
        await journey.page.locator('.govuk-error-summary').count(),
        (await journey.page.locator('main').textContent()) ?? '',
      ).toBe(0)
      expect(new URL(journey.page.url()).pathname).toMatch(/^\/missing\/episodes\/[0-9a-f-]{36}$/)
      expect(await journey.page.getByRole('region', { name: /Trigger plan KT-/ }).textContent()).toContain(
        'Acre Lane',
      )
      expect(await journey.page.locator('#plan-acknowledged').textContent()).toContain('Acknowledged')
      const id = new URL(journey.page.url()).pathname.split('/').at(-1) as string
      const stored = await harness.kestrel.services.db
        .selectFrom('missing_episode')
        .select(['plan_acknowledged_at', 'trigger_plan_id'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
      expect(stored.trigger_plan_id).not.toBeNull()
      expect(stored.plan_acknowledged_at).not.toBeNull()
    } finally {
      await journey.close()
    }
  })
})
