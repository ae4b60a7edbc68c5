import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SweepFixture, sweepFixture } from '../sweep-fixture.ts'
import { type BrowserHarness, createAccount, Journey, startBrowserHarness } from './browser.ts'

// Printing a record page gave the paper the service's navigation, the Beta banner and the forms. Each record
// page, taken in print media in Chromium, shows its heading and facts and nothing a person acts with on
// screen: no header, navigation, banner, footer, form or button (public/kestrel.css).
describe('record pages print as a record', () => {
  let harness: BrowserHarness
  let fixture: SweepFixture
  let account: { username: string; password: string }

  beforeAll(async () => {
    harness = await startBrowserHarness()
    fixture = await sweepFixture(harness.kestrel)
    account = await createAccount(harness, ['force_lead'])
  }, 180_000)
  afterAll(() => harness?.close())

  const pathOf: Record<string, (id: string) => string> = {
    pac: (id) => `/pacs/${id}`,
    'missing-episode': (id) => `/missing/episodes/${id}`,
    investigation: (id) => `/investigations/${id}`,
    'custody-detention': (id) => `/custody/detentions/${id}`,
    rso: (id) => `/offenders/${id}`,
  }

  const controls = [
    'header',
    'nav',
    'footer',
    'form',
    'button',
    '.govuk-button',
    '.govuk-phase-banner',
    '.govuk-service-navigation',
  ]
  /** What a person would see of the page's chrome and controls: each visible one, by selector and class. */
  async function shownControls(journey: Journey) {
    const shown: string[] = []
    for (const selector of controls) {
      const all = journey.page.locator(selector)
      for (let i = 0; i < (await all.count()); i++) {
        const element = all.nth(i)
        if (await element.isVisible())
          shown.push(`${selector}:${(await element.getAttribute('class'))?.split(' ')[0] ?? ''}`)
      }
    }
    return shown
  }

  it.each(Object.keys(pathOf))(
    'a %s page prints without navigation, banner, forms or buttons',
    async (kind) => {
      const record = fixture.records.find((r) => r.kind === kind && r.borough === 'A1')
      expect(record, kind).toBeDefined()
      const journey = await Journey.start(harness, { javaScript: true })
      try {
        await journey.signIn(account)
        await journey.goto(pathOf[kind]?.(record?.id as string) as string)
        expect(journey.page.url()).not.toContain('/login')
        const heading = journey.page.locator('h1').first()
        // On screen the page has its navigation and controls: what print must leave off is there to leave.
        const onScreen = await shownControls(journey)
        expect(onScreen).toContain('nav:govuk-service-navigation__wrapper')
        expect(onScreen.some((c) => c.startsWith('form') || c.includes('button'))).toBe(true)
        await journey.page.emulateMedia({ media: 'print' })
        expect(await shownControls(journey)).toEqual([])
        expect(await heading.isVisible()).toBe(true)
        expect((await journey.page.locator('main').textContent())?.length).toBeGreaterThan(200)
      } finally {
        await journey.close()
      }
    },
  )

  it('the monthly performance report prints each part of the service on a page of its own', async () => {
    const journey = await Journey.start(harness, { javaScript: false })
    try {
      await journey.signIn(account)
      await journey.goto('/dashboard/report')
      await journey.checkAccessible()
      await journey.page.emulateMedia({ media: 'print' })
      expect(await shownControls(journey)).toEqual([])
      const breaks = await journey.page.locator('.kestrel-report-section').evaluateAll((sections) => {
        // Runs in the page, where the browser's getComputedStyle is (this project type-checks without the DOM).
        const page = globalThis as unknown as { getComputedStyle(e: unknown): { breakBefore: string } }
        return sections.map((s) => page.getComputedStyle(s).breakBefore)
      })
      expect(breaks.length).toBeGreaterThan(1)
      // The first section follows the heading; every later one starts a page.
      expect(breaks.slice(1).every((b) => b === 'page')).toBe(true)
      expect(breaks[0]).not.toBe('page')
    } finally {
      await journey.close()
    }
  })
})
