import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { custodyFixture, ev, movableClock } from './test-fixtures.ts'

const clock = movableClock('2018-08-01T20:00:00Z')
let fx: Awaited<ReturnType<typeof custodyFixture>>
let detentionId: string
let version: number

beforeAll(async () => {
  fx = await custodyFixture(clock)
  const d = await fx.detention('2018-08-01T12:00:00Z', [
    ev('arrived', '2018-08-01T12:30:00Z'),
    ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
    ev('aa_contacted', '2018-08-01T13:05:00Z', { personName: 'Mother', aaRelationship: 'parent' }),
  ])
  detentionId = d.id
  version = d.version
})
afterAll(async () => {
  await fx?.kestrel.close()
})

async function staffIn(teamId: string, staffNumber: string) {
  const force = await fx.kestrel.services.organisation.force()
  return fx.kestrel.services.organisation.createStaff(
    force.id,
    {
      staffNumber,
      name: `Officer ${staffNumber}`,
      rank: 'sergeant',
      role: 'Custody sergeant',
      teamId,
      startDate: '2015-01-01',
      active: true,
    },
    'test',
  )
}

describe('custody pages', () => {
  it('shows the live timeline with the next deadline counting down', async () => {
    const admin = await signIn(fx.kestrel, ['admin'])
    const res = await fx.kestrel.app.inject({
      url: `/custody/detentions/${detentionId}`,
      headers: { cookie: admin.cookie },
    })
    expect(res.statusCode).toBe(200)
    // First review was due at 19:00Z (6 h after 13:00Z); at 20:00Z it is an hour overdue.
    expect(res.body).toContain('Next detention review due')
    expect(res.body).toContain('Overdue by 1 h 00 min')
    expect(res.body).toContain('Waiting 7 h 00 min')
    expect(res.body).toContain('CUS-04')
    expect(res.body).toContain('moj-timeline')
    // The record's open findings count down (or say how late they are) as the queues do.
    const findings = res.body.slice(res.body.indexOf('id="findings-heading"'))
    expect(findings).toMatch(/govuk-tag--red">Overdue by \d+ h \d\d min</)
  })

  it('lists the child on the inspector’s view', async () => {
    const admin = await signIn(fx.kestrel, ['admin'])
    const res = await fx.kestrel.app.inject({ url: '/custody', headers: { cookie: admin.cookie } })
    expect(res.statusCode).toBe(200)
    expect(res.body).toContain(`/custody/detentions/${detentionId}`)
    expect(res.body).toContain('Brixton custody suite')
  })

  it('records an event through the form and refuses one out of order, naming the field', async () => {
    const user = await signIn(fx.kestrel, ['admin'])
    const form = await fx.kestrel.app.inject({
      url: `/custody/detentions/${detentionId}/events/new?kind=review`,
      headers: { cookie: user.cookie },
    })
    expect(form.statusCode).toBe(200)
    const post = (fields: Record<string, string>) =>
      fx.kestrel.app.inject({
        method: 'POST',
        url: `/custody/detentions/${detentionId}/events`,
        headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: user.csrfToken,
          version: String(version),
          ...fields,
        }).toString(),
      })
    // A review at 12:30 London time (11:30Z) is before detention was authorised.
    const early = await post({
      kind: 'review',
      'at-day': '1',
      'at-month': '8',
      'at-year': '2018',
      'at-time': '12:30',
      officerName: 'Insp R',
      officerRank: 'inspector',
      inPerson: 'yes',
    })
    expect(early.statusCode).toBe(400)
    expect(early.body).toContain('before detention was authorised')
    expect(early.body).toContain('href="#at-day"')
    const ok = await post({
      kind: 'review',
      'at-day': '1',
      'at-month': '8',
      'at-year': '2018',
      'at-time': '20:30',
      officerName: 'Insp R',
      officerRank: 'inspector',
      inPerson: 'yes',
    })
    expect(ok.statusCode).toBe(303)
    const view = await fx.kestrel.services.custody.get(
      detentionId,
      (await import('./test-fixtures.ts')).principal(),
    )
    expect(view.events.filter((e) => e.kind === 'review')).toHaveLength(1)
    version = view.detention.version
  })

  it('lists the new-detention form’s errors in field order, keeping what was typed', async () => {
    const user = await signIn(fx.kestrel, ['admin'])
    const res = await fx.kestrel.app.inject({
      method: 'POST',
      url: '/custody/detentions',
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: user.csrfToken,
        child: '',
        custodySuite: '',
        offences: ' \n ',
        'arrestedAt-day': '1',
        'arrestedAt-month': '8',
        'arrestedAt-year': '2018',
        'arrestedAt-time': '',
        pacRef: 'PAC-77',
      }).toString(),
    })
    expect(res.statusCode).toBe(400)
    const links = [...res.body.matchAll(/<a href="(#[^"]+)">/g)].map((m) => m[1])
    expect(links).toEqual(['#child', '#custodySuite', '#offences', '#arrestedAt-time'])
    expect(res.body).toContain('Enter the time for arrest time')
    expect(res.body).toContain('value="PAC-77"')
  })

  it('links a time not on the 24-hour clock to its box and keeps the event form as typed', async () => {
    const user = await signIn(fx.kestrel, ['admin'])
    const res = await fx.kestrel.app.inject({
      method: 'POST',
      url: `/custody/detentions/${detentionId}/events`,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: user.csrfToken,
        version: String(version),
        kind: 'charged',
        'at-day': '1',
        'at-month': '8',
        'at-year': '2018',
        'at-time': '25:10',
        note: 'Charged with robbery',
      }).toString(),
    })
    expect(res.statusCode).toBe(400)
    expect(res.body).toContain('href="#at-time"')
    expect(res.body).toContain('value="25:10"')
    expect(res.body).toContain('Charged with robbery')
    // Nothing is kept of a form refused.
    const view = await fx.kestrel.services.custody.get(
      detentionId,
      (await import('./test-fixtures.ts')).principal(),
    )
    expect(view.detention.version).toBe(version)
  })

  it('shows custody staff only their own suite’s detentions', async () => {
    const brixtonStaff = await staffIn(fx.brixton.id, 'C100')
    const wembleyStaff = await staffIn(fx.wembley.id, 'C200')
    const own = await signIn(fx.kestrel, ['custody'], { staffId: brixtonStaff.id })
    const other = await signIn(fx.kestrel, ['custody'], { staffId: wembleyStaff.id })
    const page = (cookie: string) =>
      fx.kestrel.app.inject({ url: `/custody/detentions/${detentionId}`, headers: { cookie } })
    expect((await page(own.cookie)).statusCode).toBe(200)
    // Another suite's detention is as good as absent to them (it was a 403, which confirmed it exists).
    expect((await page(other.cookie)).statusCode).toBe(404)
    const list = await fx.kestrel.app.inject({ url: '/custody', headers: { cookie: other.cookie } })
    expect(list.body).not.toContain(detentionId)
    const partner = await signIn(fx.kestrel, ['partner'])
    expect((await page(partner.cookie)).statusCode).toBe(403)
  })
})

