import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { EventInput } from './custody.ts'
import { custodyFixture, ev, movableClock } from './test-fixtures.ts'

// Times are UTC; in August London is UTC+1, so 21:00Z is 22:00 in London.
const clock = movableClock('2018-09-01T12:00:00Z')
let fx: Awaited<ReturnType<typeof custodyFixture>>

beforeAll(async () => {
  fx = await custodyFixture(clock)
})
afterAll(async () => {
  await fx?.kestrel.close()
})

const base = (extra: EventInput[] = []): EventInput[] => [
  ev('arrived', '2018-08-01T12:30:00Z'),
  ev('detention_authorised', '2018-08-01T13:00:00Z', { officerName: 'PS Custody' }),
  ev('aa_contacted', '2018-08-01T13:05:00Z', { personName: 'Mother', aaRelationship: 'parent' }),
  ...extra,
]

async function states(ruleId: string, detentionId: string, asOf: string) {
  const { findings, results } = await fx.kestrel.services.standards.findingsAt(new Date(asOf), {
    ruleId,
    subjectId: detentionId,
  })
  expect(results.filter((r) => !r.ok)).toEqual([])
  return findings.sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime()).map((f) => f.status)
}

describe('CUS-01 appropriate adult not arrived', () => {
  it('is due for 2 hours after detention was authorised, then breached', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', base())
    expect(await states('CUS-01', d.id, '2018-08-01T12:59:00Z')).toEqual([])
    expect(await states('CUS-01', d.id, '2018-08-01T14:59:00Z')).toEqual(['due'])
    expect(await states('CUS-01', d.id, '2018-08-01T15:00:00Z')).toEqual(['breached'])
  })
  it('is met when the adult arrives in time, met late at 8 hours', async () => {
    const soon = await fx.detention('2018-08-01T12:00:00Z', base([ev('aa_arrived', '2018-08-01T14:30:00Z')]))
    expect(await states('CUS-01', soon.id, '2018-08-02T00:00:00Z')).toEqual(['met'])
    const late = await fx.detention('2018-08-01T12:00:00Z', base([ev('aa_arrived', '2018-08-01T21:00:00Z')]))
    expect(await states('CUS-01', late.id, '2018-08-01T20:00:00Z')).toEqual(['breached'])
    expect(await states('CUS-01', late.id, '2018-08-02T00:00:00Z')).toEqual(['met_late'])
  })
})

describe('CUS-02 interview before the appropriate adult', () => {
  it('breaches an interview before the adult arrived without urgent authority', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('interview', '2018-08-01T14:00:00Z', { aaPresent: false }),
        ev('aa_arrived', '2018-08-01T15:00:00Z'),
      ]),
    )
    expect(await states('CUS-02', d.id, '2018-08-01T13:59:00Z')).toEqual([])
    expect(await states('CUS-02', d.id, '2018-08-01T14:00:00Z')).toEqual(['breached'])
  })
  it('accepts an interview with the adult, or an urgent interview', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('interview', '2018-08-01T13:30:00Z', {
          aaPresent: false,
          urgentInterviewAuthorised: true,
          officerName: 'Supt A',
        }),
        ev('aa_arrived', '2018-08-01T14:00:00Z'),
        ev('interview', '2018-08-01T15:00:00Z', { aaPresent: true }),
      ]),
    )
    expect(await states('CUS-02', d.id, '2018-08-02T00:00:00Z')).toEqual(['met', 'met'])
  })
})

describe('CUS-03 rights repeated in the adult’s presence', () => {
  it('says nothing until an interview makes it too late, then breaches', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('rights_given', '2018-08-01T13:05:00Z', { aaPresent: false, countersigned: false }),
        ev('aa_arrived', '2018-08-01T14:00:00Z'),
        ev('interview', '2018-08-01T15:00:00Z', { aaPresent: true }),
      ]),
    )
    expect(await states('CUS-03', d.id, '2018-08-01T14:30:00Z')).toEqual([])
    expect(await states('CUS-03', d.id, '2018-08-01T15:00:00Z')).toEqual(['breached'])
  })
  it('is met by rights given again with the adult and countersigned', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('aa_arrived', '2018-08-01T14:00:00Z'),
        ev('rights_given', '2018-08-01T14:10:00Z', { aaPresent: true, countersigned: true }),
        ev('interview', '2018-08-01T15:00:00Z', { aaPresent: true }),
      ]),
    )
    expect(await states('CUS-03', d.id, '2018-08-01T16:00:00Z')).toEqual(['met'])
  })
})

