import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SignedInUser, TestKestrel } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { canSeeMatchDetails } from './access.ts'
import { statusAfterTriage, statusAt } from './device.ts'
import { triageReportInput } from './result-schema.ts'
import { type DeviceInput, deviceInput } from './service.ts'
import { cleanReport, movableClock, principal, sampleReport, triageFixture } from './test-fixtures.ts'

const clock = movableClock('2018-08-10T12:00:00Z')
let kestrel: TestKestrel
let fx: Awaited<ReturnType<typeof triageFixture>>
let csae: SignedInUser
let auditor: SignedInUser
let lead: SignedInUser
let admin: SignedInUser
let brentCsae: SignedInUser

const device = (overrides: Partial<DeviceInput> = {}): DeviceInput =>
  deviceInput.parse({
    description: 'Black phone',
    deviceKind: 'phone',
    caseRef: 'OP-1',
    seizedAt: '2018-08-01T07:30:00Z',
    team: 'Lambeth online CSAE',
    ...overrides,
  })

beforeAll(async () => {
  fx = await triageFixture(clock)
  kestrel = fx.kestrel
  csae = await fx.user(['online_csae'])
  auditor = await fx.user(['dit_auditor'])
  lead = await fx.user(['force_lead'])
  admin = await fx.user(['admin'])
  brentCsae = await fx.user(['online_csae'], fx.brentTeam.id)
})
afterAll(() => kestrel.close())

const inject = (user: SignedInUser, method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) =>
  kestrel.app.inject({
    method,
    url,
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken },
    ...(payload === undefined ? {} : { payload: payload as Record<string, unknown> }),
  })

describe('device decisions', () => {
  it('reads the status at an instant from the history', () => {
    const events = [
      { status: 'seized' as const, at: new Date('2018-08-01T00:00:00Z') },
      { status: 'submitted' as const, at: new Date('2018-08-03T00:00:00Z') },
      { status: 'returned' as const, at: new Date('2018-09-01T00:00:00Z') },
    ]
    expect(statusAt(events, new Date('2018-07-31T00:00:00Z'))).toBeUndefined()
    expect(statusAt(events, new Date('2018-08-01T00:00:00Z'))?.status).toBe('seized')
    expect(statusAt(events, new Date('2018-08-02T23:59:59Z'))?.status).toBe('seized')
    expect(statusAt(events, new Date('2018-08-03T00:00:00Z'))?.status).toBe('submitted')
    expect(statusAt(events, new Date('2019-01-01T00:00:00Z'))?.status).toBe('returned')
  })

  it.each([
    ['seized', 'triaged'],
    ['triaged', undefined],
    ['submitted', undefined],
    ['examined', undefined],
    ['returned', undefined],
  ] as const)('a triage result moves a device %s to %s', (from, to) => {
    expect(statusAfterTriage(from)).toBe(to)
  })

  it.each([
    [['online_csae'], true],
    [['online_csae', 'admin'], true],
    [['admin'], false],
    [['dit_auditor'], true],
    [['force_lead'], false],
    [['officer'], false],
  ] as const)('match details for %j: %s', (roles, allowed) => {
    expect(canSeeMatchDetails(roles)).toBe(allowed)
  })
})

