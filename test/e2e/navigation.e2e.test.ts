import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, createAccount, Journey, startBrowserHarness } from './browser.ts'

/**
 * Issue 17, item 9: the header is the GOV.UK service navigation in one row at desktop width, even for an
 * administrator, whose less used items are under "More", a page that works without JavaScript; record
 * lists take the wider layout. Every page is checked with axe, with and without JavaScript.
 */
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('the menu $label', ({ javaScript }) => {
  let harness: BrowserHarness
  beforeAll(async () => {
    harness = await startBrowserHarness()
  })
  afterAll(() => harness.close())

  /** The menu's items' tops and the navigation's height, at the page's width. */
  async function measure(journey: Journey) {
    const items = await journey.page.locator('.govuk-service-navigation__item').all()
    const tops = new Set<number>()
    const texts: string[] = []
    for (const item of items) {
      tops.add(Math.round((await item.boundingBox())?.y ?? -1))
      texts.push(((await item.textContent()) ?? '').trim())
    }
    const nav = await journey.page.locator('.govuk-service-navigation').boundingBox()
    return { tops: [...tops], height: nav?.height ?? 0, texts }
  }

  it.each([['admin'], ['supervisor'], ['force_lead']] as const)(
    "keeps the %s's menu to one row at 1280 px, the rest under More",
    async (role) => {
      const journey = await Journey.start(harness, { javaScript })
      try {
        await journey.page.setViewportSize({ width: 1280, height: 900 })
        await journey.signIn(await createAccount(harness, [role]))
        for (const path of ['/', '/my-team']) {
          await journey.goto(path)
          const { tops, height, texts } = await measure(journey)
          expect([path, tops.length], JSON.stringify({ texts, height })).toEqual([path, 1])
          // One row of links (about 50 px with its padding and the active item's underline), not two.
          expect(height).toBeLessThan(80)
        }
        const menu = journey.page.getByRole('navigation', { name: 'Menu' })
        await menu.getByRole('link', { name: 'More' }).click()
        await journey.checkAccessible()
        expect(new URL(journey.page.url()).pathname).toBe('/more')
        const more = journey.page.locator('main')
        if (role === 'admin') {
          for (const name of ['Users', 'API tokens', 'Organisation', 'Rule parameters'])
            expect(await more.getByRole('link', { name, exact: true }).count()).toBe(1)
          await more.getByRole('link', { name: 'Users', exact: true }).click()
          await journey.checkAccessible()
          expect(new URL(journey.page.url()).pathname).toBe('/admin/users')
          // The page is one under More, so More is the active item.
          expect(await menu.locator('[aria-current]').textContent()).toContain('More')
        }
      } finally {
        await journey.close()
      }
    },
  )

  it('gives a record list the wider layout, and a record page the usual width', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.page.setViewportSize({ width: 1280, height: 900 })
      await journey.signIn(await createAccount(harness, ['admin']))
      const width = async () => (await journey.page.locator('main').boundingBox())?.width ?? 0
      await journey.goto('/my-team')
      expect(await width()).toBeGreaterThan(1100)
      await journey.goto('/more')
      expect(await width()).toBeLessThanOrEqual(960)
    } finally {
      await journey.close()
    }
  })
})