describe('CUS-04 detention reviews (6 h, then every 9 h)', () => {
  const review = (at: string) =>
    ev('review', at, { officerName: 'Insp R', officerRank: 'inspector', inPerson: true })
  it('takes a first review at 5 h 59 as met and at 6 h 01 as met late', async () => {
    const onTime = await fx.detention('2018-08-01T12:00:00Z', base([review('2018-08-01T18:59:00Z')]))
    expect((await states('CUS-04', onTime.id, '2018-08-01T19:30:00Z'))[0]).toBe('met')
    const late = await fx.detention('2018-08-01T12:00:00Z', base([review('2018-08-01T19:01:00Z')]))
    expect((await states('CUS-04', late.id, '2018-08-01T19:30:00Z'))[0]).toBe('met_late')
  })
  it('is due until the 6th hour and breached from it', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', base())
    expect(await states('CUS-04', d.id, '2018-08-01T18:59:00Z')).toEqual(['due'])
    expect(await states('CUS-04', d.id, '2018-08-01T19:00:00Z')).toEqual(['breached'])
  })
  it('runs the next review 9 hours from the one before', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([review('2018-08-01T18:00:00Z'), review('2018-08-02T03:01:00Z'), review('2018-08-02T11:00:00Z')]),
    )
    // Second review due 03:00: due at 02:59, breached at 03:00, met late at 03:01.
    expect(await states('CUS-04', d.id, '2018-08-02T02:59:00Z')).toEqual(['met', 'due'])
    expect(await states('CUS-04', d.id, '2018-08-02T03:00:00Z')).toEqual(['met', 'breached'])
    expect(await states('CUS-04', d.id, '2018-08-02T03:30:00Z')).toEqual(['met', 'met_late', 'due'])
    // Third due 12:01 (9 h after 03:01), held at 11:00: met; the fourth is due by 20:00.
    expect(await states('CUS-04', d.id, '2018-08-02T19:59:00Z')).toEqual(['met', 'met_late', 'met', 'due'])
    expect(await states('CUS-04', d.id, '2018-08-02T20:00:00Z')).toEqual([
      'met',
      'met_late',
      'met',
      'breached',
    ])
  })
  it('owes no late review to a child released before it fell due', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([ev('left_custody', '2018-08-01T17:00:00Z', { destination: 'released_under_investigation' })]),
    )
    expect(await states('CUS-04', d.id, '2018-08-02T00:00:00Z')).toEqual(['met'])
  })
})

describe('CUS-05 review in the child’s absence', () => {
  const asleep = (at: string) =>
    ev('review', at, {
      officerName: 'Insp S',
      officerRank: 'inspector',
      inPerson: false,
      absenceReason: 'asleep',
    })
  it('breaches when the next review comes with no record the child was told', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        asleep('2018-08-01T18:00:00Z'),
        ev('review', '2018-08-02T03:00:00Z', {
          officerName: 'Insp S',
          officerRank: 'inspector',
          inPerson: true,
        }),
      ]),
    )
    expect(await states('CUS-05', d.id, '2018-08-01T19:00:00Z')).toEqual([])
    expect(await states('CUS-05', d.id, '2018-08-02T03:00:00Z')).toEqual(['breached'])
  })
  it('is met when the child is told', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', base([asleep('2018-08-01T18:00:00Z')]))
    const events = await fx.kestrel.services.custody.get(
      d.id,
      (await import('./test-fixtures.ts')).principal(),
    )
    const review = events.events.find((e) => e.kind === 'review')
    await fx.kestrel.services.custody.addEvent(
      d.id,
      events.detention.version,
      ev('review_told', '2018-08-01T20:00:00Z', {
        relatedEventId: review?.id as string,
        representations: 'None',
      }),
      (await import('./test-fixtures.ts')).principal(),
    )
    expect(await states('CUS-05', d.id, '2018-08-01T21:00:00Z')).toEqual(['met'])
  })
})