describe('rules ONL-05 to ONL-07', () => {
  const triage = () => kestrel.services.triage
  const findings = async (ref: string, ruleId: string, asOf = clock.now()) => {
    const d = await triage().device(ref, forceWideReach)
    const { findings } = await kestrel.services.standards.findingsAt(asOf, { ruleId, subjectId: d.id })
    return findings.map((f) => f.status)
  }
  const stored = async (ref: string, ruleId: string) => {
    const d = await triage().device(ref, forceWideReach)
    return (await kestrel.services.standards.findingsForSubject('device', d.id))
      .filter((f) => f.ruleId === ruleId)
      .map((f) => f.status)
  }
  const status = (ref: string, s: 'submitted' | 'examined' | 'returned', at: string) =>
    triage().recordStatus(ref, { status: s, at: new Date(at) }, undefined, principal(), forceWideReach)
  const result = (ref: string, decision: string, at = '2018-08-02T09:12:00.000Z') =>
    triage().storeResult(ref, cleanReport(ref, decision, at), principal(), 'upload')

  it('ONL-05: a seized device with no triage result is breached; a result meets it', async () => {
    await triage().saveDevice('R5/1', device(), principal(), forceWideReach)
    expect(await findings('R5/1', 'ONL-05')).toEqual(['breached'])
    expect(await stored('R5/1', 'ONL-05')).toEqual(['breached'])
    await result('R5/1', 'no-known-material-found')
    expect(await findings('R5/1', 'ONL-05')).toEqual(['met'])
    expect(await stored('R5/1', 'ONL-05')).toEqual(['met'])
    // As of just before the run finished it was still breached; just after, met.
    expect(await findings('R5/1', 'ONL-05', new Date('2018-08-02T09:11:59Z'))).toEqual(['breached'])
    expect(await findings('R5/1', 'ONL-05', new Date('2018-08-02T09:12:00Z'))).toEqual(['met'])
    // Before the seizure there was nothing to do.
    expect(await findings('R5/1', 'ONL-05', new Date('2018-07-31T00:00:00Z'))).toEqual([])
  })

  it('ONL-05: a result reported by a laptop whose clock runs fast meets it when that time comes, by the steady sweep', async () => {
    const { standards } = kestrel.services
    await triage().saveDevice('R5/3', device(), principal(), forceWideReach)
    await standards.sweep({ timeBasedOnly: true })
    // Finished ten minutes from now by the laptop's clock: not met yet.
    const ahead = new Date(clock.now().getTime() + 10 * 60_000)
    await result('R5/3', 'no-known-material-found', ahead.toISOString())
    expect(await stored('R5/3', 'ONL-05')).toEqual(['breached'])
    const start = clock.now()
    try {
      clock.set(new Date(ahead.getTime() + 60_000))
      const swept = await standards.sweep({ timeBasedOnly: true })
      expect(swept.find((r) => r.ruleId === 'ONL-05')).toMatchObject({ ok: true, dueRecords: 1, changed: 1 })
      expect(await stored('R5/3', 'ONL-05')).toEqual(['met'])
      // Windows reach back 15 minutes before the last sweep; once past that, nothing dated ahead is left to read.
      clock.set(new Date(ahead.getTime() + 20 * 60_000))
      await standards.sweep({ timeBasedOnly: true })
      clock.set(new Date(ahead.getTime() + 21 * 60_000))
      const later = await standards.sweep({ timeBasedOnly: true })
      expect(later.find((r) => r.ruleId === 'ONL-05')).toMatchObject({ ok: true, dueRecords: 0 })
    } finally {
      clock.set(start)
    }
  })

  it('ONL-05 does not apply once a device is submitted or returned', async () => {
    await triage().saveDevice('R5/2', device(), principal(), forceWideReach)
    await status('R5/2', 'submitted', '2018-08-03T10:00:00Z')
    expect(await findings('R5/2', 'ONL-05')).toEqual([])
    expect(await findings('R5/2', 'ONL-05', new Date('2018-08-03T09:59:59Z'))).toEqual(['breached'])
  })

  it('ONL-06: submitted with no triage result, or a negative one, is breached', async () => {
    await triage().saveDevice('R6/1', device(), principal(), forceWideReach)
    await status('R6/1', 'submitted', '2018-08-03T10:00:00Z')
    expect(await findings('R6/1', 'ONL-06')).toEqual(['breached'])
    expect(await stored('R6/1', 'ONL-06')).toEqual(['breached'])
    expect(await findings('R6/1', 'ONL-06', new Date('2018-08-03T09:59:59Z'))).toEqual([])

    await triage().saveDevice('R6/2', device(), principal(), forceWideReach)
    await result('R6/2', 'no-known-material-found')
    await status('R6/2', 'submitted', '2018-08-03T10:00:00Z')
    expect(await findings('R6/2', 'ONL-06')).toEqual(['breached'])
  })

  it('ONL-06: submitted after a positive triage, or one that could not complete, is not breached', async () => {
    await triage().saveDevice('R6/3', device(), principal(), forceWideReach)
    await triage().storeResult('R6/3', triageReportInput.parse(sampleReport('R6/3')), principal(), 'upload')
    await status('R6/3', 'submitted', '2018-08-03T10:00:00Z')
    expect(await findings('R6/3', 'ONL-06')).toEqual(['met'])
    await triage().saveDevice('R6/4', device(), principal(), forceWideReach)
    await result('R6/4', 'could-not-complete')
    await status('R6/4', 'submitted', '2018-08-03T10:00:00Z')
    expect(await findings('R6/4', 'ONL-06')).toEqual(['met'])
  })

  it('ONL-07: returned with no triage and no examination is breached; either one meets it', async () => {
    await triage().saveDevice('R7/1', device(), principal(), forceWideReach)
    await status('R7/1', 'returned', '2018-08-05T10:00:00Z')
    expect(await findings('R7/1', 'ONL-07')).toEqual(['breached'])
    expect(await stored('R7/1', 'ONL-07')).toEqual(['breached'])
    expect(await findings('R7/1', 'ONL-07', new Date('2018-08-05T09:59:59Z'))).toEqual([])

    await triage().saveDevice('R7/2', device(), principal(), forceWideReach)
    await result('R7/2', 'no-known-material-found')
    await status('R7/2', 'returned', '2018-08-05T10:00:00Z')
    expect(await findings('R7/2', 'ONL-07')).toEqual(['met'])

    await triage().saveDevice('R7/3', device(), principal(), forceWideReach)
    await status('R7/3', 'submitted', '2018-08-03T10:00:00Z')
    await status('R7/3', 'examined', '2018-08-04T10:00:00Z')
    await status('R7/3', 'returned', '2018-08-05T10:00:00Z')
    expect(await findings('R7/3', 'ONL-07')).toEqual(['met'])
  })

  it('imports devices and triage results as JSON Lines, evaluating the rules', async () => {
    const lines = [
      JSON.stringify({
        kind: 'device',
        ref: 'IMP/1',
        description: 'Laptop',
        deviceKind: 'laptop',
        seizedAt: '2018-08-01T07:30:00Z',
        borough: 'Lambeth',
        statusHistory: [{ status: 'returned', at: '2018-08-06T10:00:00Z' }],
      }),
      JSON.stringify({ ...sampleReport('IMP/1'), ref: 'IMP/1@run1' }),
    ].join('\n')
    const outcome = await kestrel.services.imports.run(lines, 'importer')
    expect(outcome.written).toEqual({ device: 1, 'triage-result': 1 })
    const d = await triage().device('IMP/1', forceWideReach)
    expect(d.status).toBe('returned')
    expect((await triage().results(d.id)).map((r) => [r.ref, r.decision, r.receivedVia])).toEqual([
      ['IMP/1@run1', 'submit-for-full-examination', 'import'],
    ])
    expect(await stored('IMP/1', 'ONL-07')).toEqual(['met'])
    // A malformed result names the line and field, and writes nothing.
    const bad = JSON.stringify({
      ...sampleReport('IMP/1'),
      ref: 'IMP/1@run2',
      recommendation: { decision: 'maybe' },
    })
    await expect(kestrel.services.imports.run(bad, 'importer')).rejects.toMatchObject({
      errors: expect.arrayContaining([
        expect.objectContaining({ line: 1, field: 'recommendation.decision' }),
      ]),
    })
    expect(await triage().results(d.id)).toHaveLength(1)
  })

  it('writes a batch set-wise as line after line would: a ref again replaces, a second result leaves one triage', async () => {
    const device = (ref: string, description: string) =>
      JSON.stringify({
        kind: 'device',
        ref,
        description,
        deviceKind: 'phone',
        seizedAt: '2018-08-01T07:30:00Z',
        borough: 'Lambeth',
      })
    const lines = [
      device('SET/1', 'Phone, as first recorded'),
      device('SET/2', 'Memory card'),
      device('SET/1', 'Phone, as corrected'),
      JSON.stringify({ ...sampleReport('SET/1'), ref: 'SET/1@run1' }),
      JSON.stringify({
        ...sampleReport('SET/1'),
        ref: 'SET/1@run2',
        startedAt: '2018-08-03T09:00:00Z',
        finishedAt: '2018-08-03T09:10:00Z',
      }),
    ].join('\n')
    await kestrel.services.imports.run(lines, 'importer')
    const one = await triage().device('SET/1', forceWideReach)
    expect([one.description, one.status]).toEqual(['Phone, as corrected', 'triaged'])
    expect((await triage().device('SET/2', forceWideReach)).status).toBe('seized')
    expect((await triage().results(one.id)).map((r) => r.ref).sort()).toEqual(['SET/1@run1', 'SET/1@run2'])
    const { rows } = await sql<{ status: string }>`
      select e.status from device_status_event e join device d on d.id = e.device_id
      where d.ref = 'SET/1' order by e.at`.execute(kestrel.services.db)
    expect(rows.map((r) => r.status)).toEqual(['seized', 'triaged'])
  })
})

