import { sql } from 'kysely'
import { readSheet } from 'read-excel-file/node'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn, type TestKestrel, testKestrel } from '../../test/app.ts'
import { seedLondon } from '../modules/organisation/london-seed.ts'
import { fixedClock } from '../platform/clock.ts'
import { csvOf } from '../platform/csv.ts'
import { defineRule } from './rule.ts'
import { findingFormVersion } from './test-fixtures.ts'

/**
 * A finding lies in the borough of its record. When that borough moves BCU, its findings move with it:
 * the new BCU's supervisors and leads see them on "My team", their pages and the API; the old BCU's do not,
 * though the BCU stored on the finding is still the old one.
 */

const clock = fixedClock('2024-03-04T13:00:00Z')

// Visits over a test table: each lies in a borough (and, as the record said when the rule ran, a BCU).
const visitRule = defineRule({
  id: 'TST-20',
  title: 'Visit not made',
  citation: 'Test citation: visits are made within 2 hours',
  source: 'local',
  appliesTo: 'test-visit',
  severity: 'medium',
  timeBased: true,
  params: {},
  async obligations(db, { upTo, subjectFilter, asOf }) {
    const { rows } = await sql<{
      id: string
      ref: string
      borough_id: string
      bcu_id: string
      team_id: string | null
      arrived_at: Date
      done_at: Date | null
    }>`
      select id, ref, borough_id, bcu_id, team_id, arrived_at, ${upTo('done_at')} as done_at
      from test_visit where arrived_at <= ${asOf} and ${subjectFilter('id')}`.execute(db)
    return rows.map((r) => ({
      subjectId: r.id,
      subjectRef: r.ref,
      startedAt: r.arrived_at,
      dueAt: new Date(r.arrived_at.getTime() + 2 * 3_600_000),
      metAt: r.done_at,
      detail: `Make visit ${r.ref}`,
      boroughId: r.borough_id,
      bcuId: r.bcu_id,
      assigneeTeamId: r.team_id,
    }))
  },
})

let kestrel: TestKestrel
/** South Area (SN) holds Croydon and Sutton until Croydon moves to South East (SE), which holds Lewisham. */
const people = {} as Record<'supA' | 'leadA' | 'supB' | 'leadB', SignedInUser>
const finding: Record<string, string> = {}
let croydon: string
let southEast: string

async function memberOf(teamId: string, staffNumber: string) {
  const { organisation } = kestrel.services
  const force = await organisation.force()
  const staff = await organisation.createStaff(
    force.id,
    {
      staffNumber,
      name: `Officer ${staffNumber}`,
      rank: 'sergeant',
      role: 'Supervisor',
      teamId,
      startDate: '2020-01-01',
      active: true,
    },
    'tester',
  )
  return staff.id
}

beforeAll(async () => {
  kestrel = await testKestrel({ clock })
  const { db, organisation, standards } = kestrel.services
  await seedLondon(db)
  const force = await organisation.force()
  const borough = async (name: string) =>
    (await organisation.boroughs(force.id)).find((b) => b.name === name)?.id as string
  const bcu = async (code: string) =>
    (await organisation.bcus(force.id)).find((b) => b.code === code)?.id as string
  croydon = await borough('Croydon')
  const [sutton, lewisham, southArea] = [await borough('Sutton'), await borough('Lewisham'), await bcu('SN')]
  southEast = await bcu('SE')
  const team = async (name: string, boroughId: string) =>
    (
      await organisation.createTeam(
        force.id,
        { name, kind: 'cait', boroughId, bcuId: null, capacity: null, reviewCadenceDays: null, active: true },
        'tester',
      )
    ).id
  const [suttonTeam, lewishamTeam, croydonTeam] = [
    await team('Sutton CAIT', sutton),
    await team('Lewisham CAIT', lewisham),
    await team('Croydon CAIT', croydon),
  ]
  people.supA = await signIn(kestrel, ['supervisor'], { staffId: await memberOf(suttonTeam, 'SA1') })
  people.leadA = await signIn(kestrel, ['bcu_lead'], { staffId: await memberOf(suttonTeam, 'LA1') })
  people.supB = await signIn(kestrel, ['supervisor'], { staffId: await memberOf(lewishamTeam, 'SB1') })
  people.leadB = await signIn(kestrel, ['bcu_lead'], { staffId: await memberOf(lewishamTeam, 'LB1') })

  standards.register(visitRule)
  await sql`create table test_visit (id text primary key, ref text, borough_id uuid, bcu_id uuid, team_id uuid,
    arrived_at timestamptz, done_at timestamptz)`.execute(db)
  await sql`insert into test_visit values
    ('v1', 'V-CROYDON-UNOWNED', ${croydon}, ${southArea}, null, '2024-03-04T08:00:00Z', null),
    ('v2', 'V-CROYDON-TEAM', ${croydon}, ${southArea}, ${croydonTeam}, '2024-03-04T08:00:00Z', null),
    ('v3', 'V-SUTTON-UNOWNED', ${sutton}, ${southArea}, null, '2024-03-04T09:00:00Z', null),
    ('v4', 'V-LEWISHAM-UNOWNED', ${lewisham}, ${southEast}, null, '2024-03-04T10:00:00Z', null)`.execute(db)
  await standards.sweep()
  for (const row of await db.selectFrom('finding').select(['id', 'subject_id']).execute())
    finding[row.subject_id] = row.id
})
afterAll(() => kestrel.close())