describe('CUS-06 strip search', () => {
  it('breaches a strip search with no adult and no urgency, accepts either', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('search', '2018-08-01T13:10:00Z', { searchType: 'strip', officerName: 'PS A', aaPresent: false }),
        ev('search', '2018-08-01T13:20:00Z', { searchType: 'strip', officerName: 'PS A', aaPresent: true }),
        ev('search', '2018-08-01T13:30:00Z', {
          searchType: 'strip',
          officerName: 'PS A',
          aaPresent: false,
          urgencyReason: 'Concealed blade suspected',
        }),
        ev('search', '2018-08-01T13:40:00Z', { searchType: 'other' }),
      ]),
    )
    expect(await states('CUS-06', d.id, '2018-08-01T14:00:00Z')).toEqual(['breached', 'met', 'met'])
  })
})

describe('CUS-07 to CUS-09: a child charged at 22:00 and held overnight', () => {
  const charged = [
    ev('charged', '2018-08-01T21:00:00Z'),
    ev('bail_decision', '2018-08-01T21:05:00Z', { bailRefused: true, reason: 'Risk of further offences' }),
  ]
  it('finds the report’s failings: late request, no certificate, no escalation', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...charged,
        ev('accommodation_request', '2018-08-01T22:30:00Z', { secure: false, localAuthority: 'Lambeth' }),
        ev('la_response', '2018-08-01T22:45:00Z', { relatedEventId: '#5', laResponse: 'no_accommodation' }),
        ev('left_custody', '2018-08-02T08:00:00Z', { destination: 'court' }),
      ]),
    )
    // CUS-07: a request due by 22:05Z.
    expect(await states('CUS-07', d.id, '2018-08-01T21:30:00Z')).toEqual(['due'])
    expect(await states('CUS-07', d.id, '2018-08-01T22:05:00Z')).toEqual(['breached'])
    expect(await states('CUS-07', d.id, '2018-08-02T00:00:00Z')).toEqual(['met_late'])
    // CUS-08: owed within an hour of the local authority having no accommodation (22:45Z).
    expect(await states('CUS-08', d.id, '2018-08-01T22:00:00Z')).toEqual([])
    expect(await states('CUS-08', d.id, '2018-08-01T23:44:00Z')).toEqual(['due'])
    expect(await states('CUS-08', d.id, '2018-08-01T23:45:00Z')).toEqual(['breached'])
    // CUS-09: escalation or a repeat request due 4 hours after bail was refused (01:05Z).
    expect(await states('CUS-09', d.id, '2018-08-02T01:04:00Z')).toEqual(['due'])
    expect(await states('CUS-09', d.id, '2018-08-02T01:05:00Z')).toEqual(['breached'])
    expect(await states('CUS-09', d.id, '2018-08-02T09:00:00Z')).toEqual(['met_late'])
  })
  it('finds none when the request, certificate and escalation are made', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...charged,
        ev('accommodation_request', '2018-08-01T21:30:00Z', { secure: false, localAuthority: 'Lambeth' }),
        ev('la_response', '2018-08-01T22:30:00Z', { relatedEventId: '#5', laResponse: 'no_accommodation' }),
        ev('detention_certificate', '2018-08-01T22:50:00Z', {
          reason: 'No non-secure bed available tonight',
        }),
        ev('escalation', '2018-08-01T23:00:00Z', { officerName: 'Insp E', officerRank: 'inspector' }),
        ev('escalation', '2018-08-02T02:59:00Z', {
          officerName: 'Ch Insp F',
          officerRank: 'chief_inspector',
        }),
        ev('accommodation_request', '2018-08-02T06:30:00Z', { secure: false, localAuthority: 'Lambeth' }),
        ev('left_custody', '2018-08-02T08:00:00Z', { destination: 'court' }),
      ]),
    )
    for (const rule of ['CUS-07', 'CUS-08']) {
      expect(await states(rule, d.id, '2018-08-02T09:00:00Z'), rule).toEqual(['met'])
    }
    // CUS-09 recurs: by 01:05Z, then within 4 hours of each act, until the child left at 08:00Z.
    expect(await states('CUS-09', d.id, '2018-08-02T09:00:00Z')).toEqual(['met', 'met', 'met', 'met'])
  })
  it('treats a transfer to local authority accommodation as meeting all three', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([...charged, ev('left_custody', '2018-08-01T21:50:00Z', { destination: 'la_non_secure' })]),
    )
    for (const rule of ['CUS-07', 'CUS-08', 'CUS-09']) {
      expect(await states(rule, d.id, '2018-08-02T09:00:00Z'), rule).toEqual(['met'])
    }
  })
  it('counts a repeat request as well as an escalation for CUS-09, and owes the next period', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...charged,
        ev('accommodation_request', '2018-08-01T21:30:00Z', { secure: false }),
        ev('accommodation_request', '2018-08-02T01:00:00Z', { secure: false }),
      ]),
    )
    expect(await states('CUS-09', d.id, '2018-08-02T02:00:00Z')).toEqual(['met', 'due'])
    // An escalation to a sergeant is not to an inspector or above.
    const sergeant = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...charged,
        ev('escalation', '2018-08-01T22:00:00Z', { officerName: 'PS X', officerRank: 'sergeant' }),
      ]),
    )
    expect(await states('CUS-09', sergeant.id, '2018-08-02T02:00:00Z')).toEqual(['breached'])
  })
})

