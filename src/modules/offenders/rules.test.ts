import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import { linkPac } from './service/link-pac.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const clock = movableClock('2019-06-15T12:00:00Z')

beforeAll(async () => {
  fx = await offendersFixture(clock)
})
afterAll(() => fx?.kestrel.close())

const offenders = () => fx.kestrel.services.offenders
const arms = (rso: string, assessedOn: string) =>
  offenders().recordArms(
    { rso, assessedOn, assessor: 'DC Assessor', priority: 'medium', keyFactors: 'Stable' },
    keeper,
    forceWideReach,
  )
const plan = (rso: string, agreedAt: string) =>
  offenders().agreePlan(
    {
      rso,
      agreedAt: new Date(agreedAt),
      author: 'DC Planner',
      riskLevel: 'medium',
      actions: [{ action: 'Visit', owner: 'DC Planner', due: '2019-12-01' }],
    },
    keeper,
    forceWideReach,
  )
const visit = (rso: string, visitedAt: string) =>
  offenders().recordVisit(
    { rso, visitedAt: new Date(visitedAt), announced: false, officers: 'DC Visitor', childrenPresent: false },
    keeper,
    forceWideReach,
  )

describe('RSO-01 ARMS assessment out of date', () => {
  it('is due for 12 months after an assessment, breached from the day after the anniversary', async () => {
    const r = await fx.rso('2018-03-01')
    await arms(r.ref, '2018-03-15')
    // The first assessment was owed within 12 months of notification, and came a fortnight later.
    expect(await fx.states('RSO-01', r.id, '2019-03-15T23:59:59Z')).toEqual(['met', 'due'])
    expect(await fx.states('RSO-01', r.id, '2019-03-14T12:00:00Z')).toEqual(['met', 'due'])
    expect(await fx.states('RSO-01', r.id, '2019-03-16T00:00:00Z')).toEqual(['met', 'breached'])
    await arms(r.ref, '2019-03-20')
    expect(await fx.states('RSO-01', r.id, '2019-04-01T00:00:00Z')).toEqual(['met', 'met_late', 'due'])
  })
  it('owes a first assessment within 12 months of notification, and nothing while in custody', async () => {
    const r = await fx.rso('2018-01-10')
    expect(await fx.states('RSO-01', r.id, '2019-01-10T12:00:00Z')).toEqual(['due'])
    expect(await fx.states('RSO-01', r.id, '2019-01-11T00:00:00Z')).toEqual(['breached'])
    await fx.kestrel.services.db
      .updateTable('rso')
      .set({ status: 'in_custody' })
      .where('id', '=', r.id)
      .execute()
    expect(await fx.states('RSO-01', r.id, '2019-01-11T00:00:00Z')).toEqual([])
  })
})

describe('RSO-02 and RSO-03 after a change of risk', () => {
  it('a risk change with no new ARMS raises both; a new ARMS and plan resolve both', async () => {
    const r = await fx.rso('2017-01-01')
    await arms(r.ref, '2018-01-10')
    await plan(r.ref, '2018-01-12T10:00:00Z')
    expect(await fx.states('RSO-03', r.id, '2018-05-01T00:00:00Z')).toEqual(['met'])
    await offenders().changeRisk(
      { rso: r.ref, changedAt: new Date('2018-06-01T10:00:00Z'), toLevel: 'high', reason: 'Arrested' },
      keeper,
      forceWideReach,
    )
    expect((await offenders().view(r.ref, { ...adminish })).rso.risk_level).toBe('high')
    expect(await fx.states('RSO-02', r.id, '2018-06-29T09:59:59Z')).toEqual(['due'])
    expect(await fx.states('RSO-02', r.id, '2018-06-29T10:00:00Z')).toEqual(['breached'])
    expect(await fx.states('RSO-03', r.id, '2018-06-29T10:00:00Z')).toEqual(['met', 'breached'])
    await arms(r.ref, '2018-07-02')
    await plan(r.ref, '2018-07-03T10:00:00Z')
    expect(await fx.states('RSO-02', r.id, '2018-08-01T00:00:00Z')).toEqual(['met_late'])
    expect(await fx.states('RSO-03', r.id, '2018-08-01T00:00:00Z')).toEqual(['met', 'met', 'met'])
  })
  it('new relevant information owes a new ARMS too', async () => {
    const r = await fx.rso('2017-01-01')
    await offenders().recordInformation(
      {
        rso: r.ref,
        receivedAt: new Date('2018-06-01T10:00:00Z'),
        source: 'Social care',
        summary: 'New partner',
      },
      keeper,
      forceWideReach,
    )
    expect(await fx.states('RSO-02', r.id, '2018-06-10T00:00:00Z')).toEqual(['due'])
    await arms(r.ref, '2018-06-05')
    expect(await fx.states('RSO-02', r.id, '2018-06-10T00:00:00Z')).toEqual(['met'])
  })
})

