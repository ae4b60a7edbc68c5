import { describe, expect, it } from 'vitest'
import { ageOn, isIsoDate, londonDate } from '../../platform/time.ts'
import { matchBoroughNames, normaliseBoroughName } from './boroughs.ts'
import {
  ageAt,
  covers,
  displayName,
  ethnicities,
  type FlagRow,
  flagsAsOf,
  isChildAt,
  searchTokens,
  validateFlag,
  validatePerson,
} from './person.ts'
import { mergeTimeline } from './timeline.ts'

const known = (dateOfBirth: string) => ({ dateOfBirth, estimatedAgeYears: null, estimatedAgeOn: null })

describe('ageOn and ageAt', () => {
  it.each([
    ['2010-05-01', '2018-04-30', 7],
    ['2010-05-01', '2018-05-01', 8],
    ['2010-05-01', '2018-05-02', 8],
    ['2000-12-31', '2018-12-30', 17],
    ['2000-12-31', '2018-12-31', 18],
    // A leap-day birthday: still 17 on 28 February, 18 on 1 March.
    ['2000-02-29', '2018-02-28', 17],
    ['2000-02-29', '2018-03-01', 18],
    ['2000-02-29', '2020-02-29', 20],
    ['2018-08-01', '2018-08-01', 0],
  ])('born %s is %s on %s', (dob, day, years) => {
    expect(ageOn(dob, day)).toBe(years)
    expect(ageAt(known(dob), day)).toEqual({ years, estimated: false })
  })

  it('is null before birth and when nothing is known', () => {
    expect(ageAt(known('2018-08-02'), '2018-08-01')).toBeNull()
    expect(
      ageAt({ dateOfBirth: null, estimatedAgeYears: null, estimatedAgeOn: null }, '2018-08-01'),
    ).toBeNull()
  })

  it('carries an estimated age forward from the day it was made', () => {
    const estimate = { dateOfBirth: null, estimatedAgeYears: 14, estimatedAgeOn: '2016-03-10' }
    expect(ageAt(estimate, '2016-03-10')).toEqual({ years: 14, estimated: true })
    expect(ageAt(estimate, '2017-03-09')).toEqual({ years: 14, estimated: true })
    expect(ageAt(estimate, '2018-08-01')).toEqual({ years: 16, estimated: true })
    expect(ageAt(estimate, '2015-03-10')).toEqual({ years: 13, estimated: true })
  })

  it('counts a child as under 18', () => {
    expect(isChildAt(known('2000-08-02'), '2018-08-01')).toBe(true)
    expect(isChildAt(known('2000-08-01'), '2018-08-01')).toBe(false)
    expect(
      isChildAt({ dateOfBirth: null, estimatedAgeYears: 17, estimatedAgeOn: '2018-01-01' }, '2018-08-01'),
    ).toBe(true)
    expect(
      isChildAt({ dateOfBirth: null, estimatedAgeYears: null, estimatedAgeOn: null }, '2018-08-01'),
    ).toBe(false)
  })

  it('takes the day in London, not UTC', () => {
    expect(londonDate(new Date('2018-07-31T23:30:00Z'))).toBe('2018-08-01') // BST
    expect(londonDate(new Date('2018-12-31T23:30:00Z'))).toBe('2018-12-31') // GMT
  })
})

describe('flagsAsOf', () => {
  const flag = (
    id: string,
    kind: FlagRow['flag'],
    fromDate: string,
    toDate: string | null,
    detail: string | null = null,
  ): FlagRow => ({
    id,
    flag: kind,
    detail,
    fromDate,
    toDate,
  })
  const rows = [
    flag('a', 'cse_risk', '2017-01-01', '2017-12-31'),
    flag('b', 'looked_after', '2016-05-01', null, 'Camden'),
    flag('c', 'child_protection_plan', '2018-03-01', null, 'neglect'),
    flag('d', 'child_protection_plan', '2016-01-01', '2018-02-28', 'emotional abuse'),
    flag('e', 'missing_history', '2018-09-01', null),
  ]

  it.each([
    ['2015-12-31', []],
    ['2016-01-01', ['d']],
    ['2017-01-01', ['b', 'd', 'a']],
    ['2017-12-31', ['b', 'd', 'a']],
    ['2018-01-01', ['b', 'd']],
    ['2018-02-28', ['b', 'd']],
    ['2018-03-01', ['b', 'c']],
    ['2018-09-01', ['b', 'c', 'e']],
  ])('on %s: %j', (day, ids) => {
    expect(flagsAsOf(rows, day).map((f) => f.id)).toEqual(ids)
  })

  it('keeps one flag per kind, the latest-starting, when periods overlap', () => {
    const overlapping = [
      flag('x', 'send', '2015-01-01', null, 'old'),
      flag('y', 'send', '2017-01-01', null, 'new'),
    ]
    expect(flagsAsOf(overlapping, '2018-01-01').map((f) => f.detail)).toEqual(['new'])
  })

  it('treats periods as inclusive at both ends', () => {
    expect(covers({ fromDate: '2018-01-01', toDate: '2018-01-01' }, '2018-01-01')).toBe(true)
    expect(covers({ fromDate: '2018-01-01', toDate: '2018-01-01' }, '2018-01-02')).toBe(false)
  })
})

