import fs from 'node:fs'
import { AxeBuilder } from '@axe-core/playwright'
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core'
import { expect } from 'vitest'
import type { Role } from '../../src/platform/access/roles.ts'
import type { Clock } from '../../src/platform/clock.ts'
import { type TestKestrel, testKestrel } from '../app.ts'

const chromiumPath = process.env.KESTREL_CHROMIUM ?? '/usr/bin/chromium'

// The machine has no network beyond its registries: Chromium must not try to reach Google at start.
const chromiumArgs = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export function chromiumAvailable(): boolean {
  return fs.existsSync(chromiumPath)
}

export interface BrowserHarness {
  kestrel: TestKestrel
  baseUrl: string
  browser: Browser
  close(): Promise<void>
}

/**
 * A Kestrel server listening on a free local port, and a headless Chromium to drive it; a test may set the
 * server's clock and configuration.
 */
export async function startBrowserHarness(
  options: { clock?: Clock; env?: NodeJS.ProcessEnv } = {},
): Promise<BrowserHarness> {
  if (!chromiumAvailable()) {
    throw new Error(`Chromium not found at ${chromiumPath}: install it with "apt-get install -y chromium"`)
  }
  const kestrel = await testKestrel(options)
  const address = await kestrel.app.listen({ port: 0, host: '127.0.0.1' })
  const browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs })
  return {
    kestrel,
    baseUrl: address,
    browser,
    async close() {
      await browser.close()
      await kestrel.close()
    },
  }
}

/** Creates an account with a known password through the users service, for logging in through the form. */
export async function createAccount(
  harness: BrowserHarness,
  roles: Role[],
): Promise<{ username: string; password: string }> {
  const username = `e2e.${roles.join('.').replace(/_/g, '')}.${Math.random().toString(36).slice(2, 7)}`
  const password = `Correct-Horse-${Math.random().toString(36).slice(2, 10)}-Battery`
  await harness.kestrel.services.accounts.create(
    { username, displayName: `E2E ${roles.join(' ')}`, roles, password },
    'e2e-setup',
  )
  return { username, password }
}

/**
 * A person's journey through the pages: every page reached is checked with axe against WCAG 2.2 A and
 * AA, and the journey fails on the first violation, naming the page and the rule.
 */
export class Journey {
  readonly visited: string[] = []
  private constructor(
    readonly context: BrowserContext,
    readonly page: Page,
    private readonly baseUrl: string,
    /** axe runs as a script in the page; a journey without JavaScript is checked in a second, scripted page. */
    private readonly checker: { context: BrowserContext; page: Page } | undefined,
  ) {}

  static async start(harness: BrowserHarness, options: { javaScript: boolean }): Promise<Journey> {
    const context = await harness.browser.newContext({ javaScriptEnabled: options.javaScript })
    const page = await context.newPage()
    let checker: { context: BrowserContext; page: Page } | undefined
    if (!options.javaScript) {
      const checkerContext = await harness.browser.newContext()
      checker = { context: checkerContext, page: await checkerContext.newPage() }
    }
    return new Journey(context, page, harness.baseUrl, checker)
  }

  async goto(path: string) {
    await this.page.goto(new URL(path, this.baseUrl).toString())
    await this.checkAccessible()
  }

  /** Call after any click or submit that lands on a new page. */
  async checkAccessible() {
    await this.page.waitForLoadState('load')
    let target = this.page
    if (this.checker) {
      // The page exactly as the script-less browser got it, scripts removed, on the same origin so its
      // stylesheets load: colour contrast and layout are checked as that user sees them.
      const html = (await this.page.content()).replace(/<script\b[^>]*>[\s\S]*?<\/script>/gi, '')
      await this.checker.page.goto(new URL('/health', this.baseUrl).toString())
      await this.checker.page.setContent(html, { waitUntil: 'load' })
      target = this.checker.page
    }
    const results = await new AxeBuilder({ page: target })
      .withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'])
      .analyze()
    const url = new URL(this.page.url()).pathname
    this.visited.push(url)
    const summary = results.violations.map(
      (v) => `${v.id} (${v.impact}): ${v.help} at ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
    )
    expect(summary, `axe violations on ${url}`).toEqual([])
  }

  /** Signs in through the form, as a person would, and lands on the home page. */
  async signIn(account: { username: string; password: string }) {
    await this.goto('/login')
    await this.page.getByLabel('Username').fill(account.username)
    await this.page.getByLabel('Password').fill(account.password)
    await this.page.getByRole('button', { name: 'Sign in' }).click()
    await this.checkAccessible()
  }

  async close() {
    await this.context.close()
    await this.checker?.context.close()
  }
}
