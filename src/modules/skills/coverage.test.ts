import { describe, expect, it } from 'vitest'
import { coverageOf, type Requirement, requiredCourses, tally } from './coverage.ts'

const req = (over: Partial<Requirement>): Requirement => ({
  id: 'r',
  teamKind: 'mash',
  staffRole: '',
  course: 'safeguarding_1_week',
  effectiveFrom: '2018-04-01',
  effectiveTo: null,
  source: '',
  version: 1,
  ...over,
})

describe('the training matrix', () => {
  it('requires a course of every role, or of the one role named (without case), while in force', () => {
    const matrix = [
      req({}),
      req({ course: 'abe_interviewing', staffRole: 'Investigator' }),
      req({ course: 'iioc_investigation', effectiveTo: '2019-12-31' }),
      req({ course: 'missing_persons_5_day', effectiveFrom: '2030-01-01' }),
    ]
    expect(requiredCourses(matrix, 'mash', 'investigator', '2026-06-15')).toEqual([
      'safeguarding_1_week',
      'abe_interviewing',
    ])
    expect(requiredCourses(matrix, 'mash', 'Researcher', '2026-06-15')).toEqual(['safeguarding_1_week'])
    expect(requiredCourses(matrix, 'mash', 'Researcher', '2019-12-31')).toEqual([
      'safeguarding_1_week',
      'iioc_investigation',
    ])
    expect(requiredCourses(matrix, 'cait', 'Investigator', '2026-06-15')).toEqual([])
  })
})

describe('coverage', () => {
  const person = (id: string) => ({
    id,
    name: id,
    staffNumber: id,
    role: 'Investigator',
    startDate: '2015-01-01',
    teamId: 't',
  })
  const facts = {
    day: '2026-06-15',
    teams: [{ id: 't', name: 'T', kind: 'mash', bcuId: 'b' }],
    requirements: [req({}), req({ course: 'abe_interviewing' })],
  }

  it('is trained when every course is held by the day, scheduled when each one lacking is booked on or after it', () => {
    const result = coverageOf({
      ...facts,
      people: ['a', 'b', 'c', 'd', 'e'].map(person),
      completions: [
        { staffId: 'a', course: 'safeguarding_1_week', completedOn: '2019-01-01' },
        { staffId: 'a', course: 'abe_interviewing', completedOn: '2026-06-15' },
        { staffId: 'b', course: 'safeguarding_1_week', completedOn: '2019-01-01' },
        // Completed after the day: not yet held.
        { staffId: 'e', course: 'safeguarding_1_week', completedOn: '2026-06-16' },
      ],
      bookings: [
        { staffId: 'b', course: 'abe_interviewing', scheduledOn: '2026-06-15' },
        { staffId: 'c', course: 'safeguarding_1_week', scheduledOn: '2026-07-01' },
        { staffId: 'd', course: 'safeguarding_1_week', scheduledOn: '2026-06-14' },
        { staffId: 'd', course: 'abe_interviewing', scheduledOn: '2026-07-01' },
      ],
    })
    expect(result.map((c) => [c.person.id, c.state])).toEqual([
      ['a', 'trained'],
      ['b', 'scheduled'],
      ['c', 'no_plan'],
      ['d', 'no_plan'],
      ['e', 'no_plan'],
    ])
    expect(result[1]?.courses).toEqual([
      { course: 'safeguarding_1_week', state: 'trained', completedOn: '2019-01-01', scheduledOn: null },
      { course: 'abe_interviewing', state: 'scheduled', completedOn: null, scheduledOn: '2026-06-15' },
    ])
    expect(tally(result.map((c) => c.state))).toEqual({
      people: 5,
      trained: 1,
      scheduled: 1,
      noPlan: 3,
      trainedShare: 0.2,
    })
  })

  it('leaves out people whose team requires nothing, and people with no team', () => {
    const result = coverageOf({
      ...facts,
      teams: [...facts.teams, { id: 'r', name: 'R', kind: 'response_neighbourhood', bcuId: 'b' }],
      people: [{ ...person('x'), teamId: 'r' }, { ...person('y'), teamId: 'gone' }, person('z')],
      completions: [],
      bookings: [],
    })
    expect(result.map((c) => c.person.id)).toEqual(['z'])
    expect(tally([])).toEqual({ people: 0, trained: 0, scheduled: 0, noPlan: 0, trainedShare: null })
  })
})
