import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { Measure, MeasureScope } from '../../platform/measures.ts'
import { generateBriefings } from './service/briefings.ts'
import { keeper, movableClock, offendersFixture } from './test-fixtures.ts'

/*
 * The offenders measures on RSOs counted by hand, registered on 20 September 2019 (Lambeth and Croydon in
 * their BCUs since February), taken at the end of September (until 2019-10-01T00:00Z, 01:00 in London):
 *
 *   RSO  manager  borough  status      notified    level      ARMS        visit       plan / change
 *   A    J1001    Lambeth  active      2015-01-01  medium     2018-10-01  2019-04-01  plan 2018-10-05
 *   B    J1001    Lambeth  active      2015-01-01  medium     2018-09-30  2019-03-31  none
 *   C    J1001    Lambeth  active      2019-01-15  very high  none        none        none
 *   D    J1001    Lambeth  active      2015-01-01  low        none        2019-06-01  none
 *   E    J1002    Lambeth  active      2015-01-01  med->high  2019-05-01  2019-08-01  plan 2019-05-10, change 2019-06-01
 *   F    J1002    Lambeth  in custody  2015-01-01  medium     none        none        none
 *   G    J1002    Croydon  active      2010-01-01  low        none        none        none
 *
 * ARMS in date (within 12 months, or notified within 12 months): A (its anniversary is 1 October), C, E;
 * not B (30 September 2018: out of date from London midnight on 1 October), D, G.
 * Visits on time (medium 6 months, very high 1, low 12, high 3): A (1 April), D, E; not B (31 March), C, G.
 * Plans current: A, C and D (neither ARMS nor change: nothing owed), G; not B (ARMS since), E (change since).
 * Caseloads: J1001 holds A to D (4); J1002 holds E and G (2); F, in custody, counts for nobody.
 */
type Fixture = Awaited<ReturnType<typeof offendersFixture>>
let fx: Fixture
const september: MeasureScope = {
  from: new Date('2019-09-01T00:00:00Z'),
  until: new Date('2019-10-01T00:00:00Z'),
  boroughIds: null,
}
// The boroughs of Lambeth's BCU and of Croydon's, as they stood in September 2019.
let lambethBcu: string[]
let croydonBcu: string[]

beforeAll(async () => {
  const clock = movableClock('2019-09-20T09:00:00Z')
  fx = await offendersFixture(clock)
  const { offenders } = fx.kestrel.services
  const arms = (rso: string, assessedOn: string) =>
    offenders.recordArms(
      { rso, assessedOn, assessor: 'DC Tester', priority: 'medium', keyFactors: 'Sexual preoccupation' },
      keeper,
      forceWideReach,
    )
  const visit = (rso: string, at: string) =>
    offenders.recordVisit(
      { rso, visitedAt: new Date(at), announced: true, officers: 'DC Tester', childrenPresent: false },
      keeper,
      forceWideReach,
    )
  const plan = (rso: string, at: string) =>
    offenders.agreePlan(
      {
        rso,
        agreedAt: new Date(at),
        author: 'DC Tester',
        riskLevel: 'medium',
        actions: [{ action: 'Home visit', owner: 'DC Tester', due: '2020-01-01' }],
      },
      keeper,
      forceWideReach,
    )
  const a = await fx.rso('2015-01-01')
  await arms(a.ref, '2018-10-01')
  await visit(a.ref, '2019-04-01T10:00:00Z')
  await plan(a.ref, '2018-10-05T10:00:00Z')
  const b = await fx.rso('2015-01-01')
  await arms(b.ref, '2018-09-30')
  await visit(b.ref, '2019-03-31T10:00:00Z')
  await fx.rso('2019-01-15', { riskLevel: 'very_high' })
  const d = await fx.rso('2015-01-01', { riskLevel: 'low' })
  await visit(d.ref, '2019-06-01T10:00:00Z')
  const e = await fx.rso('2015-01-01', { manager: 'J1002' })
  await arms(e.ref, '2019-05-01')
  await plan(e.ref, '2019-05-10T10:00:00Z')
  await offenders.changeRisk(
    { rso: e.ref, changedAt: new Date('2019-06-01T10:00:00Z'), toLevel: 'high', reason: 'New partner' },
    keeper,
    forceWideReach,
  )
  await visit(e.ref, '2019-08-01T10:00:00Z')
  await fx.rso('2015-01-01', { manager: 'J1002', status: 'in_custody' })
  const g = await fx.rso('2010-01-01', { manager: 'J1002', borough: 'Croydon', riskLevel: 'low' })
  const { organisation } = fx.kestrel.services
  lambethBcu = await organisation.boroughIdsOfBcu(a.bcu_id as string, '2019-09-20')
  croydonBcu = await organisation.boroughIdsOfBcu(g.bcu_id as string, '2019-09-20')
})
afterAll(() => fx?.kestrel.close())