describe('CUS-09 recurs while the child stays after charge', () => {
  // The report's 14-year-old: charged and refused bail at 18:00Z, "several attempts" in the evening (the
  // first request, a second, an escalation at 21:00Z), then nothing until court 30 hours after charge.
  const evening = [
    ev('charged', '2018-08-01T18:00:00Z', { aaPresent: true }),
    ev('bail_decision', '2018-08-01T18:00:00Z', { bailRefused: true }),
    ev('accommodation_request', '2018-08-01T18:30:00Z', { secure: false }),
    ev('accommodation_request', '2018-08-01T20:00:00Z', { secure: false }),
    ev('escalation', '2018-08-01T21:00:00Z', { officerName: 'Insp E', officerRank: 'inspector' }),
  ]
  it('finds the night of nothing after several early attempts', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([...evening, ev('left_custody', '2018-08-03T00:00:00Z', { destination: 'court' })]),
    )
    // Period 1 met by the renewed request at 20:00Z, period 2 by the escalation at 21:00Z; period 3 from
    // 21:00Z is due by 01:00Z.
    expect(await states('CUS-09', d.id, '2018-08-02T00:59:00Z')).toEqual(['met', 'met', 'due'])
    expect(await states('CUS-09', d.id, '2018-08-02T01:00:00Z')).toEqual(['met', 'met', 'breached'])
    expect(await states('CUS-09', d.id, '2018-08-03T01:00:00Z')).toEqual(['met', 'met', 'met_late'])
  })
  it('takes an act a minute before the period ends as met and a minute after as late', async () => {
    const onTime = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...evening,
        ev('escalation', '2018-08-02T00:59:00Z', { officerName: 'Insp E', officerRank: 'inspector' }),
      ]),
    )
    expect(await states('CUS-09', onTime.id, '2018-08-02T02:00:00Z')).toEqual(['met', 'met', 'met', 'due'])
    const late = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([...evening, ev('accommodation_request', '2018-08-02T01:01:00Z', { secure: false })]),
    )
    expect(await states('CUS-09', late.id, '2018-08-02T02:00:00Z')).toEqual(['met', 'met', 'met_late', 'due'])
    // The next period runs 4 hours from the late request (01:01Z): due at 05:00Z, breached at 05:01Z.
    expect(await states('CUS-09', late.id, '2018-08-02T05:00:00Z')).toEqual(['met', 'met', 'met_late', 'due'])
    expect(await states('CUS-09', late.id, '2018-08-02T05:01:00Z')).toEqual([
      'met',
      'met',
      'met_late',
      'breached',
    ])
  })
})

