import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'
import { fixedClock } from '../clock.ts'

// The idle timeout as a person meets it: the time they will be signed out on every page (without
// JavaScript), the GOV.UK timeout warning two minutes before (with it), and the sign-in page saying why.
describe('the session timeout in the browser', () => {
  let harness: BrowserHarness
  // The server's clock, moved by hand; 09:00 UTC is 10:00 in London in May.
  const clock = fixedClock('2024-05-01T09:00:00Z')
  beforeAll(async () => {
    harness = await startBrowserHarness({ clock, env: { KESTREL_SESSION_IDLE_MINUTES: '30' } })
  })
  afterAll(() => harness.close())

  it('says when the person will be signed out, and after 30 idle minutes says why they were', async () => {
    const journey = await Journey.start(harness, { javaScript: false })
    try {
      await journey.signIn(await createAccount(harness, ['officer']))
      expect(await journey.page.locator('.kestrel-session-timeout').textContent()).toBe(
        'You will be signed out at 10:30 if you do nothing.',
      )
      clock.advance(31 * 60_000)
      await journey.goto('/people')
      expect(new URL(journey.page.url()).pathname).toBe('/login')
      expect(await journey.page.locator('.govuk-notification-banner').textContent()).toContain(
        'You were signed out after 30 minutes of inactivity',
      )
    } finally {
      await journey.close()
    }
  })

  it('warns two minutes before the end, and "Stay signed in" keeps the session', async () => {
    const journey = await Journey.start(harness, { javaScript: true })
    try {
      await journey.page.clock.install()
      await journey.signIn(await createAccount(harness, ['officer']))
      const warning = journey.page.getByRole('alert')
      await expect.poll(() => warning.count()).toBe(0)
      // 28:10 leaves 110 s on the page's clock, which also runs in real time while the test polls: the
      // warning says "2 minutes" until 90 s are left, so a slow machine has 20 s before the words change.
      await journey.page.clock.fastForward('28:10')
      await expect.poll(() => warning.textContent()).toContain('You will be signed out in 2 minutes')
      await journey.checkAccessible()
      // The server has seen nothing for 25 minutes: the button is the person's next request.
      clock.advance(25 * 60_000)
      const before = await harness.kestrel.services.db
        .selectFrom('user_session')
        .select('last_seen_at')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
      await journey.page.getByRole('button', { name: 'Stay signed in' }).click()
      await expect.poll(() => warning.count()).toBe(0)
      expect(await journey.page.locator('.kestrel-session-timeout').textContent()).toMatch(
        /^You will be signed out at \d\d:\d\d if you do nothing\.$/,
      )
      const after = await harness.kestrel.services.db
        .selectFrom('user_session')
        .select('last_seen_at')
        .orderBy('created_at', 'desc')
        .executeTakeFirstOrThrow()
      expect(after.last_seen_at.getTime() - before.last_seen_at.getTime()).toBe(25 * 60_000)
    } finally {
      await journey.close()
    }
  })
})