const measure = (id: string) => {
  const m = fx.kestrel.services.measures.get(id)
  if (!m) throw new Error(`${id} is not registered`)
  return m as Measure
}
const take = (id: string, scope: MeasureScope = september) => measure(id).take(fx.kestrel.services.db, scope)
const inArea = (boroughIds: string[]): MeasureScope => ({ ...september, boroughIds })

describe('the offenders measures', () => {
  it('are declared by the module, each cut by area', () => {
    const ids = fx.kestrel.services.measures
      .all()
      .filter((m) => m.id.startsWith('offenders.'))
      .map((m) => m.id)
    expect(ids).toEqual([
      'offenders.median-caseload',
      'offenders.max-caseload',
      'offenders.managers-over-warning',
      'offenders.managers-over-breach',
      'offenders.arms-in-date',
      'offenders.visits-on-time',
      'offenders.visits-on-time-low',
      'offenders.visits-on-time-medium',
      'offenders.visits-on-time-high',
      'offenders.visits-on-time-very-high',
      'offenders.plans-current',
      'offenders.on-current-briefing',
      'offenders.days-to-social-care',
    ])
    for (const id of ids) expect(measure(id).dimensions).toEqual(['area'])
    expect(lambethBcu).not.toEqual(croydonBcu)
  })

  it('count each manager’s active RSOs by the allocation in force at the end of the period', async () => {
    expect(await take('offenders.median-caseload')).toEqual({ value: 3, over: 2 })
    expect(await take('offenders.max-caseload')).toEqual({ value: 4, over: 2 })
    // In Lambeth's BCU, J1002 holds only E; in Croydon's, only G.
    expect(await take('offenders.median-caseload', inArea(lambethBcu))).toEqual({ value: 2.5, over: 2 })
    expect(await take('offenders.max-caseload', inArea(croydonBcu))).toEqual({ value: 1, over: 1 })
    // Before the RSOs were allocated (20 September), nobody held any.
    const august = {
      from: new Date('2019-08-01T00:00:00Z'),
      until: new Date('2019-09-01T00:00:00Z'),
      boroughIds: null,
    }
    expect(await take('offenders.max-caseload', august)).toEqual({ value: null, over: 0 })
  })

  it('count the managers over RSO-05’s lines as configured, at the lines', async () => {
    expect(await take('offenders.managers-over-warning')).toEqual({ value: 0, over: 2 })
    expect(await take('offenders.managers-over-breach')).toEqual({ value: 0, over: 2 })
    const set = (name: string, value: number, from = '2019-01-01') =>
      fx.kestrel.services.standards.parameters.set({
        ruleId: 'RSO-05',
        name,
        boroughId: null,
        value,
        effectiveFrom: new Date(`${from}T00:00:00Z`),
        reason: 'Testing that the measures follow the configuration',
        setBy: 'tester',
      })
    // Lines at 2 and 4: J1001's 4 is over the warning line but not over the breach line; J1002's 2 is at it.
    await set('warnAbove', 2)
    await set('breachAbove', 4)
    expect(await take('offenders.managers-over-warning')).toEqual({ value: 1, over: 2 })
    expect(await take('offenders.managers-over-breach')).toEqual({ value: 0, over: 2 })
    await set('breachAbove', 3, '2019-02-01')
    expect(await take('offenders.managers-over-breach')).toEqual({ value: 1, over: 2 })
    expect(await take('offenders.managers-over-breach', inArea(croydonBcu))).toEqual({ value: 0, over: 1 })
  })

  it('share the active RSOs with an ARMS in date at RSO-01’s months, at the anniversary', async () => {
    expect(await take('offenders.arms-in-date')).toEqual({ value: 3 / 6, over: 6 })
    expect(await take('offenders.arms-in-date', inArea(lambethBcu))).toEqual({ value: 3 / 5, over: 5 })
    expect(await take('offenders.arms-in-date', inArea(croydonBcu))).toEqual({ value: 0, over: 1 })
    // A day earlier B's assessment of 30 September 2018 was still in date.
    const earlier = { ...september, until: new Date('2019-09-30T00:00:00Z') }
    expect(await take('offenders.arms-in-date', earlier)).toEqual({ value: 4 / 6, over: 6 })
  })

  it('share the RSOs visited within their level’s interval, as RSO-04 is configured', async () => {
    // By level: medium A on time, B not; high E on time; very high C not; low D on time, G not.
    expect(await take('offenders.visits-on-time-medium')).toEqual({ value: 1 / 2, over: 2 })
    expect(await take('offenders.visits-on-time-high')).toEqual({ value: 1, over: 1 })
    expect(await take('offenders.visits-on-time-very-high')).toEqual({ value: 0, over: 1 })
    expect(await take('offenders.visits-on-time-low')).toEqual({ value: 1 / 2, over: 2 })
    expect(await take('offenders.visits-on-time')).toEqual({ value: 3 / 6, over: 6 })
    expect(await take('offenders.visits-on-time', inArea(lambethBcu))).toEqual({ value: 3 / 5, over: 5 })
    // Low risk managed reactively: D and G have no routine visits and drop out.
    await fx.kestrel.services.standards.parameters.set({
      ruleId: 'RSO-04',
      name: 'lowMonths',
      boroughId: null,
      value: 0,
      effectiveFrom: new Date('2019-01-01T00:00:00Z'),
      reason: 'Testing that the measures follow the configuration',
      setBy: 'tester',
    })
    expect(await take('offenders.visits-on-time')).toEqual({ value: 2 / 4, over: 4 })
    expect(await take('offenders.visits-on-time', inArea(croydonBcu))).toEqual({ value: null, over: 0 })
  })

  it('share the RSOs whose plan answers their latest ARMS and risk change', async () => {
    expect(await take('offenders.plans-current')).toEqual({ value: 4 / 6, over: 6 })
    expect(await take('offenders.plans-current', inArea(lambethBcu))).toEqual({ value: 3 / 5, over: 5 })
    // Before E's risk change (1 June) E's plan answered their assessment.
    const may = {
      from: new Date('2019-05-01T00:00:00Z'),
      until: new Date('2019-06-01T00:00:00Z'),
      boroughIds: null,
    }
    expect(await take('offenders.plans-current', { ...may, boroughIds: lambethBcu })).toEqual({
      value: 4 / 5,
      over: 5,
    })
  })

  it('share the active RSOs on their area’s current briefing', async () => {
    expect(await take('offenders.on-current-briefing')).toEqual({ value: 0, over: 6 })
    await fx.kestrel.services.db
      .transaction()
      .execute((trx) =>
        generateBriefings(
          trx,
          { clock: movableClock('2019-09-25T09:00:00Z') },
          { id: 'tester', username: 'tester' },
        ),
      )
    // Lambeth's briefing lists A to E, Croydon's G; F, in custody, is on neither and not counted.
    expect(await take('offenders.on-current-briefing')).toEqual({ value: 1, over: 6 })
    expect(
      await take('offenders.on-current-briefing', { ...september, until: new Date('2019-09-24T00:00:00Z') }),
    ).toEqual({
      value: 0,
      over: 6,
    })
  })

  it('take the median days from children found with an RSO to social care being told', async () => {
    expect(await take('offenders.days-to-social-care')).toEqual({ value: null, over: 0 })
    const g = await fx.kestrel.services.db
      .selectFrom('rso')
      .select('ref')
      .where('borough_id', '=', fx.boroughId('Croydon'))
      .executeTakeFirstOrThrow()
    await fx.kestrel.services.offenders.recordNotification(
      {
        rso: g.ref,
        notificationKind: 'household_with_child',
        notifiedAt: new Date('2019-09-10T10:00:00Z'),
        details: 'Staying weekends with a partner and her two children',
        socialCareReferralAt: new Date('2019-09-12T10:00:00Z'),
      },
      keeper,
      forceWideReach,
    )
    expect(await take('offenders.days-to-social-care')).toEqual({ value: 2, over: 1 })
    expect(await take('offenders.days-to-social-care', inArea(lambethBcu))).toEqual({ value: null, over: 0 })
  })
})
