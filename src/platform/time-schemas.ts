import { z } from 'zod'
import { earliestAccepted, isAcceptedInstant, latestAccepted } from './time.ts'

/**
 * The schemas for instants and days where they come in (API bodies and queries, service inputs). zod's ISO
 * checks take year 0000 and any offset, and `new Date` takes six-digit years, millisecond counts, and null
 * or false as 1970: the database cannot store some of these, and a rule or a due date computed from others
 * falls outside what it can store. Each schema here takes only the years Kestrel records (time.ts,
 * isAcceptedInstant), so the caller gets a 400 naming the field, not a 500 when a value is written.
 */

export const outOfRange = `must be between ${earliestAccepted} and ${latestAccepted}`

// A value the format check has already refused is left to its message: only a readable date is judged here.
const inRange = (value: string | Date) => {
  const date = value instanceof Date ? value : new Date(value)
  return Number.isNaN(date.getTime()) || isAcceptedInstant(date)
}

/** An ISO 8601 instant with its offset, kept as text: '2018-08-01T09:30:00Z', '2018-08-01T10:30:00+01:00'. */
export function isoInstant(message: string) {
  return z.iso.datetime({ offset: true, message }).refine(inRange, outOfRange)
}

/**
 * Text or a millisecond count that `new Date` reads, as a Date. Anything else (null, true, a list) is
 * refused with the message rather than read as 1 January 1970.
 */
export function coercedInstant(message: string) {
  return z
    .preprocess(
      (value) => (typeof value === 'string' || typeof value === 'number' ? new Date(value) : value),
      z.date({ message }),
    )
    .refine(inRange, outOfRange)
}

/** A calendar day, 'YYYY-MM-DD', kept as text. */
export function isoDay(message?: string) {
  return z.iso.date(message === undefined ? undefined : { message }).refine(inRange, outOfRange)
}
