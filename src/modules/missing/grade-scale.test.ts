import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestKestrel, testKestrel } from '../../../test/app.ts'
import { ConfigError, loadConfig } from '../../platform/config.ts'
import { ValidationError } from '../../platform/http/errors.ts'
import { seedLondon } from '../organisation/london-seed.ts'
import { allGrades, defaultRepeatThreshold } from './grading.ts'
import { repeatParams } from './repeat.ts'
import { principal } from './test-fixtures.ts'

const config = (grades?: string) =>
  loadConfig({ NODE_ENV: 'test', ...(grades === undefined ? {} : { KESTREL_MISSING_GRADES: grades }) })

describe('KESTREL_MISSING_GRADES', () => {
  it('defaults to the APP continuum the report describes, with absent', () => {
    expect(config().missingGrades).toEqual(['absent', 'low', 'medium', 'high'])
    expect(config('  ').missingGrades).toEqual(['absent', 'low', 'medium', 'high'])
  })

  it('takes the current APP’s scale with very low', () => {
    expect(config('very_low, low ,medium,high').missingGrades).toEqual(['very_low', 'low', 'medium', 'high'])
    expect(config('absent,medium,high').missingGrades).toEqual(['absent', 'medium', 'high'])
  })

  it.each([
    ['absent,low,severe,high', /"severe" is not a grade/],
    ['low,high', /at least 3 grades/],
    ['high,medium,low', /lowest to highest/],
    ['absent,low,low,high', /each grade once/],
    ['absent,,medium,high', /"" is not a grade/],
  ])('refuses %j with a one-line error', (value, message) => {
    expect(() => config(value)).toThrow(ConfigError)
    expect(() => config(value)).toThrow(message)
    try {
      config(value)
    } catch (e) {
      expect((e as Error).message).toMatch(/^Configuration error: KESTREL_MISSING_GRADES: [^\n]+$/)
    }
  })

  it('knows the same grades as the grading', () => {
    expect(allGrades).toEqual(['absent', 'very_low', 'low', 'medium', 'high'])
  })

  it('counts repeat missing for the suggestion with MIS-02’s parameter defaults', () => {
    expect(defaultRepeatThreshold).toEqual({
      episodes: repeatParams.repeatEpisodes.default,
      days: repeatParams.repeatDays.default,
    })
  })
})

describe('a force on the current APP (very low, no absent)', () => {
  let kestrel: TestKestrel
  const at = new Date('2018-08-01T20:00:00Z')
  beforeAll(async () => {
    kestrel = await testKestrel({
      clock: { now: () => new Date('2018-08-02T12:00:00Z') },
      env: { KESTREL_MISSING_GRADES: 'very_low,low,medium,high' },
    })
    await seedLondon(kestrel.services.db)
  }, 120_000)
  afterAll(async () => {
    await kestrel?.close()
  })

  it('grades very low and refuses absent with a clear error naming the grade', async () => {
    const { organisation, children, missing } = kestrel.services
    expect(missing.scale).toEqual(['very_low', 'low', 'medium', 'high'])
    const force = await organisation.force()
    const lambeth = (await organisation.boroughs(force.id)).find((b) => b.name === 'Lambeth')
    const child = await children.create(
      {
        familyName: 'Scalechild',
        givenNames: 'Vera',
        dateOfBirth: '2003-05-01',
        estimatedAgeYears: null,
        gender: 'not known',
        ethnicity: 'NS',
        address: {
          address: '1 Scale Road',
          postcode: null,
          boroughId: lambeth?.id as string,
          fromDate: '2010-01-01',
          toDate: null,
        },
      },
      { id: 'tester', username: 'tester' },
      { confirmedNotDuplicate: true },
    )
    const episode = (grade: string, hoursLater: number) =>
      missing.create(
        {
          child: child.ref,
          borough: 'Lambeth',
          reportedAt: new Date(at.getTime() + hoursLater * 3_600_000),
          reportedByKind: 'parent',
          lastSeenAt: new Date(at.getTime() - 2 * 3_600_000),
          lastSeenPlace: 'Home',
          circumstances: 'Did not come home',
          grade,
          gradedBy: 'PC Grader',
        },
        principal(),
      )
    const written = await episode('very_low', 0)
    expect(written.grade).toBe('very_low')
    expect(written.suggestedGrade).toBe('very_low')

    const refused = await episode('absent', 1).catch((e: unknown) => e)
    expect(refused).toBeInstanceOf(ValidationError)
    expect((refused as ValidationError).errors).toEqual([
      {
        field: 'grade',
        reason: expect.stringMatching(
          /"absent" is not a grade on this force’s scale \(very_low, low, medium, high\)/,
        ),
      },
    ])
    const { n } = await kestrel.services.db
      .selectFrom('missing_episode')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow()
    expect(Number(n)).toBe(1)
  })
})
