import type { LocalDate } from '../../platform/time.ts'

const longDate = new Intl.DateTimeFormat('en-GB', {
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
})

/** A calendar day as an error message or a page says it: 1 November 2016. */
export const formatLongDate = (day: LocalDate) => longDate.format(new Date(`${day}T00:00:00Z`))
