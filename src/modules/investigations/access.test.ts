import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { forceWideReach, type Reach, reachOf } from '../../platform/access/need-to-know.ts'
import { type InvestigationsFixture, investigationsFixture, movableClock, tester } from './test-fixtures.ts'

// Need to know and role permissions on investigations: a case in another BCU is not found anywhere (page,
// list, API, timeline, the missing grading page's open cases) unless it is allocated to the reader; the API
// refuses the roles its page refuses; list reads are logged as one row naming every case shown.
const clock = movableClock('2018-09-01T09:00:00Z')

describe('investigations need to know and permissions (database)', () => {
  let f: InvestigationsFixture
  let childId: string
  let camdenCase: { id: string; ref: string }
  let croydonCase: { id: string; ref: string }
  let allocatedCase: { id: string; ref: string }
  let camdenSupervisor: SignedInUser
  let croydonSupervisor: SignedInUser
  let croydonOfficer: SignedInUser
  let croydonOfficerStaffId: string
  let auditorToken: string

  const svc = () => f.kestrel.services.investigations
  const get = (user: SignedInUser, url: string) =>
    f.kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
  const reachOfUser = async (user: SignedInUser): Promise<Reach> => {
    const principal = await f.kestrel.services.principals.principalForUser(user.userId)
    if (!principal) throw new Error('no principal')
    return reachOf(principal)
  }
  const open = (borough: string, summary: string) =>
    svc().open(
      {
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'medium',
        summary,
        boroughId: f.boroughId(borough),
        openedAt: new Date('2018-08-20T09:00:00Z'),
        people: [{ personIdOrRef: childId, role: 'child' }],
      },
      tester,
    )

  beforeAll(async () => {
    f = await investigationsFixture(clock)
    childId = (await f.child('Ruby')).id
    const camdenTeam = await f.team({ borough: 'Camden' })
    const croydonTeam = await f.team({ borough: 'Croydon' })
    camdenSupervisor = await signIn(f.kestrel, ['supervisor'], {
      staffId: (await f.staff(camdenTeam.id, 'DS Camden')).id,
    })
    croydonSupervisor = await signIn(f.kestrel, ['supervisor'], {
      staffId: (await f.staff(croydonTeam.id, 'DS Croydon')).id,
    })
    croydonOfficerStaffId = (await f.staff(croydonTeam.id, 'DC Croydon')).id
    croydonOfficer = await signIn(f.kestrel, ['officer'], { staffId: croydonOfficerStaffId })
    camdenCase = await open('Camden', 'Camden concern')
    croydonCase = await open('Croydon', 'Croydon concern')
    // A Camden case allocated to a Croydon officer: theirs wherever it lies.
    const allocated = await open('Camden', 'Camden case with a Croydon officer')
    await svc().allocate(
      allocated.id,
      allocated.version,
      { teamId: croydonTeam.id, staffId: croydonOfficerStaffId, reason: 'Knows the family' },
      tester,
      forceWideReach,
    )
    allocatedCase = allocated
    auditorToken = (
      await f.kestrel.services.apiTokens.create(
        { name: 'Audit extract', roles: ['dit_auditor'], expiresOn: null },
        { id: 'tester', username: 'tester' },
      )
    ).token
  }, 60_000)
  afterAll(() => f.kestrel.close())

  it('another BCU’s case is not found on its page, its forms or the API; the home BCU’s is', async () => {
    for (const path of ['', '/people', '/timeline', '/review', '/allocate', '/close'])
      expect((await get(croydonSupervisor, `/investigations/${camdenCase.id}${path}`)).statusCode, path).toBe(
        404,
      )
    expect((await get(croydonSupervisor, `/api/v1/investigations/${camdenCase.id}`)).statusCode).toBe(404)
    expect((await get(camdenSupervisor, `/investigations/${camdenCase.id}`)).statusCode).toBe(200)
    expect((await get(camdenSupervisor, `/api/v1/investigations/${camdenCase.id}`)).statusCode).toBe(200)
  })

  it('a write to another BCU’s case is not found and changes nothing', async () => {
    const before = await svc().get(camdenCase.id, forceWideReach)
    const res = await f.kestrel.app.inject({
      method: 'POST',
      url: `/investigations/${camdenCase.id}/close`,
      headers: { cookie: croydonSupervisor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: new URLSearchParams({
        _csrf: croydonSupervisor.csrfToken,
        version: String(before?.version),
        outcome: '18',
        rationale: 'Not ours to close',
      }).toString(),
    })
    expect(res.statusCode).toBe(404)
    const after = await svc().get(camdenCase.id, forceWideReach)
    expect([after?.status, after?.version]).toEqual(['open', before?.version])
  })

  it('the officer a case is allocated to sees it outside their BCU; their supervisor does not', async () => {
    expect((await get(croydonOfficer, `/investigations/${allocatedCase.id}`)).statusCode).toBe(200)
    expect((await get(croydonSupervisor, `/investigations/${allocatedCase.id}`)).statusCode).toBe(404)
    const list = await get(croydonOfficer, '/investigations?status=all')
    expect(list.body).toContain(allocatedCase.ref)
    expect(list.body).not.toContain(camdenCase.ref)
  })

  it('lists, the timeline and the open cases name only cases within reach', async () => {
    const list = await get(croydonSupervisor, '/investigations?status=all')
    expect(list.statusCode).toBe(200)
    expect(list.body).toContain(croydonCase.ref)
    expect(list.body).not.toContain(camdenCase.ref)
    const api = await get(croydonSupervisor, '/api/v1/investigations')
    expect((api.json() as { items: { id: string }[] }).items.map((i) => i.id)).toEqual([croydonCase.id])

    const croydon = await reachOfUser(croydonSupervisor)
    const timeline = await svc().timelineItems(childId, croydon)
    expect(timeline.map((t) => t.href)).toEqual([`/investigations/${croydonCase.id}`])
    expect((await svc().openCasesFor(childId, croydon)).map((c) => c.ref)).toEqual([croydonCase.ref])
    const all = await svc().openCasesFor(childId, forceWideReach)
    expect(all.map((c) => c.ref).sort()).toEqual([camdenCase.ref, croydonCase.ref, allocatedCase.ref].sort())
    // Through the person's chronology, as every module's timeline is gathered.
    const chronology = await f.kestrel.services.children.timeline(childId, croydon)
    const hrefs = chronology.map((t: { href?: string }) => t.href)
    expect(hrefs).toContain(`/investigations/${croydonCase.id}`)
    expect(hrefs).not.toContain(`/investigations/${camdenCase.id}`)
  })

  it('links only a PAC the opener may see, and names on the case only the linked PACs the reader may see', async () => {
    const pac = async (borough: string) =>
      f.kestrel.services.db
        .insertInto('pac')
        .values({
          person_id: childId,
          about_kind: 'incident',
          about_summary: 'Test concern',
          concerns: ['child_abuse'],
          risk_level: 'medium',
          risk_assessment: 'Test risk',
          child_spoken_to: true,
          voice_of_child: 'Test words',
          police_first_knew_at: new Date('2018-08-10T09:00:00Z'),
          created_at: new Date('2018-08-10T10:00:00Z'),
          submitted_at: new Date('2018-08-10T10:00:00Z'),
          raised_by_name: 'PC Test',
          created_by: 'tester',
          borough_id: f.boroughId(borough),
          updated_at: new Date('2018-08-10T10:00:00Z'),
        })
        .returning(['id', 'ref'])
        .executeTakeFirstOrThrow()
    const camdenPac = await pac('Camden')
    const croydonPac = await pac('Croydon')
    const child = await f.kestrel.services.children.find(childId)
    const opening = (pacRefs: string) =>
      f.kestrel.app.inject({
        method: 'POST',
        url: '/investigations/new',
        headers: { cookie: camdenSupervisor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: camdenSupervisor.csrfToken,
          caseType: 'referral_other',
          strands: 'child_abuse',
          riskLevel: 'medium',
          summary: 'Linked to PACs',
          boroughId: f.boroughId('Camden'),
          'openedAt-day': '25',
          'openedAt-month': '8',
          'openedAt-year': '2018',
          'openedAt-time': '10:00',
          'people-0-person': child?.ref ?? '',
          'people-0-role': 'child',
          pacRefs,
        }).toString(),
      })
    const refused = await opening(croydonPac.ref)
    expect(refused.statusCode).toBe(400)
    expect(refused.body).toContain(`${croydonPac.ref} is not a PAC about the people linked here`)
    const opened = await opening(camdenPac.ref)
    expect(opened.statusCode).toBe(303)
    const id = (opened.headers.location as string).split('/').pop() as string
    // Linked by someone who may see both (an import, say): the Camden reader is not told of the other.
    await f.kestrel.services.db
      .insertInto('investigation_pac')
      .values({ investigation_id: id, pac_id: croydonPac.id, linked_at: new Date() })
      .execute()
    const page = await get(camdenSupervisor, `/investigations/${id}/people`)
    expect(page.body).toContain(camdenPac.ref)
    expect(page.body).not.toContain(croydonPac.ref)
  })

  it('the API refuses a write its page refuses: a DIT auditor’s token cannot close a case (403, nothing changed)', async () => {
    const before = await svc().get(camdenCase.id, forceWideReach)
    const logged = await f.kestrel.services.db
      .selectFrom('access_log')
      .select('seq')
      .where('subject_id', '=', camdenCase.id)
      .execute()
    const res = await f.kestrel.app.inject({
      method: 'POST',
      url: `/api/v1/investigations/${camdenCase.id}/closure`,
      headers: { authorization: `Bearer ${auditorToken}`, 'content-type': 'application/json' },
      payload: JSON.stringify({ version: before?.version, outcome: '18', rationale: 'Audit closed it' }),
    })
    expect(res.statusCode).toBe(403)
    const after = await svc().get(camdenCase.id, forceWideReach)
    expect([after?.status, after?.version, after?.outcome]).toEqual(['open', before?.version, null])
    const loggedAfter = await f.kestrel.services.db
      .selectFrom('access_log')
      .select('seq')
      .where('subject_id', '=', camdenCase.id)
      .execute()
    expect(loggedAfter).toHaveLength(logged.length)
    // The page refuses the auditor the same step.
    const auditor = await signIn(f.kestrel, ['dit_auditor'])
    expect((await get(auditor, `/investigations/${camdenCase.id}/close`)).statusCode).toBe(403)
    expect((await get(auditor, `/investigations/${camdenCase.id}`)).statusCode).toBe(200)
  })

  it('logs a list read as one row naming the query and every case shown (page and API)', async () => {
    const page = await get(camdenSupervisor, '/investigations?status=all&sort=ref')
    expect(page.statusCode).toBe(200)
    const api = await f.kestrel.app.inject({
      method: 'GET',
      url: '/api/v1/investigations?status=open',
      headers: { authorization: `Bearer ${auditorToken}` },
    })
    expect(api.statusCode).toBe(200)
    const rows = await f.kestrel.services.db
      .selectFrom('access_log')
      .select(['actor_id', 'action', 'subject_kind', 'subject_id', 'detail'])
      .where('action', '=', 'list')
      .where('subject_kind', '=', 'investigation')
      .where('subject_id', 'in', [
        'GET /investigations?status=all&sort=ref',
        'GET /api/v1/investigations?status=open',
      ])
      .execute()
    expect(rows).toHaveLength(2)
    const pageRow = rows.find((r) => r.subject_id.startsWith('GET /investigations'))
    expect(pageRow?.actor_id).toBe(camdenSupervisor.userId)
    // Every case of Central North (Camden and Islington), and none other.
    const centralNorth = await f.kestrel.services.db
      .selectFrom('investigation')
      .select('id')
      .where('borough_id', 'in', [f.boroughId('Camden'), f.boroughId('Islington')])
      .execute()
    const shown = (pageRow?.detail as { ids: string[] } | undefined)?.ids ?? []
    expect(shown).toContain(camdenCase.id)
    expect(shown).not.toContain(croydonCase.id)
    expect([...shown].sort()).toEqual(centralNorth.map((r) => r.id).sort())
    const apiRow = rows.find((r) => r.subject_id.startsWith('GET /api'))
    const apiIds = (api.json() as { items: { id: string }[] }).items.map((i) => i.id)
    expect((apiRow?.detail as { ids: string[] } | undefined)?.ids).toEqual(apiIds)
    // The auditor's token reaches the force: every open case, the other BCU's too.
    expect(apiIds).toContain(croydonCase.id)
    expect(apiIds).toContain(camdenCase.id)
  })
})
