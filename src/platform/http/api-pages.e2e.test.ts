import { AxeBuilder } from '@axe-core/playwright'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import {
  type BrowserHarness,
  chromiumAvailable,
  Journey,
  startBrowserHarness,
} from '../../../test/e2e/browser.ts'

/**
 * The API token pages and the API documentation in Chromium: the whole journey with and without
 * JavaScript, and each page's content checked with axe (WCAG 2.2 A and AA) when JavaScript is on.
 * The shared header is left to the layout's own browser tests, so a fault there is reported once.
 */
async function checkContent(page: Page, javaScript: boolean) {
  await page.waitForLoadState('load')
  if (!javaScript) return // axe runs as a script in the page
  const results = await new AxeBuilder({ page })
    .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
    .exclude('.govuk-header')
    .analyze()
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  )
  expect(summary, `axe violations on ${new URL(page.url()).pathname}`).toEqual([])
}

describe.runIf(chromiumAvailable())('API tokens and API documentation in a browser', () => {
  let harness: BrowserHarness
  beforeAll(async () => {
    harness = await startBrowserHarness()
  })
  afterAll(() => harness?.close())

  for (const javaScript of [true, false]) {
    it(`an administrator creates and revokes a token and reads the docs (JavaScript ${javaScript ? 'on' : 'off'})`, async () => {
      // Signed in directly: the sign-in page has its own browser tests.
      const admin = await signIn(harness.kestrel, ['admin'])
      const journey = await Journey.start(harness, { javaScript })
      await journey.context.addCookies([
        { name: 'kestrel_session', value: admin.cookie.split('=')[1] as string, url: harness.baseUrl },
      ])
      const page = journey.page
      page.setDefaultTimeout(15_000)
      const check = () => checkContent(page, javaScript)
      try {
        await page.goto(new URL('/', harness.baseUrl).toString())
        await page.click('a:text-is("API tokens")')
        await check()
        await page.click('text=Create an API token')
        await check()

        // Nothing filled in: the error summary and inline errors, still accessible.
        await page.click('button:text-is("Create token")')
        await check()
        expect(await page.locator('.govuk-error-summary').textContent()).toContain('Enter a name')

        const name = `Merlin export ${javaScript ? 'js' : 'nojs'}`
        await page.fill('#name', name)
        await page.check('input[name=roles][value=mash]')
        await page.fill('#expires-day', '31')
        await page.fill('#expires-month', '12')
        await page.fill('#expires-year', '2099')
        await page.click('button:text-is("Create token")')
        await check()
        const token = (await page.locator('#token').textContent())?.trim() as string
        expect(token).toMatch(/^kst_/)

        const bearer = { headers: { authorization: `Bearer ${token}` } }
        const me = await fetch(new URL('/api/v1/me', harness.baseUrl), bearer)
        expect(await me.json()).toMatchObject({ kind: 'token', displayName: name, roles: ['mash'] })

        await page.click('text=Back to API tokens')
        await check()
        await page.click(`button[aria-label="Revoke ${name}"]`)
        await check()
        expect((await fetch(new URL('/api/v1/me', harness.baseUrl), bearer)).status).toBe(401)

        await page.click('text=Read the API documentation')
        await check()
        expect(await page.locator('h1').textContent()).toBe('Kestrel API')
        await page.click('a[href="#get-api-v1-me"]')
      } finally {
        await journey.close()
      }
    }, 120_000)
  }
})
