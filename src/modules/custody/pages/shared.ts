import type { DateTimeParts } from '../../../platform/http/form-fields.ts'
import { londonDate, londonInstant, londonTime } from '../../../platform/time.ts'
import type { StandardsService } from '../../../standards/service.ts'
import type { ChildrenService } from '../../children/service.ts'
import { type DetentionClocks, formatDuration, hour } from '../custody.ts'
import type { CustodyService } from '../service.ts'

export const custodyPath = '/custody'

/** What the custody pages are built from (the module manifest passes the services). */
export interface CustodyPageDeps {
  custody: CustodyService
  standards: StandardsService
  clock: { now(): Date }
  /** The person index: recording a detention starts by finding the child. */
  children: ChildrenService
}

/** The boxes of a date and time input showing `now` in London, as a form about what just happened opens. */
export function nowParts(now: Date): DateTimeParts {
  const [year, month, day] = londonDate(now).split('-')
  return {
    day: String(Number(day)),
    month: String(Number(month)),
    year: year as string,
    time: londonTime(now),
  }
}

/** The instant a London wall-clock 'YYYY-MM-DDTHH:MM' (a dateTimeInput) names. */
export const instantOf = (local: string) => londonInstant(local.slice(0, 10), local.slice(11, 16))

/** The clocks as words for the pages: remaining time, waits and hours, server-rendered at request time. */
export function clockView(clocks: DetentionClocks, asOf: Date) {
  const deadline = clocks.nextDeadline
  return {
    inCustody: clocks.inCustody,
    deadline: deadline
      ? {
          label: deadline.label,
          at: deadline.at,
          remaining: formatDuration(deadline.remainingMs),
          overdue: deadline.remainingMs <= 0,
          soon: deadline.remainingMs > 0 && deadline.remainingMs <= hour,
        }
      : null,
    nextReviewDue: clocks.nextReviewDue,
    limit: clocks.limit,
    limitHours: { pace: clocks.params.limitHours, superintendent: clocks.params.extendedLimitHours },
    aaWait: clocks.aaWait
      ? { text: formatDuration(clocks.aaWait.hours * hour), waiting: clocks.aaWait.waiting }
      : null,
    sinceCharge: clocks.sinceCharge
      ? { text: formatDuration(clocks.sinceCharge.hours * hour), stillHeld: clocks.sinceCharge.stillHeld }
      : null,
    escalation: clocks.escalation
      ? {
          dueAt: clocks.escalation.dueAt,
          sinceRefusal: clocks.escalation.sinceRefusal,
          overdue: clocks.escalation.dueAt <= asOf,
          hours: clocks.params.escalationHours,
        }
      : null,
    adultAtCharge: clocks.adultAtCharge,
    adultAwaited: clocks.adultAwaited,
    reviews: clocks.reviews,
    asOf,
  }
}
