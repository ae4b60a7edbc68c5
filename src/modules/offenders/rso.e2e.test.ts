import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, Journey, startBrowserHarness } from '../../../test/e2e/browser.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { londonDate, londonTime } from '../../platform/time.ts'
import { seedLondon } from '../organisation/london-seed.ts'

// An offender manager's RSO pages in Chromium: the list, an RSO's page with its findings and records, a visit
// recorded through the form (with its errors first), the register form, and the caseloads with one manager's
// caseload; every page checked with axe, with and without JavaScript.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the RSO pages $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let account: { username: string; password: string }
  let rsoRef: string

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, organisation, children, offenders, accounts } = harness.kestrel.services
    await seedLondon(db)
    const force = await organisation.force()
    const lambeth = (await organisation.boroughs(force.id)).find((b) => b.name === 'Lambeth')?.id as string
    const team = await organisation.createTeam(
      force.id,
      {
        name: 'Lambeth Jigsaw',
        kind: 'jigsaw',
        boroughId: lambeth,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'e2e',
    )
    const staff = async (staffNumber: string, name: string) =>
      organisation.createStaff(
        force.id,
        {
          staffNumber,
          name,
          rank: 'constable',
          role: 'Offender manager',
          teamId: team.id,
          startDate: '2010-01-01',
          active: true,
        },
        'e2e',
      )
    const manager = await staff('J2001', 'DC Morgan Example')
    await staff('J2002', 'DC Riley Example')
    const now = Date.now()
    const daysAgo = (n: number) => new Date(now - n * 86_400_000)
    let people = 0
    const rso = async (managerNumber: string, riskLevel: 'low' | 'high', notifiedDaysAgo: number) => {
      people++
      const person = await children.create(
        {
          familyName: `Exampleton${people === 1 ? '' : 'e'}`,
          givenNames: people === 1 ? 'Jordan' : 'Casey',
          dateOfBirth: '1975-03-01',
          estimatedAgeYears: null,
          gender: 'male',
          ethnicity: 'NS',
          ref: `E2E-RSO-${people}`,
        },
        { id: 'e2e', username: 'e2e' },
        { confirmedNotDuplicate: true },
      )
      return offenders.register(
        {
          person: person.ref,
          status: 'active',
          notificationBasis: 'conviction',
          notificationStart: londonDate(daysAgo(notifiedDaysAgo)),
          mappaCategory: 1,
          mappaLevel: 2,
          riskLevel,
          visorRef: `VISOR-E2E-${people}`,
          address: `${people} Example Road`,
          borough: lambeth,
          manager: managerNumber,
          offences: [
            {
              offence: 'Sexual assault',
              convictedOn: londonDate(daysAgo(800)),
              court: 'Inner London Crown Court',
            },
          ],
          orders: [
            {
              kind: 'shpo',
              startsOn: londonDate(daysAgo(700)),
              conditions: 'No unsupervised contact with children',
            },
          ],
        },
        { id: 'e2e', username: 'e2e' },
        forceWideReach,
      )
    }
    const first = await rso('J2001', 'high', 700)
    await rso('J2002', 'low', 700)
    rsoRef = first.ref
    const keep = [{ id: 'e2e', username: 'e2e' }, forceWideReach] as const
    await offenders.recordArms(
      {
        rso: first.ref,
        assessedOn: londonDate(daysAgo(20)),
        assessor: 'DC Morgan Example',
        priority: 'high',
        keyFactors: 'Lives alone near a school',
      },
      ...keep,
    )
    await offenders.agreePlan(
      {
        rso: first.ref,
        agreedAt: daysAgo(19),
        author: 'DC Morgan Example',
        riskLevel: 'high',
        actions: [
          {
            action: 'Unannounced visit every month',
            owner: 'DC Morgan Example',
            due: londonDate(daysAgo(-11)),
          },
        ],
      },
      ...keep,
    )
    await offenders.recordNotification(
      {
        rso: first.ref,
        notificationKind: 'periodic',
        notifiedAt: daysAgo(30),
        details: 'Yearly notification at Brixton',
      },
      ...keep,
    )
    const password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}-Battery`
    const username = `e2e.jigsaw.${Math.random().toString(36).slice(2, 7)}`
    await accounts.create(
      {
        username,
        displayName: 'DC Morgan Example',
        roles: ['offender_manager'],
        password,
        staffId: manager.id,
      },
      'e2e-setup',
    )
    account = { username, password }
  }, 120_000)
  afterAll(() => harness.close())

  it('lists the RSOs, shows one with its findings and records, and records a visit', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Offenders' })
        .click()
      await journey.checkAccessible()
      expect(await journey.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Registered sex offenders',
      )
      await journey.page.getByRole('link', { name: /Jordan EXAMPLETON/ }).click()
      await journey.checkAccessible()
      const main = () => journey.page.locator('main').textContent()
      expect(await main()).toContain(rsoRef)
      expect(await main()).toContain('Lives alone near a school')
      expect(await main()).toContain('Unannounced visit every month')
      expect(await main()).toContain('No unsupervised contact with children')
      // Never visited since notification began nearly two years ago: RSO-04 is breached.
      expect(await main()).toContain('RSO-04')
      // An offender manager keeps the record but does not reallocate.
      expect(await journey.page.getByRole('link', { name: 'Reallocate to another manager' }).count()).toBe(0)

      await journey.page.getByRole('link', { name: 'Record a visit' }).click()
      await journey.checkAccessible()
      await journey.page.getByRole('button', { name: 'Save visit' }).click()
      await journey.checkAccessible()
      const summary = await journey.page.locator('.govuk-error-summary').textContent()
      expect(summary).toContain('Select whether the visit was announced')
      expect(summary).toContain('Enter who made the visit')

      // An hour ago, its day and time from the one instant: in the hour after midnight, today's date with
      // the hour before's time would be tonight, in the future.
      const visited = new Date(Date.now() - 3_600_000)
      const [year, month, day] = londonDate(visited).split('-')
      await journey.page.locator('#visitedAt-day').fill(String(Number(day)))
      await journey.page.locator('#visitedAt-month').fill(String(Number(month)))
      await journey.page.locator('#visitedAt-year').fill(year as string)
      await journey.page.locator('#visitedAt-time').fill(londonTime(visited))
      await journey.page.getByRole('group', { name: 'Was the visit announced?' }).getByLabel('No').check()
      await journey.page.getByLabel('Officers who visited').fill('DC Morgan Example and PC Lee')
      await journey.page.getByRole('group', { name: 'Were children present?' }).getByLabel('No').check()
      await journey.page.getByLabel('Outcome (optional)').fill('Address confirmed, no concerns')
      await journey.page.getByRole('button', { name: 'Save visit' }).click()
      await journey.checkAccessible()
      expect(await main()).toContain('DC Morgan Example and PC Lee')
      expect(await main()).toContain('Address confirmed, no concerns')

      await journey.goto('/offenders/new')
      expect(await journey.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Register a sex offender',
      )
    } finally {
      await journey.close()
    }
  })

  it('shows the caseloads with the report’s lines, and one manager’s caseload', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.goto('/offenders')
      await journey.page.getByRole('link', { name: 'Offender managers’ caseloads' }).click()
      await journey.checkAccessible()
      const table = journey.page.locator('#caseloads')
      expect(await table.textContent()).toContain('DC Morgan Example')
      expect(await table.textContent()).toContain('DC Riley Example')
      expect(await journey.page.locator('#warn-line').textContent()).toBe('50')
      expect(await journey.page.locator('#breach-line').textContent()).toBe('100')
      await journey.page.getByRole('link', { name: 'DC Riley Example' }).click()
      await journey.checkAccessible()
      expect(await journey.page.getByRole('heading', { level: 1 }).textContent()).toBe(
        'Caseload of DC Riley Example',
      )
      expect(await journey.page.locator('main').textContent()).toContain('Casey EXAMPLETONE')
    } finally {
      await journey.close()
    }
  })

  it('briefs Lambeth on every RSO living there, and the briefing prints without the service’s navigation', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(account)
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'RSO briefings' })
        .click()
      await journey.checkAccessible()
      await journey.page.getByLabel('Borough').selectOption({ label: 'Lambeth' })
      await journey.page.getByRole('button', { name: 'Generate the briefing' }).click()
      await journey.checkAccessible()
      const entries = journey.page.locator('#briefing-entries')
      expect(await entries.textContent()).toContain('Jordan')
      expect(await entries.textContent()).toContain('Casey')
      expect(await entries.textContent()).toContain('High')
      expect(await entries.textContent()).toContain('Low')
      await journey.page.emulateMedia({ media: 'print' })
      expect(await journey.page.locator('.govuk-service-navigation').isVisible()).toBe(false)
      expect(await entries.isVisible()).toBe(true)
      await journey.page.emulateMedia({ media: 'screen' })
    } finally {
      await journey.close()
    }
  })
})
