import { describe, expect, it } from 'vitest'
import {
  addDays,
  addHours,
  addLondonDays,
  ageOn,
  countdown,
  formatSpan,
  instantOfDay,
  isAcceptedInstant,
  isIsoDate,
  isIsoInstant,
  isStorableInstant,
  londonDate,
  londonInstant,
  londonParts,
  londonTime,
  median,
  weekday,
} from './time.ts'

const at = (iso: string) => new Date(iso)

describe('isIsoDate', () => {
  it.each([
    ['2024-02-29', true],
    ['2023-02-28', true],
    ['2000-02-29', true],
    ['1999-12-31', true],
    ['2023-02-29', false],
    ['1900-02-29', false],
    ['2024-04-31', false],
    ['2024-13-01', false],
    ['2024-00-10', false],
    ['2024-01-00', false],
    ['2024-1-01', false],
    ['24-01-01', false],
    ['2024-01-01T00:00:00Z', false],
    // PostgreSQL has no year 0 (ISO 8601's 0000 is its 1 BC): such a date cannot be stored as written.
    ['0000-01-01', false],
    ['0000-02-29', false],
    ['0001-01-01', true],
    ['9999-12-31', true],
    [' 2024-01-01', false],
    ['', false],
    [20240101, false],
    [null, false],
    [undefined, false],
  ])('%s is %s', (value, expected) => {
    expect(isIsoDate(value)).toBe(expected)
  })
})