describe('the appropriate adult at the charge and at reviews, and escalation after charge (CUS-09, 14, 15)', () => {
  it('shows them on the detention page and records them through the forms', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', [
      ev('arrived', '2018-08-01T12:30:00Z'),
      ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
      ev('aa_contacted', '2018-08-01T13:05:00Z', { personName: 'Mother', aaRelationship: 'parent' }),
      ev('charged', '2018-08-01T17:00:00Z'),
      ev('bail_decision', '2018-08-01T17:00:00Z', { bailRefused: true }),
    ])
    const user = await signIn(fx.kestrel, ['admin'])
    const page = await fx.kestrel.app.inject({
      url: `/custody/detentions/${d.id}`,
      headers: { cookie: user.cookie },
    })
    expect(page.statusCode).toBe(200)
    // Bail refused at 18:00 London (17:00Z): escalation due 4 hours later, 22:00 London, not yet overdue at 20:00Z.
    expect(page.body).toContain(
      'Escalate to an inspector or ask the local authority again by 1 Aug 2018, 22:00 (4 hours from bail being refused)</dd>',
    )
    expect(page.body).toContain('Appropriate adult at charge')
    expect(page.body).toContain('Not recorded</strong> (PACE Code C 16.1, 16.3)')
    expect(page.body).toContain('The appropriate adult has not arrived: the reviewing officer records')
    const form = await fx.kestrel.app.inject({
      url: `/custody/detentions/${d.id}/events/new?kind=review`,
      headers: { cookie: user.cookie },
    })
    expect(form.body).toContain('If the appropriate adult has not arrived yet: what you did about it')
    const post = (fields: Record<string, string>, version: number) =>
      fx.kestrel.app.inject({
        method: 'POST',
        url: `/custody/detentions/${d.id}/events`,
        headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: user.csrfToken,
          version: String(version),
          'at-day': '1',
          'at-month': '8',
          'at-year': '2018',
          'at-time': '20:30',
          ...fields,
        }).toString(),
      })
    const review = await post(
      {
        kind: 'review',
        officerName: 'Insp R',
        officerRank: 'inspector',
        inPerson: 'yes',
        aaIntervention: 'Chased the mother; asked the appropriate adult service for a volunteer',
      },
      d.version,
    )
    expect(review.statusCode).toBe(303)
    const stored = await fx.kestrel.services.standards.findingsForSubject('custody-detention', d.id)
    expect(stored.filter((f) => f.ruleId === 'CUS-15').map((f) => f.status)).toEqual(['met'])
    expect(stored.filter((f) => f.ruleId === 'CUS-14').map((f) => f.status)).toEqual(['breached'])
    // A charge on the form must say whether the adult was there.
    const other = await fx.detention('2018-08-01T12:00:00Z', [
      ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
    ])
    const unsaid = await fx.kestrel.app.inject({
      method: 'POST',
      url: `/custody/detentions/${other.id}/events`,
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: user.csrfToken,
        version: String(other.version),
        kind: 'charged',
        'at-day': '1',
        'at-month': '8',
        'at-year': '2018',
        'at-time': '19:00',
      }).toString(),
    })
    expect(unsaid.statusCode).toBe(400)
    expect(unsaid.body).toContain('href="#aaPresent"')
  })
})

