import fs from 'node:fs'
import { addDays, isIsoDate, type LocalDate, londonInstant, londonParts, weekday } from '../platform/time.ts'

/**
 * The working-day calendar: England and Wales bank holidays and the arithmetic rules use for "within N
 * working days". Pure functions over dates; the only I/O is reading an override file at start.
 *
 * Definitions (documented in docs/standards.md):
 * - A local date is a calendar date in Europe/London, written 'YYYY-MM-DD'.
 * - A working day is a local date that is Monday to Friday and not a bank holiday.
 * - addWorkingDays(instant, n) takes the instant's Europe/London date and clock time, moves to the nth
 *   working day strictly after that date, and returns the same clock time on that day. So Friday 16:00
 *   plus one working day is Monday 16:00 (or Tuesday 16:00 when Monday is a bank holiday), and Saturday
 *   10:00 plus one is Monday 10:00. Clocks change only on Sundays, so the result never falls in a gap or
 *   an overlap of Europe/London time.
 *
 * Local dates and London instants are the shared kernel's (src/platform/time.ts); this file adds only
 * the bank holidays and the working days.
 */

export interface WorkingDayCalendar {
  isBankHoliday(date: LocalDate): boolean
  isWorkingDay(date: LocalDate): boolean
  /** The bank holidays of one year, sorted. */
  bankHolidays(year: number): LocalDate[]
  addWorkingDays(instant: Date, n: number): Date
  /** Working days from the local date of `from` to the local date of `to`: 0 on the same day. */
  workingDaysBetween(from: Date, to: Date): number
}

function fromUtcDay(ms: number): LocalDate {
  return new Date(ms).toISOString().slice(0, 10)
}

function ymd(year: number, month: number, day: number): LocalDate {
  return fromUtcDay(Date.UTC(year, month - 1, day))
}

/** Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher). */
export function easterSunday(year: number): LocalDate {
  const a = year % 19
  const b = Math.floor(year / 100)
  const c = year % 100
  const d = Math.floor(b / 4)
  const e = b % 4
  const f = Math.floor((b + 8) / 25)
  const g = Math.floor((b - f + 1) / 3)
  const h = (19 * a + b - d - g + 15) % 30
  const i = Math.floor(c / 4)
  const k = c % 4
  const l = (32 + 2 * e + 2 * i - h - k) % 7
  const m = Math.floor((a + 11 * h + 22 * l) / 451)
  const month = Math.floor((h + l - 7 * m + 114) / 31)
  const day = ((h + l - 7 * m + 114) % 31) + 1
  return ymd(year, month, day)
}

function firstMonday(year: number, month: number): LocalDate {
  const first = ymd(year, month, 1)
  return addDays(first, (8 - weekday(first)) % 7)
}

function lastMonday(year: number, month: number): LocalDate {
  const last = fromUtcDay(Date.UTC(year, month, 0))
  return addDays(last, -((weekday(last) + 6) % 7))
}

/** Days moved by proclamation, and one-off holidays, in the years Kestrel knows about. */
const movedHolidays: Record<string, LocalDate> = {
  '2020-05-04': '2020-05-08', // early May moved to VE Day's 75th anniversary
  '2022-05-30': '2022-06-02', // spring moved for the Platinum Jubilee
  '2012-05-28': '2012-06-04', // spring moved for the Diamond Jubilee
}
const oneOffHolidays: LocalDate[] = [
  '2011-04-29', // royal wedding
  '2012-06-05', // Diamond Jubilee
  '2022-06-03', // Platinum Jubilee
  '2022-09-19', // state funeral of Queen Elizabeth II
  '2023-05-08', // coronation of King Charles III
]

/**
 * England and Wales bank holidays of a year under the Banking and Financial Dealings Act 1971 pattern and
 * the proclamations Kestrel knows of (built in for 2015-2030; other years follow the regular pattern).
 */
export function englandAndWalesBankHolidays(year: number): LocalDate[] {
  const days: LocalDate[] = []
  const newYear = ymd(year, 1, 1)
  const nyDay = weekday(newYear)
  days.push(nyDay === 6 ? ymd(year, 1, 3) : nyDay === 0 ? ymd(year, 1, 2) : newYear)
  const easter = easterSunday(year)
  days.push(addDays(easter, -2), addDays(easter, 1))
  days.push(firstMonday(year, 5), lastMonday(year, 5), lastMonday(year, 8))
  // Christmas and Boxing Day: a day that falls at the weekend is replaced by the next free weekday.
  const christmas = ymd(year, 12, 25)
  switch (weekday(christmas)) {
    case 5: // Friday: Boxing Day is Saturday, substituted on Monday 28th
      days.push(christmas, ymd(year, 12, 28))
      break
    case 6: // Saturday: both substituted, Monday 27th and Tuesday 28th
      days.push(ymd(year, 12, 27), ymd(year, 12, 28))
      break
    case 0: // Sunday: Boxing Day is Monday, Christmas substituted on Tuesday 27th
      days.push(ymd(year, 12, 26), ymd(year, 12, 27))
      break
    default:
      days.push(christmas, ymd(year, 12, 26))
  }
  const moved = days.map((d) => movedHolidays[d] ?? d)
  for (const extra of oneOffHolidays) if (extra.startsWith(`${year}-`)) moved.push(extra)
  return [...new Set(moved)].sort()
}

