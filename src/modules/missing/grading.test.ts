import { describe, expect, it } from 'vitest'
import {
  ageBand,
  episodeTimeErrors,
  type Grade,
  type GradingHistory,
  gradingErrors,
  historyFactors,
  onScale,
  type RiskFactor,
  suggestMinimumGrade,
} from './grading.ts'

const none = { last30: 0, last90: 0, last365: 0 }
const h = (extra: Partial<GradingHistory> = {}): GradingHistory => ({
  ageAtReport: 15,
  flags: [],
  previous: none,
  ...extra,
})

describe('suggestMinimumGrade', () => {
  const cases: [string, RiskFactor[], GradingHistory, Grade][] = [
    ['nothing answered, nothing in the record', [], h(), 'absent'],
    ['one factor answered', ['drugs_alcohol'], h(), 'low'],
    ['two factors answered', ['drugs_alcohol', 'conflict_at_home'], h(), 'medium'],
    ['looked after (flag) and one answered', ['drugs_alcohol'], h({ flags: ['looked_after'] }), 'medium'],
    ['looked after (flag) alone', [], h({ flags: ['looked_after'] }), 'low'],
    [
      'looked after answered and flagged counts once',
      ['looked_after'],
      h({ flags: ['looked_after'] }),
      'low',
    ],
    ['suicide or self-harm', ['suicide_self_harm'], h(), 'high'],
    ['CSE indicators alone', ['cse_cce_indicators'], h(), 'medium'],
    ['CSE flag alone', [], h({ flags: ['cse_risk'] }), 'medium'],
    ['CCE flag with a risky associate', ['known_associates'], h({ flags: ['cce_risk'] }), 'high'],
    ['CSE with a crime', ['cse_cce_indicators', 'victim_of_crime'], h(), 'high'],
    ['under 12, no other factor', [], h({ ageAtReport: 9 }), 'low'],
    ['under 12 out of character', ['out_of_character'], h({ ageAtReport: 9 }), 'high'],
    ['12 exactly is not under 12', ['out_of_character'], h({ ageAtReport: 12 }), 'low'],
    ['age unknown', [], h({ ageAtReport: null }), 'absent'],
    ['one earlier episode this year', [], h({ previous: { last30: 0, last90: 0, last365: 1 } }), 'low'],
    [
      'third episode in 90 days: cumulative risk',
      [],
      h({ previous: { last30: 1, last90: 2, last365: 2 } }),
      'medium',
    ],
    [
      'second episode in 90 days is not yet repeat, but history counts',
      [],
      h({ previous: { last30: 1, last90: 1, last365: 1 } }),
      'low',
    ],
    [
      'looked after and repeat (the report’s case)',
      [],
      h({ flags: ['looked_after'], previous: { last30: 2, last90: 4, last365: 9 } }),
      'medium',
    ],
  ]
  it.each(cases)('%s', (_label, answered, history, expected) => {
    const s = suggestMinimumGrade(answered, history)
    expect(s.grade).toBe(expected)
    expect(s.reasons.length).toBeGreaterThan(0)
  })

  it('rounds up to the force’s scale and says so', () => {
    const s = suggestMinimumGrade(['drugs_alcohol'], h(), { scale: ['absent', 'medium', 'high'] })
    expect(s.grade).toBe('medium')
    expect(s.reasons.join(' ')).toContain('not on this force’s scale')
    expect(suggestMinimumGrade([], h(), { scale: ['very_low', 'low', 'medium', 'high'] }).grade).toBe(
      'very_low',
    )
  })

  it('takes a force’s own repeat threshold', () => {
    const history = h({ previous: { last30: 1, last90: 1, last365: 1 } })
    expect(suggestMinimumGrade([], history, { repeat: { episodes: 2, days: 90 } }).grade).toBe('medium')
  })

  it('lists every factor counted, answered and from the record, and names the record’s ones', () => {
    const s = suggestMinimumGrade(['drugs_alcohol'], h({ flags: ['looked_after'], ageAtReport: 10 }))
    expect(s.factors).toEqual(['vulnerable_age', 'looked_after', 'drugs_alcohol'])
    expect(s.reasons.filter((r) => r.startsWith('From the child’s record'))).toHaveLength(2)
  })
})