describe('CUS-14 the appropriate adult at the charge', () => {
  it('is met when the adult is recorded present and had arrived a minute before', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('aa_arrived', '2018-08-01T17:59:00Z'),
        ev('charged', '2018-08-01T18:00:00Z', { aaPresent: true }),
      ]),
    )
    expect(await states('CUS-14', d.id, '2018-08-01T17:59:00Z')).toEqual([])
    expect(await states('CUS-14', d.id, '2018-08-01T18:00:00Z')).toEqual(['met'])
  })
  it('breaches a charge with the adult arriving a minute after, absent, or not recorded', async () => {
    const after = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('charged', '2018-08-01T18:00:00Z', { aaPresent: true }),
        ev('aa_arrived', '2018-08-01T18:01:00Z'),
      ]),
    )
    expect(await states('CUS-14', after.id, '2018-08-01T19:00:00Z')).toEqual(['breached'])
    const absent = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('aa_arrived', '2018-08-01T14:00:00Z'),
        ev('charged', '2018-08-01T18:00:00Z', { aaPresent: false }),
      ]),
    )
    expect(await states('CUS-14', absent.id, '2018-08-01T19:00:00Z')).toEqual(['breached'])
    const unrecorded = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([ev('aa_arrived', '2018-08-01T14:00:00Z'), ev('charged', '2018-08-01T18:00:00Z')]),
    )
    expect(await states('CUS-14', unrecorded.id, '2018-08-01T19:00:00Z')).toEqual(['breached'])
  })
  it('breaches a charge after the adult left a minute before, not one they left at', async () => {
    const adult = [ev('aa_arrived', '2018-08-01T14:00:00Z')]
    const leftBefore = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...adult,
        ev('aa_left', '2018-08-01T17:59:00Z'),
        ev('charged', '2018-08-01T18:00:00Z', { aaPresent: true }),
      ]),
    )
    expect(await states('CUS-14', leftBefore.id, '2018-08-01T19:00:00Z')).toEqual(['breached'])
    const leftAt = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ...adult,
        ev('charged', '2018-08-01T18:00:00Z', { aaPresent: true }),
        ev('aa_left', '2018-08-01T18:00:00Z'),
      ]),
    )
    expect(await states('CUS-14', leftAt.id, '2018-08-01T19:00:00Z')).toEqual(['met'])
  })
})

describe('CUS-15 a review while the appropriate adult is awaited', () => {
  const review = (at: string, aaIntervention?: string) =>
    ev('review', at, {
      officerName: 'Insp R',
      officerRank: 'inspector',
      inPerson: true,
      ...(aaIntervention !== undefined ? { aaIntervention } : {}),
    })
  it('asks nothing of a review the adult arrived a minute before', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([ev('aa_arrived', '2018-08-01T18:59:00Z'), review('2018-08-01T19:00:00Z')]),
    )
    expect(await states('CUS-15', d.id, '2018-08-02T00:00:00Z')).toEqual([])
  })
  it('breaches a review the adult arrived a minute after, with no intervention recorded', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([review('2018-08-01T19:00:00Z', '   '), ev('aa_arrived', '2018-08-01T19:01:00Z')]),
    )
    expect(await states('CUS-15', d.id, '2018-08-01T18:59:00Z')).toEqual([])
    expect(await states('CUS-15', d.id, '2018-08-01T19:00:00Z')).toEqual(['breached'])
  })
  it('is met by the reviewing officer recording what they did', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        review('2018-08-01T19:00:00Z', 'Chased the mother; asked the AA service for a volunteer'),
        review('2018-08-02T04:00:00Z'),
      ]),
    )
    expect(await states('CUS-15', d.id, '2018-08-02T05:00:00Z')).toEqual(['met', 'breached'])
  })
})

describe('CUS-10 secure accommodation ratified', () => {
  it('breaches an unratified secure request and accepts a ratified one', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('charged', '2018-08-01T21:00:00Z'),
        ev('bail_decision', '2018-08-01T21:05:00Z', { bailRefused: true }),
        ev('accommodation_request', '2018-08-01T21:30:00Z', { secure: true }),
        ev('accommodation_request', '2018-08-01T23:30:00Z', {
          secure: true,
          ratifiedBy: 'Insp Q',
          ratifiedAt: new Date('2018-08-01T23:35:00Z'),
        }),
        ev('accommodation_request', '2018-08-02T00:30:00Z', { secure: false }),
      ]),
    )
    expect(await states('CUS-10', d.id, '2018-08-01T23:32:00Z')).toEqual(['breached', 'breached'])
    expect(await states('CUS-10', d.id, '2018-08-02T01:00:00Z')).toEqual(['breached', 'met'])
  })
})