describe('linking the Merlin PAC on the detention page', () => {
  it('refuses a reference that is no PAC, naming the field, and links another system’s reference', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', [
      ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
    ])
    const user = await signIn(fx.kestrel, ['admin'])
    const link = (pacRef: string) =>
      fx.kestrel.app.inject({
        method: 'POST',
        url: `/custody/detentions/${d.id}/pac`,
        headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: user.csrfToken,
          version: String(d.version),
          pacRef,
        }).toString(),
      })
    const bad = await link('NOPE-NOT-A-PAC')
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('href="#pacRef"')
    expect(bad.body).toContain('is not a PAC reference')
    const ok = await link('MERLIN-18-004412')
    expect(ok.statusCode).toBe(303)
    const page = await fx.kestrel.app.inject({
      url: `/custody/detentions/${d.id}`,
      headers: { cookie: user.cookie },
    })
    expect(page.body).toContain('MERLIN-18-004412, held in another system (linked 1 Aug 2018, 21:00)')
  })
})

describe('the child’s chronology', () => {
  it('shows the detention on the child’s timeline', async () => {
    const view = await fx.kestrel.services.custody.get(
      detentionId,
      (await import('./test-fixtures.ts')).principal(),
    )
    const items = await fx.kestrel.services.children.timeline(view.detention.personId, forceWideReach)
    expect(items.find((i) => i.kind === 'custody-detention')).toMatchObject({
      href: `/custody/detentions/${detentionId}`,
    })
  })
})