describe('historyFactors', () => {
  it('finds age, flags and previous episodes', () => {
    expect(
      historyFactors({
        ageAtReport: 11,
        flags: ['looked_after', 'cce_risk', 'mental_health', 'send'],
        previous: { last30: 0, last90: 0, last365: 3 },
      }),
    ).toEqual(['vulnerable_age', 'looked_after', 'cse_cce_indicators', 'mental_health', 'previous_episodes'])
    expect(historyFactors(h())).toEqual([])
  })
})

describe('gradingErrors', () => {
  it('accepts a grade at or above the suggestion without a supervisor', () => {
    expect(gradingErrors({ grade: 'medium' }, 'medium')).toEqual([])
    expect(gradingErrors({ grade: 'high' }, 'low')).toEqual([])
  })
  it('needs the supervisor and their reason below the suggestion', () => {
    expect(gradingErrors({ grade: 'absent' }, 'medium').map((e) => e.field)).toEqual([
      'supervisorName',
      'belowSuggestionReason',
    ])
    expect(
      gradingErrors(
        { grade: 'absent', supervisorName: 'PS A', belowSuggestionReason: 'Seen safe' },
        'medium',
      ),
    ).toEqual([])
  })
  it('refuses an unknown grade or one off the force’s scale', () => {
    expect(gradingErrors({ grade: 'purple' }, 'low')[0]?.reason).toContain('not a grade')
    expect(gradingErrors({ grade: 'very_low' }, 'absent')[0]?.field).toBe('grade')
    expect(gradingErrors({ grade: 'very_low' }, 'very_low', ['very_low', 'low', 'medium', 'high'])).toEqual(
      [],
    )
  })
})

describe('episodeTimeErrors', () => {
  const now = new Date('2018-08-10T12:00:00Z')
  const base = { reportedAt: new Date('2018-08-01T20:00:00Z'), lastSeenAt: new Date('2018-08-01T18:00:00Z') }
  it('accepts a possible order', () => {
    expect(
      episodeTimeErrors(
        {
          ...base,
          reviewDueAt: new Date('2018-08-01T22:00:00Z'),
          returnedAt: new Date('2018-08-02T09:00:00Z'),
          preventionInterviewAt: new Date('2018-08-02T15:00:00Z'),
          laNotifiedAt: new Date('2018-08-02T10:00:00Z'),
          returnHomeInterviewAt: new Date('2018-08-04T10:00:00Z'),
        },
        now,
      ),
    ).toEqual([])
  })
  it.each([
    ['returned before reported', { returnedAt: new Date('2018-08-01T19:00:00Z') }, 'returnedAt'],
    ['a review before the report', { reviewDueAt: new Date('2018-08-01T19:00:00Z') }, 'reviewDueAt'],
    ['last seen after the report', { lastSeenAt: new Date('2018-08-01T21:00:00Z') }, 'lastSeenAt'],
    ['a report in the future', { reportedAt: new Date('2018-08-11T00:00:00Z') }, 'reportedAt'],
    [
      'an interview with no return',
      { preventionInterviewAt: new Date('2018-08-02T00:00:00Z') },
      'preventionInterviewAt',
    ],
    [
      'an interview before the return',
      {
        returnedAt: new Date('2018-08-02T09:00:00Z'),
        preventionInterviewAt: new Date('2018-08-02T08:00:00Z'),
      },
      'preventionInterviewAt',
    ],
  ])('refuses %s', (_label, change, field) => {
    expect(episodeTimeErrors({ ...base, ...change }, now).map((e) => e.field)).toContain(field)
  })
})

describe('onScale and ageBand', () => {
  it('rounds up', () => {
    expect(onScale('low', ['absent', 'medium', 'high'])).toBe('medium')
    expect(onScale('absent', ['very_low', 'low'])).toBe('very_low')
  })
  it('bands ages', () => {
    expect([null, 5, 11, 12, 15, 16, 17].map(ageBand)).toEqual([
      'Age not known',
      'Under 12',
      'Under 12',
      '12 to 15',
      '12 to 15',
      '16 and 17',
      '16 and 17',
    ])
  })
})