describe('RSO-04 home visits by risk level', () => {
  // A visit on 10 January 2018; the next is owed by the end of the day N months on (London time).
  const cases = [
    { level: 'very_high', due: '2018-02-11T00:00:00Z' },
    { level: 'high', due: '2018-04-10T23:00:00Z' },
    { level: 'medium', due: '2018-07-10T23:00:00Z' },
    { level: 'low', due: '2019-01-11T00:00:00Z' },
  ] as const
  for (const { level, due } of cases) {
    it(`at ${level} risk is due until ${due}, then breached`, async () => {
      const r = await fx.rso('2018-01-10', { riskLevel: level })
      await visit(r.ref, '2018-01-10T10:00:00Z')
      const justBefore = new Date(new Date(due).getTime() - 1).toISOString()
      expect(await fx.states('RSO-04', r.id, justBefore)).toEqual(['met', 'due'])
      expect(await fx.states('RSO-04', r.id, due)).toEqual(['met', 'breached'])
    })
  }
  it('owes no routine visit at a level configured as managed reactively (0 months)', async () => {
    const r = await fx.rso('2018-01-10', { riskLevel: 'low' })
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'RSO-04',
      name: 'lowMonths',
      boroughId: null,
      value: 0,
      effectiveFrom: new Date('2017-01-01T00:00:00Z'),
      reason: 'Low risk managed reactively',
      setBy: 'tester',
    })
    expect(await fx.states('RSO-04', r.id, '2019-06-01T00:00:00Z')).toEqual([])
  })
})

describe('RSO-07 yearly notification', () => {
  it('is owed within the year beginning with the day of the last notification', async () => {
    const r = await fx.rso('2017-01-01')
    await offenders().recordNotification(
      {
        rso: r.ref,
        notificationKind: 'periodic',
        notifiedAt: new Date('2018-05-30T11:00:00Z'),
        details: 'Yearly',
      },
      keeper,
      forceWideReach,
    )
    // The year beginning 30 May 2018 ends on 29 May 2019: from midnight (BST) it is overdue.
    expect(await fx.states('RSO-07', r.id, '2019-05-29T22:59:59Z')).toEqual(['met_late', 'due'])
    expect(await fx.states('RSO-07', r.id, '2019-05-29T23:00:00Z')).toEqual(['met_late', 'breached'])
  })
})

const adminish = {
  kind: 'user' as const,
  id: 'reader',
  username: 'reader',
  displayName: 'Reader',
  roles: ['force_lead' as const],
  staffId: null,
  area: { forceWide: true as const },
}

describe('RSO-06 access to children', () => {
  it('children present at a visit owe a PAC or referral within a day; a referral meets it', async () => {
    const r = await fx.rso('2017-01-01')
    const written = await offenders().recordVisit(
      {
        rso: r.ref,
        visitedAt: new Date('2018-06-01T10:00:00Z'),
        announced: false,
        officers: 'DC Visitor',
        childrenPresent: true,
      },
      keeper,
      forceWideReach,
    )
    expect(await fx.states('RSO-06', r.id, '2018-06-02T09:59:59Z')).toEqual(['due'])
    expect(await fx.states('RSO-06', r.id, '2018-06-02T10:00:00Z')).toEqual(['breached'])
    await fx.kestrel.services.db
      .updateTable('rso_visit')
      .set({ social_care_referral_at: new Date('2018-06-01T15:00:00Z') })
      .where('ref', '=', written.ref)
      .execute()
    expect(await fx.states('RSO-06', r.id, '2018-06-02T10:00:00Z')).toEqual(['met'])
  })
  it('a notification of staying at a household with a child owes one too; other notifications do not', async () => {
    const r = await fx.rso('2017-01-01')
    for (const notificationKind of ['bank_account', 'household_with_child'] as const)
      await offenders().recordNotification(
        { rso: r.ref, notificationKind, notifiedAt: new Date('2018-06-01T10:00:00Z'), details: 'Notified' },
        keeper,
        forceWideReach,
      )
    expect(await fx.states('RSO-06', r.id, '2018-06-03T00:00:00Z')).toEqual(['breached'])
  })
})