describe('validatePerson', () => {
  const base = {
    familyName: 'Smith',
    givenNames: 'Amy',
    dateOfBirth: '2010-01-01',
    estimatedAgeYears: null,
    gender: 'female',
    ethnicity: 'W1',
  } as const
  const today = '2018-08-01'
  const fields = (input: object) => validatePerson({ ...base, ...input } as never, today).map((e) => e.field)

  it('accepts a complete person and a person with only an estimated age', () => {
    expect(fields({})).toEqual([])
    expect(fields({ dateOfBirth: null, estimatedAgeYears: 12 })).toEqual([])
    expect(fields({ dateOfBirth: today })).toEqual([])
  })

  it.each([
    [{ dateOfBirth: '2018-08-02' }, 'dateOfBirth', /today or in the past/],
    [{ dateOfBirth: '1899-12-31' }, 'dateOfBirth', /1900/],
    [{ dateOfBirth: '2018-02-30' }, 'dateOfBirth', /real date/],
    [{ dateOfBirth: null }, 'dateOfBirth', /date of birth or an estimated age/],
    [{ dateOfBirth: null, estimatedAgeYears: 121 }, 'estimatedAgeYears', /0 to 120/],
    [{ familyName: '  ' }, 'familyName', /Enter a family name/],
    [{ gender: 'F' }, 'gender', /one of/],
    [{ ethnicity: 'Z9' }, 'ethnicity', /ethnic group/],
  ])('rejects %j on %s', (input, field, reason) => {
    const errors = validatePerson({ ...base, ...input } as never, today)
    expect(errors.map((e) => e.field)).toContain(field)
    expect(errors.find((e) => e.field === field)?.reason).toMatch(reason)
  })

  it('checks flags: category of a plan, dates in order and not in the future', () => {
    const ok = {
      flag: 'child_protection_plan',
      detail: 'neglect',
      fromDate: '2018-01-01',
      toDate: null,
    } as const
    expect(validateFlag(ok, today)).toEqual([])
    expect(validateFlag({ ...ok, detail: 'bad luck' }, today).map((e) => e.field)).toEqual(['detail'])
    expect(validateFlag({ ...ok, fromDate: '2018-08-02' }, today).map((e) => e.field)).toEqual(['fromDate'])
    expect(validateFlag({ ...ok, toDate: '2017-12-31' }, today).map((e) => e.field)).toEqual(['toDate'])
    expect(validateFlag({ ...ok, flag: 'nope' as never }, today).map((e) => e.field)).toEqual(['flag'])
  })
})

describe('small helpers', () => {
  it('lists the ONS 2021 groups with not stated, each code once', () => {
    expect(ethnicities).toHaveLength(20)
    expect(new Set(ethnicities.map((e) => e.code)).size).toBe(20)
  })
  it('checks ISO dates strictly', () => {
    expect(isIsoDate('2018-02-28')).toBe(true)
    expect(isIsoDate('2018-02-29')).toBe(false)
    expect(isIsoDate('28/02/2018')).toBe(false)
  })
  it('splits search words on spaces, commas and hyphens', () => {
    expect(searchTokens("  O'Brien-Smith, JON ")).toEqual(['o', 'brien', 'smith', 'jon'])
    expect(searchTokens('%_')).toEqual([])
  })
  it('writes names as the force does', () => {
    expect(displayName({ familyName: 'Smith', givenNames: 'Amy Louise' })).toBe('SMITH, Amy Louise')
  })
  it('matches borough names however they are written', () => {
    expect(normaliseBoroughName('Barking & Dagenham')).toBe(normaliseBoroughName('Barking and Dagenham'))
    expect(normaliseBoroughName('Royal Borough of Kensington and Chelsea')).toBe('kensington and chelsea')
    const boroughs = [
      { id: '1', name: 'Barking and Dagenham' },
      { id: '2', name: 'Westminster' },
    ]
    expect([...matchBoroughNames(boroughs, ['barking & dagenham', 'City of Westminster', 'Gotham'])]).toEqual(
      [
        ['barking & dagenham', '1'],
        ['City of Westminster', '2'],
      ],
    )
  })
  it('merges timelines newest first and stops at asOf', () => {
    const at = (iso: string) => new Date(iso)
    const a = [{ at: at('2018-01-01T00:00:00Z'), kind: 'flag', title: 'A', href: '/a' }]
    const b = [
      { at: at('2018-03-01T00:00:00Z'), kind: 'pac', title: 'B', href: '/b' },
      { at: at('2017-01-01T00:00:00Z'), kind: 'pac', title: 'C', href: '/c' },
    ]
    expect(mergeTimeline([a, b]).map((i) => i.title)).toEqual(['B', 'A', 'C'])
    expect(mergeTimeline([a, b], at('2018-02-01T00:00:00Z')).map((i) => i.title)).toEqual(['A', 'C'])
  })
})