describe('CUS-11 healthcare', () => {
  it('is due for 2 hours after the request, then breached; met when seen', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([ev('healthcare_requested', '2018-08-01T15:00:00Z')]),
    )
    expect(await states('CUS-11', d.id, '2018-08-01T16:59:00Z')).toEqual(['due'])
    expect(await states('CUS-11', d.id, '2018-08-01T17:00:00Z')).toEqual(['breached'])
    const seen = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('healthcare_requested', '2018-08-01T15:00:00Z'),
        ev('healthcare_seen', '2018-08-01T16:30:00Z'),
      ]),
    )
    expect(await states('CUS-11', seen.id, '2018-08-01T18:00:00Z')).toEqual(['met'])
  })
})

describe('CUS-12 Merlin PAC', () => {
  it('breaches a detention that ends without a PAC, and is met by one', async () => {
    const left = [ev('left_custody', '2018-08-01T16:00:00Z', { destination: 'released_on_bail' })]
    const none = await fx.detention('2018-08-01T12:00:00Z', base(left))
    expect(await states('CUS-12', none.id, '2018-08-01T15:00:00Z')).toEqual([])
    expect(await states('CUS-12', none.id, '2018-08-01T16:00:00Z')).toEqual(['breached'])
    const linked = await fx.detention('2018-08-01T12:00:00Z', base(left), { pacRef: 'PAC-1' })
    expect(await states('CUS-12', linked.id, '2018-09-01T16:00:00Z')).toEqual(['met'])
  })
})

describe('CUS-13 the 24 and 36 hour limits', () => {
  // Relevant time: arrival at 12:30Z.
  it('is due until 24 hours from the relevant time, then breached', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', base())
    expect(await states('CUS-13', d.id, '2018-08-02T12:29:00Z')).toEqual(['due'])
    expect(await states('CUS-13', d.id, '2018-08-02T12:30:00Z')).toEqual(['breached', 'due'])
    expect(await states('CUS-13', d.id, '2018-08-03T00:29:00Z')).toEqual(['breached', 'due'])
    expect(await states('CUS-13', d.id, '2018-08-03T00:30:00Z')).toEqual(['breached', 'breached'])
  })
  it('runs to 36 hours with a superintendent’s extension, and on with a warrant', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('extension', '2018-08-02T08:30:00Z', { extensionKind: 'superintendent', officerName: 'Supt S' }),
        ev('extension', '2018-08-02T23:00:00Z', {
          extensionKind: 'warrant',
          officerName: 'Magistrates',
          extendedUntil: new Date('2018-08-04T12:30:00Z'),
        }),
      ]),
    )
    expect(await states('CUS-13', d.id, '2018-08-02T12:30:00Z')).toEqual(['met', 'due'])
    expect(await states('CUS-13', d.id, '2018-08-02T22:59:00Z')).toEqual(['met', 'due'])
    expect(await states('CUS-13', d.id, '2018-08-03T01:00:00Z')).toEqual(['met', 'met'])
  })
  it('opens the 36-hour obligation by the steady sweep when the 24 hours pass, though the first was met', async () => {
    const { standards } = fx.kestrel.services
    const start = clock.now()
    clock.set('2018-08-02T09:00:00Z')
    try {
      const d = await fx.detention(
        '2018-08-01T12:00:00Z',
        base([
          ev('extension', '2018-08-02T08:30:00Z', { extensionKind: 'superintendent', officerName: 'Supt S' }),
        ]),
      )
      const stored = async () =>
        (await standards.findingsForSubject('custody-detention', d.id))
          .filter((f) => f.ruleId === 'CUS-13')
          .map((f) => f.status)
          .sort()
      await standards.sweep({ timeBasedOnly: true })
      expect(await stored()).toEqual(['met'])
      clock.set('2018-08-02T12:31:00Z')
      const swept = await standards.sweep({ timeBasedOnly: true })
      expect(swept.find((r) => r.ruleId === 'CUS-13')).toMatchObject({ ok: true, opened: 1 })
      expect(swept.find((r) => r.ruleId === 'CUS-13')?.dueRecords).toBeGreaterThanOrEqual(1)
      // The 24 hours met by the extension; the 36 owed from now.
      expect(await stored()).toEqual(['due', 'met'])
    } finally {
      clock.set(start)
    }
  })
  it('has no 36-hour obligation when charged within 24 hours', async () => {
    const d = await fx.detention('2018-08-01T12:00:00Z', base([ev('charged', '2018-08-01T22:00:00Z')]))
    expect(await states('CUS-13', d.id, '2018-08-03T12:00:00Z')).toEqual(['met'])
  })
})

