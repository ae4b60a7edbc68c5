import { describe, expect, it } from 'vitest'
import { londonInstant, londonTime, median } from '../../platform/time.ts'
import {
  adultAtCharge,
  ageAtArrest,
  appropriateAdultWait,
  type CustodyEvent,
  detentionClocks,
  detentionLimit,
  formatDuration,
  hour,
  hoursSinceCharge,
  juvenileCheck,
  nextEscalationDue,
  nextReviewDue,
  pace,
  reviewSlots,
  timelineErrors,
} from './custody.ts'

const t0 = new Date('2018-08-01T10:00:00Z')
const h = (n: number) => new Date(t0.getTime() + n * hour)
const m = (minutes: number) => new Date(t0.getTime() + minutes * 60_000)
// The clocks' hours: PACE's, and CUS-09's 4 hours between escalations (force policy, configured in use).
const clockHours = { ...pace, escalationHours: 4 }

describe('the review clock (PACE s40)', () => {
  it('owes nothing before detention is authorised', () => {
    expect(reviewSlots(null, [], { asOf: h(10) })).toEqual([])
    expect(nextReviewDue(null, [], { asOf: h(10) })).toBeNull()
    expect(reviewSlots(h(1), [], { asOf: h(0) })).toEqual([])
  })
  it('puts the first review 6 hours after detention was authorised', () => {
    expect(nextReviewDue(t0, [], { asOf: h(1) })).toEqual(h(6))
  })
  it('counts a first review at 5 h 59 as on time and at 6 h 01 as late', () => {
    expect(reviewSlots(t0, [m(359)], { asOf: h(7) })[0]).toMatchObject({ late: false, heldAt: m(359) })
    expect(reviewSlots(t0, [m(361)], { asOf: h(7) })[0]).toMatchObject({ late: true, heldAt: m(361) })
    expect(reviewSlots(t0, [h(6)], { asOf: h(7) })[0]?.late).toBe(false)
  })
  it('runs each later review 9 hours from the one before, early or late', () => {
    expect(nextReviewDue(t0, [h(4)], { asOf: h(5) })).toEqual(h(13))
    expect(nextReviewDue(t0, [h(7)], { asOf: h(8) })).toEqual(h(16))
    const slots = reviewSlots(t0, [h(5), h(14), m(23 * 60 + 1)], { asOf: h(24) })
    expect(slots.map((s) => [s.number, s.dueAt.toISOString(), s.late])).toEqual([
      [1, h(6).toISOString(), false],
      [2, h(14).toISOString(), false],
      [3, h(23).toISOString(), true],
      [4, m(32 * 60 + 1).toISOString(), false],
    ])
  })
  it('marks an unheld review late from its due time', () => {
    expect(reviewSlots(t0, [], { asOf: m(359) })[0]?.late).toBe(false)
    expect(reviewSlots(t0, [], { asOf: h(6) })[0]?.late).toBe(true)
  })
  it('ignores reviews after asOf', () => {
    expect(nextReviewDue(t0, [h(5)], { asOf: h(4) })).toEqual(h(6))
  })
  it('owes no review once the child has left before it fell due', () => {
    expect(reviewSlots(t0, [], { asOf: h(10), leftAt: h(5) })).toEqual([])
    expect(nextReviewDue(t0, [], { asOf: h(10), leftAt: h(5) })).toBeNull()
    const late = reviewSlots(t0, [], { asOf: h(10), leftAt: h(7) })
    expect(late).toHaveLength(1)
    expect(late[0]?.late).toBe(true)
  })
  it('takes other parameters', () => {
    const params = { firstReviewHours: 2, laterReviewHours: 3, limitHours: 24, extendedLimitHours: 36 }
    expect(nextReviewDue(t0, [h(1)], { asOf: h(1), params })).toEqual(h(4))
  })
})

describe('the detention limit (PACE s41-s44)', () => {
  it('is 24 hours from the relevant time', () => {
    expect(detentionLimit(t0, [], { asOf: h(1) })).toEqual({
      limitAt: h(24),
      basis: 'pace',
      extensionLate: false,
    })
  })
  it('is 36 hours with a superintendent’s authority given in time', () => {
    const limit = detentionLimit(t0, [{ kind: 'superintendent', at: h(23) }], { asOf: h(25) })
    expect(limit).toEqual({ limitAt: h(36), basis: 'superintendent', extensionLate: false })
  })
  it('knows an extension after the 24 hours is late', () => {
    expect(
      detentionLimit(t0, [{ kind: 'superintendent', at: m(24 * 60 + 1) }], { asOf: h(30) })?.extensionLate,
    ).toBe(true)
  })
  it('ignores an extension after asOf', () => {
    expect(detentionLimit(t0, [{ kind: 'superintendent', at: h(23) }], { asOf: h(22) })?.basis).toBe('pace')
  })
  it('runs to the warrant’s time with a warrant', () => {
    const limit = detentionLimit(
      t0,
      [
        { kind: 'superintendent', at: h(20) },
        { kind: 'warrant', at: h(35), extendedUntil: h(72) },
      ],
      { asOf: h(40) },
    )
    expect(limit).toEqual({ limitAt: h(72), basis: 'warrant', extensionLate: false })
  })
  it('is null without a relevant time', () => {
    expect(detentionLimit(null, [], { asOf: h(1) })).toBeNull()
  })
})

