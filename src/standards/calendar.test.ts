import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, expect, it } from 'vitest'
import { londonInstant, londonParts } from '../platform/time.ts'
import {
  easterSunday,
  englandAndWalesBankHolidays,
  loadWorkingDayCalendar,
  parseBankHolidayFile,
  workingDayCalendar,
} from './calendar.ts'

const calendar = workingDayCalendar()
const at = (iso: string) => new Date(iso)

describe('England and Wales bank holidays', () => {
  it.each([
    [
      2015,
      [
        '2015-01-01',
        '2015-04-03',
        '2015-04-06',
        '2015-05-04',
        '2015-05-25',
        '2015-08-31',
        '2015-12-25',
        '2015-12-28',
      ],
    ],
    [
      2016,
      [
        '2016-01-01',
        '2016-03-25',
        '2016-03-28',
        '2016-05-02',
        '2016-05-30',
        '2016-08-29',
        '2016-12-26',
        '2016-12-27',
      ],
    ],
    [
      2020,
      [
        '2020-01-01',
        '2020-04-10',
        '2020-04-13',
        '2020-05-08',
        '2020-05-25',
        '2020-08-31',
        '2020-12-25',
        '2020-12-28',
      ],
    ],
    [
      2021,
      [
        '2021-01-01',
        '2021-04-02',
        '2021-04-05',
        '2021-05-03',
        '2021-05-31',
        '2021-08-30',
        '2021-12-27',
        '2021-12-28',
      ],
    ],
    [
      2022,
      [
        '2022-01-03',
        '2022-04-15',
        '2022-04-18',
        '2022-05-02',
        '2022-06-02',
        '2022-06-03',
        '2022-08-29',
        '2022-09-19',
        '2022-12-26',
        '2022-12-27',
      ],
    ],
    [
      2023,
      [
        '2023-01-02',
        '2023-04-07',
        '2023-04-10',
        '2023-05-01',
        '2023-05-08',
        '2023-05-29',
        '2023-08-28',
        '2023-12-25',
        '2023-12-26',
      ],
    ],
    [
      2024,
      [
        '2024-01-01',
        '2024-03-29',
        '2024-04-01',
        '2024-05-06',
        '2024-05-27',
        '2024-08-26',
        '2024-12-25',
        '2024-12-26',
      ],
    ],
    [
      2025,
      [
        '2025-01-01',
        '2025-04-18',
        '2025-04-21',
        '2025-05-05',
        '2025-05-26',
        '2025-08-25',
        '2025-12-25',
        '2025-12-26',
      ],
    ],
    [
      2026,
      [
        '2026-01-01',
        '2026-04-03',
        '2026-04-06',
        '2026-05-04',
        '2026-05-25',
        '2026-08-31',
        '2026-12-25',
        '2026-12-28',
      ],
    ],
    [
      2027,
      [
        '2027-01-01',
        '2027-03-26',
        '2027-03-29',
        '2027-05-03',
        '2027-05-31',
        '2027-08-30',
        '2027-12-27',
        '2027-12-28',
      ],
    ],
  ])('%i', (year, expected) => {
    expect(englandAndWalesBankHolidays(year)).toEqual(expected)
  })

  it('knows the one-offs before the built-in range', () => {
    expect(calendar.isBankHoliday('2011-04-29')).toBe(true)
    expect(calendar.isBankHoliday('2012-06-04')).toBe(true)
    expect(calendar.isBankHoliday('2012-06-05')).toBe(true)
    expect(calendar.isBankHoliday('2012-05-28')).toBe(false)
  })

  it('computes Easter', () => {
    expect(['2018', '2019', '2030', '2038'].map((y) => easterSunday(Number(y)))).toEqual([
      '2018-04-01',
      '2019-04-21',
      '2030-04-21',
      '2038-04-25',
    ])
  })

  it('has eight or more holidays, none at a weekend, in every built-in year', () => {
    for (let year = 2015; year <= 2030; year++) {
      const days = englandAndWalesBankHolidays(year)
      expect(days.length).toBeGreaterThanOrEqual(8)
      for (const day of days) expect([0, 6]).not.toContain(new Date(`${day}T12:00:00Z`).getUTCDay())
    }
  })
})