const get = (url: string, user: SignedInUser) =>
  kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
const post = async (url: string, user: SignedInUser, form: Record<string, string>) =>
  kestrel.app.inject({
    method: 'POST',
    url,
    headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
    payload: new URLSearchParams({
      _csrf: user.csrfToken,
      ...(await findingFormVersion(kestrel.services.db, url)),
      ...form,
    }).toString(),
  })

const refs = ['V-CROYDON-UNOWNED', 'V-CROYDON-TEAM', 'V-SUTTON-UNOWNED', 'V-LEWISHAM-UNOWNED']
/** The visits a person's "My team" lists. */
async function myTeam(user: SignedInUser) {
  const page = await get('/my-team', user)
  expect(page.statusCode).toBe(200)
  return refs.filter((ref) => page.body.includes(ref))
}
async function api(user: SignedInUser, query = '') {
  const answer = await get(`/api/v1/findings?rule=TST-20${query}`, user)
  expect(answer.statusCode).toBe(200)
  return (answer.json().findings as { subjectRef: string }[]).map((f) => f.subjectRef).sort()
}

describe('a borough moving BCU takes its findings with it', () => {
  it('before the move: Croydon is South Area’s', async () => {
    expect(await myTeam(people.supA)).toEqual(['V-CROYDON-UNOWNED', 'V-SUTTON-UNOWNED'])
    expect(await myTeam(people.leadA)).toEqual(['V-CROYDON-UNOWNED', 'V-CROYDON-TEAM', 'V-SUTTON-UNOWNED'])
    expect(await myTeam(people.supB)).toEqual(['V-LEWISHAM-UNOWNED'])
    expect(await myTeam(people.leadB)).toEqual(['V-LEWISHAM-UNOWNED'])
    expect((await get(`/findings/${finding.v1}`, people.supA)).statusCode).toBe(200)
    expect((await get(`/findings/${finding.v1}`, people.supB)).statusCode).toBe(404)
  })

  it('after the move: South East has Croydon’s findings, South Area has them no more', async () => {
    await kestrel.services.organisation.reorganise(
      { boroughId: croydon, toBcuId: southEast, effectiveFrom: '2024-03-04' },
      'tester',
    )
    // The finding still carries the BCU its record named when the rule ran: nothing goes by it.
    const stored = await kestrel.services.db
      .selectFrom('finding')
      .select('bcu_id')
      .where('id', '=', finding.v1 as string)
      .executeTakeFirstOrThrow()
    expect(stored.bcu_id).not.toBe(southEast)

    expect(await myTeam(people.supA)).toEqual(['V-SUTTON-UNOWNED'])
    expect(await myTeam(people.leadA)).toEqual(['V-SUTTON-UNOWNED'])
    expect(await myTeam(people.supB)).toEqual(['V-CROYDON-UNOWNED', 'V-LEWISHAM-UNOWNED'])
    expect(await myTeam(people.leadB)).toEqual(['V-CROYDON-UNOWNED', 'V-CROYDON-TEAM', 'V-LEWISHAM-UNOWNED'])

    for (const id of [finding.v1, finding.v2]) {
      expect((await get(`/findings/${id}`, people.supB)).statusCode).toBe(200)
      expect((await get(`/findings/${id}`, people.leadB)).statusCode).toBe(200)
      expect((await get(`/findings/${id}`, people.supA)).statusCode).toBe(404)
      expect((await get(`/findings/${id}`, people.leadA)).statusCode).toBe(404)
    }
    expect((await get(`/findings/${finding.v3}`, people.leadA)).statusCode).toBe(200)
  })

  it('the API answers within need to know, stored and at an instant', async () => {
    expect(await api(people.leadA)).toEqual(['V-SUTTON-UNOWNED'])
    expect(await api(people.leadB)).toEqual(['V-CROYDON-TEAM', 'V-CROYDON-UNOWNED', 'V-LEWISHAM-UNOWNED'])
    // A supervisor's need to know is their area, not only their queue: Croydon's team-owned finding too.
    expect(await api(people.supB)).toEqual(['V-CROYDON-TEAM', 'V-CROYDON-UNOWNED', 'V-LEWISHAM-UNOWNED'])
    const asOf = '&asOf=2024-03-04T12:00:00Z'
    expect(await api(people.leadA, asOf)).toEqual(['V-SUTTON-UNOWNED'])
    expect(await api(people.leadB, asOf)).toEqual([
      'V-CROYDON-TEAM',
      'V-CROYDON-UNOWNED',
      'V-LEWISHAM-UNOWNED',
    ])
  })

  it("refuses the old BCU's acknowledgement as if the finding did not exist, and changes nothing", async () => {
    const before = await kestrel.services.db
      .selectFrom('finding')
      .select(['status', 'version', 'acknowledged_note'])
      .where('id', '=', finding.v1 as string)
      .executeTakeFirstOrThrow()
    const refused = await post(`/findings/${finding.v1}/acknowledge`, people.supA, { note: 'Ours' })
    expect(refused.statusCode).toBe(404)
    expect((await post(`/findings/${finding.v1}/resolve`, people.leadA, { reason: 'Ours' })).statusCode).toBe(
      404,
    )
    const after = await kestrel.services.db
      .selectFrom('finding')
      .select(['status', 'version', 'acknowledged_note'])
      .where('id', '=', finding.v1 as string)
      .executeTakeFirstOrThrow()
    expect(after).toEqual(before)
    const allowed = await post(`/findings/${finding.v1}/acknowledge`, people.supB, { note: 'Ours now' })
    expect(allowed.statusCode).toBe(303)
  })
})

