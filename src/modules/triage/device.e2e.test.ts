import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { triageReportInput } from './result-schema.ts'
import { principal, sampleReport } from './test-fixtures.ts'

// The online CSAE team's journey through the device pages: the list with its filters, a device with its
// triage result and findings, the match details (specialist only), recording a status change with an error
// first; and an auditor who sees the counts but not the details. Every page is checked with axe.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('device pages $label', ({ javaScript }) => {
  let harness: BrowserHarness
  let deviceId: string
  let resultId: string
  let teamId: string
  let staffCount = 0

  /** An account linked to a member of staff in the Lambeth team, so its area is Lambeth. */
  async function account(roles: Role[]) {
    const created = await createAccount(harness, roles)
    const { organisation, db } = harness.kestrel.services
    const force = await organisation.force()
    staffCount++
    const staff = await organisation.createStaff(
      force.id,
      {
        staffNumber: `E2ETR${staffCount}${javaScript ? 'J' : 'N'}`,
        name: `E2E triage ${staffCount}`,
        rank: 'constable',
        role: 'Investigator',
        teamId,
        startDate: '2017-01-01',
        active: true,
      },
      'e2e',
    )
    await db
      .updateTable('app_user')
      .set({ staff_id: staff.id })
      .where('username', '=', created.username)
      .execute()
    return created
  }

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { db, organisation, triage } = harness.kestrel.services
    await seedLondon(db)
    const force = await organisation.force()
    const lambeth = (await organisation.boroughs(force.id)).find((b) => b.name === 'Lambeth')
    const team = await organisation.createTeam(
      force.id,
      {
        name: 'Lambeth online CSAE',
        kind: 'online_csae',
        boroughId: lambeth?.id ?? null,
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'e2e',
    )
    teamId = team.id
    const now = Date.now()
    const ago = (hours: number) => new Date(now - hours * 3_600_000).toISOString()
    const saved = await triage.saveDevice(
      'EXH/E2E/1',
      {
        description: 'Black phone from the bedroom',
        deviceKind: 'phone',
        caseRef: 'OP-E2E',
        seizedAt: new Date(ago(48)),
        team: 'Lambeth online CSAE',
        statusHistory: [],
      },
      principal(),
      forceWideReach,
    )
    deviceId = saved.id
    resultId = (
      await triage.storeResult(
        'EXH/E2E/1',
        triageReportInput.parse(sampleReport('EXH/E2E/1', { startedAt: ago(3), finishedAt: ago(2) })),
        principal(),
        'upload',
      )
    ).id
    await triage.saveDevice(
      'EXH/E2E/2',
      {
        description: 'USB stick',
        deviceKind: 'storage',
        seizedAt: new Date(ago(30)),
        team: 'Lambeth online CSAE',
        statusHistory: [],
      },
      principal(),
      forceWideReach,
    )
  })
  afterAll(() => harness.close())

  it('lets the online CSAE team filter devices, read a result and its matches, and record a status', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(await account(['online_csae']))
      await journey.page
        .getByRole('navigation', { name: 'Menu' })
        .getByRole('link', { name: 'Devices' })
        .click()
      await journey.checkAccessible()
      expect(await journey.page.locator('h1').textContent()).toContain('Seized devices')
      expect(await journey.page.locator('table').textContent()).toContain('EXH/E2E/2')

      await journey.page.getByLabel('Triage recommendation').selectOption('submit-for-full-examination')
      await journey.page.getByRole('button', { name: 'Apply filters' }).click()
      await journey.checkAccessible()
      const filtered = await journey.page.locator('table').textContent()
      expect(filtered).toContain('EXH/E2E/1')
      expect(filtered).not.toContain('EXH/E2E/2')

      await journey.page.getByRole('link', { name: 'EXH/E2E/1' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('main').textContent()).toContain('Submit for full examination')
      expect(await journey.page.locator('main').textContent()).not.toContain('DCIM/img001.jpg')

      await journey.page.getByRole('link', { name: /View the match details/ }).click()
      await journey.checkAccessible()
      expect(new URL(journey.page.url()).pathname).toBe(`/devices/${deviceId}/results/${resultId}`)
      expect(await journey.page.locator('main').textContent()).toContain('DCIM/img001.jpg')
      expect(await journey.page.locator('main img').count()).toBe(0)

      await journey.goto(`/devices/${deviceId}`)
      await journey.page.getByRole('radio', { name: 'Submitted for examination' }).check()
      await journey.page.getByRole('button', { name: 'Record status' }).click()
      await journey.checkAccessible()
      expect(await journey.page.getByRole('alert').textContent()).toContain('Enter date')

      await journey.page.getByRole('radio', { name: 'Submitted for examination' }).check()
      // An hour ago, in London: after the triage run (two hours ago), so it becomes the device's status.
      const parts = new Intl.DateTimeFormat('en-GB', {
        timeZone: 'Europe/London',
        day: 'numeric',
        month: 'numeric',
        year: 'numeric',
        hour: '2-digit',
        minute: '2-digit',
        hourCycle: 'h23',
      }).formatToParts(new Date(Date.now() - 3_600_000))
      const part = (t: string) => parts.find((p) => p.type === t)?.value ?? ''
      await journey.page.getByLabel('Day').fill(part('day'))
      await journey.page.getByLabel('Month').fill(part('month'))
      await journey.page.getByLabel('Year').fill(part('year'))
      await journey.page.getByLabel('Time').fill(`${part('hour')}:${part('minute')}`)
      await journey.page.getByRole('button', { name: 'Record status' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('main').textContent()).toContain('Submitted for examination since')
    } finally {
      await journey.close()
    }
  })

  it('shows a force lead the counts and recommendation, and refuses the match details', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(await account(['force_lead']))
      await journey.goto(`/devices/${deviceId}`)
      expect(await journey.page.locator('main').textContent()).toContain('1 file identical to known material')
      expect(await journey.page.getByRole('link', { name: /View the match details/ }).count()).toBe(0)
      await journey.goto(`/devices/${deviceId}/results/${resultId}`)
      expect(await journey.page.locator('h1').textContent()).toContain('You do not have access')
    } finally {
      await journey.close()
    }
  })
})
