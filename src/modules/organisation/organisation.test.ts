import { describe, expect, it } from 'vitest'
import { addDays, londonDate } from '../../platform/time.ts'
import { parseDateInput } from './form-dates.ts'
import {
  bcuOn,
  changedFields,
  type MembershipPeriod,
  planReorganisation,
  validateStaff,
  validateTeam,
  validateTraining,
} from './organisation.ts'

const periods: MembershipPeriod[] = [
  { id: 'p1', bcuId: 'A', effectiveFrom: '2019-02-01', effectiveTo: '2022-03-31' },
  { id: 'p2', bcuId: 'B', effectiveFrom: '2022-04-01', effectiveTo: null },
]

describe('effective-dated membership', () => {
  it.each([
    ['2019-01-31', null],
    ['2019-02-01', 'A'],
    ['2022-03-31', 'A'],
    ['2022-04-01', 'B'],
    ['2030-01-01', 'B'],
  ])('on %s the borough is in %s', (day, bcu) => {
    expect(bcuOn(periods, day)).toBe(bcu)
  })

  it('ends the latest membership the day before a move', () => {
    expect(planReorganisation(periods, { toBcuId: 'C', effectiveFrom: '2024-01-01' })).toEqual({
      plan: {
        close: { id: 'p2', effectiveTo: '2023-12-31' },
        open: { bcuId: 'C', effectiveFrom: '2024-01-01' },
      },
    })
  })

  it('starts a first membership with nothing to close', () => {
    expect(planReorganisation([], { toBcuId: 'C', effectiveFrom: '2019-02-01' })).toEqual({
      plan: { close: null, open: { bcuId: 'C', effectiveFrom: '2019-02-01' } },
    })
  })

  it.each(['2022-04-01', '2022-03-01', '2019-01-01'])('refuses to backdate a move to %s', (effectiveFrom) => {
    const result = planReorganisation(periods, { toBcuId: 'C', effectiveFrom })
    expect(result).toMatchObject({ errors: [{ field: 'effectiveFrom' }] })
  })

  it('refuses a move into the BCU the borough is already in', () => {
    expect(planReorganisation(periods, { toBcuId: 'B', effectiveFrom: '2024-01-01' })).toMatchObject({
      errors: [{ field: 'toBcuId' }],
    })
  })

  it('refuses a start inside a closed final period', () => {
    const closed = [{ id: 'p1', bcuId: 'A', effectiveFrom: '2019-02-01', effectiveTo: '2020-12-31' }]
    expect(planReorganisation(closed, { toBcuId: 'B', effectiveFrom: '2020-06-01' })).toMatchObject({
      errors: [{ field: 'effectiveFrom' }],
    })
    expect(planReorganisation(closed, { toBcuId: 'A', effectiveFrom: '2021-01-01' })).toMatchObject({
      plan: { close: null },
    })
  })
})

describe('calendar days', () => {
  it('takes the London day of an instant', () => {
    expect(londonDate(new Date('2024-06-30T23:30:00Z'))).toBe('2024-07-01')
    expect(londonDate(new Date('2024-12-31T23:30:00Z'))).toBe('2024-12-31')
  })
  it('adds days across months and leap years', () => {
    expect(addDays('2024-03-01', -1)).toBe('2024-02-29')
    expect(addDays('2023-12-31', 1)).toBe('2024-01-01')
  })
})

describe('validation names the field', () => {
  const team = {
    name: 'Camden MASH',
    kind: 'mash',
    boroughId: null,
    bcuId: null,
    capacity: 12,
    reviewCadenceDays: 28,
    active: true,
  }
  it('accepts a good team and names each bad field', () => {
    expect(validateTeam(team)).toEqual([])
    expect(
      validateTeam({
        ...team,
        name: ' ',
        kind: 'x',
        boroughId: 'b',
        bcuId: 'c',
        capacity: 0,
        reviewCadenceDays: 400,
      })
        .map((e) => e.field)
        .sort(),
    ).toEqual(['boroughId', 'capacity', 'kind', 'name', 'reviewCadenceDays'])
  })
  it('checks staff', () => {
    const staff = {
      staffNumber: '123456',
      name: 'Alex Smith',
      rank: 'sergeant',
      role: 'DS',
      teamId: null,
      startDate: '2020-01-01',
      active: true,
    }
    expect(validateStaff(staff, '2024-01-01')).toEqual([])
    expect(
      validateStaff(
        { ...staff, staffNumber: '12 34', rank: 'general', startDate: '2020-02-30' },
        '2024-01-01',
      ).map((e) => e.field),
    ).toEqual(['staffNumber', 'rank', 'startDate'])
  })
  it('checks training', () => {
    expect(validateTraining({ course: 'abe_interviewing', completedOn: '2023-05-05' }, '2024-01-01')).toEqual(
      [],
    )
    expect(
      validateTraining({ course: 'abe', completedOn: '2025-01-01' }, '2024-01-01').map((e) => e.field),
    ).toEqual(['course', 'completedOn'])
  })
  it('lists only the fields that changed', () => {
    expect(changedFields({ a: 1, b: 'x', c: null }, { a: 1, b: 'y', c: null })).toEqual({ b: ['x', 'y'] })
  })
})

describe('GOV.UK date input', () => {
  const parse = (day: string, month: string, year: string, required = true) =>
    parseDateInput({ 'd-day': day, 'd-month': month, 'd-year': year }, 'd', { label: 'Start date', required })

  it.each([
    ['1', '2', '2019', '2019-02-01'],
    ['29', '2', '2024', '2024-02-29'],
    [' 07 ', '12', '2020', '2020-12-07'],
    ['3', 'March', '2021', '2021-03-03'],
    ['3', 'mar', '2021', '2021-03-03'],
  ])('reads %s/%s/%s', (d, m, y, value) => {
    expect(parse(d, m, y)).toMatchObject({ value, error: null })
  })

  it.each([
    ['', '', '', 'Enter start date', ['day', 'month', 'year']],
    ['', '2', '2020', 'Start date must include a day', ['day']],
    ['', '', '2020', 'Start date must include a day and month', ['day', 'month']],
    ['29', '2', '2023', 'Start date must be a real date', ['day', 'month', 'year']],
    ['x', '2', '2023', 'Start date must be a real date', ['day']],
    ['1', '13', '2023', 'Start date must be a real date', ['day', 'month', 'year']],
    ['1', 'Marchx', '2023', 'Start date must be a real date', ['month']],
    ['1', '2', '23', 'Year must include 4 numbers', ['year']],
  ])('refuses %s/%s/%s: %s', (d, m, y, error, parts) => {
    expect(parse(d, m, y)).toMatchObject({ value: null, error, errorParts: parts })
  })

  it('lets an optional date be empty', () => {
    expect(parse('', '', '', false)).toMatchObject({ value: null, error: null })
  })
})
