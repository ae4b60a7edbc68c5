import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { forceWideReach } from '../../platform/access/need-to-know.ts'
import type { MeasureScope } from '../../platform/measures.ts'
import { onlineMeasures } from './measures.ts'
import { outcomesByTeamKind } from './service/outcomes.ts'
import { movableClock, onlineFixture } from './test-fixtures.ts'

type Fixture = Awaited<ReturnType<typeof onlineFixture>>
let fx: Fixture
const clock = movableClock('2018-09-01T12:00:00Z')
const period = {
  from: new Date('2018-04-01T00:00:00Z'),
  until: new Date('2018-07-01T00:00:00Z'),
  boroughIds: null,
}

/** A case allocated to each team in turn, then given an outcome on a day. */
async function investigated(teams: string[], outcomeCode: string, outcomeOn: string) {
  const c = await fx.onlineCase('2018-03-01T09:00:00Z')
  await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-03-02T09:00:00Z' })
  for (const [i, team] of teams.entries())
    await fx.stage(c.ref, { stage: 'allocated', at: `2018-03-0${3 + i}T09:00:00Z`, team, reason: 'Test' })
  await fx.stage(c.ref, { stage: 'outcome', at: `${outcomeOn}T09:00:00Z`, outcomeCode })
  return c
}

beforeAll(async () => {
  fx = await onlineFixture(clock)
  // Hand-counted: frontline 2 no further action, 1 no crime, 1 positive; specialists 3 positive (one taken over
  // from a frontline team); the child abuse team's one case went to another force (left out); one frontline
  // outcome falls after the period and one before it.
  await investigated(['Lambeth response'], '21', '2018-04-10')
  await investigated(['Lambeth response'], '14', '2018-05-10')
  await investigated(['Lambeth response'], 'cancelled', '2018-05-20')
  await investigated(['Lambeth response'], '1', '2018-06-30')
  await investigated(['Online CSAE team'], '1', '2018-04-02')
  await investigated(['Online CSAE team'], '3', '2018-06-01')
  await investigated(['Lambeth response', 'Online CSAE team'], '1', '2018-06-15')
  await investigated(['Lambeth CAIT'], 'transferred', '2018-05-01')
  await investigated(['Lambeth response'], '1', '2018-07-01')
  await investigated(['Lambeth response'], '18', '2018-03-31')
}, 120_000)
afterAll(() => fx?.kestrel.close())

describe('outcomes by team kind', () => {
  it('counts the period’s outcomes by who investigated, against a hand count', async () => {
    const table = await outcomesByTeamKind(fx.kestrel.services.db, period)
    expect(table).toEqual([
      {
        teamKind: 'specialist',
        total: 3,
        counts: { no_further_action: 0, no_crime: 0, positive: 3 },
        shares: { no_further_action: 0, no_crime: 0, positive: 1 },
      },
      {
        teamKind: 'child_abuse_team',
        total: 0,
        counts: { no_further_action: 0, no_crime: 0, positive: 0 },
        shares: { no_further_action: null, no_crime: null, positive: null },
      },
      {
        teamKind: 'frontline',
        total: 4,
        counts: { no_further_action: 2, no_crime: 1, positive: 1 },
        shares: { no_further_action: 0.5, no_crime: 0.25, positive: 0.25 },
      },
    ])
  })

  it('is a measure for the dashboard, by area', async () => {
    const measure = (id: string) => onlineMeasures.find((m) => m.id === id)
    const { db } = fx.kestrel.services
    expect(await measure('online.positive-outcomes-frontline')?.take(db, period)).toEqual({
      value: 0.25,
      over: 4,
    })
    expect(await measure('online.positive-outcomes-specialist')?.take(db, period)).toEqual({
      value: 1,
      over: 3,
    })
    const elsewhere = await db
      .selectFrom('borough')
      .select('id')
      .where('id', 'not in', db.selectFrom('online_case').select('borough_id'))
      .executeTakeFirstOrThrow()
    expect(
      await measure('online.positive-outcomes-frontline')?.take(db, {
        ...period,
        boroughIds: [elsewhere.id],
      }),
    ).toEqual({
      value: null,
      over: 0,
    })
  })
})

describe('the queue’s measures', () => {
  it('counts the open cases by stage at the period’s end with their median and 90th percentile age', async () => {
    const { db } = fx.kestrel.services
    const at = {
      from: new Date('2018-08-01T00:00:00Z'),
      until: new Date('2018-08-31T12:00:00Z'),
      boroughIds: null,
    }
    const take = (id: string) => onlineMeasures.find((m) => m.id === id)?.take(db, at)
    const before = await take('online.awaiting-research-count')
    for (const [i, day] of ['2018-08-01', '2018-08-11', '2018-08-21', '2018-08-26'].entries()) {
      const c = await fx.onlineCase(`${day}T10:00:00Z`)
      await fx.stage(c.ref, { stage: 'awaiting_research', at: `${day}T12:00:00Z` })
      if (i === 3) await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-31T12:00:01Z' })
    }
    // The fourth moved on after the period's end: it still counts as awaiting research at the end.
    expect(await take('online.awaiting-research-count')).toEqual({
      value: (before?.value ?? 0) + 4,
      over: (before?.over ?? 0) + 4,
    })
    expect(before).toEqual({ value: null, over: 0 })
    // Ages 30, 20, 10 and 5 days: the median 15, the 90th percentile 27 (interpolated).
    expect(await take('online.awaiting-research-median-days')).toEqual({ value: 15, over: 4 })
    expect(await take('online.awaiting-research-p90-days')).toEqual({ value: 27, over: 4 })
  })
})