describe('appropriate adult wait and hours since charge', () => {
  it('measures from detention authorised to the adult’s arrival', () => {
    expect(appropriateAdultWait(t0, h(8), { asOf: h(20) })).toEqual({ hours: 8, waiting: false })
    expect(appropriateAdultWait(t0, h(16), { asOf: h(20) })).toEqual({ hours: 16, waiting: false })
  })
  it('counts on while the adult has not come', () => {
    expect(appropriateAdultWait(t0, null, { asOf: h(3) })).toEqual({ hours: 3, waiting: true })
    expect(appropriateAdultWait(t0, h(5), { asOf: h(3) })).toEqual({ hours: 3, waiting: true })
  })
  it('stops at release when the adult never came', () => {
    expect(appropriateAdultWait(t0, null, { asOf: h(9), leftAt: h(4) })).toEqual({ hours: 4, waiting: false })
  })
  it('is null before detention is authorised', () => {
    expect(appropriateAdultWait(null, null, { asOf: h(3) })).toBeNull()
  })
  it('counts hours after charge until the child leaves', () => {
    expect(hoursSinceCharge(t0, { asOf: h(27) })).toEqual({ hours: 27, stillHeld: true })
    expect(hoursSinceCharge(t0, { asOf: h(70), leftAt: h(60) })).toEqual({ hours: 60, stillHeld: false })
    expect(hoursSinceCharge(null, { asOf: h(1) })).toBeNull()
    expect(hoursSinceCharge(h(2), { asOf: h(1) })).toBeNull()
  })
})

describe('detention clocks', () => {
  const ev = (kind: CustodyEvent['kind'], at: Date, extra: Partial<CustodyEvent> = {}): CustodyEvent => ({
    id: `${kind}-${at.getTime()}`,
    kind,
    at,
    ...extra,
  })
  it('puts the sooner of the review and the 24-hour limit first', () => {
    const events = [
      ev('arrived', t0),
      ev('detention_authorised', m(10)),
      ev('review', h(5)),
      ev('review', h(14)),
    ]
    const clocks = detentionClocks(events, h(20), clockHours)
    expect(clocks.nextReviewDue).toEqual(h(23))
    expect(clocks.nextDeadline).toMatchObject({ at: h(23), remainingMs: 3 * hour })
    const later = detentionClocks([...events, ev('review', h(22))], h(22.5), clockHours)
    expect(later.nextDeadline?.label).toMatch(/24-hour limit/)
    expect(later.nextDeadline?.at).toEqual(h(24))
  })
  it('drops the limit after charge and every deadline after release', () => {
    const events = [ev('arrived', t0), ev('detention_authorised', t0), ev('charged', h(3))]
    expect(detentionClocks(events, h(4), clockHours).nextDeadline?.label).toMatch(/review/)
    expect(detentionClocks(events, h(4), clockHours).sinceCharge).toEqual({ hours: 1, stillHeld: true })
    const left = detentionClocks(
      [...events, ev('left_custody', h(5), { destination: 'court' })],
      h(6),
      clockHours,
    )
    expect(left.nextDeadline).toBeNull()
    expect(left.inCustody).toBe(false)
  })
})