describe('list reads are logged, one row per request', () => {
  const listRows = () =>
    kestrel.services.db
      .selectFrom('access_log')
      .select(['actor_id', 'action', 'subject_kind', 'subject_id', 'request_id', 'detail'])
      .where('subject_kind', '=', 'finding')
      .orderBy('seq')
      .execute()

  it('the API names its query and every finding it answered with', async () => {
    const before = (await listRows()).length
    const answer = await get('/api/v1/findings?rule=TST-20', people.leadB)
    const rows = await listRows()
    expect(rows).toHaveLength(before + 1)
    const row = rows.at(-1)
    expect(row).toMatchObject({
      actor_id: people.leadB.userId,
      action: 'list',
      subject_kind: 'finding',
      subject_id: 'GET /api/v1/findings?rule=TST-20',
    })
    expect(row?.request_id).toBeTruthy()
    const ids = (row?.detail as { ids?: string[] } | undefined)?.ids ?? []
    expect([...ids].sort()).toEqual([finding.v1, finding.v2, finding.v4].sort())
    expect(answer.json().findings).toHaveLength(3)
  })

  it('"My team" names the page it showed', async () => {
    const before = (await listRows()).length
    await get('/my-team?status=open', people.supA)
    const rows = await listRows()
    expect(rows).toHaveLength(before + 1)
    expect(rows.at(-1)).toMatchObject({
      actor_id: people.supA.userId,
      subject_id: 'GET /my-team?status=open',
      detail: { count: 1, ids: [finding.v3], total: 1 },
    })
  })
})

describe('My team downloads (issue 22, item 4)', () => {
  const exports = () =>
    kestrel.services.db
      .selectFrom('access_log')
      .select(['actor_id', 'subject_id', 'detail'])
      .where('subject_kind', '=', 'finding')
      .where('action', '=', 'export')
      .orderBy('seq')
      .execute()

  it('hold the page’s findings and no other BCU’s, the XLSX the CSV’s rows, each download logged', async () => {
    const leads = [
      { lead: people.leadA, theirs: 'V-SUTTON-UNOWNED', others: 'V-LEWISHAM-UNOWNED' },
      { lead: people.leadB, theirs: 'V-LEWISHAM-UNOWNED', others: 'V-SUTTON-UNOWNED' },
    ]
    for (const { lead, theirs, others } of leads) {
      const csv = await get('/my-team.csv?status=open', lead)
      expect(csv.statusCode).toBe(200)
      expect(csv.headers['content-type']).toBe('text/csv; charset=utf-8')
      const inCsv = refs.filter((ref) => csv.body.includes(ref))
      expect(inCsv).toEqual(await myTeam(lead))
      expect(inCsv).toContain(theirs)
      expect(inCsv).not.toContain(others)
      const logged = (await exports()).at(-1)
      expect(logged).toMatchObject({
        actor_id: lead.userId,
        subject_id: 'GET /my-team.csv?status=open',
        detail: { count: inCsv.length, format: 'csv' },
      })
      const loggedIds = (logged?.detail as { ids?: string[] } | undefined)?.ids ?? []
      const byRef = Object.fromEntries(refs.map((r, i) => [r, finding[`v${i + 1}`]]))
      expect([...loggedIds].sort()).toEqual(inCsv.map((r) => byRef[r]).sort())

      const xlsx = await get('/my-team.xlsx?status=open', lead)
      expect(xlsx.statusCode).toBe(200)
      const sheet = await readSheet(xlsx.rawPayload)
      // The workbook's rows written out as the CSV writes them are the CSV, byte for byte.
      expect(csvOf(sheet[0] ?? [], sheet.slice(1))).toBe(csv.body)
      expect((await exports()).at(-1)).toMatchObject({ actor_id: lead.userId, detail: { format: 'xlsx' } })
    }
  })

  it('refuses a filter the page does not offer with a 400 naming it, and logs nothing', async () => {
    const before = (await exports()).length
    const csv = await get('/my-team.csv?rule=NOT-A-RULE', people.leadA)
    expect(csv.statusCode).toBe(400)
    expect(csv.body).toContain('rule')
    expect((await get('/my-team.xlsx?status=sideways', people.leadA)).statusCode).toBe(400)
    expect(await exports()).toHaveLength(before)
  })
})
