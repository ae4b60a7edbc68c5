import { sql } from 'kysely'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Role } from '../../platform/access/roles.ts'
import { movableClock, type ReferralsFixture, referralsFixture, tester } from './test-fixtures.ts'

const clock = movableClock('2018-08-01T09:00:00Z')

/**
 * Need to know for PACs through the app: the child's timeline lists only the PACs within the reader's
 * reach, the API asks the same role permission as the page, and list reads are logged once per request.
 */
describe('PAC need to know, role parity and list logging (database)', () => {
  let f: ReferralsFixture
  let childId: string
  let camdenPac: { id: string; ref: string }
  let ownPac: { id: string; ref: string }
  let camdenOfficer: SignedInUser
  let islingtonOfficer: SignedInUser
  let croydonOfficer: SignedInUser
  let noArea: SignedInUser
  let auditor: SignedInUser
  let auditorToken: string

  const get = (user: SignedInUser, url: string) =>
    f.kestrel.app.inject({ method: 'GET', url, headers: { cookie: user.cookie } })
  const json = (user: SignedInUser, body?: unknown) => ({
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })

  /** A signed-in user on the staff of a team in the borough: their area is that borough's BCU. */
  async function staffIn(borough: string, roles: Role[]) {
    const { organisation } = f.kestrel.services
    const force = await organisation.force()
    const team = await organisation.createTeam(
      force.id,
      {
        name: `${borough} ${roles.join(' ')} team ${Math.random().toString(36).slice(2, 6)}`,
        kind: 'response_neighbourhood',
        boroughId: f.boroughId(borough),
        bcuId: null,
        capacity: null,
        reviewCadenceDays: null,
        active: true,
      },
      'tester',
    )
    const staff = await organisation.createStaff(
      force.id,
      {
        staffNumber: `S${Math.random().toString(36).slice(2, 8).toUpperCase()}`,
        name: `${borough} ${roles.join(' ')}`,
        rank: 'constable',
        role: 'Officer',
        teamId: team.id,
        startDate: '2017-01-01',
        active: true,
      },
      'tester',
    )
    return signIn(f.kestrel, roles, { staffId: staff.id })
  }

  const pacInput = (boroughId: string) => ({
    personId: childId,
    aboutKind: 'incident' as const,
    aboutRef: null,
    aboutSummary: 'Found alone at night',
    concerns: ['child_abuse' as const],
    riskLevel: 'medium' as const,
    riskAssessment: 'Unsupervised',
    childSpokenTo: true,
    voiceOfChild: 'Said mum was out',
    policeFirstKnewAt: new Date('2018-08-01T07:00:00Z'),
    boroughId,
  })

  const logRows = (actorId: string, fromSeq: number) =>
    sql<{ seq: number; action: string; subject_kind: string; subject_id: string; detail: unknown }>`
      select seq, action, subject_kind, subject_id, detail from access_log
      where actor_id = ${actorId} and seq > ${fromSeq} order by seq`
      .execute(f.kestrel.services.db)
      .then((r) => r.rows)
  const lastSeq = async () =>
    (
      await sql<{ n: number }>`select coalesce(max(seq), 0)::int as n from access_log`.execute(
        f.kestrel.services.db,
      )
    ).rows[0]?.n ?? 0

  beforeAll(async () => {
    f = await referralsFixture(clock)
    childId = (await f.child('Ruby')).id
    camdenOfficer = await staffIn('Camden', ['officer'])
    // Islington shares Camden's BCU (Central North); Croydon lies in another.
    islingtonOfficer = await staffIn('Islington', ['officer'])
    croydonOfficer = await staffIn('Croydon', ['officer'])
    noArea = await signIn(f.kestrel, ['officer'])
    auditor = await signIn(f.kestrel, ['dit_auditor'])
    auditorToken = (
      await f.kestrel.services.apiTokens.create(
        { name: 'Audit extract', roles: ['dit_auditor'], expiresOn: null },
        { id: 'tester', username: 'tester' },
      )
    ).token
    const { referrals } = f.kestrel.services
    const raised = await referrals.create(pacInput(f.boroughId('Camden')), tester)
    // Shared with the MASH, so a follow-up may be recorded.
    const shared = await referrals.update(
      raised.id,
      raised.version,
      {
        reviewedAt: clock.now(),
        reviewDecision: 'approved',
        sharedWithMashAt: clock.now(),
      },
      tester,
      forceWideReach,
    )
    camdenPac = { id: shared.id, ref: shared.ref }
    // Raised in Croydon by the officer with no area: theirs wherever it lies.
    const own = await referrals.create(pacInput(f.boroughId('Croydon')), {
      id: noArea.userId,
      username: 'no.area',
      displayName: 'No Area',
      staffId: null,
    })
    ownPac = { id: own.id, ref: own.ref }
  }, 60_000)
  afterAll(() => f.kestrel.close())

  describe('the child’s timeline lists only the PACs within reach', () => {
    const timeline = async (user: SignedInUser) => {
      const page = await get(user, `/people/${childId}/timeline`)
      expect(page.statusCode).toBe(200)
      return page.body
    }

    it('the home BCU sees the Camden PAC, and not the Croydon one', async () => {
      for (const user of [camdenOfficer, islingtonOfficer]) {
        const body = await timeline(user)
        expect(body).toContain(`/pacs/${camdenPac.id}`)
        expect(body).toContain(`PAC ${camdenPac.ref} raised`)
        expect(body).not.toContain(`/pacs/${ownPac.id}`)
      }
    })

    it('another BCU sees the Croydon PAC and not the Camden one', async () => {
      const body = await timeline(croydonOfficer)
      expect(body).not.toContain(`/pacs/${camdenPac.id}`)
      expect(body).not.toContain(`PAC ${camdenPac.ref} raised`)
      expect(body).toContain(`/pacs/${ownPac.id}`)
    })

    it('a user with no area sees only the PAC they raised', async () => {
      const body = await timeline(noArea)
      expect(body).not.toContain(`/pacs/${camdenPac.id}`)
      expect(body).toContain(`/pacs/${ownPac.id}`)
      // And may open it, but not the Camden one.
      expect((await get(noArea, `/pacs/${ownPac.id}`)).statusCode).toBe(200)
      expect((await get(noArea, `/pacs/${camdenPac.id}`)).statusCode).toBe(404)
    })

    it('a force-wide auditor sees both', async () => {
      const body = await timeline(auditor)
      expect(body).toContain(`/pacs/${camdenPac.id}`)
      expect(body).toContain(`/pacs/${ownPac.id}`)
    })
  })

  describe('the API asks the page’s role permission', () => {
    const followUp = { followUp: 'Phoned the MASH', followUpAt: '2018-08-01T09:00:00Z' }

    it('a DIT auditor may read a PAC but not record its follow-up, by token or session; nothing changes', async () => {
      const { referrals } = f.kestrel.services
      const before = await referrals.get(camdenPac.id)
      const byToken = await f.kestrel.app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${camdenPac.id}`,
        headers: { authorization: `Bearer ${auditorToken}`, 'content-type': 'application/json' },
        payload: JSON.stringify({ version: before?.version, ...followUp }),
      })
      expect(byToken.statusCode).toBe(403)
      const bySession = await f.kestrel.app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${camdenPac.id}`,
        ...json(auditor, { version: before?.version, ...followUp }),
      })
      expect(bySession.statusCode).toBe(403)
      // The page refuses it too.
      const byPage = await f.kestrel.app.inject({
        method: 'POST',
        url: `/pacs/${camdenPac.id}/follow-up`,
        headers: { cookie: auditor.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: auditor.csrfToken,
          version: String(before?.version),
          followUp: 'Phoned the MASH',
        }).toString(),
      })
      expect(byPage.statusCode).toBe(403)
      const after = await referrals.get(camdenPac.id)
      expect(after).toMatchObject({ version: before?.version, followUp: null, followUpAt: null })
      // Reading is still theirs.
      const read = await f.kestrel.app.inject({
        method: 'GET',
        url: `/api/v1/pacs/${camdenPac.id}`,
        headers: { authorization: `Bearer ${auditorToken}` },
      })
      expect(read.statusCode).toBe(200)
    })

    it('another BCU’s officer gets 404 and changes nothing; the home BCU’s officer records it', async () => {
      const { referrals } = f.kestrel.services
      const before = await referrals.get(camdenPac.id)
      const elsewhere = await f.kestrel.app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${camdenPac.id}`,
        ...json(croydonOfficer, { version: before?.version, ...followUp }),
      })
      expect(elsewhere.statusCode).toBe(404)
      expect(await referrals.get(camdenPac.id)).toMatchObject({ version: before?.version, followUp: null })
      const home = await f.kestrel.app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${camdenPac.id}`,
        ...json(camdenOfficer, { version: before?.version, ...followUp }),
      })
      expect(home.statusCode).toBe(200)
      expect(home.json()).toMatchObject({ followUp: { text: 'Phoned the MASH' } })
    })

    it('a PATCH naming no field is refused and changes nothing', async () => {
      const { referrals } = f.kestrel.services
      const before = await referrals.get(camdenPac.id)
      const empty = await f.kestrel.app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${camdenPac.id}`,
        ...json(camdenOfficer, { version: before?.version }),
      })
      expect(empty.statusCode).toBe(400)
      expect((await referrals.get(camdenPac.id))?.version).toBe(before?.version)
    })
  })

  describe('list reads are logged as one row per request', () => {
    it('GET /api/v1/pacs?limit=500 writes exactly one row listing every PAC it answered with', async () => {
      const from = await lastSeq()
      const response = await f.kestrel.app.inject({
        method: 'GET',
        url: '/api/v1/pacs?limit=500',
        ...json(auditor),
      })
      expect(response.statusCode).toBe(200)
      const ids = response.json().pacs.map((p: { id: string }) => p.id)
      expect(ids).toEqual(expect.arrayContaining([camdenPac.id, ownPac.id]))
      const rows = await logRows(auditor.userId, from)
      expect(rows).toHaveLength(1)
      expect(rows[0]).toMatchObject({
        action: 'list',
        subject_kind: 'pac',
        subject_id: 'GET /api/v1/pacs?limit=500',
        detail: { count: ids.length, ids },
      })
    })

    it('the list page, the MASH queue and the partner’s shared list log one row each', async () => {
      const mash = await staffIn('Camden', ['mash'])
      const partner = await staffIn('Camden', ['partner'])
      for (const [user, url, expected] of [
        [camdenOfficer, '/pacs', [camdenPac.id]],
        [mash, '/pacs/mash', [camdenPac.id]],
        [partner, '/partner/pacs', [camdenPac.id]],
        [croydonOfficer, '/pacs', [ownPac.id]],
      ] as const) {
        const from = await lastSeq()
        const page = await get(user, url)
        expect(page.statusCode, url).toBe(200)
        const rows = await logRows(user.userId, from)
        expect(rows, url).toHaveLength(1)
        expect(rows[0], url).toMatchObject({
          action: 'list',
          subject_kind: 'pac',
          subject_id: `GET ${url}`,
          detail: { ids: expected },
        })
      }
    })

    it('the PAC list and the MASH queue download within reach, logged as exported', async () => {
      const mash = await staffIn('Camden', ['mash'])
      for (const [user, url, expected, other] of [
        [camdenOfficer, '/pacs.csv', camdenPac, ownPac],
        [mash, '/pacs/mash.xlsx', camdenPac, ownPac],
        [croydonOfficer, '/pacs.csv', ownPac, camdenPac],
      ] as const) {
        const from = await lastSeq()
        const file = await get(user, url)
        expect(file.statusCode, url).toBe(200)
        if (url.endsWith('.csv')) {
          expect(file.body, url).toContain(`${expected.ref},`)
          expect(file.body, url).not.toContain(`${other.ref},`)
        }
        const rows = await logRows(user.userId, from)
        expect(rows, url).toHaveLength(1)
        expect(rows[0], url).toMatchObject({
          action: 'export',
          subject_kind: 'pac',
          subject_id: `GET ${url}`,
          detail: { ids: [expected.id] },
        })
      }
    })
  })
})