describe('after charge: the appropriate adult at the charge (CUS-14) and escalation every N hours (CUS-09)', () => {
  const ev = (kind: CustodyEvent['kind'], at: Date, extra: Partial<CustodyEvent> = {}): CustodyEvent => ({
    id: `${kind}-${at.getTime()}`,
    kind,
    at,
    ...extra,
  })
  const arrived = [ev('aa_arrived', h(1))]
  it('reads the adult at the charge from the record and the timeline', () => {
    expect(adultAtCharge([], h(5))).toBeNull()
    expect(adultAtCharge([...arrived, ev('charged', h(2), { aaPresent: true })], h(5))).toBe('present')
    expect(adultAtCharge([...arrived, ev('charged', h(2), { aaPresent: false })], h(5))).toBe('not_present')
    expect(adultAtCharge([...arrived, ev('charged', h(2))], h(5))).toBe('not_recorded')
    // Recorded as present, but the adult arrived a minute after the charge, or left a minute before it.
    expect(adultAtCharge([ev('aa_arrived', m(121)), ev('charged', h(2), { aaPresent: true })], h(5))).toBe(
      'not_arrived',
    )
    const left = [...arrived, ev('aa_left', m(119)), ev('charged', h(2), { aaPresent: true })]
    expect(adultAtCharge(left, h(5))).toBe('not_arrived')
    const leftThen = [...arrived, ev('aa_left', h(2)), ev('charged', h(2), { aaPresent: true })]
    expect(adultAtCharge(leftThen, h(5))).toBe('present')
  })
  it('times the next escalation from the refusal, then from each escalation or renewed request', () => {
    const refused = [ev('charged', h(0)), ev('bail_decision', h(1), { bailRefused: true })]
    expect(nextEscalationDue(refused, h(2), 4)).toEqual({ startedAt: h(1), dueAt: h(5), sinceRefusal: true })
    // The first request is CUS-07's, not a renewal; a sergeant is not an inspector.
    const first = [
      ...refused,
      ev('accommodation_request', h(1.5)),
      ev('escalation', h(2), { officerRank: 'sergeant' }),
    ]
    expect(nextEscalationDue(first, h(3), 4)?.dueAt).toEqual(h(5))
    const renewed = [...first, ev('accommodation_request', h(4))]
    expect(nextEscalationDue(renewed, h(4.5), 4)).toEqual({
      startedAt: h(4),
      dueAt: h(8),
      sinceRefusal: false,
    })
    const escalated = [...renewed, ev('escalation', h(7), { officerRank: 'inspector' })]
    expect(nextEscalationDue(escalated, h(7), 4)?.dueAt).toEqual(h(11))
    // Not yet known at 6 h; none owed once the child has left, or when bail was granted.
    expect(nextEscalationDue(escalated, h(6), 4)?.dueAt).toEqual(h(8))
    expect(nextEscalationDue([...escalated, ev('left_custody', h(9))], h(9), 4)).toBeNull()
    expect(nextEscalationDue([ev('bail_decision', h(1), { bailRefused: false })], h(3), 4)).toBeNull()
  })
  it('puts the escalation on the clock when it is the next deadline', () => {
    const events = [
      ev('arrived', t0),
      ev('detention_authorised', t0),
      ev('review', h(5)),
      ev('charged', h(6), { aaPresent: true }),
      ev('bail_decision', h(6), { bailRefused: true }),
    ]
    const clocks = detentionClocks(events, h(7), clockHours)
    expect(clocks.nextDeadline).toMatchObject({ label: /inspector/, at: h(10) })
    expect(clocks.adultAtCharge).toBe('not_arrived')
    expect(clocks.adultAwaited).toBe(true)
    expect(detentionClocks([...events, ev('aa_arrived', h(7))], h(7), clockHours).adultAwaited).toBe(false)
  })
})

describe('age at arrest', () => {
  const arrest = new Date('2018-08-01T23:30:00Z') // 00:30 on 2 August in London
  it('uses the London day of the arrest', () => {
    expect(
      ageAtArrest({ dateOfBirth: '2000-08-02', estimatedAgeYears: null, estimatedAgeOn: null }, arrest),
    ).toBe(18)
    expect(
      ageAtArrest({ dateOfBirth: '2000-08-03', estimatedAgeYears: null, estimatedAgeOn: null }, arrest),
    ).toBe(17)
  })
  it('carries an estimate forward', () => {
    expect(
      ageAtArrest({ dateOfBirth: null, estimatedAgeYears: 15, estimatedAgeOn: '2017-06-01' }, arrest),
    ).toBe(16)
  })
  it('is null when nothing is known', () => {
    expect(
      ageAtArrest({ dateOfBirth: null, estimatedAgeYears: null, estimatedAgeOn: null }, arrest),
    ).toBeNull()
  })
  it('refuses 18 and over unless the person appears under 18', () => {
    expect(juvenileCheck(17, false)).toEqual([])
    expect(juvenileCheck(18, false)[0]?.field).toBe('child')
    expect(juvenileCheck(18, true)).toEqual([])
    expect(juvenileCheck(null, false)[0]?.field).toBe('appearsUnder18')
    expect(juvenileCheck(null, true)).toEqual([])
  })
})