describe('isIsoInstant', () => {
  it.each([
    ['2024-06-01T10:00:00Z', true],
    ['2024-06-01T10:00:00.123Z', true],
    ['2024-06-01T10:00Z', true],
    ['2024-06-01T10:00:00+01:00', true],
    ['2024-06-01T23:59:59.999999-05:00', true],
    ['2024-02-29T12:00:00Z', true],
    ['0001-01-01T00:00:00Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    // Outside the years 1 to 9999 in UTC, though the text is inside them: the database cannot store it.
    ['0000-06-01T10:00:00Z', false],
    ['0001-01-01T00:00:00+01:00', false],
    ['9999-12-31T23:59:59-05:00', false],
    ['2023-02-29T12:00:00Z', false],
    ['2024-06-01T24:00:00Z', false],
    ['2024-06-01T10:60:00Z', false],
    ['2024-06-01T10:00:00', false],
    ['2024-06-01', false],
    ['2024-06-01 10:00:00Z', false],
    ['yesterday', false],
    [1717236000000, false],
    [null, false],
  ])('%s is %s', (value, expected) => {
    expect(isIsoInstant(value)).toBe(expected)
  })
})

describe('isStorableInstant', () => {
  it.each([
    ['0001-01-01T00:00:00.000Z', true],
    ['2024-06-01T10:00:00.000Z', true],
    ['9999-12-31T23:59:59.999Z', true],
    ['0000-12-31T23:59:59.999Z', false],
    ['+010000-01-01T00:00:00.000Z', false],
    ['-000001-01-01T00:00:00.000Z', false],
  ])('%s is %s', (iso, expected) => {
    expect(isStorableInstant(new Date(iso))).toBe(expected)
  })

  it('an invalid date and the extremes a millisecond count reaches are not', () => {
    expect(isStorableInstant(new Date(Number.NaN))).toBe(false)
    expect(isStorableInstant(new Date(8.64e15))).toBe(false)
    expect(isStorableInstant(new Date(-8.64e15))).toBe(false)
  })
})

describe('isAcceptedInstant', () => {
  it.each([
    ['1899-12-31T23:59:59.999Z', false],
    ['1900-01-01T00:00:00.000Z', true],
    ['2024-06-01T10:00:00.000Z', true],
    ['2999-12-31T23:59:59.999Z', true],
    ['3000-01-01T00:00:00.000Z', false],
    ['0001-01-01T00:00:00.000Z', false],
  ])('%s is %s', (iso, expected) => {
    expect(isAcceptedInstant(new Date(iso))).toBe(expected)
  })

  it('an invalid date is not', () => {
    expect(isAcceptedInstant(new Date(Number.NaN))).toBe(false)
  })
})

describe('addDays (local dates)', () => {
  it.each([
    ['2024-01-31', 1, '2024-02-01'],
    ['2024-02-28', 1, '2024-02-29'],
    ['2023-02-28', 1, '2023-03-01'],
    ['2024-12-31', 1, '2025-01-01'],
    ['2025-01-01', -1, '2024-12-31'],
    ['2024-03-30', 1, '2024-03-31'],
    ['2024-03-31', 1, '2024-04-01'],
    ['2024-10-27', 1, '2024-10-28'],
    ['2024-06-15', 0, '2024-06-15'],
    ['2024-01-01', 366, '2025-01-01'],
    ['2024-03-01', -366, '2023-03-01'],
  ])('%s + %i is %s', (date, n, expected) => {
    expect(addDays(date, n)).toBe(expected)
  })
})

describe('weekday', () => {
  it.each([
    ['2024-03-31', 0],
    ['2024-04-01', 1],
    ['2024-02-29', 4],
    ['2000-01-01', 6],
  ])('%s is day %i', (date, expected) => {
    expect(weekday(date)).toBe(expected)
  })
})

describe('ageOn', () => {
  it.each([
    ['2010-06-15', '2024-06-14', 13],
    ['2010-06-15', '2024-06-15', 14],
    ['2010-06-15', '2024-06-16', 14],
    ['2010-06-15', '2010-06-15', 0],
    ['2010-12-31', '2011-01-01', 0],
    ['2008-02-29', '2024-02-28', 15],
    ['2008-02-29', '2024-02-29', 16],
    ['2008-02-29', '2025-02-28', 16],
    ['2008-02-29', '2025-03-01', 17],
    ['2006-08-01', '2024-07-31', 17],
    ['2006-08-01', '2024-08-01', 18],
  ])('born %s is %i on %s', (dob, day, expected) => {
    expect(ageOn(dob, day)).toBe(expected)
  })
})

describe('London days and times', () => {
  it.each([
    ['2024-06-07T23:30:00Z', '2024-06-08', '00:30'],
    ['2024-06-07T22:59:59.999Z', '2024-06-07', '23:59'],
    ['2024-01-15T23:30:00Z', '2024-01-15', '23:30'],
    ['2024-01-16T00:00:00Z', '2024-01-16', '00:00'],
    ['2024-03-31T00:59:59Z', '2024-03-31', '00:59'],
    ['2024-03-31T01:00:00Z', '2024-03-31', '02:00'],
    ['2024-10-27T00:30:00Z', '2024-10-27', '01:30'],
    ['2024-10-27T01:30:00Z', '2024-10-27', '01:30'],
    ['2024-12-31T23:59:59Z', '2024-12-31', '23:59'],
  ])('%s is %s %s in London', (instant, date, time) => {
    expect(londonDate(at(instant))).toBe(date)
    expect(londonTime(at(instant))).toBe(time)
    expect(londonParts(at(instant)).date).toBe(date)
    expect(londonParts(at(instant)).time.slice(0, 5)).toBe(time)
  })

  it('keeps milliseconds in the parts', () => {
    expect(londonParts(at('2024-06-01T10:11:12.034Z'))).toEqual({ date: '2024-06-01', time: '11:11:12.034' })
  })
})

describe('londonInstant', () => {
  it.each([
    ['2024-01-15', '09:00', '2024-01-15T09:00:00.000Z'],
    ['2024-06-15', '09:00', '2024-06-15T08:00:00.000Z'],
    ['2024-06-15', '00:00', '2024-06-14T23:00:00.000Z'],
    ['2024-06-15', '12:34:56', '2024-06-15T11:34:56.000Z'],
    ['2024-06-15', '12:34:56.789', '2024-06-15T11:34:56.789Z'],
    ['2024-03-31', '00:30', '2024-03-31T00:30:00.000Z'],
    ['2024-03-31', '03:00', '2024-03-31T02:00:00.000Z'],
    // The spring gap: 01:30 does not exist and moves forward by the hour lost, to 02:30 BST.
    ['2024-03-31', '01:30', '2024-03-31T01:30:00.000Z'],
    // The autumn overlap: 01:30 happens twice; the first (BST) is meant.
    ['2024-10-27', '01:30', '2024-10-27T00:30:00.000Z'],
    ['2024-10-27', '02:30', '2024-10-27T02:30:00.000Z'],
  ])('%s %s in London is %s', (date, time, expected) => {
    expect(londonInstant(date, time).toISOString()).toBe(expected)
  })

  it('is midnight when no time is given', () => {
    expect(londonInstant('2024-03-01').toISOString()).toBe('2024-03-01T00:00:00.000Z')
    expect(londonInstant('2024-08-01').toISOString()).toBe('2024-07-31T23:00:00.000Z')
  })

  it('reads back as asked, for every hour of a year', () => {
    for (let day = '2024-01-01'; day < '2025-01-01'; day = addDays(day, 7))
      for (let hour = 0; hour < 24; hour += 5) {
        const time = `${String(hour).padStart(2, '0')}:15`
        const instant = londonInstant(day, time)
        if (day === '2024-03-31' && hour === 1) continue
        expect(`${londonDate(instant)} ${londonTime(instant)}`).toBe(`${day} ${time}`)
      }
  })

  it('refuses text that is no date or time', () => {
    expect(() => londonInstant('2024-13-01', '10:00')).toThrow(RangeError)
    expect(() => londonInstant('tomorrow', '10:00')).toThrow(RangeError)
    expect(() => londonInstant('2024-01-01', '25:00')).toThrow(RangeError)
  })
})

describe('addHours and addLondonDays', () => {
  it('adds elapsed hours across the change to BST', () => {
    const before = londonInstant('2024-03-30', '22:00')
    const after = addHours(before, 6)
    expect(londonParts(after)).toEqual({ date: '2024-03-31', time: '05:00:00.000' })
  })

  it.each([
    [0, '2024-06-01T10:00:00.000Z'],
    [1.5, '2024-06-01T11:30:00.000Z'],
    [-2, '2024-06-01T08:00:00.000Z'],
    [36, '2024-06-02T22:00:00.000Z'],
  ])('adds %s hours', (hours, expected) => {
    expect(addHours(at('2024-06-01T10:00:00Z'), hours).toISOString()).toBe(expected)
  })

  it('adds calendar days at the same London clock time', () => {
    expect(londonParts(addLondonDays(londonInstant('2024-03-30', '22:00'), 1))).toEqual({
      date: '2024-03-31',
      time: '22:00:00.000',
    })
    expect(
      addLondonDays(londonInstant('2024-10-26', '12:00'), 1).getTime() -
        londonInstant('2024-10-26', '12:00').getTime(),
    ).toBe(25 * 3_600_000)
    expect(
      addLondonDays(londonInstant('2024-03-30', '12:00'), 1).getTime() -
        londonInstant('2024-03-30', '12:00').getTime(),
    ).toBe(23 * 3_600_000)
    expect(addLondonDays(londonInstant('2024-06-10', '08:00'), -10).toISOString()).toBe(
      '2024-05-31T07:00:00.000Z',
    )
  })

  it('moves a time in the spring gap forward', () => {
    expect(londonInstant('2024-03-31', '01:30').toISOString()).toBe('2024-03-31T01:30:00.000Z')
  })
})

describe('median', () => {
  it.each([
    [[], null],
    [[5], 5],
    [[1, 3], 2],
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[10, 2, 38, 23, 38, 23, 21], 23],
    [[-5, 5], 0],
    [[0.5, 0.25], 0.375],
    [[100, 1, 10], 10],
  ])('of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected)
  })

  it('sorts numerically, not as text, and leaves its input alone', () => {
    const values = [10, 9, 100, 1]
    expect(median(values)).toBe(9.5)
    expect(values).toEqual([10, 9, 100, 1])
  })
})