describe('custody API', () => {
  it('refuses a person 18 or over at arrest, naming the field, and writes nothing', async () => {
    const adult = await fx.child('1990-01-01')
    const user = await signIn(fx.kestrel, ['admin'])
    const before = await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    const res = await fx.kestrel.app.inject({
      method: 'POST',
      url: '/api/v1/custody/detentions',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken },
      payload: {
        child: adult.ref,
        custodySuite: fx.brixton.name,
        offences: ['Theft'],
        arrestedAt: '2018-08-01T10:00:00Z',
      },
    })
    expect(res.statusCode).toBe(400)
    expect(JSON.stringify(res.json())).toContain('child')
    const after = await fx.kestrel.services.db
      .selectFrom('custody_detention')
      .select((eb) => eb.fn.countAll().as('n'))
      .executeTakeFirstOrThrow()
    expect(after.n).toBe(before.n)
  })

  it('refuses a charge before the arrest and a strip search with no authority', async () => {
    const child = await fx.child('2004-01-01')
    const user = await signIn(fx.kestrel, ['admin'])
    const post = (events: unknown[]) =>
      fx.kestrel.app.inject({
        method: 'POST',
        url: '/api/v1/custody/detentions',
        headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken },
        payload: {
          child: child.ref,
          custodySuite: fx.brixton.name,
          offences: ['Theft'],
          arrestedAt: '2018-08-01T10:00:00Z',
          events,
        },
      })
    const charged = await post([{ kind: 'charged', at: '2018-08-01T09:00:00Z' }])
    expect(charged.statusCode).toBe(400)
    expect(JSON.stringify(charged.json())).toContain('events.0.at')
    const strip = await post([
      { kind: 'search', at: '2018-08-01T11:00:00Z', searchType: 'strip', aaPresent: false },
    ])
    expect(strip.statusCode).toBe(400)
    expect(JSON.stringify(strip.json())).toContain('events.0.officerName')
    const fine = await post([{ kind: 'arrived', at: '2018-08-01T10:30:00Z' }])
    expect(fine.statusCode).toBe(201)
    expect(fine.json().clocks.inCustody).toBe(true)
  })

  it('adds an event with the version read, refusing a stale version and an event out of order', async () => {
    const user = await signIn(fx.kestrel, ['admin'])
    const current = await fx.kestrel.services.custody.get(
      detentionId,
      (await import('./test-fixtures.ts')).principal(),
    )
    const post = (body: unknown) =>
      fx.kestrel.app.inject({
        method: 'POST',
        url: `/api/v1/custody/detentions/${detentionId}/events`,
        headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken },
        payload: body as Record<string, unknown>,
      })
    const early = await post({
      version: current.detention.version,
      event: { kind: 'aa_left', at: '2018-08-01T12:10:00Z' },
    })
    expect(early.statusCode).toBe(400)
    expect(JSON.stringify(early.json())).toContain('event.at')
    const stale = await post({
      version: current.detention.version - 1,
      event: { kind: 'charged', at: '2018-08-01T19:00:00Z' },
    })
    expect(stale.statusCode).toBe(409)
    const ok = await post({
      version: current.detention.version,
      event: { kind: 'charged', at: '2018-08-01T19:00:00Z' },
    })
    expect(ok.statusCode).toBe(201)
    expect(ok.json().clocks.hoursSinceCharge).toBe(1)
  })

  it('accepts a person recorded as appearing under 18 whatever their recorded age', async () => {
    const adult = await fx.child('1999-01-01')
    const user = await signIn(fx.kestrel, ['admin'])
    const res = await fx.kestrel.app.inject({
      method: 'POST',
      url: '/api/v1/custody/detentions',
      headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken },
      payload: {
        child: adult.ref,
        custodySuite: fx.brixton.name,
        offences: ['Theft'],
        arrestedAt: '2018-08-01T10:00:00Z',
        appearsUnder18: true,
      },
    })
    expect(res.statusCode).toBe(201)
    expect(res.json()).toMatchObject({ ageAtArrest: 19, appearsUnder18: true })
  })
})
