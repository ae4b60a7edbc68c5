import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type BrowserHarness, createAccount, Journey, startBrowserHarness } from './browser.ts'

// The foundation journey: sign in, move round the pages an administrator and an officer see, sign out;
// once with JavaScript and once without. Every page is checked with axe on arrival.
describe.each([
  { javaScript: true, label: 'with JavaScript' },
  { javaScript: false, label: 'without JavaScript' },
])('signing in and moving round Kestrel $label', ({ javaScript }) => {
  let harness: BrowserHarness
  beforeAll(async () => {
    harness = await startBrowserHarness()
  })
  afterAll(() => harness.close())

  it('refuses a wrong password without saying which part was wrong', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      const account = await createAccount(harness, ['officer'])
      await journey.signIn({ username: account.username, password: 'not-the-password-at-all' })
      expect(await journey.page.getByRole('alert').textContent()).toContain(
        'Enter a correct username and password',
      )
    } finally {
      await journey.close()
    }
  })

  it('lets an administrator reach the admin pages and sign out', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      const account = await createAccount(harness, ['admin'])
      await journey.signIn(account)
      expect(await journey.page.locator('h1').textContent()).toContain('Welcome')
      // The administration pages are under the menu's "More", a page of links.
      for (const link of ['Users', 'Organisation']) {
        await journey.page
          .getByRole('navigation', { name: 'Menu' })
          .getByRole('link', { name: 'More' })
          .click()
        await journey.checkAccessible()
        await journey.page.locator('main').getByRole('link', { name: link, exact: true }).click()
        await journey.checkAccessible()
      }
      await journey.goto('/admin/organisation')
      await journey.goto('/no-such-page')
      await journey.page.getByRole('button', { name: 'Sign out' }).click()
      await journey.checkAccessible()
      expect(await journey.page.locator('body').textContent()).toContain('You have signed out')
      await journey.goto('/admin/users')
      expect(new URL(journey.page.url()).pathname).toBe('/login')
    } finally {
      await journey.close()
    }
  })

  it('shows an officer the access-denied page for an admin page', async () => {
    const journey = await Journey.start(harness, { javaScript })
    try {
      await journey.signIn(await createAccount(harness, ['officer']))
      await journey.goto('/admin/users')
      expect(await journey.page.locator('h1').textContent()).toContain('You do not have access')
    } finally {
      await journey.close()
    }
  })
})
