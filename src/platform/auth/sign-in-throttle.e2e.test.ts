import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import {
  type BrowserHarness,
  createAccount,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'

// A throttled sign-in as a person sees it: the sign-in page again, its error summary saying when to try.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('too many wrong passwords $label', ({ javaScript }) => {
  let harness: BrowserHarness
  beforeAll(async () => {
    harness = await startBrowserHarness()
  })
  afterAll(() => harness.close())

  it('says when to try again, in the error summary', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      const account = await createAccount(harness, ['officer'])
      for (let i = 0; i < 6; i++) await journey.signIn({ ...account, password: `not-the-password-${i}` })
      const summary = journey.page.locator('.govuk-error-summary')
      expect(await summary.textContent()).toMatch(
        /There have been too many attempts to sign in\. Try again at \d\d:\d\d/,
      )
      // The design system's script moves focus to the summary.
      if (javaScript)
        await expect.poll(() => journey.page.locator('.govuk-error-summary:focus').count()).toBe(1)
    } finally {
      await journey.close()
    }
  })
})
