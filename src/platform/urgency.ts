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
