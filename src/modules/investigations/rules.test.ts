import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type InvestigationsFixture, investigationsFixture, movableClock } from './test-fixtures.ts'

// August 2018 is British Summer Time: 09:00Z is 10:00 in London.
const clock = movableClock('2018-12-31T12:00:00Z')

describe('investigations rules INV-01 to INV-12 (database)', () => {
  let f: InvestigationsFixture
  let childId: string
  let teamId: string
  let trainedId: string
  let untrainedId: string

  beforeAll(async () => {
    f = await investigationsFixture(clock)
    childId = (await f.child('Ruby')).id
    const team = await f.team({ capacity: 3, cadence: null })
    teamId = team.id
    trainedId = (
      await f.staff(teamId, 'Trained Officer', {
        courses: ['specialist_child_abuse_investigators_development_programme', 'abe_interviewing'],
      })
    ).id
    untrainedId = (await f.staff(teamId, 'Untrained Officer')).id
  })
  afterAll(() => f.kestrel.close())

  const open = (values: Partial<Parameters<InvestigationsFixture['insertInvestigation']>[0]> = {}) =>
    f.insertInvestigation({ opened: '2018-08-01T09:00:00Z', people: [{ personId: childId }], ...values })

  describe('INV-01 strategy discussion within 24 hours for s47, s46 and high-risk CSE', () => {
    it('is due before 24 h, breached at 24 h, met when held in time, met late after', async () => {
      const inv = await open()
      expect(await f.stateAt('INV-01', inv, '2018-08-02T08:59:59Z')).toEqual(['due'])
      expect(await f.stateAt('INV-01', inv, '2018-08-02T09:00:00Z')).toEqual(['breached'])
      const held = await open()
      await f.discussion(held, '2018-08-02T08:30:00Z', ['police', 'health', 'childrens_social_care'])
      expect(await f.stateAt('INV-01', held, '2018-08-03T00:00:00Z')).toEqual(['met'])
      const late = await open()
      await f.discussion(late, '2018-08-02T10:00:00Z', ['police'])
      expect(await f.stateAt('INV-01', late, '2018-08-03T00:00:00Z')).toEqual(['met_late'])
      // As of before the discussion it has not happened yet.
      expect(await f.stateAt('INV-01', late, '2018-08-02T09:30:00Z')).toEqual(['breached'])
    })
    it('applies to high-risk CSE but not medium-risk CSE or a referral', async () => {
      expect(
        await f.stateAt(
          'INV-01',
          await open({ caseType: 'cse_non_internet', risk: 'high' }),
          '2018-08-03T00:00:00Z',
        ),
      ).toEqual(['breached'])
      expect(
        await f.stateAt(
          'INV-01',
          await open({ caseType: 'cse_non_internet', risk: 'medium' }),
          '2018-08-03T00:00:00Z',
        ),
      ).toEqual([])
      expect(
        await f.stateAt('INV-01', await open({ caseType: 'referral_other' }), '2018-08-03T00:00:00Z'),
      ).toEqual([])
    })
    it('does not exist as of before the opening', async () => {
      expect(await f.stateAt('INV-01', await open(), '2018-08-01T08:00:00Z')).toEqual([])
    })
  })

  describe('INV-02 minimum participants: social care, health and police', () => {
    it('breaches on sight without health, not with all three', async () => {
      const inv = await open()
      await f.discussion(inv, '2018-08-01T12:00:00Z', ['police', 'childrens_social_care'])
      const found = await f.findingsAt('INV-02', inv, '2018-08-01T12:00:00Z')
      expect(found.map((x) => x.status)).toEqual(['breached'])
      expect(found[0]?.detail).toContain('health')
      const full = await open()
      await f.discussion(full, '2018-08-01T12:00:00Z', [
        'police',
        'childrens_social_care',
        'health',
        'education',
      ])
      expect(await f.stateAt('INV-02', full, '2018-08-02T00:00:00Z')).toEqual([])
    })
    it('one finding per discussion, and none before it was held', async () => {
      const inv = await open()
      await f.discussion(inv, '2018-08-01T12:00:00Z', ['police'])
      await f.discussion(inv, '2018-08-03T12:00:00Z', ['police', 'health'])
      expect(await f.stateAt('INV-02', inv, '2018-08-01T11:59:00Z')).toEqual([])
      expect(await f.stateAt('INV-02', inv, '2018-08-02T00:00:00Z')).toEqual(['breached'])
      expect(await f.stateAt('INV-02', inv, '2018-08-04T00:00:00Z')).toEqual(['breached', 'breached'])
    })
  })

  describe('INV-03 directed action by its due date', () => {
    it('due before, breached at the due time, met when done in time, met late after', async () => {
      const inv = await open()
      await f.action(inv, { directedAt: '2018-08-02T09:00:00Z', dueAt: '2018-08-05T22:59:59Z' })
      expect(await f.stateAt('INV-03', inv, '2018-08-05T22:59:58Z')).toEqual(['due'])
      expect(await f.stateAt('INV-03', inv, '2018-08-05T22:59:59Z')).toEqual(['breached'])
      const done = await open()
      await f.action(done, {
        directedAt: '2018-08-02T09:00:00Z',
        dueAt: '2018-08-05T22:59:59Z',
        doneAt: '2018-08-05T20:00:00Z',
      })
      expect(await f.stateAt('INV-03', done, '2018-08-06T00:00:00Z')).toEqual(['met'])
      const late = await open()
      await f.action(late, {
        directedAt: '2018-08-02T09:00:00Z',
        dueAt: '2018-08-05T22:59:59Z',
        doneAt: '2018-08-06T10:00:00Z',
      })
      expect(await f.stateAt('INV-03', late, '2018-08-07T00:00:00Z')).toEqual(['met_late'])
    })
    it('an action no supervisor directed is not checked', async () => {
      const inv = await open()
      await f.action(inv, {
        directedAt: '2018-08-02T09:00:00Z',
        dueAt: '2018-08-05T22:59:59Z',
        directed: false,
      })
      expect(await f.stateAt('INV-03', inv, '2018-08-07T00:00:00Z')).toEqual([])
    })
  })

  describe('INV-04 supervisory review every 28 days (or the team’s cadence)', () => {
    it('each cycle runs from the last review; met by the next, breached at 28 days', async () => {
      const inv = await open()
      expect(await f.stateAt('INV-04', inv, '2018-08-29T08:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('INV-04', inv, '2018-08-29T09:00:00Z')).toEqual(['breached'])
      await f.review(inv, '2018-08-20T09:00:00Z')
      // The first cycle met on the 20th; the second due on 17 September.
      expect(await f.stateAt('INV-04', inv, '2018-09-17T08:59:00Z')).toEqual(['met', 'due'])
      expect(await f.stateAt('INV-04', inv, '2018-09-17T09:00:00Z')).toEqual(['met', 'breached'])
    })
    it('uses the team’s review cadence when it has one', async () => {
      const weekly = await f.team({ cadence: 7 })
      const officer = await f.staff(weekly.id, 'Weekly Officer')
      const inv = await open({ teamId: weekly.id, staffId: officer.id, allocatedAt: '2018-08-01T10:00:00Z' })
      expect(await f.stateAt('INV-04', inv, '2018-08-08T08:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('INV-04', inv, '2018-08-08T09:00:00Z')).toEqual(['breached'])
    })
    it('closing the case ends the cycle', async () => {
      const inv = await open({ closedAt: '2018-08-10T09:00:00Z', outcome: '1' })
      expect(await f.stateAt('INV-04', inv, '2018-09-30T00:00:00Z')).toEqual(['met'])
    })
  })

  describe('INV-05 child seen and spoken to within 7 days of allocation', () => {
    const allocated = { teamId: '', staffId: '', allocatedAt: '2018-08-01T10:00:00Z' }
    it('due, breached at 7 days, met when spoken to or a reason is recorded', async () => {
      const a = { ...allocated, teamId, staffId: trainedId }
      const inv = await open(a)
      expect(await f.stateAt('INV-05', inv, '2018-08-08T09:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('INV-05', inv, '2018-08-08T10:00:00Z')).toEqual(['breached'])
      const seen = await open({ ...a, people: [{ personId: childId, seenAt: '2018-08-03T10:00:00Z' }] })
      expect(await f.stateAt('INV-05', seen, '2018-08-10T00:00:00Z')).toEqual(['met'])
      const reason = await open({
        ...a,
        people: [{ personId: childId, reason: 'Too young to speak', recordedAt: '2018-08-09T10:00:00Z' }],
      })
      expect(await f.stateAt('INV-05', reason, '2018-08-10T00:00:00Z')).toEqual(['met_late'])
      const seenNotSpoken = await open({
        ...a,
        people: [{ personId: childId, seenAt: '2018-08-03T10:00:00Z', spokenTo: false }],
      })
      expect(await f.stateAt('INV-05', seenNotSpoken, '2018-08-10T00:00:00Z')).toEqual(['breached'])
    })
    it('does not start before allocation, and adults and suspects are not asked about', async () => {
      const unallocated = await open()
      expect(await f.stateAt('INV-05', unallocated, '2018-09-01T00:00:00Z')).toEqual([])
      const adult = await open({
        teamId,
        staffId: trainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
        people: [{ personId: childId, role: 'suspect', isChild: false }],
      })
      expect(await f.stateAt('INV-05', adult, '2018-09-01T00:00:00Z')).toEqual([])
    })
  })

  describe('INV-06 training fit for the case type', () => {
    it('breaches when the officer lacks a required course, not when trained', async () => {
      const unfit = await open({ teamId, staffId: untrainedId, allocatedAt: '2018-08-01T10:00:00Z' })
      const found = await f.findingsAt('INV-06', unfit, '2018-08-02T00:00:00Z')
      expect(found.map((x) => x.status)).toEqual(['breached'])
      expect(found[0]?.detail).toContain('abe interviewing')
      const fit = await open({ teamId, staffId: trainedId, allocatedAt: '2018-08-01T10:00:00Z' })
      expect(await f.stateAt('INV-06', fit, '2018-08-02T00:00:00Z')).toEqual([])
      // A referral needs no course.
      const referral = await open({
        caseType: 'referral_other',
        teamId,
        staffId: untrainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
      })
      expect(await f.stateAt('INV-06', referral, '2018-08-02T00:00:00Z')).toEqual([])
    })
    it('looks at the allocation in force as of the instant', async () => {
      const inv = await open({ teamId, staffId: untrainedId, allocatedAt: '2018-08-01T10:00:00Z' })
      expect(await f.stateAt('INV-06', inv, '2018-08-01T09:59:00Z')).toEqual([])
    })
  })

  describe('INV-07 caseload above the team’s capacity', () => {
    it('breaches when the officer already held capacity cases, not below', async () => {
      const over = await open({
        teamId,
        staffId: trainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
        openCases: 3,
        teamCapacity: 3,
      })
      expect(await f.stateAt('INV-07', over, '2018-08-02T00:00:00Z')).toEqual(['breached'])
      const at = await open({
        teamId,
        staffId: trainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
        openCases: 2,
        teamCapacity: 3,
      })
      expect(await f.stateAt('INV-07', at, '2018-08-02T00:00:00Z')).toEqual([])
      // A team with no capacity of its own is held to the default (12).
      const none = await open({
        teamId,
        staffId: trainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
        openCases: 11,
        teamCapacity: null,
      })
      expect(await f.stateAt('INV-07', none, '2018-08-02T00:00:00Z')).toEqual([])
      const noneOver = await open({
        teamId,
        staffId: trainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
        openCases: 12,
        teamCapacity: null,
      })
      expect(await f.stateAt('INV-07', noneOver, '2018-08-02T00:00:00Z')).toEqual(['breached'])
    })
  })

  describe('INV-08 joint safety plan', () => {
    it('breaches when no plan is recorded', async () => {
      const inv = await open()
      await f.discussion(inv, '2018-08-01T12:00:00Z', ['police', 'health', 'childrens_social_care'], {
        plan: null,
      })
      expect(await f.stateAt('INV-08', inv, '2018-08-02T00:00:00Z')).toEqual(['breached'])
      const planned = await open()
      await f.discussion(planned, '2018-08-01T12:00:00Z', ['police'], {
        plan: 'Child to stay with grandmother',
      })
      expect(await f.stateAt('INV-08', planned, '2018-08-02T00:00:00Z')).toEqual([])
    })
  })

  describe('INV-09 police protection at most 72 hours, with a designated officer', () => {
    const started = '2018-08-01T09:00:00Z'
    const duration = async (inv: string, asOf: string) =>
      (await f.findingsAt('INV-09', inv, asOf))
        .filter((x) => x.detail.includes('72 hours'))
        .map((x) => x.status)
    it('at 71 hours it is due, at 73 hours breached', async () => {
      const inv = await open({ caseType: 'police_protection' })
      await f.protection(inv, childId, { started, designatedAt: started })
      expect(await duration(inv, '2018-08-04T08:00:00Z')).toEqual(['due'])
      expect(await duration(inv, '2018-08-04T10:00:00Z')).toEqual(['breached'])
    })
    it('ended at 71 hours is met, at 73 hours met late', async () => {
      const in71 = await open({ caseType: 'police_protection' })
      await f.protection(in71, childId, { started, ended: '2018-08-04T08:00:00Z', designatedAt: started })
      expect(await duration(in71, '2018-08-05T00:00:00Z')).toEqual(['met'])
      const in73 = await open({ caseType: 'police_protection' })
      await f.protection(in73, childId, { started, ended: '2018-08-04T10:00:00Z', designatedAt: started })
      expect(await duration(in73, '2018-08-05T00:00:00Z')).toEqual(['met_late'])
    })
    it('without a designated officer it is breached on sight', async () => {
      const inv = await open({ caseType: 'police_protection' })
      await f.protection(inv, childId, { started, ended: '2018-08-02T09:00:00Z' })
      const found = await f.findingsAt('INV-09', inv, '2018-08-03T00:00:00Z')
      expect(found.find((x) => x.detail.includes('designated'))?.status).toBe('breached')
    })
  })

  describe('INV-10 conference within 15 working days, with the police there', () => {
    // Thursday 23 August 2018, 10:00 London. Monday 27 August is the summer bank holiday, so the 15th
    // working day is Friday 14 September (Thursday 13th without the holiday).
    const held = '2018-08-23T09:00:00Z'
    it('counts working days across the bank holiday', async () => {
      const inv = await open()
      await f.discussion(inv, held, ['police', 'health', 'childrens_social_care'], { s47: true })
      expect(await f.stateAt('INV-10', inv, '2018-09-13T09:30:00Z')).toEqual(['due'])
      expect(await f.stateAt('INV-10', inv, '2018-09-14T08:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('INV-10', inv, '2018-09-14T09:00:00Z')).toEqual(['breached'])
      const onTime = await open()
      await f.discussion(onTime, held, ['police'], { s47: true })
      await f.conference(onTime, '2018-09-14T08:30:00Z')
      expect(await f.stateAt('INV-10', onTime, '2018-09-20T00:00:00Z')).toEqual(['met'])
    })
    it('a conference without the police is a finding; no s47 discussion, no conference owed', async () => {
      const inv = await open()
      await f.discussion(inv, held, ['police'], { s47: true })
      await f.conference(inv, '2018-09-03T09:00:00Z', false)
      expect((await f.stateAt('INV-10', inv, '2018-09-20T00:00:00Z')).sort()).toEqual(['breached', 'met'])
      const noS47 = await open()
      await f.discussion(noS47, held, ['police'])
      expect(await f.stateAt('INV-10', noS47, '2018-09-20T00:00:00Z')).toEqual([])
    })
  })

  describe('INV-11 drift: no recorded activity for 14 days', () => {
    it('runs from the last activity; an activity meets the previous quiet period', async () => {
      const inv = await open()
      expect(await f.stateAt('INV-11', inv, '2018-08-15T08:59:00Z')).toEqual(['due'])
      expect(await f.stateAt('INV-11', inv, '2018-08-15T09:00:00Z')).toEqual(['breached'])
      await f.review(inv, '2018-08-20T09:00:00Z')
      // The quiet period from opening was met late by the review; a new one runs from it.
      expect((await f.stateAt('INV-11', inv, '2018-08-21T00:00:00Z')).sort()).toEqual(['due', 'met_late'])
      // As of before the review, the review had not happened.
      expect(await f.stateAt('INV-11', inv, '2018-08-19T00:00:00Z')).toEqual(['breached'])
    })
    it('a closed case does not drift', async () => {
      const inv = await open({ closedAt: '2018-08-05T09:00:00Z', outcome: '18' })
      expect(await f.stateAt('INV-11', inv, '2018-09-01T00:00:00Z')).toEqual([])
    })
  })

  describe('INV-12 closed NFA with children in the household unchecked', () => {
    it('breaches for a suspect living with children, not after a welfare visit, not for a charge', async () => {
      const mother = await f.child('Mother', '1973-01-01')
      const kids = [await f.child('Kid', '2004-01-01'), await f.child('Kid', '2010-01-01')]
      await f.household('INV12-HH', [
        { id: mother.id, role: 'parent' },
        ...kids.map((k) => ({ id: k.id, role: 'child' as const })),
      ])
      const suspect = [{ personId: mother.id, role: 'suspect', isChild: false }]
      const closed = await open({
        caseType: 'cse_online',
        people: suspect,
        closedAt: '2018-08-22T09:00:00Z',
        outcome: '15',
      })
      expect(await f.stateAt('INV-12', closed, '2018-08-22T09:00:00Z')).toEqual(['breached'])
      expect(await f.stateAt('INV-12', closed, '2018-08-22T08:59:00Z')).toEqual([])
      const visited = await open({
        caseType: 'cse_online',
        people: suspect,
        closedAt: '2018-08-22T09:00:00Z',
        outcome: '15',
        welfareVisitAt: '2018-08-21T09:00:00Z',
      })
      expect(await f.stateAt('INV-12', visited, '2018-08-23T00:00:00Z')).toEqual(['met'])
      const charged = await open({
        caseType: 'cse_online',
        people: suspect,
        closedAt: '2018-08-22T09:00:00Z',
        outcome: '1',
      })
      expect(await f.stateAt('INV-12', charged, '2018-08-23T00:00:00Z')).toEqual([])
    })
    it('a suspect living alone: no finding', async () => {
      const alone = await f.child('Alone', '1970-01-01')
      const inv = await open({
        caseType: 'cse_online',
        people: [{ personId: alone.id, role: 'suspect', isChild: false }],
        closedAt: '2018-08-22T09:00:00Z',
        outcome: '16',
      })
      expect(await f.stateAt('INV-12', inv, '2018-08-23T00:00:00Z')).toEqual([])
    })
  })

  describe('the words, keys and people of each finding', () => {
    const detailsAt = async (ruleId: string, inv: string, asOf: string) =>
      (await f.findingsAt(ruleId, inv, asOf)).map((x) => x.detail).sort()
    const describeAction = (inv: string, description: string) =>
      f.kestrel.services.db
        .updateTable('investigation_action')
        .set({ description })
        .where('investigation_id', '=', inv)
        .execute()

    it('INV-02 names every missing agency; INV-08 counts a plan of white space as none', async () => {
      const inv = await open()
      await f.discussion(inv, '2018-08-01T12:00:00Z', ['police'], { plan: ' \u00a0\n\t\u3000' })
      expect(await detailsAt('INV-02', inv, '2018-08-02T00:00:00Z')).toEqual([
        "Strategy discussion held without children's social care or health",
      ])
      expect(await f.stateAt('INV-08', inv, '2018-08-02T00:00:00Z')).toEqual(['breached'])
    })

    it('INV-03 cuts a long description at 120 UTF-16 units and tells the action’s owner', async () => {
      const long = await open()
      await f.action(long, {
        directedAt: '2018-08-02T09:00:00Z',
        dueAt: '2018-08-05T09:00:00Z',
        ownerId: trainedId,
      })
      await describeAction(long, 'x'.repeat(130))
      const [found] = await f.findingsAt('INV-03', long, '2018-08-03T00:00:00Z')
      expect(found?.detail).toBe(`Directed: ${'x'.repeat(117)}...`)
      expect(found?.assigneeStaffId).toBe(trainedId)
      const exact = await open()
      await f.action(exact, { directedAt: '2018-08-02T09:00:00Z', dueAt: '2018-08-05T09:00:00Z' })
      await describeAction(exact, 'y'.repeat(120))
      expect(await detailsAt('INV-03', exact, '2018-08-03T00:00:00Z')).toEqual([
        `Directed: ${'y'.repeat(120)}`,
      ])
      // An emoji is two units in JavaScript but one character in PostgreSQL.
      const emoji = await open()
      await f.action(emoji, { directedAt: '2018-08-02T09:00:00Z', dueAt: '2018-08-05T09:00:00Z' })
      await describeAction(emoji, `a${'😀'.repeat(60)}`)
      expect(await detailsAt('INV-03', emoji, '2018-08-03T00:00:00Z')).toEqual([
        `Directed: a${'😀'.repeat(58)}...`,
      ])
      const fits = await open()
      await f.action(fits, { directedAt: '2018-08-02T09:00:00Z', dueAt: '2018-08-05T09:00:00Z' })
      await describeAction(fits, '😀'.repeat(60))
      expect(await detailsAt('INV-03', fits, '2018-08-03T00:00:00Z')).toEqual([
        `Directed: ${'😀'.repeat(60)}`,
      ])
    })

    it('INV-04 counts a review at the opening instant as the same cycle', async () => {
      const inv = await open()
      await f.review(inv, '2018-08-01T09:00:00Z')
      const found = await f.findingsAt('INV-04', inv, '2018-08-10T00:00:00Z')
      expect(
        found.map((x) => [x.status, x.openedAt.toISOString(), x.dueAt?.toISOString(), x.detail]),
      ).toEqual([
        [
          'due',
          '2018-08-01T09:00:00.000Z',
          '2018-08-29T09:00:00.000Z',
          'Supervisory review due 28 days after the last one',
        ],
      ])
      expect(found[0]?.assigneeStaffId).toBeNull()
    })

    it('INV-06 and INV-07 give the allocator’s reason; INV-07 words the caseload', async () => {
      const inv = await open({
        teamId,
        staffId: untrainedId,
        allocatedAt: '2018-08-01T10:00:00Z',
        openCases: 1,
        teamCapacity: 1,
      })
      await f.kestrel.services.db
        .updateTable('investigation_allocation')
        .set({ reason: 'Only officer on duty' })
        .where('investigation_id', '=', inv)
        .execute()
      expect(await detailsAt('INV-06', inv, '2018-08-02T00:00:00Z')).toEqual([
        'Allocated officer lacks: specialist child abuse investigators development programme, abe interviewing (reason given: Only officer on duty)',
      ])
      expect(await detailsAt('INV-07', inv, '2018-08-02T00:00:00Z')).toEqual([
        'Allocated to an officer with 1 open case (capacity 1) (reason given: Only officer on duty)',
      ])
    })

    it('INV-09 and INV-11 word their limits', async () => {
      const inv = await open({ caseType: 'police_protection' })
      await f.protection(inv, childId, { started: '2018-08-01T09:00:00Z' })
      const pp = await f.findingsAt('INV-09', inv, '2018-08-05T09:00:00Z')
      expect(pp.map((x) => [x.detail, x.dueAt?.toISOString() ?? null]).sort()).toEqual([
        ['Police protection must end within 72 hours', '2018-08-04T09:00:00.000Z'],
        ['Record the designated officer for the police protection', null],
      ])
      expect(await detailsAt('INV-11', inv, '2018-08-05T09:00:00Z')).toEqual([
        'No recorded activity for 14 days',
      ])
    })
  })

  describe('single-record evaluation', () => {
    it('stores for the written case what a full evaluation finds, and nothing for another case', async () => {
      const inv = await open({ teamId, staffId: untrainedId, allocatedAt: '2018-08-01T10:00:00Z' })
      await f.discussion(inv, '2018-08-01T12:00:00Z', ['police'], { plan: null })
      await f.action(inv, { directedAt: '2018-08-02T09:00:00Z', dueAt: '2018-08-05T09:00:00Z' })
      await f.review(inv, '2018-08-20T09:00:00Z')
      const other = await open()
      const { standards, db } = f.kestrel.services
      const results = await db
        .transaction()
        .execute((trx) => standards.afterWrite(trx, 'investigation', [inv]))
      expect(results.filter((r) => !r.ok)).toEqual([])
      const shape = (x: {
        ruleId: string
        status: string
        openedAt: Date
        dueAt: Date | null
        detail: string
      }) => [x.ruleId, x.status, x.openedAt.toISOString(), x.dueAt?.toISOString() ?? null, x.detail].join('|')
      const stored = (await standards.findingsForSubject('investigation', inv)).map(shape).sort()
      const computed = (await standards.findingsAt(clock.now(), { subjectId: inv })).findings
        .map(shape)
        .sort()
      expect(stored.length).toBeGreaterThan(5)
      expect(stored).toEqual(computed)
      expect(await standards.findingsForSubject('investigation', other)).toEqual([])
    })
  })
})
