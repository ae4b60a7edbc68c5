import { sql } from 'kysely'
import type { BrowserContext, Page, Response } from 'playwright-core'
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest'
import { setUpForce } from '../../src/force-setup.ts'
import { seedGenerators } from '../../src/modules.ts'
import { type Role, roles } from '../../src/platform/access/roles.ts'
import { sessionCookie } from '../../src/platform/http/app.ts'
import { refreshStatistics, runSeed } from '../../src/platform/seed/seeder.ts'
import { type BrowserHarness, startBrowserHarness } from './browser.ts'

// Every form each role can reach answers. A hang detector, not a speed test: on the embedded database a
// query on the outer handle inside a transaction once left a custody officer's first save without an answer
// for ever, and nothing but a person pressing the button found it. Here each role signs in, walks the pages
// linked from the menu and from the first record of each list, and submits every distinct form once, filled
// with plausible values where that is easy; each submission must answer (status below 500, a page loads)
// within the limit, and a refused one (400) must say why in the error summary.

/** Long enough for any honest answer on a busy 2-core machine; a hang never answers at all. */
const answerLimitMs = 30_000
/** Distinct pages (by path, ids taken out) each role walks. */
const pageCap = 60

// A small demo force: one BCU, a few hundred records of each kind (`kestrel serve --demo` is ten times as
// large and takes a minute and a half to seed on 2 cores).
const fixtureScale = 0.01

// Each account is a staff member of the team that role works in, as `kestrel serve --demo` links them, so
// area, "My work" and custody suites show that role's own view.
const teamOf: Record<Exclude<Role, 'admin'>, string> = {
  officer: 'cait',
  supervisor: 'cait',
  mash: 'mash',
  missing_persons_unit: 'missing_persons_unit',
  custody: 'custody_suite',
  offender_manager: 'jigsaw',
  online_csae: 'online_csae',
  dit_auditor: 'dit',
  bcu_lead: 'command',
  force_lead: 'command',
  partner: 'mash',
}

// The administrator last: its forms reshape the organisation (a borough moved to another BCU, a user's
// roles) that every other role's reach is read from.
const roleOrder: Role[] = [...roles.filter((r) => r !== 'admin'), 'admin']

/** Forms not submitted, and why. Everything else that a role reaches is. */
const notSubmitted: { key: RegExp; why: string }[] = [
  {
    key: /^POST \/logout$/,
    why: 'ends the session the rest of the walk needs (the sign-out journey is tested)',
  },
  {
    key: /^POST \/login$/,
    why: 'the sign-in form, shown only to the signed out (the foundation journey submits it)',
  },
  {
    key: /^POST \/admin\/users\/:id\/reset-password$/,
    why: 'destructive: replaces an account’s password, perhaps one this test signs in with',
  },
  { key: /^POST \/admin\/api-tokens\/:id\/revoke$/, why: 'destructive: revokes a token for good' },
]

/** The forms that hung before the fix: each must be submitted, and must save. */
const mustSave: Partial<Record<Role, string[]>> = {
  custody: ['POST /custody/detentions', 'POST /custody/detentions/:id/events'],
}

const uuid = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi

/** A path with its ids taken out: the same page or form for any record. */
function pathPattern(pathname: string): string {
  return (
    pathname
      .replace(uuid, ':id')
      .replace(/\/\d+(?=\/|$)/g, '/:n')
      // A rule parameter's form, one per rule and parameter: one form.
      .replace(/^\/admin\/rule-parameters\/[^/]+\/[^/]+$/, '/admin/rule-parameters/:rule/:parameter')
  )
}

interface Account {
  role: Role
  userId: string
}

interface Submission {
  key: string
  from: string
  statuses: number[]
  ms: number
  outcome: 'saved' | 'refused' | 'answered' | 'failed'
  detail: string
  /** The method of the last page loaded: a GET can be loaded again, to walk on from it. */
  lastMethod: string
}