describe('the devices API', () => {
  beforeAll(async () => {
    await kestrel.services.triage.saveDevice('EXH/API/1', device(), principal(), forceWideReach)
  })

  it('stores an uploaded report against the device, once however often it is sent', async () => {
    const url = `/api/v1/devices/${encodeURIComponent('EXH/API/1')}/triage-results`
    const first = await inject(csae, 'POST', url, sampleReport('EXH/API/1'))
    expect(first.statusCode).toBe(201)
    expect(first.json()).toMatchObject({
      ref: 'EXH/API/1@2018-08-02T09:00:00.000Z',
      device: { status: 'triaged' },
    })
    expect((await inject(csae, 'POST', url, sampleReport('EXH/API/1'))).statusCode).toBe(201)
    const got = await inject(auditor, 'GET', `/api/v1/devices/${encodeURIComponent('EXH/API/1')}`)
    expect(got.statusCode).toBe(200)
    const body = got.json()
    expect(body.triageResults).toHaveLength(1)
    expect(body.triageResults[0]).toMatchObject({
      decision: 'submit-for-full-examination',
      exactMatches: 1,
      nearMatches: 1,
      toolVersion: 'kestrel-triage 0.1.0',
      hashSets: [{ name: 'caid', version: 3 }, { name: 'pdq-b' }],
    })
    expect(body.statusHistory.map((h: { status: string }) => h.status)).toEqual(['seized', 'triaged'])
    // The API never returns match details.
    expect(got.body).not.toContain('DCIM/img001.jpg')
  })

  it.each([
    [{ recommendation: { decision: 'perhaps', reason: 'x' } }, 'recommendation.decision'],
    [{ counts: undefined }, 'counts'],
    [{ version: 2 }, 'version'],
    [{ startedAt: 'yesterday' }, 'startedAt'],
    [{ exactMatches: [] }, 'counts.exactMatches'],
    [
      {
        nearMatches: [
          {
            path: 'x',
            size: 1,
            modified: '2018-01-01T00:00:00Z',
            pdq: 'zz',
            quality: 1,
            distance: 1,
            orientation: 'original',
            known: [],
          },
        ],
      },
      'nearMatches.0.pdq',
    ],
  ])('refuses a report with a bad field with a 400 naming it (%#)', async (change, field) => {
    const url = `/api/v1/devices/${encodeURIComponent('EXH/API/1')}/triage-results`
    const response = await inject(csae, 'POST', url, { ...sampleReport('EXH/API/1'), ...change })
    expect(response.statusCode).toBe(400)
    expect(response.headers['content-type']).toMatch(/problem\+json/)
    expect(JSON.stringify(response.json())).toContain(`"${field}"`)
  })

  it('refuses a report for another device, an unknown device, and callers who may not upload', async () => {
    const url = `/api/v1/devices/${encodeURIComponent('EXH/API/1')}/triage-results`
    const other = await inject(csae, 'POST', url, sampleReport('EXH/OTHER'))
    expect(other.statusCode).toBe(400)
    expect(JSON.stringify(other.json())).toContain('"device"')
    const unknown = await inject(csae, 'POST', '/api/v1/devices/NOPE/triage-results', sampleReport('NOPE'))
    expect(unknown.statusCode).toBe(404)
    expect((await inject(auditor, 'POST', url, sampleReport('EXH/API/1'))).statusCode).toBe(403)
    // Outside the caller's area the device is not there.
    expect(
      (await inject(brentCsae, 'GET', `/api/v1/devices/${encodeURIComponent('EXH/API/1')}`)).statusCode,
    ).toBe(404)
  })

  it('records a device through the API, refusing a seizure in the future naming the field', async () => {
    const ok = await inject(csae, 'PUT', '/api/v1/devices/EXH-API-2', {
      description: 'USB stick',
      deviceKind: 'storage',
      seizedAt: '2018-08-01T07:30:00Z',
      borough: 'Lambeth',
    })
    expect(ok.statusCode).toBe(200)
    expect(ok.json()).toMatchObject({ ref: 'EXH-API-2', status: 'seized' })
    const future = await inject(csae, 'PUT', '/api/v1/devices/EXH-API-3', {
      description: 'USB stick',
      deviceKind: 'storage',
      seizedAt: '2030-01-01T00:00:00Z',
    })
    expect(future.statusCode).toBe(400)
    expect(JSON.stringify(future.json())).toContain('"seizedAt"')
  })
})

