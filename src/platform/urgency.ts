import { type Expression, sql } from 'kysely'

/**
 * The one order of every queue and list of work: what needs doing soonest first. Work not yet due comes
 * first, soonest due first (it can still be done in time); then work already late, the most recently late
 * first (a breach of an hour ago is still being worked; one of a year ago has been looked at many times);
 * then work with no due time. Higher risk goes first among work equally urgent by those. Pure: the caller
 * says when "now" is.
 */

export interface Urgency {
  /** When the work is due; null when it has no due time. */
  dueAt: Date | null
  /** When it became late, if it has (a finding's breach); otherwise its due time once that has passed. */
  breachedAt?: Date | null
  /** How much is at stake: higher first. */
  risk?: number
}

/** 0 while not yet due, 1 once late, 2 with no due time; and the time to order by within each. */
function standing(item: Urgency, now: number): [number, number] {
  const breached = item.breachedAt ?? (item.dueAt && item.dueAt.getTime() <= now ? item.dueAt : null)
  if (breached && breached.getTime() <= now) return [1, -breached.getTime()]
  if (item.dueAt) return [0, item.dueAt.getTime()]
  return [2, 0]
}

/** A comparator putting what needs doing soonest first, as at `now`. */
export function byUrgency(now: Date): (a: Urgency, b: Urgency) => number {
  const at = now.getTime()
  return (a, b) => {
    const [groupA, timeA] = standing(a, at)
    const [groupB, timeB] = standing(b, at)
    return groupA - groupB || timeA - timeB || (b.risk ?? 0) - (a.risk ?? 0)
  }
}

/** `items` in order of urgency at `now`, each read through `urgencyOf`; ties keep their order. */
export function mostUrgentFirst<T>(items: readonly T[], now: Date, urgencyOf: (item: T) => Urgency): T[] {
  const compare = byUrgency(now)
  return items
    .map((item) => ({ item, urgency: urgencyOf(item) }))
    .sort((a, b) => compare(a.urgency, b.urgency))
    .map((x) => x.item)
}

/**
 * `byUrgency` as SQL order keys, for a list paged in the database (a supervisor's queue of tens of thousands
 * of findings cannot be read whole to sort a page): the same groups and times as `standing`, then risk.
 * Order by `group`, `soonest` ascending, `latest` descending, `risk` descending (each is null outside its
 * group, so it ties there). Tested against `byUrgency` row for row (urgency-sql.test.ts).
 */
export function urgencySql(
  columns: {
    dueAt: Expression<Date | null>
    breachedAt?: Expression<Date | null>
    risk?: Expression<number>
  },
  now: Date,
) {
  const { dueAt } = columns
  const lateSince = columns.breachedAt
    ? sql<Date | null>`coalesce(${columns.breachedAt}, case when ${dueAt} <= ${now} then ${dueAt} end)`
    : sql<Date | null>`case when ${dueAt} <= ${now} then ${dueAt} end`
  const group = sql<number>`case when ${lateSince} <= ${now} then 1 when ${dueAt} is not null then 0 else 2 end`
  return {
    group,
    soonest: sql<Date | null>`case when not (${lateSince} <= ${now}) or ${lateSince} is null then ${dueAt} end`,
    latest: sql<Date | null>`case when ${lateSince} <= ${now} then ${lateSince} end`,
    risk: columns.risk ? sql<number>`${columns.risk}` : sql<number>`0`,
  }
}