describe('the order of events', () => {
  const now = h(100)
  const check = (events: Parameters<typeof timelineErrors>[1]) => timelineErrors(t0, events, { now })
  it('accepts a possible timeline', () => {
    expect(
      check([
        { kind: 'arrived', at: h(1) },
        { kind: 'detention_authorised', at: h(1.2) },
        { kind: 'review', at: h(6), inPerson: true },
        { kind: 'charged', at: h(8) },
        { kind: 'bail_decision', at: h(8.1), bailRefused: true },
        { kind: 'accommodation_request', at: h(8.5) },
        { kind: 'left_custody', at: h(20) },
      ]),
    ).toEqual([])
  })
  it('refuses a charge before the arrest', () => {
    const errors = check([{ kind: 'charged', at: h(-1) }])
    expect(errors).toEqual([{ field: 'events.0.at', reason: expect.stringMatching(/before the arrest/) }])
  })
  it('refuses a review before detention was authorised, or with no authorisation', () => {
    expect(check([{ kind: 'review', at: h(2), inPerson: true }])[0]?.reason).toMatch(
      /before detention was authorised/,
    )
    const errors = check([
      { kind: 'detention_authorised', at: h(3) },
      { kind: 'review', at: h(2), inPerson: true },
    ])
    expect(errors).toEqual([
      { field: 'events.1.at', reason: expect.stringMatching(/before detention was authorised/) },
    ])
  })
  it('refuses a strip search with no authorising officer', () => {
    const errors = check([{ kind: 'search', at: h(2), searchType: 'strip' }])
    expect(errors).toEqual([
      { field: 'events.0.officerName', reason: expect.stringMatching(/authorised it/) },
    ])
    expect(check([{ kind: 'search', at: h(2), searchType: 'other' }])).toEqual([])
  })
  it('refuses events after the child left, in the future, or twice', () => {
    expect(
      check([
        { kind: 'left_custody', at: h(5) },
        { kind: 'review', at: h(6) },
      ]).map((e) => e.reason),
    ).toContainEqual(expect.stringMatching(/after the child left/))
    expect(check([{ kind: 'arrived', at: h(101) }])[0]?.reason).toMatch(/future/)
    expect(
      check([
        { kind: 'charged', at: h(5) },
        { kind: 'charged', at: h(6) },
      ])[0],
    ).toMatchObject({ field: 'events.0.kind' })
  })
  it('needs a refusal of bail before a request for accommodation or a certificate', () => {
    expect(
      check([
        { kind: 'charged', at: h(5) },
        { kind: 'accommodation_request', at: h(6) },
      ])[0]?.reason,
    ).toMatch(/refused bail/)
  })
  it('links a review_told to a review held in the child’s absence, after it', () => {
    const review = { id: 'r1', kind: 'review' as const, at: h(6), inPerson: false, absenceReason: 'asleep' }
    const base = [{ kind: 'detention_authorised' as const, at: h(1) }, review]
    expect(check([...base, { kind: 'review_told', at: h(7), relatedEventId: 'r1' }])).toEqual([])
    expect(check([...base, { kind: 'review_told', at: h(5), relatedEventId: 'r1' }])[0]?.reason).toMatch(
      /before/,
    )
    expect(check([...base, { kind: 'review_told', at: h(7), relatedEventId: 'x' }])[0]?.field).toBe(
      'events.2.relatedEventId',
    )
  })
  it('names fields as a form does', () => {
    const errors = timelineErrors(t0, [{ kind: 'charged', at: h(-1) }], { now, fieldOf: () => '' })
    expect(errors[0]?.field).toBe('at')
  })
  it('checks only the events asked about', () => {
    const events = [
      { kind: 'charged' as const, at: h(-1) },
      { kind: 'arrived' as const, at: h(1) },
    ]
    expect(timelineErrors(t0, events, { now, check: new Set([1]) })).toEqual([])
  })
})

describe('helpers', () => {
  it('formats a duration', () => {
    expect(formatDuration(5 * hour + 59 * 60_000)).toBe('5 h 59 min')
    expect(formatDuration(-60_000)).toBe('−0 h 01 min')
  })
  it('takes a median', () => {
    expect(median([])).toBeNull()
    expect(median([8, 16, 1])).toBe(8)
    expect(median([1, 2, 3, 4])).toBe(2.5)
  })
  it('reads London wall-clock times in summer and winter', () => {
    expect(londonInstant('2018-08-01', '22:00').toISOString()).toBe('2018-08-01T21:00:00.000Z')
    expect(londonInstant('2018-01-15', '22:00').toISOString()).toBe('2018-01-15T22:00:00.000Z')
    expect(londonTime(new Date('2018-08-01T21:00:00Z'))).toBe('22:00')
  })
})