describe('RSO-06 met by a PAC linked to the visit', () => {
  it('links a PAC raised for the child to the visit that found them; a visit of no children refuses it', async () => {
    const { db, accessLog } = fx.kestrel.services
    const r = await fx.rso('2017-01-01')
    const found = await offenders().recordVisit(
      {
        rso: r.ref,
        visitedAt: new Date('2018-06-01T10:00:00Z'),
        announced: false,
        officers: 'DC V',
        childrenPresent: true,
      },
      keeper,
      forceWideReach,
    )
    const quiet = await offenders().recordVisit(
      {
        rso: r.ref,
        visitedAt: new Date('2018-06-02T10:00:00Z'),
        announced: false,
        officers: 'DC V',
        childrenPresent: false,
      },
      keeper,
      forceWideReach,
    )
    const child = await fx.kestrel.services.children.create(
      {
        familyName: 'Householdchild',
        givenNames: 'Amy',
        dateOfBirth: '2010-01-01',
        estimatedAgeYears: null,
        gender: 'female',
        ethnicity: 'NS',
        address: null,
      },
      { id: 'tester', username: 'tester' },
      { confirmedNotDuplicate: true },
    )
    await fx.kestrel.services.imports.run(
      JSON.stringify({
        kind: 'pac',
        ref: 'PAC-RSO-TEST-1',
        child: child.ref,
        aboutKind: 'incident',
        aboutSummary: 'Child living with an RSO',
        concerns: ['child_abuse'],
        riskLevel: 'medium',
        riskAssessment: 'An RSO stays at the household',
        childSpokenTo: false,
        voiceOfChild: '',
        policeFirstKnewAt: '2018-06-01T10:00:00Z',
        createdAt: '2018-06-01T14:00:00Z',
        borough: 'Lambeth',
        raisedByName: 'DC V',
      }),
      'tester',
    )
    const deps = {
      clock,
      accessLog,
      afterWrite: (trx: never, kind: string, ids: readonly string[]) =>
        fx.kestrel.services.standards.afterWrite(trx, kind, ids),
    }
    await expect(
      linkPac(
        db,
        deps as never,
        { rso: r.ref, record: quiet.ref, pac: 'PAC-RSO-TEST-1' },
        keeper,
        forceWideReach,
      ),
    ).rejects.toMatchObject({
      errors: [{ field: 'record', reason: `Visit ${quiet.ref} found no children present` }],
    })
    expect(await fx.states('RSO-06', r.id, '2018-06-03T00:00:00Z')).toEqual(['breached'])
    await linkPac(
      db,
      deps as never,
      { rso: r.ref, record: found.ref, pac: 'PAC-RSO-TEST-1' },
      keeper,
      forceWideReach,
    )
    expect(await fx.states('RSO-06', r.id, '2018-06-03T00:00:00Z')).toEqual(['met'])
    await expect(
      linkPac(
        db,
        deps as never,
        { rso: r.ref, record: found.ref, pac: 'PAC-RSO-TEST-1' },
        keeper,
        forceWideReach,
      ),
    ).rejects.toMatchObject({ statusCode: 409 })
  })
})

