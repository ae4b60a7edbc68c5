import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type SignedInUser, signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { movableClock, type ReferralsFixture, referralsFixture } from './test-fixtures.ts'

// British Summer Time: 09:00Z is 10:00 in London.
const clock = movableClock('2018-08-01T09:00:00Z')

describe('resubmitting a PAC returned for more work (database)', () => {
  let f: ReferralsFixture
  let camden: string
  let childId: string
  let raiser: SignedInUser
  let otherOfficer: SignedInUser
  let supervisor: SignedInUser
  let partner: SignedInUser

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
  const actor = (user: SignedInUser, name: string) => ({
    id: user.userId,
    username: name,
    displayName: name,
    staffId: null,
  })
  const forceWide = forceWideReach

  /** New sessions for the same accounts: moving the clock a day on lets the old ones lapse. */
  async function freshSessions() {
    const renew = async (user: SignedInUser): Promise<SignedInUser> => {
      const session = await f.kestrel.services.sessions.create(user.userId, {})
      return { userId: user.userId, cookie: `kestrel_session=${session.token}`, csrfToken: session.csrfToken }
    }
    raiser = await renew(raiser)
    otherOfficer = await renew(otherOfficer)
    supervisor = await renew(supervisor)
    partner = await renew(partner)
  }

  /** A PAC raised by `raiser` and returned by the supervisor with a note; its id and version. */
  async function returnedPac() {
    const { referrals } = f.kestrel.services
    const pac = await referrals.create(
      {
        personId: childId,
        aboutKind: 'incident',
        aboutRef: 'CAD-77',
        aboutSummary: 'Found alone at night',
        concerns: ['child_abuse'],
        riskLevel: 'medium',
        riskAssessment: 'Neglect',
        childSpokenTo: true,
        voiceOfChild: 'I was scared',
        policeFirstKnewAt: new Date(clock.now().getTime() - 3_600_000),
        boroughId: camden,
      },
      actor(raiser, 'pc.raiser'),
    )
    clock.advanceHours(2)
    const reviewed = await referrals.review(
      pac.id,
      pac.version,
      { decision: 'returned', note: 'Add the checks on the other children in the household' },
      actor(supervisor, 'ps.supervisor'),
      forceWide,
    )
    return { id: pac.id, version: reviewed.version }
  }

  beforeAll(async () => {
    f = await referralsFixture(clock)
    camden = f.boroughId('Camden')
    childId = (await f.child('Ruby')).id
    raiser = await signIn(f.kestrel, ['officer'])
    otherOfficer = await signIn(f.kestrel, ['officer', 'dit_auditor'])
    supervisor = await signIn(f.kestrel, ['supervisor', 'force_lead'])
    partner = await signIn(f.kestrel, ['partner'])
  })
  afterAll(() => f.kestrel.close())

  it('the raiser sees the link and the form; a partner and another officer are refused', async () => {
    const { id, version } = await returnedPac()
    const page = await f.kestrel.app.inject({ url: `/pacs/${id}`, headers: { cookie: raiser.cookie } })
    expect(page.statusCode).toBe(200)
    expect(page.body).toContain(`href="/pacs/${id}/resubmit"`)

    const resubmit = await f.kestrel.app.inject({
      url: `/pacs/${id}/resubmit`,
      headers: { cookie: raiser.cookie },
    })
    expect(resubmit.statusCode).toBe(200)
    expect(resubmit.body).toContain('Add the checks on the other children in the household')
    expect(resubmit.body).toContain(`name="version" value="${version}"`)
    expect(resubmit.body).toContain('name="_csrf"')
    expect(resubmit.body).toContain('Neglect')

    const asSupervisor = await f.kestrel.app.inject({
      url: `/pacs/${id}/resubmit`,
      headers: { cookie: supervisor.cookie },
    })
    expect(asSupervisor.statusCode).toBe(200)

    for (const user of [partner, otherOfficer]) {
      const get = await f.kestrel.app.inject({
        url: `/pacs/${id}/resubmit`,
        headers: { cookie: user.cookie },
      })
      expect(get.statusCode).toBe(403)
      const post = await f.kestrel.app.inject({
        method: 'POST',
        url: `/pacs/${id}/resubmit`,
        ...form(user, {
          version: String(version),
          concerns: 'child_abuse',
          riskAssessment: 'x',
          voiceOfChild: 'y',
        }),
      })
      expect(post.statusCode).toBe(403)
    }
    const otherPage = await f.kestrel.app.inject({
      url: `/pacs/${id}`,
      headers: { cookie: otherOfficer.cookie },
    })
    expect(otherPage.body).not.toContain(`/pacs/${id}/resubmit`)
    // Nothing changed.
    expect((await f.kestrel.services.referrals.get(id))?.version).toBe(version)
  })

  it('bad input shows the errors and what was typed; a stale version is 409; nothing written', async () => {
    const { id, version } = await returnedPac()
    const bad = await f.kestrel.app.inject({
      method: 'POST',
      url: `/pacs/${id}/resubmit`,
      ...form(raiser, {
        version: String(version),
        riskAssessment: '',
        voiceOfChild: 'She said she was hungry',
      }),
    })
    expect(bad.statusCode).toBe(400)
    expect(bad.body).toContain('govuk-error-summary')
    expect(bad.body).toContain('href="#concerns"')
    expect(bad.body).toContain('href="#riskAssessment"')
    expect(bad.body).toContain('She said she was hungry')

    const stale = await f.kestrel.app.inject({
      method: 'POST',
      url: `/pacs/${id}/resubmit`,
      ...form(raiser, {
        version: String(version - 1),
        concerns: 'child_abuse',
        riskAssessment: 'Neglect, and two younger siblings at home',
        voiceOfChild: 'I was scared',
      }),
    })
    expect(stale.statusCode).toBe(409)
    const pac = await f.kestrel.services.referrals.get(id)
    expect(pac?.version).toBe(version)
    expect(pac?.reviewDecision).toBe('returned')
  })

  it('resubmitting puts it back in the supervisor queue and restarts the REF-02 clock', async () => {
    const { id, version } = await returnedPac()
    const { referrals } = f.kestrel.services
    clock.advanceHours(30)
    await freshSessions()
    const resubmittedAt = clock.now()
    const done = await f.kestrel.app.inject({
      method: 'POST',
      url: `/pacs/${id}/resubmit`,
      ...form(raiser, {
        version: String(version),
        concerns: ['child_abuse', 'domestic_abuse_stalking_harassment'],
        riskAssessment: 'Neglect, and two younger siblings at home',
        voiceOfChild: 'I was scared and hungry',
      }),
    })
    expect(done.statusCode).toBe(303)
    expect(done.headers.location).toBe(`/pacs/${id}?resubmitted=1`)

    const pac = await referrals.get(id)
    expect(pac?.submittedAt.toISOString()).toBe(resubmittedAt.toISOString())
    expect(pac?.reviewDecision).toBeNull()
    expect(pac?.reviewedAt).toBeNull()
    expect(pac?.riskAssessment).toBe('Neglect, and two younger siblings at home')
    expect(pac?.voiceOfChild).toBe('I was scared and hungry')
    expect(pac?.concerns).toEqual(['child_abuse', 'domestic_abuse_stalking_harassment'])

    const queue = await referrals.supervisorQueue({ reach: forceWide })
    expect(queue.items.map((p) => p.id)).toContain(id)
    const queuePage = await f.kestrel.app.inject({
      url: '/pacs/review?all=yes',
      headers: { cookie: supervisor.cookie },
    })
    expect(queuePage.body).toContain(pac?.ref)

    // REF-02 counts 24 hours from the resubmission, not from when the PAC was first raised.
    const at = async (asOf: Date) => {
      const found = await f.findingsAt('REF-02', id, asOf.toISOString())
      return found.map((x) => ({ status: x.status, dueAt: x.dueAt?.toISOString() }))
    }
    const due = new Date(resubmittedAt.getTime() + 24 * 3_600_000).toISOString()
    expect(await at(new Date(resubmittedAt.getTime() + 23 * 3_600_000))).toEqual([
      { status: 'due', dueAt: due },
    ])
    expect(await at(new Date(resubmittedAt.getTime() + 24 * 3_600_000))).toEqual([
      { status: 'breached', dueAt: due },
    ])
    // A PAC no longer returned: the form sends the reader back to the PAC.
    await freshSessions()
    const again = await f.kestrel.app.inject({
      url: `/pacs/${id}/resubmit`,
      headers: { cookie: raiser.cookie },
    })
    expect(again.statusCode).toBe(303)
  })

  it('API: PATCH /api/v1/pacs/:id/resubmit for the raiser; 403 for a partner; 409 when stale', async () => {
    const { id, version } = await returnedPac()
    await freshSessions()
    const url = `/api/v1/pacs/${id}/resubmit`
    const byPartner = await f.kestrel.app.inject({
      method: 'PATCH',
      url,
      ...json(partner, { version, riskAssessment: 'x' }),
    })
    expect(byPartner.statusCode).toBe(403)
    const byOther = await f.kestrel.app.inject({
      method: 'PATCH',
      url,
      ...json(otherOfficer, { version, riskAssessment: 'x' }),
    })
    expect(byOther.statusCode).toBe(403)
    const stale = await f.kestrel.app.inject({
      method: 'PATCH',
      url,
      ...json(raiser, { version: version - 1, riskAssessment: 'x' }),
    })
    expect(stale.statusCode).toBe(409)
    const bad = await f.kestrel.app.inject({
      method: 'PATCH',
      url,
      ...json(raiser, { version, concerns: [] }),
    })
    expect(bad.statusCode).toBe(400)
    clock.advanceHours(1)
    const ok = await f.kestrel.app.inject({
      method: 'PATCH',
      url,
      ...json(raiser, { version, voiceOfChild: 'She did not want to talk' }),
    })
    expect(ok.statusCode).toBe(200)
    const body = ok.json() as {
      review: unknown
      voiceOfChild: string
      riskAssessment: string
      submittedAt: string
    }
    expect(body.review).toBeNull()
    expect(body.voiceOfChild).toBe('She did not want to talk')
    expect(body.riskAssessment).toBe('Neglect')
    expect(body.submittedAt).toBe(clock.now().toISOString())
    // Resubmitted already: a second try (with the new version) is refused as not returned.
    const twice = await f.kestrel.app.inject({
      method: 'PATCH',
      url,
      ...json(raiser, { version: version + 1, voiceOfChild: 'again' }),
    })
    expect(twice.statusCode).toBe(400)
  })
})
