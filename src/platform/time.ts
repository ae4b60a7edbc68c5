/**
 * Time arithmetic every module shares: London calendar days and wall-clock times, local-date arithmetic,
 * ages, ISO checks and the median. Pure functions; "now" comes from the Clock (clock.ts), never from here.
 *
 * - A local date is a calendar date in Europe/London, written 'YYYY-MM-DD', as PostgreSQL returns `date`
 *   columns. Local-date arithmetic works on UTC midnights, which have no clock changes.
 * - Ages, flags and "today" change at London midnight, whatever the server's zone.
 * - Elapsed time (addHours) is real time: 6 hours across the change to BST is still 6 hours, though the
 *   wall clock moves by 7. Calendar days at an instant (addLondonDays) keep the wall-clock time instead.
 */

/** A calendar date, 'YYYY-MM-DD'. */
export type LocalDate = string

const isoDatePattern = /^\d{4}-\d{2}-\d{2}$/

// Parsed from text: Date.UTC reads the years 0 to 99 as 1900 to 1999.
const earliestStorable = Date.parse('0001-01-01T00:00:00.000Z')
const latestStorable = Date.parse('9999-12-31T23:59:59.999Z')

/**
 * The instants the database can store as Kestrel writes them: years 1 to 9999 in UTC. PostgreSQL has no
 * year 0 (ISO 8601's 0000 is its 1 BC), and the embedded one reads a Date as its ISO text, which before
 * year 0 or after 9999 has six digits and a sign; either is "date/time field value out of range".
 */
export function isStorableInstant(instant: Date): boolean {
  const time = instant.getTime()
  return time >= earliestStorable && time <= latestStorable
}

/**
 * The instants Kestrel takes in (time-schemas.ts): 1900 to 2999. Nothing a record here describes lies
 * outside them (a date of birth is from 1900), and they stay far from what can be stored, so the dates a
 * rule or a due date computes from them (a year's look-back, a cadence of years) can be stored too.
 */
export const earliestAccepted = '1900-01-01'
export const latestAccepted = '2999-12-31'

export function isAcceptedInstant(instant: Date): boolean {
  const time = instant.getTime()
  return time >= Date.UTC(1900, 0, 1) && time < Date.UTC(3000, 0, 1)
}

/** A real calendar date written 'YYYY-MM-DD' (so not '2023-02-29'), from 0001-01-01 (there is no year 0). */
export function isIsoDate(value: unknown): value is LocalDate {
  if (typeof value !== 'string' || !isoDatePattern.test(value)) return false
  const date = new Date(`${value}T00:00:00Z`)
  return isStorableInstant(date) && date.toISOString().slice(0, 10) === value
}

const isoInstantPattern = /^(\d{4}-\d{2}-\d{2})T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/

/** A real instant written in ISO 8601 with its offset ('2024-06-01T10:00:00Z', '…+01:00'), storable. */
export function isIsoInstant(value: unknown): value is string {
  if (typeof value !== 'string') return false
  const match = isoInstantPattern.exec(value)
  if (!match || !isIsoDate(match[1])) return false
  const [hours, minutes, seconds] = value.slice(11, 19).split(':').map(Number) as [number, number, number?]
  if (hours > 23 || minutes > 59 || (seconds ?? 0) > 59) return false
  return isStorableInstant(new Date(value))
}

// ---------- local dates ----------

/** The date n calendar days after `date` (before, for negative n). */
export function addDays(date: LocalDate, n: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  return new Date(Date.UTC(y, m - 1, d) + n * 86_400_000).toISOString().slice(0, 10)
}

/** 0 Sunday .. 6 Saturday. */
export function weekday(date: LocalDate): number {
  return new Date(`${date}T00:00:00Z`).getUTCDay()
}

/** Whole years between a date of birth and a day; a 29 February birthday falls on 1 March in other years. */
export function ageOn(dateOfBirth: LocalDate, day: LocalDate): number {
  const [by, bm, bd] = dateOfBirth.split('-').map(Number) as [number, number, number]
  const [y, m, d] = day.split('-').map(Number) as [number, number, number]
  let age = y - by
  if (m < bm || (m === bm && d < bd)) age--
  return age
}

// ---------- Europe/London instants ----------

const londonFormat = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/London',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
  hourCycle: 'h23',
})

/** An instant's Europe/London date and clock time ('HH:MM:SS.mmm'). */
export function londonParts(instant: Date): { date: LocalDate; time: string } {
  const parts = Object.fromEntries(londonFormat.formatToParts(instant).map((p) => [p.type, p.value]))
  const ms = String(instant.getUTCMilliseconds()).padStart(3, '0')
  return {
    date: `${parts.year}-${parts.month}-${parts.day}`,
    time: `${parts.hour}:${parts.minute}:${parts.second}.${ms}`,
  }
}

