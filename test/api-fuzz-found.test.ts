import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from './app.ts'
import { type SweepFixture, type SweepPrincipal, sweepFixture } from './sweep-fixture.ts'
import { recordWrites, type WriteWatch, watchWrites } from './write-watch.ts'

/**
 * What the API fuzz (test/api-fuzz.test.ts) found, each as a fixed request: every one answered 500 and is
 * now a 400 naming the field, with nothing written.
 *
 * - An instant or a day the checks took but the database cannot store ("date/time field value out of
 *   range"): year 0000 (ISO 8601's 1 BC, which PostgreSQL does not have), an offset that carries it into
 *   year 0000 or 10000 ('0001-01-01T00:00:00+01:00'), and where `new Date` reads the value, six-digit and
 *   negative years and millisecond counts; and one the database can store but a date computed from it
 *   cannot (a missing report on 0001-01-01, whose look-back starts in year 0). Kestrel now takes instants
 *   from 1900 to 2999 (time.ts, time-schemas.ts); `new Date` no longer reads null or false as 1970.
 * - An exhibit reference the device check took (`\p{N}` takes '½') but the database's own check
 *   (`[[:alnum:]]`, from its older Unicode tables) refused: "violates check constraint device_ref_check".
 */

let kestrel: TestKestrel
let fixture: SweepFixture
let watch: WriteWatch
let boroughA1: string

beforeAll(async () => {
  kestrel = await testKestrel()
  fixture = await sweepFixture(kestrel)
  const borough = await kestrel.services.db
    .selectFrom('borough')
    .select('id')
    .where('name', '=', 'Sweep Alpha One')
    .executeTakeFirstOrThrow()
  boroughA1 = borough.id
  watch = await watchWrites(kestrel.services.db)
}, 120_000)
afterAll(() => kestrel?.close())

const principal = (label: string) => fixture.principals.find((p) => p.label === label) as SweepPrincipal
const recordId = (ref: string) => fixture.records.find((r) => r.ref === ref)?.id as string

async function send(label: string, method: 'GET' | 'POST' | 'PUT' | 'PATCH', url: string, body?: unknown) {
  const caller = principal(label)
  const headers: Record<string, string> = { ...caller.headers }
  if (caller.csrfToken && method !== 'GET') headers['x-csrf-token'] = caller.csrfToken
  if (body !== undefined) headers['content-type'] = 'application/json'
  await watch.since()
  const response = await kestrel.app.inject({
    method,
    url,
    headers,
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })
  return { response, writes: await watch.since() }
}

/** Instants the checks took and the database refused: year 0000, carried past 9999, read by `new Date`. */
const instants = ['0000-02-29T10:57:16Z', '0001-01-01T00:00:00+01:00', '9999-12-31T23:59:59-05:00']
const coercedInstants = [
  ...instants,
  '+010000-01-01T00:00:00Z',
  '-000001-01-01T00:00:00Z',
  -8.64e15,
  '0000-01-01',
]
const days = ['0000-01-01', '0000-02-29']

const pac = (policeFirstKnewAt: unknown) => ({
  child: 'SWCHILD-A1',
  aboutKind: 'incident',
  aboutSummary: 'Regression',
  concerns: ['child_abuse'],
  riskLevel: 'medium',
  riskAssessment: 'Regression',
  childSpokenTo: true,
  voiceOfChild: 'Regression',
  policeFirstKnewAt,
  boroughId: boroughA1,
})
const device = (seizedAt: unknown) => ({
  description: 'Regression phone',
  deviceKind: 'phone',
  seizedAt,
  owner: 'SWCHILD-A1',
  team: 'Sweep Alpha One online team',
  borough: 'Sweep Alpha One',
})
const episode = (reportedAt: unknown) => ({
  child: 'SWCHILD-A1',
  borough: 'Sweep Alpha One',
  reportedAt,
  reportedByKind: 'parent',
  lastSeenAt: reportedAt,
  lastSeenPlace: 'Home',
  circumstances: 'Did not come home',
  grade: 'high',
  riskFactors: ['vulnerable_age'],
  gradedBy: 'PC Regression',
})
const detention = (arrestedAt: unknown) => ({
  child: 'SWCHILD-A1',
  custodySuite: 'Sweep Alpha One custody suite',
  custodyRecordNumber: 'CRN regression',
  offences: ['Robbery'],
  arrestedAt,
})
const person = (from: unknown) => ({
  familyName: 'Regression',
  givenNames: 'Case',
  dateOfBirth: '2012-01-01',
  address: { address: '1 Regression Road', borough: 'Sweep Alpha One', from },
  confirmNotDuplicate: true,
})

type Case = [label: string, method: 'GET' | 'POST' | 'PUT', url: () => string, body: unknown, field: string]