describe('the devices measures', () => {
  it('count the devices per case whose devices were seized in the period, and the share triaged', async () => {
    const { db, triage } = fx.kestrel.services
    const c = await fx.onlineCase('2018-08-01T09:00:00Z')
    await fx.stage(c.ref, { stage: 'address_confirmed', at: '2018-08-02T09:00:00Z' })
    await fx.stage(c.ref, { stage: 'warrant_executed', at: '2018-08-03T06:00:00Z' })
    await fx.stage(c.ref, { stage: 'devices_seized', at: '2018-08-03T07:00:00Z' })
    for (const n of [1, 2, 3])
      await triage.saveDevice(
        `EX-M-${n}`,
        {
          description: `Device ${n}`,
          deviceKind: 'storage',
          caseRef: c.ref,
          seizedAt: new Date('2018-08-03T07:00:00Z'),
          team: 'Online CSAE team',
          statusHistory: [],
        },
        { id: 'tester', username: 'tester' },
        forceWideReach,
      )
    const scope = {
      from: new Date('2018-08-01T00:00:00Z'),
      until: new Date('2018-09-01T00:00:00Z'),
      boroughIds: null,
    }
    const take = (id: string) => onlineMeasures.find((m) => m.id === id)?.take(db, scope)
    expect(await take('online.devices-per-case')).toEqual({ value: 3, over: 1 })
    // None triaged yet; then one is.
    expect(await take('online.devices-triaged')).toEqual({ value: 0, over: 3 })
    const none = { A: 0, B: 0, C: 0, ungraded: 0, ignorable: 0 }
    await fx.kestrel.services.imports.run(
      JSON.stringify({
        kind: 'triage-result',
        ref: 'EX-M-1@2018-08-04T10:00:00Z',
        device: 'EX-M-1',
        version: 1,
        startedAt: '2018-08-04T10:00:00Z',
        finishedAt: '2018-08-04T10:05:00Z',
        complete: true,
        settings: { threshold: 31, dihedral: true, hashSets: [], knownRecords: 0 },
        counts: {
          files: 1,
          bytes: 1,
          images: 0,
          videos: 0,
          unreadable: 0,
          problems: 0,
          exactMatches: 0,
          nearMatches: 0,
        },
        exactMatchesByCategory: none,
        nearMatchesByCategory: none,
        exactMatches: [],
        nearMatches: [],
        recommendation: { decision: 'no-known-material-found', reason: 'Nothing known' },
      }),
      'tester',
    )
    expect(await take('online.devices-triaged')).toEqual({ value: 1 / 3, over: 3 })
  })
})

describe('days from a child identified to a PAC', () => {
  it('takes the median and 90th percentile over the children identified in the period who have one', async () => {
    const { db, online } = fx.kestrel.services
    const identify = async (caseRef: string, on: string) => {
      const child = await fx.person('2010-01-01')
      await online.identifyChild(
        { case: caseRef, person: child.ref, identifiedAt: new Date(on) },
        fx.specialist,
      )
      return child.ref
    }
    let pacs = 0
    const pac = (caseRef: string, on: string, child?: string) =>
      online.recordSafeguarding(
        {
          case: caseRef,
          kind: 'pac',
          ...(child ? { child } : {}),
          pacRef: `PAC-2018-M${++pacs}`,
          at: new Date(on),
        },
        fx.specialist,
      )
    // Hand-counted, February: 2 days (the first child's own PAC; a social care referral the same day is not
    // a PAC), 6 days (the second child's; the first's PAC is not theirs), 4 days (own PAC before the
    // household's) and 10 days (the household's). The child with no PAC and the one identified in March are
    // not counted.
    const a = await fx.onlineCase('2018-01-20T09:00:00Z')
    const first = await identify(a.ref, '2018-02-01T10:00:00Z')
    const second = await identify(a.ref, '2018-02-01T10:00:00Z')
    await online.recordSafeguarding(
      { case: a.ref, kind: 'social_care_referral', at: new Date('2018-02-01T12:00:00Z') },
      fx.specialist,
    )
    await pac(a.ref, '2018-02-03T10:00:00Z', first)
    await pac(a.ref, '2018-02-07T10:00:00Z', second)
    const b = await fx.onlineCase('2018-01-25T09:00:00Z')
    const third = await identify(b.ref, '2018-02-10T00:00:00Z')
    await identify(b.ref, '2018-02-10T00:00:00Z')
    await pac(b.ref, '2018-02-14T00:00:00Z', third)
    await pac(b.ref, '2018-02-20T00:00:00Z')
    const c = await fx.onlineCase('2018-01-25T09:00:00Z')
    await identify(c.ref, '2018-02-25T00:00:00Z')
    const later = await identify(c.ref, '2018-03-02T00:00:00Z')
    await pac(c.ref, '2018-03-03T00:00:00Z', later)

    const february: MeasureScope = {
      from: new Date('2018-02-01T00:00:00Z'),
      until: new Date('2018-03-01T00:00:00Z'),
      boroughIds: null,
    }
    const take = (id: string, scope = february) => onlineMeasures.find((m) => m.id === id)?.take(db, scope)
    // Days 2, 4, 6, 10: the median 5; the 90th percentile 6 + 0.7 × 4 = 8.8 (interpolated).
    expect(await take('online.child-to-pac-median-days')).toEqual({ value: 5, over: 4 })
    const p90 = await take('online.child-to-pac-p90-days')
    expect(p90?.over).toBe(4)
    expect(p90?.value).toBeCloseTo(8.8, 9)
    expect(
      await take('online.child-to-pac-median-days', { ...february, boroughIds: [fx.boroughId('Hackney')] }),
    ).toEqual({ value: null, over: 0 })
  })
})