interface PageScan {
  links: string[]
  forms: { method: string; action: string }[]
}

describe('every form answers, for every role (embedded database unless KESTREL_TEST_DB says otherwise)', () => {
  let harness: BrowserHarness
  let accounts: Map<Role, Account>
  let fieldValues: Record<string, string>
  const report = new Map<Role, string>()

  beforeAll(async () => {
    harness = await startBrowserHarness()
    const { services } = harness.kestrel
    // Set up as a force's first start sets it up, so the demo's recommendation plan finds its recommendations.
    await setUpForce(services.db)
    await runSeed(services.imports, seedGenerators, {
      scale: fixtureScale,
      seed: 2018,
      until: services.clock.now(),
      refresh: () => refreshStatistics(services.db),
    })
    accounts = new Map()
    for (const role of roleOrder) {
      const teamKind = role === 'admin' ? undefined : teamOf[role]
      const { rows } = teamKind
        ? await sql<{ id: string }>`
            select s.id from staff s join team t on t.id = s.team_id
            where t.kind = ${teamKind} and s.active order by s.staff_number limit 1`.execute(services.db)
        : { rows: [] }
      const username = `every-form.${role}`
      const { account } = await services.accounts.create(
        { username, displayName: `Every form: ${role}`, roles: [role], staffId: rows[0]?.id ?? null },
        'e2e-setup',
      )
      accounts.set(role, { role, userId: account.id })
    }
    // References a form asks for by name: a child's, another person's; a journey that starts from a child
    // finds them by the reference typed into its search (q).
    const people = await sql<{ ref: string }>`select ref from person order by ref limit 2`.execute(
      services.db,
    )
    const child = people.rows[0]?.ref ?? ''
    // A detention's PAC held in another system: a reference must have a digit, and the walk's own text
    // ("Every form" and a random stamp) has one only when the stamp happens to (about six runs in seven).
    // A custody event the walk records is a search, which any detention may have again: the first it reaches
    // is now a demo detention from the suite's work, which already has its one arrival.
    fieldValues = {
      child,
      q: child,
      otherRef: people.rows[1]?.ref ?? '',
      pacRef: 'MERLIN/2018/1',
      kind: 'search',
    }
  }, 300_000)

  afterAll(async () => {
    console.log(
      `Every form, by role:\n${roleOrder.map((r) => `  ${report.get(r) ?? `${r}: not run`}`).join('\n')}`,
    )
    await harness?.close()
  })

  // The roles but the administrator walk side by side: the server answers one at a time on the embedded
  // database, and a form that waits behind another role's is still far inside the limit.
  describe.concurrent('side by side', () => {
    for (const role of roleOrder.filter((r) => r !== 'admin')) {
      it(`answers every form ${role} reaches`, ({ expect }) => checkRole(role, expect), 600_000)
    }
  })
  it('answers every form admin reaches', ({ expect }) => checkRole('admin', expect), 600_000)

  async function checkRole(role: Role, expect: ExpectStatic) {
    const account = accounts.get(role) as Account
    const context = await harness.browser.newContext({ javaScriptEnabled: false })
    try {
      // Stylesheets, fonts and images change no answer: the walk asks only for pages.
      await context.route(/\/assets\//, (route) => route.abort())
      const page = await context.newPage()
      page.setDefaultTimeout(answerLimitMs)
      await signIn(context, harness, account)
      await page.goto(harness.baseUrl)
      expect(new URL(page.url()).pathname, `${role} is signed in`).toBe('/')
      const { submissions, pages, skipped } = await walk(page, harness.baseUrl, fieldValues)
      const count = (outcome: Submission['outcome']) =>
        submissions.filter((s) => s.outcome === outcome).length
      report.set(
        role,
        `${role}: ${submissions.length} forms submitted (${count('saved')} saved, ${count('refused')} refused, ${count('answered')} answered, ${count('failed')} failed) from ${pages} pages; ${skipped.length} not submitted`,
      )
      console.log(
        [
          `${role}: ${submissions.length} forms submitted from ${pages} pages`,
          ...submissions.map(
            (s) =>
              `  ${s.outcome.padEnd(8)} ${s.key} [${s.statuses.join(' → ')}] ${s.ms} ms${s.detail ? ` ${s.detail}` : ''}`,
          ),
          ...skipped.map((s) => `  skipped  ${s}`),
        ].join('\n'),
      )
      expect(
        submissions
          .filter((s) => s.outcome === 'failed')
          .map((s) => `${s.key} (from ${s.from}): ${s.detail}`),
      ).toEqual([])
      for (const key of mustSave[role] ?? []) {
        const submission = submissions.find((s) => s.key === key)
        expect(submission, `${role} reaches ${key}`).toBeDefined()
        expect(`${key}: ${submission?.outcome} ${submission?.detail}`).toBe(`${key}: saved `)
      }
    } finally {
      await context.close()
    }
  }
})

/**
 * A live session for the account, put in the browser's cookie jar. Not the sign-in form: it admits ten
 * attempts from one address in five minutes, fewer than the roles (the form has its own journey test).
 */
async function signIn(context: BrowserContext, harness: BrowserHarness, account: Account) {
  const session = await harness.kestrel.services.sessions.create(account.userId, {})
  await context.addCookies([{ name: sessionCookie, value: session.token, url: harness.baseUrl }])
}

/**
 * Breadth first from the home page: each page (by path pattern) once, up to the cap; each form (by method
 * and action pattern) submitted once, from a fresh load of the page it was found on. A page a submission
 * lands on is walked too, so forms behind a form are reached (a new detention, then its events).
 */
async function walk(page: Page, baseUrl: string, values: Record<string, string>) {
  const origin = new URL(baseUrl).origin
  const queue: string[] = ['/']
  const seenPages = new Set<string>()
  const seenForms = new Set<string>()
  const submissions: Submission[] = []
  const skipped: string[] = []
  let pages = 0

  /** Walks on from the page at `url`, which is the page loaded now. */
  const take = async (url: string, scan: PageScan) => {
    let loaded = true
    for (const link of scan.links) {
      const target = new URL(link, url)
      if (target.origin !== origin || !walkable(target.pathname)) continue
      if (!seenPages.has(pathPattern(target.pathname))) queue.push(target.pathname + target.search)
    }
    for (const form of scan.forms) {
      const key = formKey(form, url)
      if (seenForms.has(key)) continue
      seenForms.add(key)
      const reason = notSubmitted.find((n) => n.key.test(key))
      if (reason) {
        skipped.push(`${key}: ${reason.why}`)
        continue
      }
      // Loaded afresh after a submission (a new CSRF token and record version), which may have changed it.
      if (!loaded) await page.goto(url)
      loaded = false
      const index = (await scanPage(page)).forms.findIndex((f) => formKey(f, url) === key)
      if (index < 0) {
        skipped.push(`${key}: gone from ${new URL(url).pathname} after an earlier submission`)
        continue
      }
      const submission = await submit(page, index, key, url, values)
      submissions.push(submission)
      // The page a submission leads to, if it can be loaded again, may hold the next step's forms.
      if (submission.outcome !== 'failed' && submission.lastMethod === 'GET') {
        const landed = page.url()
        if (new URL(landed).origin === origin && walkable(new URL(landed).pathname)) {
          await take(landed, await scanPage(page))
        }
      }
    }
  }

  while (queue.length > 0 && pages < pageCap) {
    const path = queue.shift() as string
    const pattern = pathPattern(new URL(path, baseUrl).pathname)
    if (seenPages.has(pattern)) continue
    seenPages.add(pattern)
    const response = await page.goto(new URL(path, baseUrl).toString())
    pages++
    if (!response || response.status() >= 400) continue
    await take(page.url(), await scanPage(page))
  }
  return { submissions, pages, skipped }
}

function formKey(form: { method: string; action: string }, pageUrl: string): string {
  return `${form.method.toUpperCase()} ${pathPattern(new URL(form.action, pageUrl).pathname)}`
}

/** Pages worth walking: not sign-out, sign-in, the API, assets or the machine endpoints. */
function walkable(pathname: string): boolean {
  return !/^\/(logout|login|oidc|api|assets|health|metrics)(\/|$)/.test(pathname)
}

// The page's DOM as far as the functions run in it use it: the project's TypeScript has no DOM library.
interface InPageField {
  tagName: string
  name: string
  type: string
  value: string
  checked: boolean
  disabled: boolean
  readOnly: boolean
  inputMode: string
  options?: ArrayLike<{ value: string }>
}
interface InPageForm {
  method: string
  action: string
  noValidate: boolean
  elements: ArrayLike<InPageField>
  querySelector(selector: string): unknown
  requestSubmit(submitter?: unknown): void
}
declare const document: {
  forms: ArrayLike<InPageForm>
  querySelectorAll(selector: string): ArrayLike<{ href: string }>
}

async function scanPage(page: Page): Promise<PageScan> {
  return page.evaluate(() => ({
    // A download (a CSV or XLSX export) is a file, not a page to walk: the browser would not load it.
    links: Array.from(document.querySelectorAll('a[href]:not([download])'), (a) => a.href),
    forms: Array.from(document.forms, (f) => ({ method: f.method, action: f.action })),
  }))
}

/**
 * Fills the form's empty fields with plausible values (a field's own default, like a pre-filled time,
 * stays), submits it with its first button and waits for the answer. Browser validation is off, as a
 * server-side form must answer whatever it is sent.
 */
async function submit(
  page: Page,
  index: number,
  key: string,
  from: string,
  values: Record<string, string>,
): Promise<Submission> {
  const yesterday = new Date(Date.now() - 86_400_000)
  const childBirth = new Date(Date.now() - 10 * 365 * 86_400_000)
  const dates = {
    any: dateParts(yesterday),
    birth: dateParts(childBirth),
  }
  const statuses: number[] = []
  let lastMethod = ''
  const onResponse = (response: Response) => {
    if (response.frame() !== page.mainFrame() || !response.request().isNavigationRequest()) return
    statuses.push(response.status())
    lastMethod = response.request().method()
  }
  page.on('response', onResponse)
  const started = performance.now()
  const result = (outcome: Submission['outcome'], detail = '') => ({
    key,
    from: new URL(from).pathname,
    statuses,
    ms: Math.round(performance.now() - started),
    outcome,
    detail,
    lastMethod,
  })
  try {
    const landed = page.waitForEvent('framenavigated', {
      predicate: (frame) => frame === page.mainFrame(),
      timeout: answerLimitMs,
    })
    await page.evaluate(fillAndSubmit, {
      index,
      values,
      dates,
      stamp: Math.random().toString(36).slice(2, 8),
    })
    await landed
    await page.waitForLoadState('load', { timeout: answerLimitMs })
  } catch (error) {
    return result(
      'failed',
      `no answer within ${answerLimitMs / 1000} s (${(error as Error).message.split('\n')[0]})`,
    )
  } finally {
    page.off('response', onResponse)
  }
  const last = statuses.at(-1) ?? 0
  if (statuses.some((s) => s >= 500)) return result('failed', `answered ${statuses.join(' → ')}`)
  const errorSummary = await page.locator('.govuk-error-summary').count()
  if (last === 400) {
    const why = (await page.locator('.govuk-error-summary__list').textContent())?.replace(/\s+/g, ' ').trim()
    return errorSummary
      ? result('refused', why ?? '')
      : result('failed', 'refused (400) without the error summary that says why')
  }
  if (last >= 400) return result('refused', (await page.locator('h1').first().textContent())?.trim() ?? '')
  return result(statuses[0] !== undefined && statuses[0] >= 300 && statuses[0] < 400 ? 'saved' : 'answered')
}

function dateParts(date: Date) {
  return {
    day: String(date.getUTCDate()),
    month: String(date.getUTCMonth() + 1),
    year: String(date.getUTCFullYear()),
  }
}

/** Runs in the page: fills the form's empty fields and submits it with its first submit button. */
function fillAndSubmit(input: {
  index: number
  values: Record<string, string>
  dates: Record<'any' | 'birth', { day: string; month: string; year: string }>
  stamp: string
}) {
  const form = document.forms[input.index] as InPageForm
  form.noValidate = true
  const fields = Array.from(form.elements)
  const submitter = form.querySelector('button:not([type=button]), input[type=submit]') ?? undefined
  // A search, a filter or a choice of the next step (a custody event's kind): a name to look for and a
  // choice made, dates left empty, so records come back rather than none.
  if (form.method === 'get') {
    // A search for a person by name and date of birth (a journey's "find the child" step, the people
    // search) is given the child's reference, which names them, so the journey's form behind it is reached.
    const findsAPerson = fields.some((f) => f.name === 'dob-day')
    for (const field of fields) {
      if (field.name === 'q' && !field.value) field.value = (findsAPerson ? input.values.q : undefined) ?? 'a'
      // A choice the walk names (a custody event's kind) when the list offers it, else the first.
      const options = Array.from(field.options ?? []).filter((o) => o.value)
      const option = options.find((o) => o.value === input.values[field.name]) ?? options[0]
      if (field.tagName === 'SELECT' && !field.value && option) field.value = option.value
    }
    form.requestSubmit(submitter)
    return
  }
  const radioGroups = new Set<string>()
  for (const field of fields) {
    const name = field.name
    if (!name || name === '_csrf' || field.disabled || field.readOnly) continue
    if (field.tagName === 'SELECT') {
      const option = Array.from(field.options ?? []).find((o) => o.value)
      if (!field.value && option) field.value = option.value
      continue
    }
    if (field.tagName === 'TEXTAREA') {
      if (!field.value) field.value = input.values[name] ?? 'Recorded by the every-form browser test.'
      continue
    }
    if (field.tagName !== 'INPUT') continue
    if (field.type === 'radio') {
      if (radioGroups.has(name)) continue
      radioGroups.add(name)
      const group = fields.filter((f) => f.type === 'radio' && f.name === name)
      if (!group.some((r) => r.checked) && group[0]) group[0].checked = true
      continue
    }
    if (!['text', 'email', 'number', 'tel', 'search', 'url', 'date', 'time'].includes(field.type)) continue
    if (field.value) continue
    const part = /^(.*)-(day|month|year)$/.exec(name)
    if (name in input.values) field.value = input.values[name] as string
    else if (part) {
      // An end date left empty is still open; a birth date is a child's.
      if (/^(to|end|until|expires)/i.test(part[1] as string)) continue
      const dates = /birth|dob/i.test(part[1] as string) ? input.dates.birth : input.dates.any
      field.value = dates[part[2] as 'day' | 'month' | 'year']
    } else if (/time$/i.test(name)) field.value = '12:00'
    else if (/estimated/i.test(name)) continue
    else if (field.type === 'email' || /email/i.test(name))
      field.value = `every-form-${input.stamp}@example.org`
    else if (/username/i.test(name)) field.value = `every.form.${input.stamp}`
    else if (/postcode/i.test(name)) field.value = 'SW1A 1AA'
    else if (
      field.type === 'number' ||
      field.inputMode === 'numeric' ||
      /(hours|days|count|capacity|number)$/i.test(name)
    )
      field.value = '2'
    else field.value = `Every form ${input.stamp}`
  }
  form.requestSubmit(submitter)
}