describe('device pages', () => {
  let deviceId: string
  let resultId: string
  beforeAll(async () => {
    const saved = await kestrel.services.triage.saveDevice(
      'EXH/PAGE/1',
      device(),
      principal(),
      forceWideReach,
    )
    deviceId = saved.id
    resultId = (
      await kestrel.services.triage.storeResult(
        'EXH/PAGE/1',
        triageReportInput.parse(sampleReport('EXH/PAGE/1')),
        principal(),
        'upload',
      )
    ).id
  })

  const logRows = async () => {
    const { rows } = await sql<{ actor_id: string; action: string }>`
      select actor_id, action from access_log where subject_kind = 'triage-result' and subject_id = ${resultId}
        and action = 'read'`.execute(kestrel.services.db)
    return rows
  }

  it('lists devices filtered by status and recommendation', async () => {
    const all = await inject(csae, 'GET', '/devices')
    expect(all.statusCode).toBe(200)
    expect(all.body).toContain('EXH/PAGE/1')
    const submit = await inject(csae, 'GET', '/devices?decision=submit-for-full-examination&status=triaged')
    expect(submit.body).toContain('EXH/PAGE/1')
    const none = await inject(csae, 'GET', '/devices?decision=none')
    expect(none.body).not.toContain('EXH/PAGE/1')
    expect((await inject(brentCsae, 'GET', '/devices')).body).not.toContain('EXH/PAGE/1')
    expect((await inject(admin, 'GET', '/devices')).statusCode).toBe(403)
  })

  it('shows everyone with access the counts and the recommendation, and the details link to the specialist and the DIT only', async () => {
    for (const user of [lead]) {
      const page = await inject(user, 'GET', `/devices/${deviceId}`)
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('Submit for full examination')
      expect(page.body).toContain('1 file identical to known material')
      expect(page.body).not.toContain('DCIM/img001.jpg')
      expect(page.body).not.toContain(`/results/${resultId}`)
    }
    for (const user of [csae, auditor]) {
      const page = await inject(user, 'GET', `/devices/${deviceId}`)
      expect(page.body).toContain(`/devices/${deviceId}/results/${resultId}`)
      expect(page.body).not.toContain('DCIM/img001.jpg')
    }
  })

  it('refuses match details to everyone but the specialist and the DIT (403) and logs each view', async () => {
    const url = `/devices/${deviceId}/results/${resultId}`
    for (const user of [lead, admin]) expect((await inject(user, 'GET', url)).statusCode).toBe(403)
    expect(await logRows()).toEqual([])
    const view = await inject(csae, 'GET', url)
    expect(view.statusCode).toBe(200)
    expect(view.body).toContain('DCIM/img001.jpg')
    expect(view.body).toContain('a'.repeat(32))
    expect(view.body).toContain('Downloads/copy.jpg')
    expect(view.body).not.toMatch(/<img|data:image/)
    expect(await logRows()).toEqual([{ actor_id: csae.userId, action: 'read' }])
    expect((await inject(auditor, 'GET', url)).body).toContain('DCIM/img001.jpg')
    expect(await logRows()).toHaveLength(2)
    expect(await logRows()).toContainEqual({ actor_id: auditor.userId, action: 'read' })
    expect((await inject(brentCsae, 'GET', url)).statusCode).toBe(404)
  })

  it('records a status change through the form, and shows the errors of a bad one', async () => {
    // The page's form carries the record's version, as the device page writes it.
    const { version } = await kestrel.services.triage.device('EXH/PAGE/1', forceWideReach)
    const form = (fields: Record<string, string>) =>
      kestrel.app.inject({
        method: 'POST',
        url: `/devices/${deviceId}/status`,
        headers: { cookie: csae.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: csae.csrfToken,
          version: String(version),
          ...fields,
        }).toString(),
      })
    const bad = await form({
      status: 'submitted',
      'at-day': '31',
      'at-month': '2',
      'at-year': '2018',
      'at-time': '25:00',
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('Date must be a real date')
    // The date and its time are one answer: the time box is judged once the date is a real one.
    const badTime = await form({
      status: 'submitted',
      'at-day': '3',
      'at-month': '8',
      'at-year': '2018',
      'at-time': '25:00',
    })
    expect(badTime.statusCode).toBe(400)
    expect(badTime.body).toContain('Enter the time on the 24-hour clock')
    expect(badTime.body).toContain('href="#at-time"')
    const good = await form({
      status: 'submitted',
      'at-day': '3',
      'at-month': '8',
      'at-year': '2018',
      'at-time': '10:00',
    })
    expect(good.statusCode).toBe(303)
    expect((await kestrel.services.triage.device('EXH/PAGE/1', forceWideReach)).status).toBe('submitted')
    const auditorForm = await kestrel.app.inject({
      method: 'POST',
      url: `/devices/${deviceId}/status`,
      headers: { cookie: auditor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({ _csrf: auditor.csrfToken, status: 'returned' }).toString(),
    })
    expect(auditorForm.statusCode).toBe(403)
  })
})

describe('a device outside need to know', () => {
  let deviceId: string
  const ref = 'EXH/BCU/1'
  const api = `/api/v1/devices/${encodeURIComponent(ref)}`
  beforeAll(async () => {
    deviceId = (await kestrel.services.triage.saveDevice(ref, device(), principal(), forceWideReach)).id
  })
  const stored = () => kestrel.services.triage.device(ref, forceWideReach)

  it('is a 404 on the page and the API for the team of another BCU, and absent from their list', async () => {
    expect((await inject(csae, 'GET', `/devices/${deviceId}`)).statusCode).toBe(200)
    expect((await inject(brentCsae, 'GET', `/devices/${deviceId}`)).statusCode).toBe(404)
    expect((await inject(brentCsae, 'GET', api)).statusCode).toBe(404)
    expect((await inject(brentCsae, 'GET', '/devices')).body).not.toContain(ref)
    expect((await inject(csae, 'GET', '/devices')).body).toContain(ref)
  })

  it('refuses their writes with a 404 and changes nothing', async () => {
    const before = await stored()
    const put = await inject(brentCsae, 'PUT', api, {
      ...device(),
      description: 'Changed',
      seizedAt: '2018-08-01T07:30:00Z',
    })
    expect(put.statusCode).toBe(404)
    const upload = await inject(brentCsae, 'POST', `${api}/triage-results`, sampleReport(ref))
    expect(upload.statusCode).toBe(404)
    const status = await kestrel.app.inject({
      method: 'POST',
      url: `/devices/${deviceId}/status`,
      headers: { cookie: brentCsae.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: brentCsae.csrfToken,
        status: 'returned',
        'at-day': '3',
        'at-month': '8',
        'at-year': '2018',
        'at-time': '10:00',
      }).toString(),
    })
    expect(status.statusCode).toBe(404)
    const after = await stored()
    expect(after).toEqual(before)
    expect(await kestrel.services.triage.results(deviceId)).toEqual([])
  })

  it('refuses a device recorded outside the recorder’s own team and area (403), keeping nothing', async () => {
    const outside = await inject(csae, 'PUT', '/api/v1/devices/EXH-BRENT-1', {
      description: 'USB stick',
      deviceKind: 'storage',
      seizedAt: '2018-08-01T07:30:00Z',
      team: 'Brent online CSAE',
    })
    expect(outside.statusCode).toBe(403)
    await expect(kestrel.services.triage.device('EXH-BRENT-1', forceWideReach)).rejects.toThrow(
      'There is no device',
    )
  })

  it('refuses before writing: no device row or status event is even attempted, then rolled back', async () => {
    // A sequence is not rolled back with its transaction, so a trigger counting into one sees every insert
    // tried, including one a refusal later undid.
    const db = kestrel.services.db
    await sql`create sequence if not exists test_device_insert_tries`.execute(db)
    await sql`create or replace function test_count_device_insert() returns trigger language plpgsql as $$
      begin perform nextval('test_device_insert_tries'); return new; end $$`.execute(db)
    await sql`create trigger test_device_insert before insert on device
      for each row execute function test_count_device_insert()`.execute(db)
    await sql`create trigger test_device_event_insert before insert on device_status_event
      for each row execute function test_count_device_insert()`.execute(db)
    const tries = async () =>
      Number(
        (await sql<{ n: string }>`select nextval('test_device_insert_tries') as n`.execute(db)).rows[0]?.n,
      )
    try {
      const before = await tries()
      // Another BCU's device, and a new device the recorder would place outside their own team and area.
      const theirs = await inject(brentCsae, 'PUT', api, { ...device(), description: 'Changed' })
      expect(theirs.statusCode).toBe(404)
      const outside = await inject(csae, 'PUT', '/api/v1/devices/EXH-BRENT-2', {
        description: 'USB stick',
        deviceKind: 'storage',
        seizedAt: '2018-08-01T07:30:00Z',
        team: 'Brent online CSAE',
      })
      expect(outside.statusCode).toBe(403)
      // A recorder with no team or area places a device nowhere they can see.
      const nowhere = await inject(
        await fx.user(['online_csae'], null),
        'PUT',
        '/api/v1/devices/EXH-NOWHERE',
        {
          description: 'USB stick',
          deviceKind: 'storage',
          seizedAt: '2018-08-01T07:30:00Z',
        },
      )
      expect(nowhere.statusCode).toBe(403)
      expect(await tries()).toBe(before + 1) // only the reading of the counter itself
    } finally {
      await sql`drop trigger test_device_insert on device`.execute(db)
      await sql`drop trigger test_device_event_insert on device_status_event`.execute(db)
    }
  })

  it('logs the device list as one row naming the query and the devices shown', async () => {
    await inject(brentCsae, 'GET', '/devices?status=seized')
    const { rows } = await sql<{ subject_id: string; detail: { ids: string[] } }>`
      select subject_id, detail from access_log
      where actor_id = ${brentCsae.userId} and action = 'list' and subject_kind = 'device'
        and subject_id like '%status=seized'`.execute(kestrel.services.db)
    expect(rows.map((r) => r.subject_id)).toEqual(['GET /devices?status=seized'])
    expect(rows[0]?.detail.ids).not.toContain(deviceId)
    await inject(csae, 'GET', '/devices?status=seized')
    const { rows: own } = await sql<{ detail: { ids: string[] } }>`
      select detail from access_log
      where actor_id = ${csae.userId} and action = 'list' and subject_id = 'GET /devices?status=seized'`.execute(
      kestrel.services.db,
    )
    expect(own[0]?.detail.ids).toContain(deviceId)
  })
})