const cases: Case[] = [
  ...instants.map(
    (v): Case => [
      'admin@token',
      'GET',
      () => `/api/v1/findings?asOf=${encodeURIComponent(v)}`,
      undefined,
      'asOf',
    ],
  ),
  ...instants.map(
    (v): Case => [
      'admin@token',
      'GET',
      () => `/api/v1/pacs?createdFrom=${encodeURIComponent(v)}`,
      undefined,
      'createdFrom',
    ],
  ),
  ...instants.map(
    (v): Case => [
      'admin@token',
      'GET',
      () => `/api/v1/pacs?createdTo=${encodeURIComponent(v)}`,
      undefined,
      'createdTo',
    ],
  ),
  ...instants.map((v): Case => ['officer@A', 'POST', () => '/api/v1/pacs', pac(v), 'policeFirstKnewAt']),
  ...instants.map(
    (v): Case => [
      'admin@token',
      'POST',
      () => `/api/v1/investigations/${recordId('SWINV-A1')}/reviews`,
      { version: 1, reviewedAt: v, findings: 'Regression' },
      'reviewedAt',
    ],
  ),
  ...coercedInstants.map(
    (v): Case => ['online_csae@A', 'PUT', () => '/api/v1/devices/SWDEV-REGRESSION', device(v), 'seizedAt'],
  ),
  ...coercedInstants.map(
    (v): Case => ['admin@token', 'POST', () => '/api/v1/missing/episodes', episode(v), 'reportedAt'],
  ),
  ...coercedInstants.map(
    (v): Case => ['admin@token', 'POST', () => '/api/v1/custody/detentions', detention(v), 'arrestedAt'],
  ),
  ...days.map((v): Case => ['admin@token', 'GET', () => `/api/v1/people?q=Sweep&dob=${v}`, undefined, 'dob']),
  ...days.map((v): Case => ['admin@token', 'POST', () => '/api/v1/people', person(v), 'address.from']),
]

describe('an instant or day outside the years Kestrel takes', () => {
  it.each(cases)(
    '%s %s %s with %j is a 400 naming %s, writing nothing',
    async (label, method, url, body, field) => {
      const { response, writes } = await send(label, method, url(), body)
      expect(response.statusCode, response.body).toBe(400)
      const fields = (response.json().errors as { field: string }[]).map((e) => e.field)
      expect(fields).toContain(field)
      expect(recordWrites(writes)).toEqual([])
    },
  )
})

describe('an exhibit reference the database would refuse', () => {
  it.each(['½1', '1½', 'A𞴧', '\u1c89x'])(
    'PUT /api/v1/devices/%s is a 400 naming ref, writing nothing',
    async (ref) => {
      const { response, writes } = await send(
        'online_csae@A',
        'PUT',
        `/api/v1/devices/${encodeURIComponent(ref)}`,
        device('2024-05-01T10:00:00Z'),
      )
      expect(response.statusCode, response.body).toBe(400)
      expect((response.json().errors as { field: string }[]).map((e) => e.field)).toContain('ref')
      expect(recordWrites(writes)).toEqual([])
    },
  )

  it('an ASCII exhibit reference is recorded', async () => {
    const { response } = await send(
      'online_csae@A',
      'PUT',
      '/api/v1/devices/EX%2F2024-7 b',
      device('2024-05-01T10:00:00Z'),
    )
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().ref).toBe('EX/2024-7 b')
  })
})

describe('a PAC update refused', () => {
  const pacOf = (ref: string) => recordId(ref)
  const version = async (id: string) =>
    (
      await kestrel.services.db
        .selectFrom('pac')
        .select('version')
        .where('id', '=', id)
        .executeTakeFirstOrThrow()
    ).version

  // The handler read the PAC (logging the read) before the update was checked, so a refused update left a
  // read in the access log of a PAC the caller was never shown.
  it.each([
    ['a step out of order (400)', { reviewDecision: 'returned', mashBrag: 'amber' }, 0, 400],
    [
      'a stale version (409)',
      { followUp: 'Regression follow-up', followUpAt: '2024-05-02T10:00:00Z' },
      1,
      409,
    ],
  ])('%s writes nothing, not even a read in the access log', async (_what, change, offset, status) => {
    const id = pacOf('SWPAC-A1')
    const { response, writes } = await send('admin@token', 'PATCH', `/api/v1/pacs/${id}`, {
      version: (await version(id)) + offset,
      ...change,
    })
    expect(response.statusCode, response.body).toBe(status)
    expect(recordWrites(writes)).toEqual([])
  })

  it('one made is in the access log as a read for the update, and the change', async () => {
    const id = pacOf('SWPAC-A1')
    const { response, writes } = await send('admin@token', 'PATCH', `/api/v1/pacs/${id}`, {
      version: await version(id),
      followUp: 'Regression follow-up',
      followUpAt: '2024-05-02T10:00:00Z',
    })
    expect(response.statusCode, response.body).toBe(200)
    expect(response.json().followUp).toMatchObject({ text: 'Regression follow-up' })
    expect(recordWrites(writes).map(([write]) => write)).toContain('pac update')
    const logged = await kestrel.services.db
      .selectFrom('access_log')
      .select(['action', 'reason'])
      .where('subject_id', '=', id)
      .orderBy('seq', 'desc')
      .limit(2)
      .execute()
    expect(logged).toEqual(
      expect.arrayContaining([
        { action: 'update', reason: null },
        { action: 'read', reason: 'api update' },
      ]),
    )
  })
})
