import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import type { Principal } from '../../platform/auth/principal.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// The specialist online team's queue and a case's page in Chromium: the counts by stage, a case reached from
// the queue with its timeline, KIRAT answers and the warning about unprotected children; each page checked
// with axe, with and without JavaScript.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the online queue and case pages $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }
  let caseRef: string

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, organisation, children, online } = harness.kestrel.services
    await seedLondon(db)
    const force = await organisation.force()
    const lambeth = (await organisation.boroughs(force.id)).find((b) => b.name === 'Lambeth')?.id as string
    await organisation.createTeam(
      force.id,
      {
        name: 'Online CSAE team',
        kind: 'online_csae',
        boroughId: null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'e2e',
    )
    const specialist: Principal = {
      kind: 'user',
      id: 'e2e',
      username: 'e2e',
      displayName: 'E2E',
      roles: ['online_csae'],
      staffId: null,
      area: await organisation.resolveArea(null, ['online_csae']),
    }
    const person = (familyName: string, dateOfBirth: string) =>
      children.create(
        {
          familyName,
          givenNames: 'Sam',
          dateOfBirth,
          estimatedAgeYears: null,
          gender: 'female',
          ethnicity: 'NS',
          address: {
            address: '1 Example Road',
            postcode: null,
            boroughId: lambeth,
            fromDate: '2010-01-01',
            toDate: null,
          },
        },
        { id: 'e2e', username: 'e2e' },
        { confirmedNotDuplicate: true },
      )
    const day = 86_400_000
    const ago = (n: number) => new Date(Date.now() - n * day)
    const suspect = await person('Suspectexample', '1980-05-01')
    const child = await person('Childexample', '2012-05-01')
    const c = await online.recordCase(
      {
        source: 'nca_referral',
        ncaReference: 'NCA-E2E-1',
        receivedAt: ago(60),
        materialCategory: 'category_a',
        materialDescription: 'Images uploaded to a cloud account',
        suspect: suspect.ref,
        borough: 'Lambeth',
        identifiers: [{ kind: 'ip_address', value: '192.0.2.7', seenAt: ago(70) }],
      },
      specialist,
    )
    caseRef = c.ref
    await online.changeStage({ case: c.ref, stage: 'awaiting_research', at: ago(59) }, specialist)
    await online.changeStage({ case: c.ref, stage: 'awaiting_communications_data', at: ago(20) }, specialist)
    await online.recordKirat(
      {
        case: c.ref,
        assessedAt: ago(19),
        level: 'high',
        answers: [{ question: 'Does the suspect have access to children?', answer: 'Yes, a child at home' }],
        assessor: 'DC Example',
      },
      specialist,
    )
    await online.identifyChild({ case: c.ref, person: child.ref, identifiedAt: ago(18) }, specialist)
    const other = await online.recordCase(
      {
        source: 'bellona',
        receivedAt: ago(10),
        materialCategory: 'category_c',
        materialDescription: 'Shared in a chat group',
        identifiers: [],
      },
      specialist,
    )
    await online.changeStage({ case: other.ref, stage: 'awaiting_research', at: ago(9) }, specialist)
    account = await createAccount(harness, ['online_csae'])
  }, 120_000)
  afterAll(() => harness.close())

  it('shows the queue by stage and a case with its timeline, KIRAT answers and unprotected children', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Online cases' })
        .click()
      await journey.checkAccessible()
      expect(await journey.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Online child abuse cases',
      )
      const counts = await journey.page.locator('#stage-counts').textContent()
      expect(counts).toMatch(/Awaiting research\s*1/)
      expect(counts).toMatch(/Awaiting communications data\s*1/)
      await journey.page.getByRole('link', { name: caseRef }).click()
      await journey.checkAccessible()
      const main = await journey.page.locator('main').textContent()
      expect(main).toContain('Awaiting communications data, since')
      expect(main).toContain('20 days')
      expect(main).toContain('Yes, a child at home')
      expect(main).toContain('Images uploaded to a cloud account')
      expect(main).toContain('no welfare visit or social care referral is recorded')
      expect(main).toContain('ONL-03')
      // The allocation form warns of the KIRAT policy; the closing form refuses without safeguarding.
      await journey.page.getByRole('link', { name: 'Allocate' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('main').textContent()).toContain(
        'force policy sends it to the specialist online team',
      )
      await journey.page.getByRole('link', { name: caseRef }).click()
      await journey.page.getByRole('link', { name: 'Close the case' }).click()
      await journey.checkAccessible()
      await journey.page.getByRole('button', { name: 'Close the case' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('.govuk-error-summary').textContent()).toContain(
        'Children were identified in the household',
      )
    } finally {
      await journey.close()
    }
  })
})