/**
 * Reads a bank-holiday file: a JSON list of 'YYYY-MM-DD' dates, or the GOV.UK bank-holidays.json shape
 * ({"england-and-wales": {"events": [{"date": ...}]}}). Throws a message naming the file and the bad entry.
 */
export function parseBankHolidayFile(text: string, fileName = 'bank holidays file'): LocalDate[] {
  let parsed: unknown
  try {
    parsed = JSON.parse(text)
  } catch (error) {
    throw new Error(`${fileName}: not valid JSON (${(error as Error).message})`)
  }
  let list: unknown = parsed
  if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) {
    const events = (parsed as Record<string, { events?: { date?: unknown }[] }>)['england-and-wales']?.events
    if (!Array.isArray(events)) {
      throw new Error(`${fileName}: expected a JSON list of dates or GOV.UK's bank-holidays.json`)
    }
    list = events.map((e) => e.date)
  }
  if (!Array.isArray(list)) throw new Error(`${fileName}: expected a JSON list of dates`)
  return list.map((value, index) => {
    if (!isIsoDate(value)) {
      throw new Error(
        `${fileName}: entry ${index + 1} is not a date like 2025-12-25: ${JSON.stringify(value)}`,
      )
    }
    return value
  })
}

/**
 * A calendar. Dates from an override replace the built-in dates for every year the override mentions;
 * years it does not mention keep the built-in rules (so a file with next year's announced dates is enough).
 */
export function workingDayCalendar(overrides?: readonly LocalDate[]): WorkingDayCalendar {
  const overrideByYear = new Map<number, LocalDate[]>()
  for (const date of overrides ?? []) {
    const year = Number(date.slice(0, 4))
    overrideByYear.set(year, [...(overrideByYear.get(year) ?? []), date])
  }
  const cache = new Map<number, Set<LocalDate>>()
  const holidaysOf = (year: number): Set<LocalDate> => {
    let set = cache.get(year)
    if (!set) {
      set = new Set(overrideByYear.get(year) ?? englandAndWalesBankHolidays(year))
      cache.set(year, set)
    }
    return set
  }
  const isBankHoliday = (date: LocalDate) => holidaysOf(Number(date.slice(0, 4))).has(date)
  const isWorkingDay = (date: LocalDate) => {
    const day = weekday(date)
    return day !== 0 && day !== 6 && !isBankHoliday(date)
  }
  return {
    isBankHoliday,
    isWorkingDay,
    bankHolidays: (year) => [...holidaysOf(year)].sort(),
    addWorkingDays(instant, n) {
      if (!Number.isInteger(n) || n < 0) throw new RangeError(`working days must be a whole number ≥ 0: ${n}`)
      if (n === 0) return new Date(instant)
      const local = londonParts(instant)
      let date = local.date
      let remaining = n
      while (remaining > 0) {
        date = addDays(date, 1)
        if (isWorkingDay(date)) remaining--
      }
      return londonInstant(date, local.time)
    },
    workingDaysBetween(from, to) {
      const start = londonParts(from).date
      const end = londonParts(to).date
      if (end <= start) return 0
      let count = 0
      for (let d = addDays(start, 1); d <= end; d = addDays(d, 1)) if (isWorkingDay(d)) count++
      return count
    },
  }
}

/** The calendar in force: built in, or overridden by KESTREL_BANK_HOLIDAYS_FILE. */
export function loadWorkingDayCalendar(bankHolidaysFile: string | undefined): WorkingDayCalendar {
  if (!bankHolidaysFile) return workingDayCalendar()
  let text: string
  try {
    text = fs.readFileSync(bankHolidaysFile, 'utf8')
  } catch (error) {
    throw new Error(
      `KESTREL_BANK_HOLIDAYS_FILE ${bankHolidaysFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`,
    )
  }
  return workingDayCalendar(parseBankHolidayFile(text, `KESTREL_BANK_HOLIDAYS_FILE ${bankHolidaysFile}`))
}
