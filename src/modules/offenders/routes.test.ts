import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { loggedActions, optionsOf } from '../../../test/requests.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import type { RsoRow } from './service/records.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

// The offenders pages against the real templates: every page for an offender manager, the forms' errors in
// field order with nothing written, need to know (another BCU's manager gets 404), and the caseload page
// counted by hand with RSO-05's lines as configured.

type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')
/** J1001's RSOs: A high (visited and assessed this month), B medium, C medium (notified this month). */
let a: RsoRow
let b: RsoRow
let c: RsoRow
/** J1002's: D low, E very high; both notified in 2017 and never visited or assessed. */
let d: RsoRow
let manager: SignedInUser
let elsewhere: SignedInUser

async function user(roles: Role[], staffId: string | null = null) {
  return signIn(fx.kestrel, roles, { staffId })
}

beforeAll(async () => {
  fx = await offendersFixture(clock)
  const { offenders, organisation } = fx.kestrel.services
  a = await fx.rso('2017-01-01', { riskLevel: 'high' })
  b = await fx.rso('2017-01-01')
  c = await fx.rso('2019-06-01')
  d = await fx.rso('2017-01-01', { manager: 'J1002', riskLevel: 'low' })
  await fx.rso('2017-01-01', { manager: 'J1002', riskLevel: 'very_high' })
  await offenders.recordVisit(
    {
      rso: a.ref,
      visitedAt: new Date('2019-06-01T10:00:00Z'),
      announced: false,
      officers: 'DC J1001',
      childrenPresent: false,
    },
    keeper,
    forceWideReach,
  )
  await offenders.recordArms(
    { rso: a.ref, assessedOn: '2019-06-01', assessor: 'DC J1001', priority: 'high', keyFactors: 'Isolation' },
    keeper,
    forceWideReach,
  )
  manager = await user(['offender_manager'], fx.managers[0]?.id)
  // An offender manager of a Jigsaw team in Westminster (Central West): Lambeth is not their area.
  const force = await organisation.force()
  const westminster = await organisation.createTeam(
    force.id,
    {
      name: 'Westminster Jigsaw',
      kind: 'jigsaw',
      boroughId: fx.boroughId('Westminster'),
      bcuId: null,
      capacity: null,
      reviewCadenceDays: null,
      active: true,
    },
    'test',
  )
  const w = await organisation.createStaff(
    force.id,
    {
      staffNumber: 'W1001',
      name: 'DC W1001',
      rank: 'constable',
      role: 'Offender manager',
      teamId: westminster.id,
      startDate: '2010-01-01',
      active: true,
    },
    'test',
  )
  elsewhere = await user(['offender_manager'], w.id)
}, 120_000)
afterAll(() => fx?.kestrel.close())

const get = (who: SignedInUser, url: string) =>
  fx.kestrel.app.inject({ url, headers: { cookie: who.cookie } })