describe('findings stored on write', () => {
  it('opens findings for a detention as soon as it is recorded', async () => {
    clock.set('2018-08-01T14:00:00Z')
    try {
      const d = await fx.detention('2018-08-01T12:00:00Z', base())
      const stored = await fx.kestrel.services.standards.findingsForSubject('custody-detention', d.id)
      expect(stored.map((f) => `${f.ruleId}:${f.status}`).sort()).toEqual([
        'CUS-01:due',
        'CUS-04:due',
        'CUS-13:due',
      ])
    } finally {
      clock.set('2018-09-01T12:00:00Z')
    }
  })
})

describe('the words and times of a finding', () => {
  // The findings stored before the rules answered with their queries read exactly like this.
  async function worded(ruleId: string, detentionId: string) {
    const { findings } = await fx.kestrel.services.standards.findingsAt(new Date('2018-08-03T12:00:00Z'), {
      ruleId,
      subjectId: detentionId,
    })
    return findings
      .sort((a, b) => a.openedAt.getTime() - b.openedAt.getTime())
      .map((f) => `${f.dueAt?.toISOString() ?? 'none'} ${f.detail}`)
  }
  const review = (at: string) =>
    ev('review', at, { officerName: 'Insp R', officerRank: 'inspector', inPerson: true })

  it('rounds the hours to a tenth, halves upwards, and says "1 hour"', async () => {
    // A quarter of an hour is 2.5 tenths: a half, rounded up to 0.3.
    const soon = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('aa_arrived', '2018-08-01T13:15:00Z'),
        review('2018-08-01T18:59:00Z'),
        review('2018-08-02T04:05:00Z'),
      ]),
    )
    expect(await worded('CUS-01', soon.id)).toEqual([
      '2018-08-01T15:00:00.000Z Appropriate adult arrived 0.3 hours after detention was authorised (standard: 2 hours)',
    ])
    expect(await worded('CUS-04', soon.id)).toEqual([
      '2018-08-01T19:00:00.000Z Review 1 held 6 hours after detention was authorised',
      '2018-08-02T03:59:00.000Z Review 2 held 9.1 hours after review 1',
      '2018-08-02T13:05:00.000Z Review 3 due 9 hours after review 2',
    ])
    const hour = await fx.detention('2018-08-01T12:00:00Z', base([ev('aa_arrived', '2018-08-01T14:00:00Z')]))
    expect(await worded('CUS-01', hour.id)).toEqual([
      '2018-08-01T15:00:00.000Z Appropriate adult arrived 1 hour after detention was authorised (standard: 2 hours)',
    ])
  })

  it('names the reason a child missed a review, and the limits from the relevant time', async () => {
    const d = await fx.detention(
      '2018-08-01T12:00:00Z',
      base([
        ev('review', '2018-08-01T18:00:00Z', {
          officerName: 'Insp S',
          officerRank: 'inspector',
          inPerson: false,
          absenceReason: 'in_interview',
        }),
        ev('left_custody', '2018-08-02T13:00:00Z', { destination: 'released_on_bail' }),
      ]),
    )
    expect(await worded('CUS-05', d.id)).toEqual([
      '2018-08-02T13:00:00.000Z Review held in the child’s absence (in interview) with no record the child was told or could make representations',
    ])
    expect(await worded('CUS-13', d.id)).toEqual([
      '2018-08-02T12:30:00.000Z Charge, release or a superintendent’s extension due by 24 hours from the relevant time',
      '2018-08-03T00:30:00.000Z Charge, release or a warrant of further detention due by 36 hours from the relevant time',
    ])
  })
})
