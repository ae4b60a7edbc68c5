import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { movableClock, type ReferralsFixture, referralsFixture, tester } from './test-fixtures.ts'

const clock = movableClock('2018-08-01T09:00:00Z')

describe('PAC pages, API and partner access (database)', () => {
  let f: ReferralsFixture
  let camden: string
  let hackney: string
  let childId: string
  let childRef: string
  let officer: SignedInUser
  let supervisor: SignedInUser
  let mash: SignedInUser
  let camdenPartner: SignedInUser
  let hackneyPartner: SignedInUser

  const form = (user: SignedInUser, fields: Record<string, string | string[]>) => {
    const params = new URLSearchParams()
    params.set('_csrf', user.csrfToken)
    for (const [k, v] of Object.entries(fields)) for (const one of [v].flat()) params.append(k, one)
    return {
      headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
      payload: params.toString(),
    }
  }
  const json = (user: SignedInUser, body?: unknown) => ({
    headers: { cookie: user.cookie, 'x-csrf-token': user.csrfToken, 'content-type': 'application/json' },
    ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
  })

  async function partnerIn(boroughId: string, name: string) {
    const { organisation } = f.kestrel.services
    const force = await organisation.force()
    const team = await organisation.createTeam(
      force.id,
      {
        name: `${name} children's social care`,
        kind: 'mash',
        boroughId,
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
        staffNumber: `P${name.slice(0, 4).toUpperCase()}1`,
        name: `${name} social worker`,
        rank: 'police_staff',
        role: 'Social worker',
        teamId: team.id,
        startDate: '2017-01-01',
        active: true,
      },
      'tester',
    )
    return signIn(f.kestrel, ['partner'], { staffId: staff.id })
  }

  beforeAll(async () => {
    f = await referralsFixture(clock)
    camden = f.boroughId('Camden')
    hackney = f.boroughId('Hackney')
    const child = await f.child('Ruby')
    childId = child.id
    childRef = child.ref
    officer = await signIn(f.kestrel, ['officer', 'force_lead'])
    supervisor = await signIn(f.kestrel, ['supervisor', 'force_lead'])
    mash = await signIn(f.kestrel, ['mash', 'force_lead'])
    camdenPartner = await partnerIn(camden, 'Camden')
    hackneyPartner = await partnerIn(hackney, 'Hackney')
  })
  afterAll(() => f.kestrel.close())

  describe('service validation: a clear error naming the field, nothing written', () => {
    const valid = () => ({
      personId: childId,
      aboutKind: 'incident' as const,
      aboutRef: 'CAD-1',
      aboutSummary: 'Found alone at night',
      concerns: ['child_abuse' as const],
      riskLevel: 'medium' as const,
      riskAssessment: 'Neglect',
      childSpokenTo: true,
      voiceOfChild: 'I was scared',
      policeFirstKnewAt: new Date('2018-08-01T07:00:00Z'),
      boroughId: camden,
    })
    const count = async () =>
      Number(
        (
          await f.kestrel.services.db
            .selectFrom('pac')
            .select((eb) => eb.fn.countAll().as('n'))
            .executeTakeFirstOrThrow()
        ).n,
      )
    const refused = async (work: () => Promise<unknown>) => {
      const error = (await work().catch((e: unknown) => e)) as {
        statusCode?: number
        errors?: { field: string }[]
      }
      expect(error.statusCode).toBe(400)
      return error.errors?.map((e) => e.field)
    }

    it('an unknown person, a time in the future', async () => {
      const before = await count()
      expect(
        await refused(() =>
          f.kestrel.services.referrals.create(
            { ...valid(), personId: '00000000-0000-4000-8000-000000000000' },
            tester,
          ),
        ),
      ).toEqual(['child'])
      expect(
        await refused(() =>
          f.kestrel.services.referrals.create(
            { ...valid(), policeFirstKnewAt: new Date('2018-08-01T10:00:00Z') },
            tester,
          ),
        ),
      ).toEqual(['policeFirstKnewAt'])
      expect(await count()).toBe(before)
    })

    it('a decision before creation, a BRAG outside the four, an outcome without the PAC shared', async () => {
      const { referrals } = f.kestrel.services
      const pac = await referrals.create(valid(), tester)
      expect(
        await refused(() =>
          referrals.update(
            pac.id,
            1,
            { reviewedAt: new Date('2018-08-01T08:00:00Z'), reviewDecision: 'approved' },
            tester,
            forceWideReach,
          ),
        ),
      ).toEqual(['reviewedAt'])
      expect(
        await refused(() =>
          referrals.update(
            pac.id,
            1,
            { outcome: 'nfa', outcomeReason: 'x', feedbackAt: clock.now() },
            tester,
            forceWideReach,
          ),
        ),
      ).toEqual(['outcome'])
      expect(
        await refused(() =>
          referrals.update(pac.id, 1, { mashBrag: 'purple' as never }, tester, forceWideReach),
        ),
      ).toContain('mashBrag')
      const after = await referrals.get(pac.id)
      expect(after).toMatchObject({ version: 1, reviewedAt: null, outcome: null, mashBrag: null })
    })
  })

  describe('raising a PAC through the question pages', () => {
    it('keeps answers across validation errors and sends the PAC from check your answers', async () => {
      const app = f.kestrel.app
      // The first question is asked with no draft; its first answer starts one.
      const base = '/pacs/new'
      const start = await app.inject({ method: 'GET', url: base, headers: { cookie: officer.cookie } })
      expect(start.statusCode).toBe(200)
      const search = await app.inject({
        method: 'GET',
        url: `${base}?q=${encodeURIComponent(childRef)}`,
        headers: { cookie: officer.cookie },
      })
      expect(search.body).toContain(childRef)
      // Nothing chosen: the error summary names the field.
      const noChild = await app.inject({ method: 'POST', url: base, ...form(officer, {}) })
      expect(noChild.statusCode).toBe(400)
      expect(noChild.body).toContain('Select the child the PAC is about')
      const chosen = await app.inject({ method: 'POST', url: base, ...form(officer, { personId: childId }) })
      expect(chosen.headers.location).toMatch(/^\/pacs\/new\/[0-9a-f-]{36}\/about$/)
      const draft = (chosen.headers.location as string).replace(/\/about$/, '')
      const about = await app.inject({
        method: 'POST',
        url: `${draft}/about`,
        ...form(officer, { aboutKind: 'incident', aboutRef: 'CAD-77', aboutSummary: '', boroughId: camden }),
      })
      expect(about.statusCode).toBe(400)
      expect(about.body).toContain('Enter what happened')
      expect(about.body).toContain('CAD-77') // what was typed is shown again
      await app.inject({
        method: 'POST',
        url: `${draft}/about`,
        ...form(officer, {
          aboutKind: 'incident',
          aboutRef: 'CAD-77',
          aboutSummary: 'Domestic incident, child present',
          boroughId: camden,
        }),
      })
      const noConcerns = await app.inject({ method: 'POST', url: `${draft}/concerns`, ...form(officer, {}) })
      expect(noConcerns.body).toContain('Select at least one concern')
      await app.inject({
        method: 'POST',
        url: `${draft}/concerns`,
        ...form(officer, { concerns: ['child_abuse', 'domestic_abuse_stalking_harassment'] }),
      })
      await app.inject({
        method: 'POST',
        url: `${draft}/risk`,
        ...form(officer, { riskLevel: 'high', riskAssessment: 'Repeat incidents' }),
      })
      await app.inject({
        method: 'POST',
        url: `${draft}/voice`,
        ...form(officer, { childSpokenTo: 'yes', voiceOfChild: 'Dad shouts at Mum' }),
      })
      const future = await app.inject({
        method: 'POST',
        url: `${draft}/when`,
        ...form(officer, {
          'firstKnew-day': '2',
          'firstKnew-month': '8',
          'firstKnew-year': '2018',
          firstKnewTime: '09:00',
        }),
      })
      expect(future.statusCode).toBe(400)
      expect(future.body).toContain('must not be in the future')
      const when = await app.inject({
        method: 'POST',
        url: `${draft}/when`,
        ...form(officer, {
          'firstKnew-day': '1',
          'firstKnew-month': '8',
          'firstKnew-year': '2018',
          firstKnewTime: '08:15',
        }),
      })
      expect(when.headers.location).toBe(`${draft}/check`)
      const check = await app.inject({
        method: 'GET',
        url: `${draft}/check`,
        headers: { cookie: officer.cookie },
      })
      expect(check.body).toContain('Dad shouts at Mum')
      expect(check.body).toContain('2018-08-01 08:15')
      const sent = await app.inject({ method: 'POST', url: `${draft}/check`, ...form(officer, {}) })
      expect(sent.statusCode).toBe(303)
      const page = await app.inject({
        method: 'GET',
        url: sent.headers.location as string,
        headers: { cookie: officer.cookie },
      })
      expect(page.statusCode).toBe(200)
      expect(page.body).toContain('PAC sent for supervisor review')
      expect(page.body).toContain('REF-02') // its finding: waiting for review, due
      // The draft is gone once sent.
      expect(
        (await app.inject({ method: 'GET', url: `${draft}/check`, headers: { cookie: officer.cookie } }))
          .statusCode,
      ).toBe(404)
    })
  })

  describe('API', () => {
    let id: string
    it('creates, reads, lists and updates with the version; a stale version is 409', async () => {
      const app = f.kestrel.app
      clock.set('2018-08-01T12:00:00Z')
      const created = await app.inject({
        method: 'POST',
        url: '/api/v1/pacs',
        ...json(officer, {
          child: childRef,
          aboutKind: 'missing_episode',
          aboutSummary: 'Missing overnight',
          concerns: ['missing_people', 'cse'],
          riskLevel: 'high',
          riskAssessment: 'Older associates',
          childSpokenTo: false,
          voiceOfChild: 'Refused to speak',
          policeFirstKnewAt: '2018-08-01T06:00:00Z',
          boroughId: camden,
        }),
      })
      expect(created.statusCode).toBe(201)
      id = created.json().id
      clock.set('2018-08-01T14:00:00Z')
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/pacs/${id}`, ...json(officer) })).json().stage,
      ).toBe('awaiting_review')
      const list = await app.inject({
        method: 'GET',
        url: `/api/v1/pacs?child=${childRef}&stage=awaiting_review`,
        ...json(officer),
      })
      expect(list.json().pacs.map((p: { id: string }) => p.id)).toContain(id)
      // An officer may not record a supervisor review. (The `officer` above is also a force lead, whom the
      // review page allows; the API asks the same permission, so a plain officer is asked here.)
      const plainOfficer = await signIn(f.kestrel, ['officer'])
      expect(
        (
          await app.inject({
            method: 'PATCH',
            url: `/api/v1/pacs/${id}`,
            ...json(plainOfficer, {
              version: 1,
              reviewDecision: 'approved',
              reviewedAt: '2018-08-01T13:00:00Z',
            }),
          })
        ).statusCode,
      ).toBe(403)
      const reviewed = await app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${id}`,
        ...json(supervisor, {
          version: 1,
          reviewDecision: 'approved',
          reviewedAt: '2018-08-01T13:00:00Z',
          sharedWithMashAt: '2018-08-01T13:15:00Z',
        }),
      })
      expect(reviewed.statusCode).toBe(200)
      expect(reviewed.json()).toMatchObject({ version: 2, stage: 'with_mash' })
      const stale = await app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${id}`,
        ...json(mash, { version: 1, mashBrag: 'red' }),
      })
      expect(stale.statusCode).toBe(409)
      const bad = await app.inject({
        method: 'PATCH',
        url: `/api/v1/pacs/${id}`,
        ...json(mash, { version: 2, mashBrag: 'purple' }),
      })
      expect(bad.statusCode).toBe(400)
      expect(bad.body).toContain('mashBrag')
    })

    it('a bad create names each field', async () => {
      const response = await f.kestrel.app.inject({
        method: 'POST',
        url: '/api/v1/pacs',
        ...json(officer, { child: childRef, aboutKind: 'party' }),
      })
      expect(response.statusCode).toBe(400)
      expect(response.body).toContain('aboutKind')
      expect(response.body).toContain('concerns')
    })

    it('partners: their borough’s shared PACs only, outcome recorded, everything else refused', async () => {
      const app = f.kestrel.app
      // The Camden PAC above is shared; a Hackney partner cannot see it, by page or API.
      expect(
        (await app.inject({ method: 'GET', url: `/api/v1/partner/pacs/${id}`, ...json(hackneyPartner) }))
          .statusCode,
      ).toBe(404)
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/partner/pacs/${id}`,
            headers: { cookie: hackneyPartner.cookie },
          })
        ).statusCode,
      ).toBe(404)
      expect(
        (await app.inject({ method: 'GET', url: '/api/v1/partner/pacs', ...json(hackneyPartner) })).json()
          .pacs,
      ).toEqual([])
      const outcomeByOther = await app.inject({
        method: 'PUT',
        url: `/api/v1/partner/pacs/${id}/outcome`,
        ...json(hackneyPartner, { version: 2, outcome: 'nfa', outcomeReason: 'x' }),
      })
      expect(outcomeByOther.statusCode).toBe(404)
      // Not shared yet: invisible even in its own borough.
      const unshared = await f.kestrel.services.referrals.create(
        {
          personId: childId,
          aboutKind: 'incident',
          aboutRef: null,
          aboutSummary: 'x',
          concerns: ['hate_crime'],
          riskLevel: 'standard',
          riskAssessment: 'x',
          childSpokenTo: true,
          voiceOfChild: 'x',
          policeFirstKnewAt: new Date('2018-08-01T07:00:00Z'),
          boroughId: camden,
        },
        tester,
      )
      expect(
        (
          await app.inject({
            method: 'GET',
            url: `/api/v1/partner/pacs/${unshared.id}`,
            ...json(camdenPartner),
          })
        ).statusCode,
      ).toBe(404)
      // The Camden partner sees it and records the outcome.
      const listed = await app.inject({
        method: 'GET',
        url: '/partner/pacs',
        headers: { cookie: camdenPartner.cookie },
      })
      expect(listed.statusCode).toBe(200)
      expect(listed.body).toContain(id)
      expect(listed.body).not.toContain(unshared.id)
      const noReason = await app.inject({
        method: 'POST',
        url: `/partner/pacs/${id}/outcome`,
        ...form(camdenPartner, { version: '2', outcome: 'nfa' }),
      })
      expect(noReason.statusCode).toBe(400)
      expect(noReason.body).toContain('Enter why social care took no further action')
      const recorded = await app.inject({
        method: 'PUT',
        url: `/api/v1/partner/pacs/${id}/outcome`,
        ...json(camdenPartner, { version: 2, outcome: 'early_help' }),
      })
      expect(recorded.statusCode).toBe(200)
      expect(recorded.json().outcome.outcome).toBe('early_help')
      // Everything else is closed to a partner.
      for (const url of [
        '/pacs',
        `/pacs/${id}`,
        '/pacs/mash',
        '/pacs/review',
        '/pacs/new',
        `/people/${childId}/referrals`,
        '/people',
        '/my-work',
      ]) {
        expect(
          (await app.inject({ method: 'GET', url, headers: { cookie: camdenPartner.cookie } })).statusCode,
          url,
        ).toBe(403)
      }
      for (const url of ['/api/v1/pacs', `/api/v1/pacs/${id}`]) {
        expect((await app.inject({ method: 'GET', url, ...json(camdenPartner) })).statusCode, url).toBe(403)
      }
    })
  })

  describe('queues and area scoping', () => {
    it('supervisor queue with the wait and the review’s countdown; MASH queue red before green; other BCU cannot read', async () => {
      const app = f.kestrel.app
      const review = await app.inject({
        method: 'GET',
        url: '/pacs/review',
        headers: { cookie: supervisor.cookie },
      })
      expect(review.statusCode).toBe(200)
      expect(review.body).toContain('Waiting, and review due')
      const { referrals } = f.kestrel.services
      const red = await f.insertPac({
        personId: childId,
        boroughId: camden,
        firstKnew: '2018-07-31T08:00:00Z',
        created: '2018-07-31T09:00:00Z',
        reviewedAt: '2018-07-31T10:00:00Z',
        shared: '2018-07-31T12:00:00Z',
        brag: 'red',
        ratedAt: '2018-07-31T12:00:00Z',
      })
      const green = await f.insertPac({
        personId: childId,
        boroughId: camden,
        firstKnew: '2018-07-30T08:00:00Z',
        created: '2018-07-30T09:00:00Z',
        reviewedAt: '2018-07-30T10:00:00Z',
        shared: '2018-07-30T12:00:00Z',
        brag: 'green',
        ratedAt: '2018-07-30T12:00:00Z',
      })
      const queue = (await referrals.mashQueue(forceWideReach)).items.map((p) => p.id)
      expect(queue.indexOf(red)).toBeLessThan(queue.indexOf(green))
      expect(
        (await app.inject({ method: 'GET', url: '/pacs/mash', headers: { cookie: mash.cookie } })).statusCode,
      ).toBe(200)
      const elsewhere = await signIn(f.kestrel, ['officer'])
      expect(
        (await app.inject({ method: 'GET', url: `/pacs/${red}`, headers: { cookie: elsewhere.cookie } }))
          .statusCode,
      ).toBe(404)
      const childPage = await app.inject({
        method: 'GET',
        url: `/people/${childId}/referrals`,
        headers: { cookie: officer.cookie },
      })
      expect(childPage.statusCode).toBe(200)
      expect(childPage.body).toContain('Referrals (PACs)')
    })

    it('PACs appear on the child’s chronology', async () => {
      const items = await f.kestrel.services.children.timeline(childId, forceWideReach)
      expect(items.some((i: { kind: string }) => i.kind === 'pac')).toBe(true)
    })
  })
})
