import { addMonths, londonDate, londonInstant } from '../../platform/time.ts'

/** A calendar month in London, as the dashboard reports by: `YYYY-MM`. */
export type Month = string

/** Is this a month Kestrel records (the years the time kernel stores, 1900 to 2999)? */
export function isMonth(value: unknown): value is Month {
  if (typeof value !== 'string' || !/^\d{4}-(0[1-9]|1[0-2])$/.test(value)) return false
  const year = Number(value.slice(0, 4))
  return year >= 1900 && year <= 2999
}

/** The month in London that holds an instant. */
export function monthOf(instant: Date): Month {
  return londonDate(instant).slice(0, 7)
}

export function plusMonths(month: Month, n: number): Month {
  return addMonths(`${month}-01`, n).slice(0, 7)
}

/** The month's instants [from, until): London midnight on its first day to London midnight on the next month's. */
export function periodOf(month: Month): { from: Date; until: Date } {
  return { from: londonInstant(`${month}-01`), until: londonInstant(`${plusMonths(month, 1)}-01`) }
}

/** The last month that has ended by `now`: the one a monthly report is of. */
export function lastCompleteMonth(now: Date): Month {
  return plusMonths(monthOf(now), -1)
}

/** `count` months ending with `last`, oldest first. */
export function monthsEnding(last: Month, count: number): Month[] {
  return Array.from({ length: count }, (_, i) => plusMonths(last, i - count + 1))
}

const labels = new Intl.DateTimeFormat('en-GB', { month: 'long', year: 'numeric', timeZone: 'UTC' })

/** "March 2018". */
export function monthLabel(month: Month): string {
  return labels.format(new Date(`${month}-01T12:00:00Z`))
}