describe('instantOfDay (a date typed without a time)', () => {
  it('is midday in London, or now when the date is today and midday has not come', () => {
    // Winter (GMT) and summer (BST), at 00:30 and 23:30 London time.
    expect(instantOfDay('2018-12-06', at('2018-12-06T00:30:00Z'))).toEqual(at('2018-12-06T00:30:00Z'))
    expect(instantOfDay('2018-12-06', at('2018-12-06T23:30:00Z'))).toEqual(at('2018-12-06T12:00:00Z'))
    expect(instantOfDay('2018-07-06', at('2018-07-05T23:30:00Z'))).toEqual(at('2018-07-05T23:30:00Z'))
    expect(instantOfDay('2018-07-06', at('2018-07-06T22:30:00Z'))).toEqual(at('2018-07-06T11:00:00Z'))
    // Another day is midday, before or after now.
    expect(instantOfDay('2018-07-01', at('2018-07-06T08:00:00Z'))).toEqual(at('2018-07-01T11:00:00Z'))
    expect(instantOfDay('2018-07-07', at('2018-07-06T08:00:00Z'))).toEqual(at('2018-07-07T11:00:00Z'))
  })
})

describe('durations as people read them', () => {
  const minute = 60_000
  const hour = 60 * minute
  it('hours and minutes up to 48 hours, whole days from 48 hours', () => {
    expect(formatSpan(8 * hour + 5 * minute)).toBe('8 h 05 min')
    expect(formatSpan(48 * hour - minute)).toBe('47 h 59 min')
    expect(formatSpan(48 * hour)).toBe('2 days')
    expect(formatSpan(8678 * hour)).toBe('361 days')
    expect(formatSpan(-3 * 24 * hour)).toBe('3 days')
  })

  it('counts down to a due time as the custody page does, overdue from the minute it is due', () => {
    const due = at('2026-12-06T12:00:00Z')
    expect(countdown(due, at('2026-12-06T07:08:00Z'))).toEqual({
      text: '4 h 52 min left',
      overdue: false,
      soon: false,
    })
    expect(countdown(due, at('2026-12-06T10:59:00Z')).soon).toBe(false)
    expect(countdown(due, at('2026-12-06T11:00:00Z'))).toEqual({
      text: '1 h 00 min left',
      overdue: false,
      soon: true,
    })
    expect(countdown(due, at('2026-12-06T11:59:00Z')).text).toBe('0 h 01 min left')
    expect(countdown(due, at('2026-12-06T12:00:00Z'))).toEqual({
      text: 'Overdue by 0 h 00 min',
      overdue: true,
      soon: false,
    })
    expect(countdown(due, at('2026-12-06T13:30:00Z')).text).toBe('Overdue by 1 h 30 min')
    expect(countdown(due, at('2026-12-16T13:30:00Z')).text).toBe('Overdue by 10 days')
  })
})
