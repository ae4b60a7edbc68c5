import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { signIn } from '../../../test/app.ts'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { ConflictError, ValidationError } from '../../platform/http/errors.ts'
import { type InvestigationsFixture, investigationsFixture, movableClock, tester } from './test-fixtures.ts'

const clock = movableClock('2018-09-01T09:00:00Z')

async function fieldsOf(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise
  } catch (error) {
    if (error instanceof ValidationError) return error.errors.map((e) => `${e.field}: ${e.reason}`)
    throw error
  }
  throw new Error('expected a ValidationError')
}

describe('investigations service (database)', () => {
  let f: InvestigationsFixture
  let childId: string
  let teamId: string
  let trained: string
  let untrained: string
  let busy: string
  let inactive: string

  beforeAll(async () => {
    f = await investigationsFixture(clock)
    childId = (await f.child('Ruby')).id
    teamId = (await f.team({ capacity: 2 })).id
    const courses = [
      'specialist_child_abuse_investigators_development_programme',
      'abe_interviewing',
    ] as const
    trained = (await f.staff(teamId, 'Alice Trained', { courses: [...courses] })).id
    untrained = (await f.staff(teamId, 'Bob Untrained')).id
    busy = (await f.staff(teamId, 'Carol Busy', { courses: [...courses] })).id
    inactive = (await f.staff(teamId, 'Dan Gone', { courses: [...courses], active: false })).id
  })
  afterAll(() => f.kestrel.close())

  const svc = () => f.kestrel.services.investigations
  const openCase = (caseType = 'section_47', openedAt = '2018-08-20T09:00:00Z') =>
    svc().open(
      {
        caseType,
        strands: ['child_abuse'],
        riskLevel: 'medium',
        summary: 'Bruising seen at school',
        boroughId: f.boroughId('Camden'),
        openedAt: new Date(openedAt),
        people: [{ personIdOrRef: childId, role: 'child' }],
      },
      tester,
    )

  describe('allocation by skills and capacity', () => {
    it('lists the team’s active officers with caseload and fit, those that fit first', async () => {
      // Carol already holds two open cases: the team's capacity.
      for (let n = 0; n < 2; n++) {
        const c = await openCase('referral_other')
        await svc().allocate(c.id, c.version, { teamId, staffId: busy }, tester, forceWideReach)
      }
      const inv = await openCase()
      const options = await svc().allocationOptions(inv.id, teamId, forceWideReach)
      expect(options.map((o) => [o.name, o.openCases, o.trainingFits, o.hasCapacity, o.fits])).toEqual([
        ['Alice Trained', 0, true, true, true],
        ['Bob Untrained', 0, false, true, false],
        ['Carol Busy', 2, true, false, false],
      ])
    })

    it('a choice that fits needs no reason; one that does not needs a reason, which is recorded', async () => {
      const inv = await openCase()
      const fits = await svc().allocate(
        inv.id,
        inv.version,
        { teamId, staffId: trained },
        tester,
        forceWideReach,
      )
      expect(fits.fits).toBe(true)
      const other = await openCase()
      expect(
        await fieldsOf(
          svc().allocate(other.id, other.version, { teamId, staffId: untrained }, tester, forceWideReach),
        ),
      ).toEqual([
        'reason: Bob Untrained lacks specialist child abuse investigators development programme, abe interviewing: give the reason for choosing them',
      ])
      expect((await svc().get(other.id, forceWideReach))?.officer_staff_id).toBeNull()
      await svc().allocate(
        other.id,
        other.version,
        { teamId, staffId: untrained, reason: 'Only officer on duty' },
        tester,
        forceWideReach,
      )
      const allocation = await f.kestrel.services.db
        .selectFrom('investigation_allocation')
        .selectAll()
        .where('investigation_id', '=', other.id)
        .executeTakeFirstOrThrow()
      expect(allocation.reason).toBe('Only officer on duty')
      expect(allocation.missing_courses).toEqual([
        'specialist_child_abuse_investigators_development_programme',
        'abe_interviewing',
      ])
      // INV-06 shows the reason with the finding, straight after the write.
      const findings = await f.kestrel.services.standards.findingsForSubject('investigation', other.id)
      expect(findings.find((x) => x.ruleId === 'INV-06')?.detail).toContain('Only officer on duty')
    })

    it('refuses an inactive officer and an officer of another team, writing nothing', async () => {
      const inv = await openCase()
      expect(
        await fieldsOf(
          svc().allocate(inv.id, inv.version, { teamId, staffId: inactive }, tester, forceWideReach),
        ),
      ).toEqual(['staffId: Dan Gone is no longer active: select an active officer'])
      const otherTeam = await f.team()
      const outsider = await f.staff(otherTeam.id, 'Eve Elsewhere')
      expect(
        await fieldsOf(
          svc().allocate(inv.id, inv.version, { teamId, staffId: outsider.id }, tester, forceWideReach),
        ),
      ).toHaveLength(1)
      const count = await f.kestrel.services.db
        .selectFrom('investigation_allocation')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('investigation_id', '=', inv.id)
        .executeTakeFirstOrThrow()
      expect(Number(count.n)).toBe(0)
    })
  })

  describe('bad input: a clear error and nothing written', () => {
    it('a review dated before the investigation', async () => {
      const inv = await openCase()
      expect(
        await fieldsOf(
          svc().recordReview(
            inv.id,
            inv.version,
            { reviewedAt: new Date('2018-08-19T09:00:00Z'), findings: 'Fine', actions: [] },
            tester,
            forceWideReach,
          ),
        ),
      ).toEqual(['reviewedAt: The review must not be before the investigation was opened'])
      const reviews = await f.kestrel.services.db
        .selectFrom('supervisory_review')
        .select('id')
        .where('investigation_id', '=', inv.id)
        .execute()
      expect(reviews).toEqual([])
    })
    it('a strategy discussion with no participants', async () => {
      const inv = await openCase()
      const errors = await fieldsOf(
        svc().recordStrategyDiscussion(
          inv.id,
          inv.version,
          {
            heldAt: new Date('2018-08-21T09:00:00Z'),
            participants: [{ agency: '', name: '' }],
            decisions: 'x',
            jointSafetyPlan: '',
            beginsSection47: false,
          },
          tester,
          forceWideReach,
        ),
      )
      expect(errors).toEqual(['participants: Add at least one participant, with their agency and name'])
      expect(
        await f.kestrel.services.db
          .selectFrom('strategy_discussion')
          .select('id')
          .where('investigation_id', '=', inv.id)
          .execute(),
      ).toEqual([])
    })
    it('an outcome code that does not exist', async () => {
      const inv = await openCase()
      expect(
        await fieldsOf(
          svc().close(inv.id, inv.version, { outcome: '23', rationale: 'Done' }, tester, forceWideReach),
        ),
      ).toEqual(['outcome: There is no outcome code 23: select one from the list'])
      expect((await svc().get(inv.id, forceWideReach))?.status).toBe('open')
    })
  })

  it('two supervisors editing one investigation: the second gets a conflict, the first’s change stays', async () => {
    const inv = await openCase()
    const review = (findings: string) =>
      svc().recordReview(
        inv.id,
        inv.version,
        { reviewedAt: new Date('2018-08-25T09:00:00Z'), findings, actions: [] },
        tester,
        forceWideReach,
      )
    const results = await Promise.allSettled([review('First supervisor'), review('Second supervisor')])
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1)
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult
    expect(rejected.reason).toBeInstanceOf(ConflictError)
    const reviews = await f.kestrel.services.db
      .selectFrom('supervisory_review')
      .select('findings')
      .where('investigation_id', '=', inv.id)
      .execute()
    expect(reviews).toHaveLength(1)
  })

  it('the workload figures match a hand-counted team', async () => {
    const team = await f.team({ capacity: 5, cadence: 28 })
    const a = (await f.staff(team.id, 'Ann Counted')).id
    const b = (await f.staff(team.id, 'Ben Counted')).id
    const at = (iso: string) => new Date(iso)
    // Ann: three cases, opened 1, 10 and 20 August; the first reviewed on 15 August; the third closed.
    // Ben: one case opened 5 August, never reviewed, with two directed actions, one overdue and one done.
    const ids: string[] = []
    for (const [staffId, opened, closed] of [
      [a, '2018-08-01T09:00:00Z', null],
      [a, '2018-08-10T09:00:00Z', null],
      [a, '2018-08-20T09:00:00Z', '2018-08-25T09:00:00Z'],
      [b, '2018-08-05T09:00:00Z', null],
    ] as const) {
      ids.push(
        await f.insertInvestigation({
          opened,
          teamId: team.id,
          staffId,
          allocatedAt: opened,
          closedAt: closed,
          outcome: closed ? '18' : null,
          people: [{ personId: childId }],
        }),
      )
    }
    await f.review(ids[0] as string, '2018-08-15T09:00:00Z')
    await f.action(ids[3] as string, {
      directedAt: '2018-08-06T09:00:00Z',
      dueAt: '2018-08-20T22:59:59Z',
      ownerId: b,
    })
    await f.action(ids[3] as string, {
      directedAt: '2018-08-06T09:00:00Z',
      dueAt: '2018-08-20T22:59:59Z',
      ownerId: b,
      doneAt: '2018-08-19T09:00:00Z',
    })
    const rows = await svc().workload(team.id, forceWideReach, at('2018-09-01T09:00:00Z'))
    // Ann: open cases 2; days since review: case 1 reviewed 15 Aug -> 17 days, case 2 never -> 22 days since opening.
    // Ben: 1 open case, never reviewed, opened 5 Aug -> 27 days; one overdue action.
    expect(rows).toEqual([
      {
        staffId: a,
        name: 'Ann Counted',
        rank: 'constable',
        openCases: 2,
        overdueActions: 0,
        neverReviewed: 1,
        maxDaysSinceReview: 22,
        medianDaysSinceReview: 19.5,
      },
      {
        staffId: b,
        name: 'Ben Counted',
        rank: 'constable',
        openCases: 1,
        overdueActions: 1,
        neverReviewed: 1,
        maxDaysSinceReview: 27,
        medianDaysSinceReview: 27,
      },
    ])
  })

  it('the team workload page and the case page render for a supervisor', async () => {
    const inv = await openCase()
    const user = await signIn(f.kestrel, ['supervisor'], { staffId: trained })
    for (const path of [
      '',
      '/people',
      '/actions',
      '/reviews',
      '/strategy',
      '/timeline',
      '/review',
      '/strategy-discussion',
      '/allocate',
      '/close',
    ]) {
      const res = await f.kestrel.app.inject({
        url: `/investigations/${inv.id}${path}`,
        headers: { cookie: user.cookie },
      })
      expect(res.statusCode, path).toBe(200)
    }
    const list = await f.kestrel.app.inject({
      url: `/investigations?team=${teamId}&sort=officer&direction=asc`,
      headers: { cookie: user.cookie },
    })
    expect(list.statusCode).toBe(200)
    const workload = await f.kestrel.app.inject({
      url: `/investigations/workload?team=${teamId}`,
      headers: { cookie: user.cookie },
    })
    expect(workload.statusCode).toBe(200)
    expect(workload.body).toContain('Alice Trained')
  })

  it('a supervisory review dated today is accepted in the morning, before midday', async () => {
    const inv = await openCase()
    const user = await signIn(f.kestrel, ['supervisor'], { staffId: trained })
    const before = clock.now()
    // 07:30 on 1 September 2018 in London (BST): a date without a time used to mean midday, "in the future".
    clock.set('2018-09-01T06:30:00Z')
    try {
      const res = await f.kestrel.app.inject({
        method: 'POST',
        url: `/investigations/${inv.id}/review`,
        headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: user.csrfToken,
          version: String(inv.version),
          'reviewedAt-day': '1',
          'reviewedAt-month': '9',
          'reviewedAt-year': '2018',
          findings: 'Child seen; plan reviewed with the officer',
        }).toString(),
      })
      expect(res.statusCode, res.body.slice(0, 300)).toBe(303)
      const review = await f.kestrel.services.db
        .selectFrom('supervisory_review')
        .select('reviewed_at')
        .where('investigation_id', '=', inv.id)
        .executeTakeFirstOrThrow()
      expect(review.reviewed_at).toEqual(new Date('2018-09-01T06:30:00Z'))
    } finally {
      clock.set(before)
    }
  })

  it('a strategy discussion form without health shows the INV-02 finding; with no participants, the error', async () => {
    const inv = await openCase()
    const user = await signIn(f.kestrel, ['supervisor'], { staffId: trained })
    const post = (extra: Record<string, string>) =>
      f.kestrel.app.inject({
        method: 'POST',
        url: `/investigations/${inv.id}/strategy-discussion`,
        headers: { cookie: user.cookie, 'content-type': 'application/x-www-form-urlencoded' },
        payload: new URLSearchParams({
          _csrf: user.csrfToken,
          version: String(inv.version),
          'heldAt-day': '21',
          'heldAt-month': '8',
          'heldAt-year': '2018',
          'heldAt-time': '10:00',
          decisions: 'Section 47 enquiries',
          jointSafetyPlan: 'Stay with grandmother',
          beginsSection47: 'yes',
          ...extra,
        }).toString(),
      })
    const empty = await post({})
    expect(empty.statusCode).toBe(400)
    expect(empty.body).toContain('Add at least one participant')
    expect(empty.body).toContain('Section 47 enquiries')
    const ok = await post({
      'participants-0-agency': 'police',
      'participants-0-name': 'DS Grey',
      'participants-1-agency': 'childrens_social_care',
      'participants-1-name': 'Sam Social',
    })
    expect(ok.statusCode).toBe(303)
    const page = await f.kestrel.app.inject({
      url: `/investigations/${inv.id}/strategy`,
      headers: { cookie: user.cookie },
    })
    expect(page.body).toContain('INV-02')
    expect(page.body).toContain('without health')
    // The same form again from the old version: a conflict, the entries kept.
    const stale = await post({ 'participants-0-agency': 'health', 'participants-0-name': 'Dr Who' })
    expect(stale.statusCode).toBe(409)
    expect(stale.body).toContain('Someone else changed this investigation')
    expect(stale.body).toContain('Dr Who')
  })
})
