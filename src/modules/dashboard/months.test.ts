import { describe, expect, it } from 'vitest'
import { changeOf, formatFigure } from './figures.ts'
import {
  isMonth,
  lastCompleteMonth,
  monthLabel,
  monthOf,
  monthsEnding,
  periodOf,
  plusMonths,
} from './months.ts'

describe('months in London', () => {
  it('takes a month from London midnight to London midnight, in winter and in summer', () => {
    expect(periodOf('2018-01')).toEqual({
      from: new Date('2018-01-01T00:00:00Z'),
      until: new Date('2018-02-01T00:00:00Z'),
    })
    // June in British Summer Time: midnight in London is 23:00 the day before in UTC.
    expect(periodOf('2018-06')).toEqual({
      from: new Date('2018-05-31T23:00:00Z'),
      until: new Date('2018-06-30T23:00:00Z'),
    })
  })

  it('finds the month of an instant in London, and the last complete one', () => {
    // 23:30 UTC on 31 May is 00:30 on 1 June in London.
    expect(monthOf(new Date('2018-05-31T23:30:00Z'))).toBe('2018-06')
    expect(lastCompleteMonth(new Date('2018-05-31T23:30:00Z'))).toBe('2018-05')
    expect(lastCompleteMonth(new Date('2018-01-15T12:00:00Z'))).toBe('2017-12')
  })

  it('counts months across years and lists them oldest first', () => {
    expect(plusMonths('2018-01', -1)).toBe('2017-12')
    expect(plusMonths('2017-12', 13)).toBe('2019-01')
    expect(monthsEnding('2018-02', 3)).toEqual(['2017-12', '2018-01', '2018-02'])
    expect(monthsEnding('2018-02', 24)).toHaveLength(24)
    expect(monthLabel('2018-03')).toBe('March 2018')
  })

  it('accepts only months Kestrel records', () => {
    for (const good of ['2018-01', '1900-12', '2999-06']) expect(isMonth(good)).toBe(true)
    for (const bad of ['2018-13', '2018-00', '2018-1', '18-01', '0000-01', '3000-01', '', 201801, null])
      expect(isMonth(bad)).toBe(false)
  })
})

describe('figures as a leader reads them', () => {
  it('formats each unit, and no data as such', () => {
    expect(formatFigure(0.8349, 'share')).toBe('83%')
    expect(formatFigure(1204, 'count')).toBe('1,204')
    expect(formatFigure(12.46, 'hours')).toBe('12.5 hours')
    expect(formatFigure(3, 'days')).toBe('3 days')
    expect(formatFigure(1.02, 'days')).toBe('1 day')
    expect(formatFigure(1, 'hours')).toBe('1 hour')
    expect(formatFigure(null, 'share')).toBe('No data')
  })

  it('says how a figure moved and whether that is better', () => {
    expect(changeOf(0.83, 0.8, 'share', true)).toEqual({ text: 'Up 3 points (better)', direction: 'better' })
    expect(changeOf(0.79, 0.8, 'share', true)).toEqual({ text: 'Down 1 point (worse)', direction: 'worse' })
    expect(changeOf(120, 100, 'count', false)).toEqual({ text: 'Up 20 (worse)', direction: 'worse' })
    expect(changeOf(10, 12.5, 'hours', false)).toEqual({
      text: 'Down 2.5 hours (better)',
      direction: 'better',
    })
    expect(changeOf(0.801, 0.8, 'share', true)).toEqual({ text: 'No change', direction: 'same' })
    expect(changeOf(null, 0.8, 'share', true)).toBeNull()
  })
})
