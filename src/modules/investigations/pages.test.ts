import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { type InvestigationsFixture, investigationsFixture, movableClock, tester } from './test-fixtures.ts'

// The pages that record the work on a case and open a new one: access, bad input that writes nothing, a
// stale version that keeps the user's entries, and the standards engine's findings on the case page.
const clock = movableClock('2018-08-01T09:00:00Z')

describe('investigation recording pages (database)', () => {
  let f: InvestigationsFixture
  let supervisor: SignedInUser
  let officer: SignedInUser
  let partner: SignedInUser
  let caseId: string
  let childId: string
  let childRef: string
  let linkId: string
  let staffId: string

  const form = (user: SignedInUser, fields: Record<string, string | string[]>) => {
    const params = new URLSearchParams()
    params.set('_csrf', user.csrfToken)
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one)
    return {
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    }
  }
  const get = (user: SignedInUser, url: string) =>
    f.kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
  const post = (user: SignedInUser, url: string, fields: Record<string, string | string[]>) =>
    f.kestrel.app.inject({ method: 'POST', url, ...form(user, fields) })
  const version = async () =>
    (await f.kestrel.services.investigations.get(caseId, forceWideReach))?.version ?? 0
  const date = (name: string, day: string, month: string, year: string, time?: string) => ({
    [`${name}-day`]: day,
    [`${name}-month`]: month,
    [`${name}-year`]: year,
    ...(time === undefined ? {} : { [`${name}-time`]: time }),
  })
  const count = async (table: 'police_protection' | 'child_protection_conference' | 'investigation') =>
    Number(
      (
        await f.kestrel.services.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    )

  beforeAll(async () => {
    f = await investigationsFixture(clock)
    const team = await f.team({ capacity: 10, cadence: 28 })
    staffId = (await f.staff(team.id, 'DS Page')).id
    supervisor = await signIn(f.kestrel, ['supervisor'], { staffId })
    officer = await signIn(f.kestrel, ['officer'], { staffId: (await f.staff(team.id, 'DC Page')).id })
    partner = await signIn(f.kestrel, ['partner'])
    const child = await f.child('Mia', '2010-03-01')
    childId = child.id
    childRef = child.ref
    const opened = await f.kestrel.services.investigations.open(
      {
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: 'Bruising seen at school',
        boroughId: f.boroughId('Camden'),
        openedAt: new Date('2018-07-25T09:00:00Z'),
        people: [{ personIdOrRef: child.id, role: 'child' }],
      },
      { ...tester, staffId },
    )
    caseId = opened.id
    linkId = (
      await f.kestrel.services.db
        .selectFrom('investigation_person')
        .select('id')
        .where('investigation_id', '=', caseId)
        .executeTakeFirstOrThrow()
    ).id
  }, 60_000)
  afterAll(() => f.kestrel.close())

  const forms = ['child-seen', 'police-protection', 'conference', 'crime', 'action']

  it('shows each form to a supervisor and an officer and refuses a partner', async () => {
    for (const url of ['/investigations/new', ...forms.map((p) => `/investigations/${caseId}/${p}`)]) {
      expect((await get(supervisor, url)).statusCode, url).toBe(200)
      expect((await get(officer, url)).statusCode, url).toBe(200)
      expect((await get(partner, url)).statusCode, url).toBe(403)
      expect((await post(partner, url, { version: '1' })).statusCode, url).toBe(403)
    }
    const page = await get(officer, `/investigations/${caseId}/police-protection`)
    expect(page.body).toContain('name="_csrf"')
    expect(page.body).toContain(`name="version" value="${await version()}"`)
    expect(page.body).toContain('Mia')
  })

  it('links each form from its tab and the opening from the list', async () => {
    expect((await get(officer, '/investigations')).body).toContain('href="/investigations/new"')
    const tabs: Record<string, string[]> = {
      '': ['crime'],
      '/people': ['child-seen', 'police-protection'],
      '/actions': ['action'],
      '/strategy': ['conference'],
    }
    for (const [tab, paths] of Object.entries(tabs)) {
      const body = (await get(officer, `/investigations/${caseId}${tab}`)).body
      for (const p of paths) expect(body, p).toContain(`/investigations/${caseId}/${p}`)
    }
  })

  it('refuses police protection ending before it began: error summary, entries kept, nothing written', async () => {
    const before = await count('police_protection')
    const v = await version()
    const res = await post(supervisor, `/investigations/${caseId}/police-protection`, {
      version: String(v),
      personId: childId,
      ...date('startedAt', '30', '7', '2018', '10:00'),
      ...date('endedAt', '29', '7', '2018', '10:00'),
      designatedOfficerName: 'Insp Shah',
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('govuk-error-summary')
    expect(res.body).toContain('The end must be after the start')
    // The summary links to the date's first box, as the GOV.UK date input asks.
    expect(res.body).toContain('href="#endedAt-day"')
    expect(res.body).toContain('value="Insp Shah"')
    expect(await count('police_protection')).toBe(before)
    expect(await version()).toBe(v)
  })

  it('refuses a conference with no date and names both missing answers', async () => {
    const before = await count('child_protection_conference')
    const res = await post(supervisor, `/investigations/${caseId}/conference`, {
      version: String(await version()),
      ...date('heldAt', '', '', '', ''),
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('govuk-error-summary')
    expect(res.body).toContain('Enter date of the conference')
    expect(res.body).toContain('Select whether the police attended')
    expect(await count('child_protection_conference')).toBe(before)
  })

  it('refuses an opening with no child, showing every mistake and writing nothing', async () => {
    const before = await count('investigation')
    const res = await post(officer, '/investigations/new', {
      caseType: 'section_47',
      strands: ['child_abuse', 'cse'],
      riskLevel: 'high',
      summary: 'Disclosure to a teacher',
      boroughId: f.boroughId('Camden'),
      ...date('openedAt', '31', '7', '2018', '09:00'),
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('Link at least one child')
    expect(res.body).toContain('Disclosure to a teacher')
    expect(await count('investigation')).toBe(before)
    // A missing date and a person who does not exist are both named at once, the row kept.
    const both = await post(officer, '/investigations/new', {
      caseType: 'section_47',
      strands: 'child_abuse',
      riskLevel: 'high',
      summary: 'Disclosure to a teacher',
      boroughId: f.boroughId('Camden'),
      'people-2-person': 'KP-NOBODY',
      'people-2-role': 'child',
    })
    expect(both.statusCode).toBe(400)
    expect(both.body).toContain('Enter date the investigation was opened')
    expect(both.body).toContain('There is no person KP-NOBODY')
    expect(both.body).toContain('href="#people-2-person"')
    expect(await count('investigation')).toBe(before)
  })

  it("lists the new investigation's errors in the order of the form's fields", async () => {
    const links = (html: string) => [...html.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])
    // Found here (a row with no reference, the date, a PAC) and by the service (the rest), listed as the
    // page shows the fields, not as they were found.
    const res = await post(officer, '/investigations/new', {
      caseType: '',
      riskLevel: 'high',
      summary: '',
      boroughId: f.boroughId('Camden'),
      ...date('openedAt', '', '7', '2018', '09:00'),
      'people-1-role': 'child',
      'people-2-person': 'KP-NOBODY',
      'people-2-role': 'child',
      pacRefs: 'PAC-NONE',
    })
    expect(res.statusCode).toBe(400)
    expect(links(res.body)).toEqual([
      '#caseType',
      '#strands',
      '#summary',
      '#openedAt-day',
      '#people',
      '#people-1-person',
      '#people-2-person',
      '#pacRefs',
    ])
    expect(res.body).toContain('Date the investigation was opened must include a day')
    // Whether the child was seen decides what else is asked: all of it is listed at once, in order.
    const seen = await post(officer, `/investigations/${caseId}/child-seen`, {
      version: String(await version()),
      seen: 'yes',
    })
    expect(seen.statusCode).toBe(400)
    expect(links(seen.body)).toEqual(['#linkId', '#seenAt-day', '#spokenTo'])
  })

  it('finds a person without JavaScript and puts them in the first empty row, writing nothing', async () => {
    const found = await post(officer, '/investigations/new', {
      summary: 'Kept',
      findPerson: childRef,
      find: 'yes',
    })
    expect(found.statusCode).toBe(200)
    expect(found.body).toContain(`value="${childRef}"`)
    expect(found.body).toContain('Kept')
    const added = await post(officer, '/investigations/new', { summary: 'Kept', add: childRef })
    expect(added.body).toMatch(new RegExp(`name="people-0-person"[^>]*value="${childRef}"`))
  })

  it('opens an investigation with a child by reference and goes to its page', async () => {
    const res = await post(officer, '/investigations/new', {
      caseType: 'referral_other',
      strands: 'child_abuse',
      riskLevel: 'medium',
      summary: 'Neglect reported by a neighbour',
      boroughId: f.boroughId('Camden'),
      ...date('openedAt', '31', '7', '2018', '14:30'),
      'people-1-person': childRef,
      'people-1-role': 'child',
    })
    expect(res.statusCode).toBe(303)
    const page = await get(officer, res.headers.location as string)
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain('Neglect reported by a neighbour')
    expect(page.body).toContain('31 Jul 2018, 14:30')
  })

  it('keeps the entries and answers 409 when someone else changed the case', async () => {
    const stale = (await version()) - 1 || 0
    await post(supervisor, `/investigations/${caseId}/crime`, {
      version: String(await version()),
      offence: 'Assault occasioning actual bodily harm',
      crimeReference: 'CR-2018-1',
    })
    const res = await post(officer, `/investigations/${caseId}/crime`, {
      version: String(stale || 1),
      offence: 'Child cruelty',
      crimeReference: 'CR-2018-2',
    })
    expect(res.statusCode).toBe(409)
    expect(res.body).toContain('Someone else changed this investigation')
    expect(res.body).toContain('value="Child cruelty"')
    expect(res.body).toContain('value="CR-2018-2"')
    const summary = await get(officer, `/investigations/${caseId}`)
    expect(summary.body).toContain('CR-2018-1')
  })

  it('records the child seen, a conference and an action, each shown on its tab', async () => {
    const seen = await post(officer, `/investigations/${caseId}/child-seen`, {
      version: String(await version()),
      linkId,
      seen: 'yes',
      ...date('seenAt', '26', '7', '2018', '11:15'),
      spokenTo: 'yes',
    })
    expect(seen.statusCode).toBe(303)
    expect(seen.headers.location).toBe(`/investigations/${caseId}/people`)
    expect((await get(officer, `/investigations/${caseId}/people`)).body).toMatch(
      /Seen 26 Jul 2018, 11:15 by [^,]+, spoken to/,
    )

    const notSeen = await post(officer, `/investigations/${caseId}/child-seen`, {
      version: String(await version()),
      linkId,
      seen: 'no',
    })
    expect(notSeen.statusCode).toBe(400)
    expect(notSeen.body).toContain('Enter why the child was not seen')

    const conference = await post(supervisor, `/investigations/${caseId}/conference`, {
      version: String(await version()),
      ...date('heldAt', '31', '7', '2018', '10:00'),
      policeAttended: 'no',
    })
    expect(conference.statusCode).toBe(303)
    expect((await get(officer, `/investigations/${caseId}/strategy`)).body).toContain('police did not attend')

    const action = await post(officer, `/investigations/${caseId}/action`, {
      version: String(await version()),
      kind: 'line_of_enquiry',
      description: 'Obtain the school’s safeguarding log',
      ownerStaffId: '',
      ...date('dueOn', '10', '8', '2018'),
    })
    expect(action.statusCode).toBe(303)
    const actions = (await get(officer, `/investigations/${caseId}/actions`)).body
    expect(actions).toContain('safeguarding log')
    expect(actions).toContain('Not directed')
    // Due on 10 August, nine days on: counted down as the custody page counts, in days past 48 hours.
    expect(actions).toContain('9 days left')
  })

  it('shows INV-09 on the case page after police protection kept past 72 hours', async () => {
    const res = await post(supervisor, `/investigations/${caseId}/police-protection`, {
      version: String(await version()),
      personId: childId,
      ...date('startedAt', '27', '7', '2018', '10:00'),
      designatedOfficerName: 'Insp Shah',
      ...date('endedAt', '31', '7', '2018', '10:00'),
    })
    expect(res.statusCode).toBe(303)
    expect(res.headers.location).toBe(`/investigations/${caseId}/people`)
    const people = (await get(officer, `/investigations/${caseId}/people`)).body
    expect(people).toContain('Insp Shah')
    const summary = (await get(officer, `/investigations/${caseId}`)).body
    expect(summary).toContain('INV-09')
    expect(summary).toContain('Police protection must end within 72 hours')
    const timeline = (await get(officer, `/investigations/${caseId}/timeline`)).body
    expect(timeline).toMatch(/Police protection of [^<]+ ended/)
    expect(timeline).toContain('Crime recorded: Assault occasioning actual bodily harm (CR-2018-1)')
    expect(timeline).toMatch(/seen by [^<]+ and spoken to/)
  })
})