function post(who: SignedInUser, url: string, fields: Record<string, string>) {
  return fx.kestrel.app.inject({
    method: 'POST',
    url,
    headers: { cookie: who.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({ _csrf: who.csrfToken, ...fields }).toString(),
  })
}

/** The error summary's links, in order. */
function summaryLinks(html: string): string[] {
  const summary = /<div class="govuk-error-summary"[\s\S]*?<\/div>\s*<\/div>/.exec(html)?.[0] ?? ''
  return [...summary.matchAll(/href="#([^"]+)"/g)].map((m) => m[1] as string)
}

/** Rows in every RSO table and the history: a refused form changes none of them. */
async function counts() {
  const { db } = fx.kestrel.services
  const out: Record<string, number> = {}
  for (const t of [
    'rso',
    'rso_arms',
    'rso_plan',
    'rso_visit',
    'rso_notification',
    'rso_allocation',
    'rso_risk_change',
    'rso_information',
    'change_history',
  ] as const)
    out[t] = Number(
      (
        await db
          .selectFrom(t)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )
  return out
}

const day = (name: string, date: string) => {
  const [year, month, dd] = date.split('-')
  return {
    [`${name}-day`]: String(Number(dd)),
    [`${name}-month`]: String(Number(month)),
    [`${name}-year`]: year as string,
  }
}
const at = (name: string, date: string, time: string) => ({ ...day(name, date), [`${name}-time`]: time })

describe('the offenders pages for an offender manager', () => {
  it('lists the RSOs of their area, breached findings first, each linking to the RSO', async () => {
    const res = await get(manager, '/offenders')
    expect(res.statusCode).toBe(200)
    for (const r of [a, b, c, d]) expect(res.body).toContain(`/offenders/${r.id}`)
    expect(res.body).toContain('Register a sex offender')
    // C, notified this month, has nothing breached: it comes after every RSO with a breach.
    const at = (r: RsoRow) => res.body.indexOf(`/offenders/${r.id}"`)
    expect(at(c)).toBeGreaterThan(at(b))
    expect(at(c)).toBeGreaterThan(at(d))
    const filtered = await get(manager, `/offenders?manager=${fx.managers[1]?.id}&riskLevel=low`)
    expect(filtered.statusCode).toBe(200)
    expect(filtered.body).toContain(`/offenders/${d.id}`)
    expect(filtered.body).not.toContain(`/offenders/${a.id}`)
    expect(filtered.body).toContain('Showing 1 to 1 of 1 RSO.')
    // The borough filter offers the boroughs RSOs live in first; the others say they have none.
    const boroughs = optionsOf(res.body, 'borough')
    expect(boroughs.slice(0, 2)).toEqual(['Any borough', 'Lambeth'])
    expect(boroughs).toContain('Westminster (no records)')
  })

  it('logs the list read as one row naming every RSO shown', async () => {
    const { db } = fx.kestrel.services
    await get(manager, '/offenders?riskLevel=high')
    const row = await db
      .selectFrom('access_log')
      .select(['action', 'subject_kind', 'subject_id', 'detail'])
      .where('action', '=', 'list')
      .where('subject_kind', '=', 'rso')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect(row.subject_id).toBe('GET /offenders?riskLevel=high')
    expect((row.detail as { ids: string[] }).ids).toEqual([a.id])
  })

  it('downloads the filtered list as CSV and XLSX, logged as exported; a bad filter is a 400', async () => {
    const csv = await get(manager, `/offenders.csv?manager=${fx.managers[1]?.id}&riskLevel=low`)
    expect(csv.statusCode).toBe(200)
    const lines = csv.body.split('\r\n').filter(Boolean)
    expect(lines).toHaveLength(2)
    expect(lines[1]?.startsWith(`${d.ref},`)).toBe(true)
    const row = await fx.kestrel.services.db
      .selectFrom('access_log')
      .select(['detail'])
      .where('action', '=', 'export')
      .where('subject_kind', '=', 'rso')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect((row.detail as { ids: string[] }).ids).toEqual([d.id])
    expect(
      await loggedActions(
        fx.kestrel.services.db,
        `GET /offenders.csv?manager=${fx.managers[1]?.id}&riskLevel=low`,
      ),
    ).toEqual(['export'])
    expect((await get(manager, '/offenders.xlsx?riskLevel=sky-high')).statusCode).toBe(400)
  })

  it('shows the RSO page with the record, open findings and each section, and logs the read', async () => {
    const res = await get(manager, `/offenders/${a.ref}`)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain(a.ref)
    expect(res.body).toContain('RSO-03')
    for (const heading of [
      'ARMS assessments',
      'Risk level changes',
      'New information',
      'Risk management plans',
      'Visits',
      'Notifications',
      'Addresses',
      'Offender managers',
      'Offences',
      'Civil orders',
    ])
      expect(res.body).toContain(`>${heading}</h2>`)
    expect(res.body).toContain('Isolation')
    // An offender manager keeps the record but does not reallocate.
    for (const form of ['arms', 'risk', 'information', 'plans', 'visits', 'notifications'])
      expect(res.body).toContain(`href="/offenders/${a.id}/${form}"`)
    expect(res.body).not.toContain(`href="/offenders/${a.id}/allocation"`)
    const read = await fx.kestrel.services.db
      .selectFrom('access_log')
      .select(['subject_id'])
      .where('action', '=', 'read')
      .where('subject_kind', '=', 'rso')
      .orderBy('seq', 'desc')
      .executeTakeFirstOrThrow()
    expect(read.subject_id).toBe(a.id)
  })

  it('shows the action links only to those who may take them', async () => {
    const supervisor = await user(['supervisor'], fx.managers[0]?.id)
    const page = (await get(supervisor, `/offenders/${a.id}`)).body
    expect(page).toContain(`href="/offenders/${a.id}/allocation"`)
    expect(page).toContain(`href="/offenders/${a.id}/arms"`)
    const lead = await user(['force_lead'])
    const read = (await get(lead, `/offenders/${a.id}`)).body
    expect(read).toContain(`href="/offenders/${a.id}/allocation"`)
    expect(read).not.toContain(`href="/offenders/${a.id}/arms"`)
    expect((await get(lead, `/offenders/${a.id}/arms`)).statusCode).toBe(403)
    expect((await get(manager, `/offenders/${a.id}/allocation`)).statusCode).toBe(403)
    expect((await get(supervisor, `/offenders/${a.id}/allocation`)).statusCode).toBe(200)
  })

  it('renders every form', async () => {
    for (const form of ['arms', 'risk', 'information', 'plans', 'visits', 'notifications']) {
      const res = await get(manager, `/offenders/${a.id}/${form}`)
      expect(res.statusCode, form).toBe(200)
      expect(res.body, form).toContain(`action="/offenders/${a.id}/${form}"`)
    }
    const register = await get(manager, '/offenders/new')
    expect(register.statusCode).toBe(200)
    expect(register.body).toContain('action="/offenders"')
  })

  it('records an assessment through the form and goes back to the RSO page', async () => {
    const res = await post(manager, `/offenders/${b.id}/arms`, {
      ...day('assessedOn', '2019-06-14'),
      assessor: 'DC Form',
      priority: 'medium',
      keyFactors: 'Recorded through the form',
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/offenders/${b.id}#arms`)
    expect((await get(manager, `/offenders/${b.id}`)).body).toContain('Recorded through the form')
  })

  it('registers an RSO through the form', async () => {
    const person = await fx.person()
    const res = await post(manager, '/offenders', {
      person: person.ref,
      notificationBasis: 'caution',
      ...day('notificationStart', '2019-05-01'),
      mappaCategory: '1',
      mappaLevel: '2',
      riskLevel: 'low',
      status: 'active',
      address: '1 Form Street',
      borough: fx.boroughId('Lambeth'),
      manager: 'J1002',
      offence: 'Exposure',
      ...day('offenceConvictedOn', '2019-04-01'),
      offenceCourt: 'Camberwell Green',
    })
    expect(res.statusCode).toBe(303)
    const page = await get(manager, res.headers.location as string)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('1 Form Street')
    expect(page.body).toContain('Camberwell Green')
  })
})

describe('bad input on the forms: the error summary in field order, nothing written', () => {
  it('the register form, checked by the form', async () => {
    const before = await counts()
    const res = await post(manager, '/offenders', {
      person: '',
      ...day('notificationStart', '2019-02-30'),
      address: '',
      status: 'active',
      borough: '',
    })
    expect(res.statusCode).toBe(400)
    expect(summaryLinks(res.body)).toEqual([
      'person',
      'notificationBasis',
      'notificationStart-day',
      'mappaCategory',
      'mappaLevel',
      'riskLevel',
      'address',
      'borough',
    ])
    expect(res.body).toContain('Enter the person’s reference in the person index')
    expect(await counts()).toEqual(before)
  })

  it('the register form, refused by the service: a future start and a manager outside Jigsaw', async () => {
    const person = await fx.person()
    const before = await counts()
    const res = await post(manager, '/offenders', {
      person: person.ref,
      notificationBasis: 'conviction',
      ...day('notificationStart', '2019-07-01'),
      mappaCategory: '1',
      mappaLevel: '1',
      riskLevel: 'medium',
      status: 'active',
      address: '2 Form Street',
      borough: fx.boroughId('Lambeth'),
      manager: 'R1001',
      offence: 'Exposure',
    })
    expect(res.statusCode).toBe(400)
    // The offence half given is caught first, by the page; the rest by the service once it is whole.
    expect(summaryLinks(res.body)).toEqual(['offenceConvictedOn-day', 'offenceCourt'])
    const whole = await post(manager, '/offenders', {
      person: person.ref,
      notificationBasis: 'conviction',
      ...day('notificationStart', '2019-07-01'),
      mappaCategory: '1',
      mappaLevel: '1',
      riskLevel: 'medium',
      status: 'active',
      address: '2 Form Street',
      borough: fx.boroughId('Lambeth'),
      manager: 'R1001',
    })
    expect(whole.statusCode).toBe(400)
    expect(summaryLinks(whole.body)).toEqual(['notificationStart-day', 'manager'])
    expect(whole.body).toContain('Date the notification period started must not be in the future')
    expect(whole.body).toContain('DC R1001 (R1001) is not in an offender management (Jigsaw) team')
    // What was typed is kept.
    expect(whole.body).toContain('2 Form Street</textarea>')
    expect(await counts()).toEqual(before)
  })

  it('an ARMS assessment with nothing given', async () => {
    const before = await counts()
    const res = await post(manager, `/offenders/${a.id}/arms`, {})
    expect(res.statusCode).toBe(400)
    expect(summaryLinks(res.body)).toEqual(['assessedOn-day', 'assessor', 'priority', 'keyFactors'])
    expect(await counts()).toEqual(before)
  })

  it('a visit before the RSO’s notification began, and a time that is not one', async () => {
    const before = await counts()
    const early = await post(manager, `/offenders/${c.id}/visits`, {
      ...at('visitedAt', '2019-05-20', '10:00'),
      announced: 'yes',
      officers: 'DC J1001',
      childrenPresent: 'no',
    })
    expect(early.statusCode).toBe(400)
    expect(summaryLinks(early.body)).toEqual(['visitedAt-day'])
    expect(early.body).toContain(`A visit must not be before ${c.ref}’s notification began (2019-06-01)`)
    const wrong = await post(manager, `/offenders/${c.id}/visits`, {
      ...at('visitedAt', '2019-06-10', '25:00'),
      officers: '',
    })
    expect(wrong.statusCode).toBe(400)
    expect(summaryLinks(wrong.body)).toEqual(['visitedAt-time', 'announced', 'officers', 'childrenPresent'])
    expect(await counts()).toEqual(before)
  })

  it('a plan with a second action half given', async () => {
    const before = await counts()
    const res = await post(manager, `/offenders/${a.id}/plans`, {
      ...at('agreedAt', '2019-06-10', '10:00'),
      author: 'DC J1001',
      riskLevel: 'high',
      action1: 'Visit monthly',
      owner1: 'DC J1001',
      ...day('due1', '2019-07-10'),
      action2: 'Check devices',
    })
    expect(res.statusCode).toBe(400)
    expect(summaryLinks(res.body)).toEqual(['owner2', 'due2-day'])
    expect(await counts()).toEqual(before)
  })

  it('a reallocation to someone not in an offender management team', async () => {
    const supervisor = await user(['supervisor'], fx.managers[0]?.id)
    const before = await counts()
    const res = await post(supervisor, `/offenders/${b.id}/allocation`, {
      manager: 'R1001',
      ...at('at', '2019-06-15', '09:00'),
      reason: '',
    })
    expect(res.statusCode).toBe(400)
    expect(summaryLinks(res.body)).toEqual(['reason'])
    const again = await post(supervisor, `/offenders/${b.id}/allocation`, {
      manager: 'R1001',
      ...at('at', '2019-06-15', '09:00'),
      reason: 'Balancing',
    })
    expect(again.statusCode).toBe(400)
    expect(summaryLinks(again.body)).toEqual(['manager'])
    expect(await counts()).toEqual(before)
  })
})

describe('need to know', () => {
  it('another BCU’s offender manager gets 404 on the RSO page and its forms, and writes nothing', async () => {
    for (const url of [`/offenders/${a.id}`, `/offenders/${a.ref}`, `/offenders/${a.id}/arms`])
      expect((await get(elsewhere, url)).statusCode, url).toBe(404)
    const before = await counts()
    const res = await post(elsewhere, `/offenders/${a.id}/arms`, {
      ...day('assessedOn', '2019-06-14'),
      assessor: 'DC W1001',
      priority: 'low',
      keyFactors: 'Not theirs',
    })
    expect(res.statusCode).toBe(404)
    expect(await counts()).toEqual(before)
    const list = await get(elsewhere, '/offenders')
    expect(list.statusCode).toBe(200)
    expect(list.body).not.toContain(a.ref)
    expect(list.body).toContain('No RSOs match.')
  })

  it('a neighbourhood officer may not use the pages at all', async () => {
    const officer = await user(['officer'], fx.officer.id)
    for (const url of ['/offenders', `/offenders/${a.id}`, '/offenders/caseloads'])
      expect((await get(officer, url)).statusCode, url).toBe(403)
  })

  it('a record form for an RSO that does not exist is a 404, as for one out of reach', async () => {
    const res = await post(manager, '/offenders/RSO-999999/arms', {
      ...day('assessedOn', '2019-06-14'),
      assessor: 'DC J1001',
      priority: 'low',
      keyFactors: 'Nobody',
    })
    expect(res.statusCode).toBe(404)
  })
})

describe('the caseload page, counted by hand', () => {
  /** The caseload row of a manager: its cells' numbers and its mark against the lines. */
  function row(html: string, staffNumber: string) {
    const tr = new RegExp(
      `<tr class="govuk-table__row" data-staff-number="${staffNumber}">([\\s\\S]*?)</tr>`,
    ).exec(html)?.[1]
    if (!tr) return undefined
    return {
      numbers: [...tr.matchAll(/govuk-table__cell--numeric">(\d+)</g)].map((m) => Number(m[1])),
      mark: /govuk-tag[^"]*">([^<]+)</.exec(tr)?.[1] ?? null,
    }
  }

  it('counts each manager’s active RSOs by risk level and their overdue work', async () => {
    const res = await get(manager, '/offenders/caseloads')
    expect(res.statusCode).toBe(200)
    // Columns: active, low, medium, high, very high, visits due, visits overdue, ARMS out of date, plans.
    // J1001: A (high; visited and assessed 1 June: next visit due, plan owed), B (medium; never visited or
    // assessed; an ARMS recorded through the form on 14 June owes a plan), C (medium; notified 1 June:
    // first visit due), and an RSO registered through the form is J1002's.
    expect(row(res.body, 'J1001')).toEqual({ numbers: [3, 0, 2, 1, 0, 2, 1, 0, 2], mark: null })
    // J1002: D (low), E (very high), both overdue a visit and an ARMS; the one registered through the form
    // (low, notified 1 May 2019: its first visit and ARMS not yet due).
    expect(row(res.body, 'J1002')).toEqual({ numbers: [3, 2, 0, 0, 1, 1, 2, 2, 0], mark: null })
    expect(res.body).toContain('<strong id="warn-line">50</strong>')
    expect(res.body).toContain('<strong id="breach-line">100</strong>')
  })

  it('marks the managers over the lines as RSO-05 is configured, not by its defaults', async () => {
    const { standards } = fx.kestrel.services
    // Each decision a minute after the last, so the latest is in force (they are all set at one instant).
    let decisions = 0
    const set = (name: string, value: number) =>
      standards.parameters.set({
        ruleId: 'RSO-05',
        name,
        boroughId: null,
        value,
        effectiveFrom: new Date(Date.parse('2019-01-01T00:00:00Z') + ++decisions * 60_000),
        reason: 'Test of the caseload lines',
        setBy: 'test',
      })
    await set('warnAbove', 2)
    await set('breachAbove', 4)
    let res = await get(manager, '/offenders/caseloads')
    expect(res.body).toContain('<strong id="warn-line">2</strong>')
    expect(row(res.body, 'J1001')?.mark).toBe('Over the warning line')
    expect(row(res.body, 'J1002')?.mark).toBe('Over the warning line')
    await set('breachAbove', 2)
    res = await get(manager, '/offenders/caseloads')
    expect(row(res.body, 'J1001')?.mark).toBe('Over the breach line')
    await set('warnAbove', 50)
    await set('breachAbove', 100)
    res = await get(manager, '/offenders/caseloads')
    expect(row(res.body, 'J1001')?.mark).toBeNull()
  })

  it('shows one manager’s caseload with their RSOs (RSO-05’s link)', async () => {
    const res = await get(manager, `/offenders/caseloads?manager=${fx.managers[1]?.id}`)
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain('Caseload of DC J1002')
    expect(res.body).toContain(`/offenders/${d.id}`)
    expect(res.body).not.toContain(`/offenders/${a.id}"`)
    expect(row(res.body, 'J1001')).toBeUndefined()
    // Their RSOs download through the RSO list's export, with the manager and status as filters.
    const href = res.body.match(/href="(\/offenders\.csv\?[^"]+)"/)?.[1]?.replaceAll('&amp;', '&')
    expect(href).toBe(`/offenders.csv?manager=${fx.managers[1]?.id}&status=active`)
    const csv = await get(manager, href as string)
    const refs = csv.body
      .split('\r\n')
      .filter(Boolean)
      .map((l) => l.split(',')[0])
    // The RSOs the page lists under "Their active RSOs", every one, and no other manager's.
    const theirs = res.body.slice(res.body.indexOf('Their active RSOs')).match(/RSO-\d{6}/g) ?? []
    expect(refs).toEqual(['RSO', ...new Set(theirs)])
    expect(refs).toContain(d.ref)
    expect(refs).not.toContain(a.ref)
  })

  it('filters by team and BCU, and refuses a filter that is not an id', async () => {
    const { organisation } = fx.kestrel.services
    const bcus = await organisation.bcus((await organisation.force()).id)
    const west = bcus.find((x) => x.name === 'Central West')?.id
    const none = await get(manager, `/offenders/caseloads?bcu=${west}`)
    expect(none.statusCode).toBe(200)
    expect(row(none.body, 'J1001')).toBeUndefined()
    // The Lambeth Jigsaw team is a borough's team: it is in the BCU that holds Lambeth today.
    const { rows } = await sql<{ bcu_id: string }>`select bcu_id from borough_bcu
      where borough_id = ${fx.boroughId('Lambeth')} and effective_to is null`.execute(fx.kestrel.services.db)
    const own = await get(manager, `/offenders/caseloads?bcu=${rows[0]?.bcu_id}`)
    expect(row(own.body, 'J1001')).toBeDefined()
    // The BCU filter offers the BCUs with caseloads first, the one chosen selected; the others say they have none.
    const bcuOptions = optionsOf(own.body, 'bcu')
    expect(bcuOptions.slice(0, 2)).toEqual(['Any BCU', bcus.find((x) => x.id === rows[0]?.bcu_id)?.name])
    expect(own.body).toMatch(new RegExp(`<option value="${rows[0]?.bcu_id}" selected>`))
    expect(bcuOptions).toContain('Central West (no records)')
    const team = await get(manager, `/offenders/caseloads?team=${fx.jigsaw.id}`)
    expect(row(team.body, 'J1001')).toBeDefined()
    expect((await get(manager, '/offenders/caseloads?manager=nobody')).statusCode).toBe(400)
    expect(
      (await get(manager, '/offenders/caseloads?manager=00000000-0000-4000-8000-000000000000')).statusCode,
    ).toBe(404)
    expect((await get(manager, '/offenders?riskLevel=extreme')).statusCode).toBe(400)
  })

  it('another BCU’s manager sees none of this BCU’s caseloads', async () => {
    const res = await get(elsewhere, '/offenders/caseloads')
    expect(res.statusCode).toBe(200)
    expect(row(res.body, 'J1001')).toBeUndefined()
  })
})