/** The London calendar day of an instant: a 23:30 UTC instant in summer is already tomorrow. */
export function londonDate(instant: Date): LocalDate {
  return londonParts(instant).date
}

/** The London wall-clock time of an instant, 'HH:MM'. */
export function londonTime(instant: Date): string {
  return londonParts(instant).time.slice(0, 5)
}

/**
 * The instant at which Europe/London reads `date` `time` ('HH:MM', 'HH:MM:SS' or 'HH:MM:SS.mmm'; midnight
 * when left out). A time in the spring gap moves forward by the hour lost (01:30 becomes 02:30 BST); a time
 * in the autumn overlap is its first (BST) occurrence. Throws a RangeError for text that is no date or time.
 */
export function londonInstant(date: LocalDate, time = '00:00:00.000'): Date {
  const full = time.length === 5 ? `${time}:00` : time
  const asUtc = Date.parse(`${date}T${full}Z`)
  if (Number.isNaN(asUtc)) throw new RangeError(`not a date and time: ${date} ${time}`)
  // Europe/London is UTC+0 or UTC+1: try both and keep the one that reads back as asked.
  for (const offsetHours of [1, 0]) {
    const candidate = new Date(asUtc - offsetHours * 3_600_000)
    const back = londonParts(candidate)
    if (back.date === date && back.time.slice(0, 8) === full.slice(0, 8)) return candidate
  }
  return new Date(asUtc)
}

/**
 * The instant a date typed without a time stands for: midday in London (the day is what counts, and midday
 * stays on it whatever the clock change), or now when the date is today and midday has not come yet, so a
 * record of something done today is never refused as "in the future" in the morning.
 */
export function instantOfDay(date: LocalDate, now: Date): Date {
  const midday = londonInstant(date, '12:00')
  return midday > now && londonDate(now) === date ? now : midday
}

/**
 * The date `months` calendar months later, the last day of the month where the day does not exist (31
 * January plus one month is 28 or 29 February): as PostgreSQL adds months to a date.
 */
export function addMonths(date: LocalDate, months: number): LocalDate {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number]
  const index = y * 12 + (m - 1) + months
  const year = Math.floor(index / 12)
  const month = index - year * 12 + 1
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate()
  const pad = (n: number, w = 2) => String(n).padStart(w, '0')
  return `${pad(year, 4)}-${pad(month)}-${pad(Math.min(d, lastDay))}`
}

/** Elapsed hours (PACE clocks run in real hours). */
export function addHours(instant: Date, hours: number): Date {
  return new Date(instant.getTime() + hours * 3_600_000)
}

/** Calendar days in Europe/London: the same clock time n dates later (so 1 day across a clock change is 23 or 25 hours). */
export function addLondonDays(instant: Date, n: number): Date {
  const local = londonParts(instant)
  return londonInstant(addDays(local.date, n), local.time)
}

// ---------- durations as people read them ----------

const minuteMs = 60_000
const hourMs = 3_600_000
const dayMs = 24 * hourMs

/** Whole hours and minutes, for a clock people read: "5 h 59 min", "−0 h 01 min" when overdue. */
export function formatDuration(ms: number): string {
  const sign = ms < 0 ? '−' : ''
  const minutes = Math.floor(Math.abs(ms) / minuteMs)
  return `${sign}${Math.floor(minutes / 60)} h ${String(minutes % 60).padStart(2, '0')} min`
}

/**
 * A length of time a person weighs at a glance: hours and minutes up to 48 hours ("47 h 59 min"), whole
 * days after it ("2 days", "361 days"), so a year-old wait never reads "Hours waiting 8678".
 */
export function formatSpan(ms: number): string {
  const span = Math.abs(ms)
  if (span < 48 * hourMs) return formatDuration(span)
  const days = Math.floor(span / dayMs)
  return `${days} days`
}

/**
 * A due time as the custody page shows it: "4 h 52 min left" before it, "Overdue by 1 h 30 min" from it
 * (in days past 48 hours either way); `soon` within the hour before it.
 */
export function countdown(dueAt: Date, now: Date): { text: string; overdue: boolean; soon: boolean } {
  const left = dueAt.getTime() - now.getTime()
  const overdue = left <= 0
  return {
    text: overdue ? `Overdue by ${formatSpan(left)}` : `${formatSpan(left)} left`,
    overdue,
    soon: !overdue && left <= hourMs,
  }
}

// ---------- statistics ----------

/** The median of a list of numbers; null when empty. */
export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const mid = Math.floor(sorted.length / 2)
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2
}