describe('addWorkingDays', () => {
  it.each([
    ['Monday to Tuesday', '2024-03-04T10:00:00Z', 1, '2024-03-05T10:00:00Z'],
    ['Friday to Monday', '2024-03-08T16:00:00Z', 1, '2024-03-11T16:00:00Z'],
    ['Saturday counts from the next working day', '2024-03-09T10:00:00Z', 1, '2024-03-11T10:00:00Z'],
    ['Sunday too', '2024-03-10T23:30:00Z', 1, '2024-03-11T23:30:00Z'],
    ['over Easter (Good Friday and Easter Monday)', '2024-03-28T09:00:00Z', 1, '2024-04-02T08:00:00Z'],
    ['Christmas and Boxing Day', '2024-12-24T09:00:00Z', 1, '2024-12-27T09:00:00Z'],
    ['Christmas to New Year', '2024-12-24T09:00:00Z', 4, '2025-01-02T09:00:00Z'],
    ['substitute days after a Saturday Christmas', '2021-12-24T12:00:00Z', 1, '2021-12-29T12:00:00Z'],
    ['New Year substitute Monday', '2022-12-30T10:00:00Z', 1, '2023-01-03T10:00:00Z'],
    ['zero is the same instant', '2024-03-09T10:00:00Z', 0, '2024-03-09T10:00:00Z'],
    [
      '15 working days (conference) over the early May holiday',
      '2024-04-22T10:00:00Z',
      15,
      '2024-05-14T10:00:00Z',
    ],
    ['the 2022 jubilee pair', '2022-06-01T10:00:00Z', 1, '2022-06-06T10:00:00Z'],
  ])('%s', (_name, from, n, expected) => {
    expect(calendar.addWorkingDays(at(from), n).toISOString()).toBe(new Date(expected).toISOString())
  })

  it('keeps the London clock time across the change to BST (Friday 09:00 GMT to Monday 09:00 BST)', () => {
    // 2024-03-29 is Good Friday; clocks go forward on Sunday 31 March.
    const thursday = londonInstant('2024-03-28', '09:00')
    const result = calendar.addWorkingDays(thursday, 1)
    expect(londonParts(result)).toEqual({ date: '2024-04-02', time: '09:00:00.000' })
    expect(result.toISOString()).toBe('2024-04-02T08:00:00.000Z')
  })

  it('keeps the London clock time across the change back to GMT', () => {
    const friday = londonInstant('2024-10-25', '17:30')
    expect(friday.toISOString()).toBe('2024-10-25T16:30:00.000Z')
    expect(calendar.addWorkingDays(friday, 1).toISOString()).toBe('2024-10-28T17:30:00.000Z')
  })

  it('uses the London date, not the UTC date, near midnight in summer', () => {
    // 23:30 UTC on Friday 7 June is 00:30 BST on Saturday 8 June: the next working day is Monday.
    const result = calendar.addWorkingDays(at('2024-06-07T23:30:00Z'), 1)
    expect(londonParts(result)).toEqual({ date: '2024-06-10', time: '00:30:00.000' })
  })

  it('refuses negative or fractional counts', () => {
    expect(() => calendar.addWorkingDays(at('2024-01-01T00:00:00Z'), -1)).toThrow(RangeError)
    expect(() => calendar.addWorkingDays(at('2024-01-01T00:00:00Z'), 1.5)).toThrow(RangeError)
  })

  it('counts working days between two instants', () => {
    expect(calendar.workingDaysBetween(at('2024-12-24T09:00:00Z'), at('2025-01-02T09:00:00Z'))).toBe(4)
    expect(calendar.workingDaysBetween(at('2024-03-08T09:00:00Z'), at('2024-03-08T18:00:00Z'))).toBe(0)
  })
})

describe('bank holiday override file', () => {
  it('replaces the dates of the years it names and keeps the rest', () => {
    const custom = workingDayCalendar(['2024-03-11'])
    expect(custom.isBankHoliday('2024-03-11')).toBe(true)
    expect(custom.isBankHoliday('2024-12-25')).toBe(false)
    expect(custom.isBankHoliday('2025-12-25')).toBe(true)
    expect(custom.addWorkingDays(at('2024-03-08T10:00:00Z'), 1).toISOString()).toBe(
      '2024-03-12T10:00:00.000Z',
    )
  })

  it('reads a list or the GOV.UK format, and names a bad entry', () => {
    expect(parseBankHolidayFile('["2030-01-01"]')).toEqual(['2030-01-01'])
    expect(
      parseBankHolidayFile(
        '{"england-and-wales":{"division":"england-and-wales","events":[{"title":"x","date":"2030-12-25"}]}}',
      ),
    ).toEqual(['2030-12-25'])
    expect(() => parseBankHolidayFile('["2030-02-30"]', 'f.json')).toThrow('f.json: entry 1 is not a date')
    expect(() => parseBankHolidayFile('{', 'f.json')).toThrow('f.json: not valid JSON')
  })

  it('is loaded from KESTREL_BANK_HOLIDAYS_FILE', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'kestrel-bh-')), 'bh.json')
    fs.writeFileSync(file, JSON.stringify(['2031-06-02']))
    expect(loadWorkingDayCalendar(file).isBankHoliday('2031-06-02')).toBe(true)
    expect(() => loadWorkingDayCalendar(`${file}.missing`)).toThrow('ENOENT')
  })
})