describe('RSO-09 ViSOR record at the point of charge', () => {
  const charge = (ref: string, person: string, offence: string) =>
    fx.kestrel.services.imports.run(
      JSON.stringify({
        kind: 'charge',
        ref,
        person,
        offence,
        chargedAt: '2019-06-01T16:00:00Z',
        borough: 'Lambeth',
      }),
      'tester',
    )
  it('breaches a charge of an adult for a notifiable offence until the ViSOR reference is recorded', async () => {
    const adult = await fx.person()
    await charge('CHG-T-1', adult.ref, 'Sexual assault of a child under 13')
    expect(await fx.states('RSO-09', adult.id, '2019-06-02T00:00:00Z')).toEqual(['breached'])
    await fx.rso('2019-06-01', { person: adult.ref, visorRef: 'VS-19-000001' })
    expect(await fx.states('RSO-09', adult.id, '2019-06-16T00:00:00Z')).toEqual(['met'])
    // The finding the registering write left agrees.
    const stored = await fx.kestrel.services.standards.findingsForSubject('person', adult.id)
    expect(stored.map((f) => [f.ruleId, f.status])).toEqual([['RSO-09', 'met']])
  })
  it('looks only at adults charged', async () => {
    const { children } = fx.kestrel.services
    const child = await children.create(
      {
        familyName: 'Youngcharged',
        givenNames: 'Kid',
        dateOfBirth: '2003-01-01',
        estimatedAgeYears: null,
        gender: 'male',
        ethnicity: 'NS',
        address: null,
      },
      { id: 'tester', username: 'tester' },
      { confirmedNotDuplicate: true },
    )
    await charge('CHG-T-3', child.ref, 'Sexual assault')
    expect(await fx.states('RSO-09', child.id, '2019-06-02T00:00:00Z')).toEqual([])
  })
  it('hears of a case charged at closure and of a corrected date of birth in the same transaction, no sweep', async () => {
    const { imports, children, standards } = fx.kestrel.services
    const adult = await fx.person()
    const stored = async () =>
      (await standards.findingsForSubject('person', adult.id))
        .filter((f) => f.ruleId === 'RSO-09')
        .map((f) => f.status)
    await imports.run(
      JSON.stringify({
        kind: 'investigation',
        ref: 'INV-RSO09-1',
        caseType: 'section_47',
        strands: ['child_abuse'],
        riskLevel: 'high',
        summary: 'Disclosure at school',
        borough: 'Lambeth',
        openedAt: '2019-05-01T09:00:00Z',
        people: [{ person: adult.ref, role: 'suspect' }],
        offence: 'Sexual assault of a child under 13',
        closure: { at: '2019-05-20T09:00:00Z', outcome: '1', rationale: 'Charged' },
      }),
      'tester',
    )
    expect(await stored()).toEqual(['breached'])
    // Born in 2003, they were a child when charged: no longer owed, so resolved by the engine.
    const person = await children.get(adult.id)
    await children.update(
      adult.id,
      person?.version ?? 0,
      { dateOfBirth: '2003-01-01' },
      { id: 'tester', username: 'tester' },
    )
    expect(await stored()).toEqual(['resolved_auto'])
  })
  it('leaves offences not on the configured list alone, until the list names them', async () => {
    const adult = await fx.person()
    await charge('CHG-T-2', adult.ref, 'Burglary dwelling')
    expect(await fx.states('RSO-09', adult.id, '2019-06-02T00:00:00Z')).toEqual([])
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'RSO-09',
      name: 'offences',
      boroughId: null,
      value: ['burglary'],
      effectiveFrom: new Date('2019-01-01T00:00:00Z'),
      reason: 'Testing the configured list',
      setBy: 'tester',
    })
    expect(await fx.states('RSO-09', adult.id, '2019-06-02T00:00:00Z')).toEqual(['breached'])
  })
})

describe('the steady sweep of RSO-01, RSO-04 and RSO-07', () => {
  it('reads only the findings that fell due, and breaches them', async () => {
    const { standards } = fx.kestrel.services
    const start = clock.now()
    try {
      // Nothing an RSO's rules start from is accepted dated ahead: the clock moves them only at due times.
      await expect(fx.rso('2019-06-20')).rejects.toThrow('must not be in the future')
      const r = await fx.rso('2018-06-15')
      await visit(r.ref, '2019-01-10T10:00:00Z')
      await standards.sweep({ timeBasedOnly: true })
      // Medium risk: the next visit was due within 6 months, by 10 July 2019 (BST: 23:00 the day before).
      clock.set('2019-07-10T23:01:00Z')
      const swept = await standards.sweep({ timeBasedOnly: true })
      const rso04 = swept.find((x) => x.ruleId === 'RSO-04')
      expect(rso04?.ok).toBe(true)
      expect(rso04?.dueRecords).toBeGreaterThanOrEqual(1)
      const [visitDue] = await standards.listFindings({ ruleId: 'RSO-04', subjectId: r.id, status: 'open' })
      expect(visitDue?.status).toBe('breached')
    } finally {
      clock.set(start)
    }
  })
})
